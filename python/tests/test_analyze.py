"""rlvr.analyze: the summary of `rlvr analyze`, on files and in memory."""
import json
import os
import random
import subprocess
from fractions import Fraction
from math import comb
from pathlib import Path

import numpy as np
import pytest

import rlvr

ROOT = Path(__file__).resolve().parents[2]


def make_samples(seed, problems=40, n=16, skill=0.4):
    """Flat samples with extracted answers: per problem a difficulty, right answers
    "p<i>" and a few distinct wrong ones, some samples without an answer."""
    rng = random.Random(seed)
    records = []
    for p in range(problems):
        p_right = min(1.0, max(0.0, skill + rng.uniform(-0.4, 0.4)))
        for s in range(n):
            right = rng.random() < p_right
            answer = f"{p}" if right else rng.choice([f"{p + 1}", f"{p + 2}", f"{2 * p + 7}", None])
            records.append({"problem_id": p, "sample_id": s, "correct": right, "answer": answer})
    return records


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture()
def files(tmp_path):
    base = write_jsonl(tmp_path / "base.jsonl", make_samples(1, skill=0.3))
    rl_a = write_jsonl(tmp_path / "rl_seed0.jsonl", make_samples(2, skill=0.55)[:320])
    rl_b = write_jsonl(tmp_path / "rl_seed1.jsonl", make_samples(2, skill=0.55)[320:])
    return base, rl_a, rl_b


def without_run(summary):
    return {key: value for key, value in summary.items() if key != "run"}


def independent_pass_at_k(records, ks):
    """Mean over problems of 1 - C(n-c, k)/C(n, k), in exact rationals."""
    counts = {}
    for r in records:
        n, c = counts.get(r["problem_id"], (0, 0))
        counts[r["problem_id"]] = (n + 1, c + r["correct"])
    out = {}
    for k in ks:
        total = sum(1 - Fraction(comb(n - c, k), comb(n, k)) for n, c in counts.values())
        out[str(k)] = float(total / len(counts))
    return out


def test_files_and_memory_give_the_same_summary(files):
    base, rl_a, rl_b = files
    on_files = rlvr.analyze({"base": base, "rl": [rl_a, rl_b]}, bootstrap=200, seed=5)
    records = {"base": make_samples(1, skill=0.3), "rl": make_samples(2, skill=0.55)}
    in_memory = rlvr.analyze(records, bootstrap=200, seed=5)
    assert on_files["models"]["rl"]["files"] == [str(rl_a), str(rl_b)]
    for summary in (on_files, in_memory):
        for m in summary["models"].values():
            m.pop("files")
    assert without_run(on_files) == without_run(in_memory)
    for label in records:
        expected = independent_pass_at_k(records[label], [1, 2, 4, 8, 16])
        assert in_memory["models"][label]["pass_at_k"] == pytest.approx(expected, rel=1e-12)
    assert in_memory["settings"]["k"] == [1, 2, 4, 8, 16]
    assert set(in_memory["models"]["base"]) >= {"maj_at_k", "pass_at_k_ci", "solved", "accuracy_histogram"}
    assert in_memory["comparisons"][0]["baseline"] == "base"


def test_counts_columns_and_numpy(tmp_path):
    rng = np.random.default_rng(3)
    n = np.full(50, 32)
    c_base = rng.integers(0, 33, size=50)
    c_rl = np.minimum(32, c_base + rng.integers(0, 5, size=50))
    ids = np.arange(50)
    summary = rlvr.analyze({"base": {"problem_id": ids, "n": n, "correct": c_base},
                            "rl": {"problem_id": ids, "n": n, "correct": c_rl}},
                           k=[1, 4, 32], bootstrap=0, out=tmp_path / "out")
    table = rlvr.passk.mean_pass_at_k(n, c_rl, [1, 4, 32])
    assert [summary["models"]["rl"]["pass_at_k"][k] for k in ("1", "4", "32")] == pytest.approx(table, rel=1e-12)
    assert "maj_at_k" not in summary["models"]["rl"]  # counts carry no answers
    written = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert without_run(written) == without_run(summary)
    assert (tmp_path / "out" / "pass_at_k.csv").exists()


