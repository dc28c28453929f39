"""The boundary analysis of `rlvr analyze`, from Python: on sample files, or on samples
and counts held in memory. Returns the structure of summary.json (docs/FORMATS.md) as
Python objects: the same C++ pipeline and the same rendering as the command line."""
from __future__ import annotations

import json
import numbers
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core

__all__ = ["analyze"]

PathLike = Union[str, "os.PathLike[str]"]


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def _problem_id(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    raise TypeError(f"{where}: problem_id must be a str or an int, not {type(value).__name__}")


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where} must be an int, not {type(value).__name__}")
    return int(value)


class _Problem:
    __slots__ = ("n", "correct", "abstained", "answers")

    def __init__(self) -> None:
        self.n = 0
        self.correct = 0
        self.abstained = 0
        self.answers: Dict[str, List[int]] = {}


def _records(source: Any, where: str):
    """Records of an in-memory source: a sequence of dicts, or a dict of columns."""
    if isinstance(source, Mapping):
        if "problem_id" not in source:
            raise ValueError(f"{where}: a dict of columns needs a 'problem_id' column")
        columns = {name: list(values) for name, values in source.items()}
        size = len(columns["problem_id"])
        for name, values in columns.items():
            if len(values) != size:
                raise ValueError(f"{where}: column '{name}' has {len(values)} values, 'problem_id' {size}")
        for i in range(size):
            yield f"{where}[{i}]", {name: values[i] for name, values in columns.items()}
        return
    for i, record in enumerate(source):
        if not isinstance(record, Mapping):
            raise TypeError(f"{where}[{i}] must be a dict, not {type(record).__name__}")
        yield f"{where}[{i}]", record


def _problems(source: Any, where: str) -> List[Tuple[str, int, int, int, List[Tuple[str, int, int]]]]:
    """Per-problem counts of one model's in-memory samples, merged like shards."""
    problems: Dict[str, _Problem] = {}
    for at, record in _records(source, where):
        if "problem_id" not in record:
            raise ValueError(f"{at}: missing 'problem_id'")
        if "correct" not in record:
            raise ValueError(f"{at}: missing 'correct'")
        p = problems.setdefault(_problem_id(record["problem_id"], at), _Problem())
        if "n" in record:  # a counts row: n samples, correct of them right
            n = _count(record["n"], f"{at}['n']")
            correct = _count(record["correct"], f"{at}['correct']")
            if n < 1 or not 0 <= correct <= n:
                raise ValueError(f"{at}: need n >= 1 and 0 <= correct <= n (n={n}, correct={correct})")
            p.n += n
            p.correct += correct
            continue
        correct = record["correct"]  # one sample
        if not isinstance(correct, (bool, np.bool_)):
            raise TypeError(f"{at}['correct'] must be a bool, not {type(correct).__name__}")
        correct = bool(correct)
        p.n += 1
        p.correct += correct
        if "answer" in record:
            answer = record["answer"]
            if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
                answer = str(int(answer))
            if answer is None or answer == "":
                p.abstained += 1
            elif isinstance(answer, str):
                tally = p.answers.setdefault(answer, [0, 0])
                tally[0] += 1
                tally[1] += correct
            else:
                raise TypeError(f"{at}['answer'] must be a str, an int or None, not {type(answer).__name__}")
    if not problems:
        raise ValueError(f"{where}: no samples")
    return [(pid, p.n, p.correct, p.abstained, [(a, t[0], t[1]) for a, t in p.answers.items()])
            for pid, p in problems.items()]


def analyze(models: Mapping[str, Any], *, baseline: Optional[str] = None, k: Optional[Sequence[int]] = None,
            bootstrap: int = 1000, seed: int = 0, ci_level: float = 0.95, maj_draws: int = 32, threads: int = 0,
            group_answers: str = "exact", cover_tau: Optional[Sequence[float]] = None, format: str = "auto",
            out: Optional[PathLike] = None) -> Dict[str, Any]:
    """Analyse several models' samples: pass@k and maj@k with bootstrap intervals,
    crossover k, Delta_SE, coverage and cover@tau (docs/METRICS.md). Returns
    summary.json as a dict.

    models maps a label to either
      - files: a path or a list of paths (reference rows, flat samples or counts, as
        `rlvr analyze --model LABEL=PATH,...` reads them; shards merge), or
      - in-memory samples: a list of dicts, each one sample {"problem_id", "correct":
        bool, "answer": optional str} or one problem's counts {"problem_id", "n",
        "correct": int}; or a dict of equally long columns with those names.
    All models must be given the same way. The options are those of `rlvr analyze`
    (baseline: default the first model; k: default powers of two up to the smallest n
    and that n; group_answers "exact" or "equivalent"; cover_tau: the accuracy
    thresholds of cover@tau, each in (0, 1], default 0.1, 0.3, 0.5, 0.7, 0.9; format for files: auto,
    reference, samples or counts). With out, summary.json and the CSV tables are also
    written into that folder. Bad files raise rlvr.InputError naming file, line and field.
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError("models must be a non-empty dict of label -> files or samples")
    options = dict(baseline=baseline or "", k=[int(x) for x in (k or [])], bootstrap=int(bootstrap), seed=int(seed),
                   ci_level=float(ci_level), maj_draws=int(maj_draws), threads=int(threads),
                   group_answers=group_answers, cover_tau=[float(t) for t in (cover_tau or [])],
                   out=os.fspath(out) if out is not None else "")
    labels = list(models)
    for label in labels:
        if not isinstance(label, str) or not label:
            raise TypeError(f"model labels must be non-empty str, not {label!r}")

    def files_of(source: Any) -> Optional[List[str]]:
        if _is_path(source):
            return [os.fspath(source)]
        if isinstance(source, (list, tuple)) and source and all(_is_path(s) for s in source):
            return [os.fspath(s) for s in source]
        return None

    files = [files_of(models[label]) for label in labels]
    if all(f is not None for f in files):
        text = _core.analyze_files(list(zip(labels, files)), format=format, **options)
    elif any(f is not None for f in files):
        raise TypeError("give every model as files or every model as in-memory samples, not a mix")
    else:
        counts = [(label, _problems(models[label], f"models[{label!r}]")) for label in labels]
        text = _core.analyze_counts(counts, **options)
    return json.loads(text)
