"""Model-written programs run against their tests in rlvr's code sandbox.

The sandbox is the one `rlvr verify --dataset humaneval|mbpp` uses (docs/SANDBOX.md):
fresh user, PID, mount, network, IPC and UTS namespaces, a read-only root, a private
tmpfs, a seccomp filter, rlimits and a wall-clock limit enforced from outside, without
root, Docker or a daemon. A program passes only when it ran to its end; leaving early
(sys.exit, os._exit, a signal) is not a pass.

    run(completion, tests=None, **limits) -> RunResult
    run_many(completions, tests=None, *, threads=0, **limits) -> list[RunResult]
    program(completion, tests=None) -> str      the source that run() executes
    extract(text) -> str                        the code of a chat answer
    load_problems(path, format) -> list[dict]   HumanEval / MBPP problem files

A completion is a whole program, a function, or a chat answer: the first fenced block
(```python, ```py or ```) that defines a function is taken, else the first block, else
the whole text. `tests` says how to test it:

    None                  the completion runs alone (its own asserts are the tests)
    str                   Python test code run after it (asserts, a check() and its call)
    list of str           test lines run after it (MBPP's test_list)
    {"test", "entry_point"[, "prompt"]}
                          a HumanEval problem: prompt + completion (a body that continues
                          the prompt, or a whole function) + test + check(entry_point)
    {"test_list"[, "test_imports", "test_setup_code"]}
                          an MBPP problem
    {"inputs", "outputs"}  standard-input tests (APPS, CodeContests, TACO as verl stores
                          them): the program runs once per input, its output must match
                          (lines and tokens compared with surrounding space ignored,
                          numbers within 1e-6)
    {"inputs", "outputs", "fn_name"}
                          call-based tests: fn_name (or Solution().fn_name) is called with
                          each input list as arguments, the result compared to the output
    a str holding one of these dicts as JSON (verl keeps ground truths as strings)

Limits (keyword arguments): timeout (wall-clock seconds for the whole program, all its
tests included; default 10), cpu_timeout (CPU seconds; default: timeout), memory_mb
(address space; default 1024), fresh_interpreter (a new jailed interpreter per program
instead of a fork server), unsafe_no_sandbox (rlimits and the wall clock only, no
isolation: only inside a throwaway container), python (the interpreter, default
/usr/bin/python3). The GIL is released while programs run; run_many runs them on
`threads` threads (0: one per core), each with its own fork server.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

from . import _core

RunResult = _core.RunResult

__all__ = ["RunResult", "run", "run_many", "program", "extract", "load_problems", "LIMIT_OPTIONS"]

LIMIT_OPTIONS = ("timeout", "cpu_timeout", "memory_mb", "fresh_interpreter", "unsafe_no_sandbox", "python")


def _text(value: Any, where: str) -> str:
    """A str with anything UTF-8 cannot carry (lone surrogates) replaced."""
    if not isinstance(value, str):
        raise TypeError(f"{where} must be str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _lines(value: Any, where: str) -> List[str]:
    if isinstance(value, str):
        return [_text(value, where)]
    if isinstance(value, (list, tuple)):
        return [_text(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{where} must be a str or a list of str, not {type(value).__name__}")


def _is_spec(tests: Any) -> bool:
    """A dict of tests in one of the forms run() reads."""
    return isinstance(tests, dict) and ({"inputs", "outputs"} <= tests.keys() or "test" in tests
                                        or "test_list" in tests)


def _as_spec(tests: Any) -> Any:
    """A str that holds a JSON object of tests becomes that object."""
    if isinstance(tests, str) and tests.lstrip().startswith("{"):
        try:
            decoded = json.loads(tests)
        except ValueError:
            return tests
        if _is_spec(decoded):
            return decoded
    return tests


# The driver of standard-input and call-based tests: runs inside the sandbox with the
# solution's code and the cases embedded as literals.
_IO_DRIVER = r'''
import io as _io
import json as _json
import sys as _sys

_CODE = compile(_SOLUTION, "<solution>", "exec")


def _plain(value):
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _same_text(got, want):
    if isinstance(want, (list, tuple)):
        want = "\n".join(str(w) for w in want)
    want = str(want)
    g = [line.strip() for line in got.strip().splitlines()]
    w = [line.strip() for line in want.strip().splitlines()]
    if g == w:
        return True
    gt, wt = " ".join(g).split(), " ".join(w).split()
    if gt == wt:
        return True
    if len(gt) != len(wt):
        return False
    for a, b in zip(gt, wt):
        if a == b:
            continue
        try:
            fa, fb = float(a), float(b)
        except ValueError:
            return False
        if not abs(fa - fb) <= 1e-6 * max(1.0, abs(fb)):
            return False
    return True


def _short(value):
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "..."


def _run_stdin(case, text):
    out = _io.BytesIO()
    saved = _sys.stdin, _sys.stdout
    _sys.stdin = _io.TextIOWrapper(_io.BytesIO(text.encode("utf-8", "replace")), encoding="utf-8")
    _sys.stdout = _io.TextIOWrapper(out, encoding="utf-8", errors="replace", write_through=True)
    try:
        exec(_CODE, {"__name__": "__main__", "__builtins__": __builtins__})
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise
    finally:
        _sys.stdout.flush()
        got = out.getvalue().decode("utf-8", "replace")
        _sys.stdin, _sys.stdout = saved
    return got


if _FN_NAME is None:
    for _i, (_input, _want) in enumerate(zip(_INPUTS, _OUTPUTS)):
        if isinstance(_input, (list, tuple)):
            _input = "\n".join(str(x) for x in _input)
        _got = _run_stdin(_i, str(_input))
        if not _same_text(_got, _want):
            raise AssertionError("test %d: expected %s, got %s" % (_i, _short(_want), _short(_got)))
else:
    _namespace = {"__name__": "__solution__", "__builtins__": __builtins__}
    exec(_CODE, _namespace)
    _fn = _namespace.get(_FN_NAME)
    if _fn is None and "Solution" in _namespace:
        _fn = getattr(_namespace["Solution"](), _FN_NAME)
    if _fn is None:
        raise NameError("the solution defines no %s" % _FN_NAME)
    for _i, (_args, _want) in enumerate(zip(_INPUTS, _OUTPUTS)):
        if isinstance(_args, str):
            _args = [_json.loads(line) for line in _args.splitlines() if line.strip()]
        if not isinstance(_args, list):
            _args = [_args]
        _got = _plain(_fn(*_args))
        _want = _plain(_want)
        if not (_got == _want or [_got] == _want):
            raise AssertionError("test %d: expected %s, got %s" % (_i, _short(_want), _short(_got)))
'''


def _io_program(completion: str, spec: Dict[str, Any], where: str) -> str:
    inputs, outputs = spec["inputs"], spec["outputs"]
    if not isinstance(inputs, (list, tuple)) or not isinstance(outputs, (list, tuple)):
        raise TypeError(f"{where}: inputs and outputs must be lists")
    if len(inputs) != len(outputs):
        raise ValueError(f"{where}: {len(inputs)} inputs but {len(outputs)} outputs")
    if not inputs:
        raise ValueError(f"{where}: no test cases")
    fn_name = spec.get("fn_name")
    if fn_name is not None and not (isinstance(fn_name, str) and fn_name.isidentifier()):
        raise ValueError(f"{where}: fn_name must be a Python name")
    code = _core.extract_code(completion)
    cases = json.dumps([list(inputs), list(outputs)], ensure_ascii=True)
    return ("_SOLUTION = " + repr(code) + "\n"
            + "_INPUTS, _OUTPUTS = __import__('json').loads(" + repr(cases) + ")\n"
            + "_FN_NAME = " + repr(fn_name) + "\n" + _IO_DRIVER)


def program(completion: str, tests: Any = None, *, prompt: Optional[str] = None) -> str:
    """The Python source that run(completion, tests) executes in the sandbox (see the
    module's documentation for the forms of `tests`). `prompt` is the HumanEval prompt
    when `tests` is a HumanEval dict without one. Raises TypeError or ValueError for
    tests it cannot read."""
    completion = _text(completion, "completion")
    tests = _as_spec(tests)
    if tests is None:
        return _core.extract_code(completion) if "```" in completion else completion
    if isinstance(tests, (str, list, tuple)):
        return _core.build_program("mbpp", completion, test_list=_lines(tests, "tests"))
    if not isinstance(tests, dict):
        raise TypeError(f"tests must be None, a str, a list of str or a dict, not {type(tests).__name__}")
    if "inputs" in tests and "outputs" in tests:
        return _io_program(completion, tests, "tests")
    if "test_list" in tests:
        setup = tests.get("test_setup_code", tests.get("test_setup", "")) or ""
        return _core.build_program("mbpp", completion, test_list=_lines(tests["test_list"], "tests['test_list']"),
                                   test_imports=_lines(tests.get("test_imports") or [], "tests['test_imports']"),
                                   test_setup=_text(setup, "tests['test_setup_code']"))
    if "test" in tests:
        test = _text(tests["test"], "tests['test']")
        entry_point = tests.get("entry_point")
        if entry_point is None:
            return _core.build_program("mbpp", completion, test_list=[test])
        head = tests.get("prompt", prompt) or ""
        return _core.build_program("humaneval", completion, prompt=_text(head, "tests['prompt']"),
                                   entry_point=_text(entry_point, "tests['entry_point']"), test=test)
    raise ValueError("tests: a dict needs 'inputs' and 'outputs', 'test_list', or 'test' (with 'entry_point')")


def run(completion: str, tests: Any = None, **limits: Any) -> RunResult:
    """Runs one completion against its tests in the sandbox and returns a RunResult:
    .passed (also bool(result)), .status (passed, failed, timeout, memory, output_limit,
    killed, sandbox_error), .label (as `rlvr verify` writes it, e.g.
    failed:AssertionError), .exception, .exit_code, .signal, .seconds, .stdout and
    .stderr (their last 2 KiB), .error (why the sandbox could not run it) and .sandbox.
    A program that loops is stopped at `timeout` seconds (status timeout)."""
    source = program(completion, tests)
    return _core.run_program(source, **limits)


def run_many(completions: Sequence[str], tests: Optional[Sequence[Any]] = None, *, threads: int = 0,
             **limits: Any) -> List[RunResult]:
    """run() for many completions at once, on `threads` worker threads (0: one per core),
    each with its own fork server, without the GIL; results in input order. `tests` is
    None or a list as long as `completions` (one test spec each)."""
    if isinstance(completions, str) or not isinstance(completions, (list, tuple)):
        raise TypeError(f"completions must be a list of str, not {type(completions).__name__}")
    if tests is None:
        tests = [None] * len(completions)
    elif isinstance(tests, (str, dict)) or not isinstance(tests, (list, tuple)):
        raise TypeError("tests must be None or a list with one test spec per completion")
    if len(tests) != len(completions):
        raise ValueError(f"{len(completions)} completions but {len(tests)} tests")
    sources = [program(c, t) for c, t in zip(completions, tests)]
    return _core.run_programs(sources, threads=threads, **limits)


def extract(text: str) -> str:
    """The code of a chat answer: its first fenced block (```python, ```py or ```)
    that defines a function, else its first such block, else the text itself."""
    return _core.extract_code(_text(text, "text"))


def load_problems(path: str, format: str) -> List[Dict[str, Any]]:
    """Problems of a file in the layout of HumanEval (format "humaneval") or MBPP
    ("mbpp": sanitized, "mbpp_full"), e.g. data/benchmarks/humaneval/test.jsonl of the
    repository: dicts with id, benchmark, prompt, reference (the canonical solution),
    and, for HumanEval, entry_point and test, for MBPP test_list, test_imports and
    test_setup_code. Each dict is itself a
    test spec: run(problem["reference"], problem) runs the canonical solution. Bad rows
    raise rlvr.InputError naming the file, line and field."""
    problems = []
    for p in _core.load_code_problems(str(path), format):
        keys = ["id", "benchmark", "prompt", "reference"]
        keys += ["entry_point", "test"] if p["benchmark"] == "humaneval" else ["test_list", "test_imports"]
        problem = {k: p[k] for k in keys}
        if p["benchmark"] == "mbpp":
            problem["test_setup_code"] = p["test_setup"]
        problems.append(problem)
    return problems
