"""rlvr.code: programs run in the real sandbox (the one `rlvr verify` uses)."""
import json
import time

import pytest

import rlvr
from rlvr import code

from conftest import ROOT


@pytest.fixture(scope="session")
def humaneval():
    return code.load_problems(ROOT / "data" / "benchmarks" / "humaneval" / "test.jsonl", "humaneval")


@pytest.fixture(scope="session")
def mbpp():
    return code.load_problems(ROOT / "data" / "benchmarks" / "mbpp" / "test.jsonl", "mbpp")


def mutate(problem):
    """A wrong solution: the canonical body, but the function returns None."""
    return "    return None\n" + problem["reference"]


def test_humaneval_canonical_solutions_pass_and_mutated_ones_fail(humaneval):
    assert len(humaneval) == 164
    results = code.run_many([p["reference"] for p in humaneval], humaneval)
    assert [r.label for r in results] == ["passed"] * 164
    assert all(r.passed and bool(r) and r.sandbox == "namespaces+seccomp" for r in results)
    mutated = code.run_many([mutate(p) for p in humaneval], humaneval)
    assert not any(r.passed for r in mutated)
    assert all(r.status in ("failed", "timeout") for r in mutated)
    assert sum(r.label == "failed:AssertionError" for r in mutated) > 140


def test_humaneval_whole_function_in_a_chat_answer(humaneval):
    p = next(p for p in humaneval if p["entry_point"] == "has_close_elements")
    answer = ("Sure! Here is the function:\n\n```python\nfrom typing import List\n\n"
              "def has_close_elements(numbers: List[float], threshold: float) -> bool:\n"
              "    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n"
              "```\n\nIt compares every pair once.")
    assert code.run(answer, p).label == "passed"
    # without the prompt the whole function alone is enough too
    assert code.run(answer, {"test": p["test"], "entry_point": p["entry_point"]}).passed
    wrong = answer.replace("< threshold", "> threshold")
    assert code.run(wrong, p).label == "failed:AssertionError"


def test_mbpp_references_pass_and_return_none_fails(mbpp):
    sample = [p for p in mbpp if p["id"] != "123"][:60]  # 123 takes seconds by itself
    results = code.run_many([p["reference"] for p in sample], sample, timeout=30)
    assert [r.label for r in results] == ["passed"] * len(sample)
    broken = [p["reference"].replace("return ", "return None and ", 1) for p in sample]
    assert sum(r.passed for r in code.run_many(broken, sample, timeout=30)) <= 3


def test_result_fields_and_failure_labels():
    r = code.run("print('hello')\nimport sys\nprint('oops', file=sys.stderr)\nassert 1 + 1 == 2")
    assert (r.passed, r.status, r.label, r.exception, r.stdout, r.error) == (True, "passed", "passed", "", "hello\n", "")
    assert "oops" in r.stderr and r.seconds > 0
    r = code.run("def f(x):\n    return x\n", "assert f(2) == 3")
    assert (r.passed, r.status, r.label, r.exception) == (False, "failed", "failed:AssertionError", "AssertionError")
    assert "AssertionError" in r.stderr and not bool(r)
    assert code.run("raise KeyError('k')").label == "failed:KeyError"
    assert code.run("import os\nos._exit(0)").label == "failed:Exit"  # leaving early is never a pass
    assert code.run("import sys\nsys.exit(0)").label == "failed:SystemExit"
    assert code.run("x = ' ' * (4 << 30)", memory_mb=256).status == "memory"
    assert code.run("while True:\n    print('x' * 10000)").status == "output_limit"
    crashed = code.run("import ctypes\nctypes.string_at(0)")
    assert (crashed.status, crashed.signal) == ("killed", 11)
    assert code.run("open('/etc/shadow').read()").label in ("failed:FileNotFoundError", "failed:PermissionError")
    assert "RunResult(label='passed'" in repr(code.run("pass"))


def test_a_looping_program_times_out_at_its_limit():
    start = time.monotonic()
    r = code.run("while True:\n    pass", timeout=1.5)
    took = time.monotonic() - start
    assert r.status == "timeout" and r.label == "timeout" and not r.passed
    assert 1.4 <= r.seconds < 6 and took < 10
    sleeper = code.run("import time\ntime.sleep(3600)", timeout=1)
    assert sleeper.status == "timeout" and sleeper.seconds < 6
    # the list form: one looping program does not hold up the others' results
    results = code.run_many(["while True: pass", "assert True", "import time\ntime.sleep(60)"], timeout=1.5)
    assert [r.status for r in results] == ["timeout", "passed", "timeout"]


def test_test_spec_forms():
    solution = "def add(a, b):\n    return a + b\n"
    assert code.run(solution, "assert add(1, 2) == 3").passed
    assert code.run(solution, ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]).passed
    assert not code.run(solution, ["assert add(1, 2) == 3", "assert add(1, 1) == 3"]).passed
    assert code.run(solution, {"test_list": ["assert add(1, 2) == 3"], "test_imports": ["import math"]}).passed
    assert code.run(solution, {"test": "def check(f):\n    assert f(2, 2) == 4\n", "entry_point": "add"}).passed
    # a HumanEval body continues the prompt
    prompt = "def add(a, b):\n    \"\"\"Adds.\"\"\"\n"
    spec = {"prompt": prompt, "test": "def check(f):\n    assert f(2, 2) == 4\n", "entry_point": "add"}
    assert code.run("    return a + b\n", spec).passed
    assert code.run("    return a - b\n", spec).label == "failed:AssertionError"
    # as JSON text, the way verl keeps ground truths
    assert code.run(solution, json.dumps({"test_list": ["assert add(1, 2) == 3"]})).passed
    assert "check(add)" in code.program("    return a + b\n", spec)