def test_bad_input_names_file_line_and_field(tmp_path, files):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"problem_id": 1, "correct": true}\n{"problem_id": 2, "correct": "yes"}\n')
    with pytest.raises(rlvr.InputError) as caught:
        rlvr.analyze({"m": bad})
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(bad), 2, "correct")
    with pytest.raises(rlvr.Error, match="baseline"):
        rlvr.analyze({"a": files[0]}, baseline="nobody")
    with pytest.raises(rlvr.Error):
        rlvr.analyze({"a": files[0]}, k=[17])  # larger than n
    with pytest.raises(TypeError):
        rlvr.analyze({"a": [{"problem_id": 1, "correct": "yes"}]})
    with pytest.raises(ValueError):
        rlvr.analyze({"a": [{"problem_id": 1, "n": 2, "correct": 3}]})
    with pytest.raises(TypeError):
        rlvr.analyze({"a": files[0], "b": [{"problem_id": 1, "correct": True}]})
    with pytest.raises(ValueError):
        rlvr.analyze({"a": []})


def cli_path():
    return Path(os.environ.get("RLVR_CLI", ROOT / "build" / "rlvr"))


def test_equals_the_command_lines_summary_json(tmp_path, files):
    """The same files through `rlvr analyze` and through rlvr.analyze: the same
    summary.json (all but the run's program and timings) and byte-identical CSVs."""
    cli = cli_path()
    if not cli.exists():
        if os.environ.get("RLVR_REQUIRE_CLI") == "1":
            pytest.fail(f"{cli} is missing (RLVR_REQUIRE_CLI=1)")
        pytest.skip(f"no CLI at {cli}; set RLVR_CLI")
    base, rl_a, rl_b = files
    reference = tmp_path / "reference.jsonl"
    rows = {}
    for r in make_samples(9, skill=0.5):
        row = rows.setdefault(r["problem_id"], {"idx": r["problem_id"], "gt": "x", "pred": [], "score": []})
        row["pred"].append(r["answer"])
        row["score"].append(r["correct"])
    write_jsonl(reference, list(rows.values()))
    for group in ("exact", "equivalent"):
        cli_out, py_out = tmp_path / f"cli-{group}", tmp_path / f"py-{group}"
        subprocess.run([str(cli), "analyze", "--model", f"base={base}", "--model", f"rl={rl_a},{rl_b}",
                        "--model", f"ref={reference}", "--baseline", "rl", "--bootstrap", "300", "--seed", "11",
                        "--maj-draws", "16", "--group-answers", group, "--out", str(cli_out)],
                       check=True, stdout=subprocess.DEVNULL)
        from_cli = json.loads((cli_out / "summary.json").read_text())
        from_python = rlvr.analyze({"base": base, "rl": [rl_a, rl_b], "ref": reference}, baseline="rl",
                                   bootstrap=300, seed=11, maj_draws=16, group_answers=group, out=py_out)
        assert without_run(from_python) == without_run(from_cli)
        assert from_python["models"]["base"]["pass_at_k"] == from_cli["models"]["base"]["pass_at_k"]
        for csv in sorted(p.name for p in cli_out.glob("*.csv")):
            assert (py_out / csv).read_bytes() == (cli_out / csv).read_bytes(), csv
        assert sorted(p.name for p in cli_out.glob("*.csv")) == sorted(p.name for p in py_out.glob("*.csv"))


def test_cover_at_tau_thresholds_as_the_command_line(tmp_path, files):
    """cover@tau: the share of problems a model answers right at least a fraction tau
    of the time, at the thresholds asked for, as `rlvr analyze --cover-tau` gives it."""
    base, _, _ = files
    records = [json.loads(line) for line in base.read_text().splitlines()]
    summary = rlvr.analyze({"base": base}, cover_tau=[0.25, 0.5, 1.0], bootstrap=0)
    counts = {}
    for r in records:
        n, c = counts.get(r["problem_id"], (0, 0))
        counts[r["problem_id"]] = (n + 1, c + r["correct"])
    for tau in (0.25, 0.5, 1.0):
        expected = sum(c >= tau * n for n, c in counts.values()) / len(counts)
        assert summary["models"]["base"]["cover_at_tau"][f"{tau:g}"] == pytest.approx(expected, abs=1e-12)
    assert sorted(summary["models"]["base"]["cover_at_tau"]) == ["0.25", "0.5", "1"]
    with pytest.raises(ValueError, match="cover_tau"):
        rlvr.analyze({"base": base}, cover_tau=[0.0])
    cli = cli_path()
    if cli.exists():
        subprocess.run([str(cli), "analyze", "--model", f"base={base}", "--cover-tau", "0.25,0.5,1",
                        "--bootstrap", "0", "--out", str(tmp_path / "cli")], check=True, stdout=subprocess.DEVNULL)
        from_cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
        assert from_cli["models"]["base"]["cover_at_tau"] == summary["models"]["base"]["cover_at_tau"]