def test_standard_input_tests():
    spec = {"inputs": ["1 2\n", "10 -3\n", "5 5\n"], "outputs": ["3\n", "7", "10\n\n"]}
    right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    assert code.run(right, spec).passed
    fast_io = "import sys\na, b = map(int, sys.stdin.buffer.read().split())\nsys.stdout.write(str(a + b) + '\\n')"
    assert code.run(fast_io, spec).passed
    exits = "import sys\na, b = map(int, input().split())\nprint(a + b)\nsys.exit()"
    assert code.run(exits, spec).passed
    wrong = "a, b = map(int, input().split())\nprint(a - b)"
    r = code.run(wrong, spec)
    assert r.label == "failed:AssertionError" and "test 0" in r.stderr
    floats = {"inputs": ["2\n"], "outputs": ["0.3333333333\n"]}
    assert code.run("print(1 / (int(input()) + 1))", floats).passed
    assert not code.run("print(0.34)", floats).passed
    assert code.run(right, json.dumps(spec)).passed  # verl's codecontests/apps ground truth is a JSON str
    with pytest.raises(ValueError):
        code.run(right, {"inputs": ["1 2"], "outputs": []})


def test_call_based_tests():
    spec = {"fn_name": "twoSum", "inputs": [[[2, 7, 11, 15], 9], [[3, 2, 4], 6]], "outputs": [[[0, 1]], [[1, 2]]]}
    leetcode = ("class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n"
                "        for i, x in enumerate(nums):\n            if target - x in seen:\n"
                "                return [seen[target - x], i]\n            seen[x] = i\n")
    assert code.run(leetcode, spec).passed
    plain = "def twoSum(nums, target):\n    return next((i, j) for j in range(len(nums)) for i in range(j) if nums[i] + nums[j] == target)\n"
    assert code.run(plain, spec).passed  # a tuple result equals the list output
    assert code.run("def twoSum(nums, target):\n    return [0, 1]\n", spec).label == "failed:AssertionError"
    assert code.run("def other():\n    pass\n", spec).label == "failed:NameError"


def test_extract_reuses_the_code_rooms_rules():
    chat = "Let me think.\n```text\nnot code\n```\n```python\ndef f():\n    return 1\n```\nDone."
    assert code.extract(chat) == "def f():\n    return 1\n"
    assert code.extract("x = 1") == "x = 1"
    assert code.run(chat, "assert f() == 1").passed


def test_bad_inputs_raise_or_fail_never_crash():
    for bad in (None, b"assert True", 42, ["assert True"]):
        with pytest.raises(TypeError):
            code.run(bad)
    with pytest.raises(TypeError):
        code.run("pass", 42)
    with pytest.raises(ValueError):
        code.run("pass", {"unknown": 1})
    with pytest.raises(TypeError):
        code.run_many("assert True")
    with pytest.raises(ValueError):
        code.run_many(["pass", "pass"], ["assert True"])
    with pytest.raises(ValueError):
        code.run("pass", timeout=0)
    with pytest.raises(TypeError):
        code.run("pass", no_such_limit=1)
    # invalid UTF-8 (decoded with surrogateescape) is replaced, then run
    surrogate = b"x = 1\xff\nassert x == 1".decode("utf-8", "surrogateescape")
    assert code.run(surrogate).status == "failed"  # the replacement character is a syntax error
    assert code.run(b"# \xff\nassert 1 == 1".decode("utf-8", "surrogateescape")).passed
    assert code.run("assert '\\0' == chr(0)\x00").status == "failed"  # a NUL byte in the source
    huge = "x = 1\n" + "#" * (10 * 1024 * 1024) + "\nassert x == 1\n"
    r = code.run(huge, timeout=20)
    assert r.status in ("passed", "failed", "timeout", "memory")
    assert code.run("").passed  # an empty program has nothing that fails
    with pytest.raises(rlvr.InputError):
        code.load_problems(ROOT / "data" / "benchmarks" / "math500" / "test.jsonl", "humaneval")


def test_unsafe_no_sandbox_says_so():
    r = code.run("assert 1 + 1 == 2", unsafe_no_sandbox=True)
    assert r.passed and r.sandbox == "none"
    assert code.run("assert 1", fresh_interpreter=True).sandbox == "namespaces+seccomp"


def test_labels_equal_rlvr_verify_on_the_same_completions(tmp_path, humaneval):
    """The same completions through `rlvr verify --dataset humaneval` and rlvr.code:
    the same status for every sample."""
    import os
    import subprocess
    from pathlib import Path
    cli = Path(os.environ.get("RLVR_CLI", ROOT / "build" / "rlvr"))
    if not cli.exists():
        if os.environ.get("RLVR_REQUIRE_CLI") == "1":
            pytest.fail(f"{cli} is missing (RLVR_REQUIRE_CLI=1)")
        pytest.skip(f"no CLI at {cli}; set RLVR_CLI")
    problems = humaneval[:30]
    kinds = [lambda p: p["reference"], mutate, lambda p: "    raise KeyError(1)\n",
             lambda p: f"```python\n{p['prompt']}{p['reference']}```"]
    completions = [kinds[i % 4](p) for i, p in enumerate(problems)]
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps({"problem_id": p["id"], "completion": c}) + "\n"
                               for p, c in zip(problems, completions)))
    out = tmp_path / "labelled.jsonl"
    subprocess.run([str(cli), "verify", "--dataset", "humaneval", "--data-dir", str(ROOT / "data"),
                    "--samples", str(samples), "--out", str(out)], check=True, capture_output=True)
    from_cli = [json.loads(line)["status"] for line in out.read_text().splitlines()]
    from_python = [r.label for r in code.run_many(completions, problems)]
    assert from_python == from_cli
    assert {"passed", "failed:KeyError"} <= set(from_python)
