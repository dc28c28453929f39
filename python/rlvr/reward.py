"""Reward functions for RL trainers: math answers by the verifier, code by running it
in the sandbox (rlvr.code).

verl (custom_reward_function.path / .name):
    compute_score(data_source, solution_str, ground_truth, extra_info=None, **policy) -> float
    compute_score_detailed(...) -> {"score", "acc", "pred", "reason"}
    compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **policy)
        -> list[float]   (verl's batch reward manager; all cores, GIL released)
TRL (GRPOTrainer(reward_funcs=...)):
    math_reward(completions, solution, **kwargs) -> list[float]
    make_math_reward(**policy): the same with policy options fixed
    code_reward(completions, tests=None, **kwargs) -> list[float]
    make_code_reward(**limits): the same with sandbox limits fixed

Scores are 1.0 for an equivalent answer and 0.0 otherwise (no answer found, parse error,
budget hit). A ground truth may be a str, an int, or a list of them (any one may match).

Code: compute_score* treat a row as code when its data_source names a code set
(humaneval, mbpp, apps, codecontests, code_contests, codeforces, taco, leetcode,
livecodebench, or anything with "code" in it) or its ground truth is a dict of tests (or
such a dict as a JSON str, as verl stores them). The ground truth is then a test spec of
rlvr.code (test code, a list of test lines, a HumanEval or MBPP row, standard-input
inputs/outputs, call-based inputs/outputs/fn_name) and the score is 1.0 when the
completion passes all its tests in the sandbox, else 0.0 (failed, timeout, memory, ...).
Sandbox limits (timeout, memory_mb, ...: rlvr.code.LIMIT_OPTIONS) are keyword arguments
next to the math policy options. When the sandbox itself cannot run a program
(sandbox_error, e.g. no user namespaces) the reward functions raise rlvr.Error: that is
a broken set-up, not a wrong program, and must not be trained on as 0.0.
A completion that is not valid Unicode (lone surrogates) is checked with those
characters replaced; a completion that is not text at all, or a missing ground truth,
is a TypeError: that is a bug in the data pipeline, not a wrong answer.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _core
from . import code as _code

__all__ = ["compute_score", "compute_score_detailed", "compute_score_batch", "math_reward", "make_math_reward",
           "code_reward", "make_code_reward"]

_CODE_SOURCES = ("humaneval", "mbpp", "apps", "codecontests", "code_contests", "codeforces", "taco", "leetcode",
                 "livecodebench", "code")


def _split_options(options: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(math policy, sandbox limits) of one call's keyword arguments."""
    limits = {k: options[k] for k in _code.LIMIT_OPTIONS if k in options}
    policy = {k: v for k, v in options.items() if k not in limits}
    return policy, limits


def _is_code(data_source: Any, ground_truth: Any) -> bool:
    if _code._is_spec(ground_truth) or (isinstance(ground_truth, str) and _code._as_spec(ground_truth) is not ground_truth):
        return True
    name = data_source.lower() if isinstance(data_source, str) else ""
    return any(key in name for key in _CODE_SOURCES)


def _code_verdict(result: Any) -> Any:
    if result.status == "sandbox_error":
        raise _core.Error(f"the code sandbox could not run the program: {result.error}")
    return result


def _golds(ground_truth: Any, where: str) -> List[str]:
    """The acceptable gold texts of one ground truth."""
    if isinstance(ground_truth, str):
        return [ground_truth]
    if isinstance(ground_truth, numbers.Integral) and not isinstance(ground_truth, bool):
        return [str(int(ground_truth))]
    if isinstance(ground_truth, (list, tuple)) and ground_truth:
        out: List[str] = []
        for i, g in enumerate(ground_truth):
            out.extend(_golds(g, f"{where}[{i}]"))
        return out
    raise TypeError(f"{where} must be a str, an int or a non-empty list of them, not {type(ground_truth).__name__}")


_text = _code._text  # a str with anything UTF-8 cannot carry replaced


def _best_verdicts(answers: List[str], ground_truths: Sequence[Any], what: str, threads: int,
                   policy: Dict[str, Any]) -> list:
    """One verdict per answer: the first equivalent gold's, else the first gold's."""
    if len(ground_truths) != len(answers):
        raise ValueError(f"{len(answers)} completions but {len(ground_truths)} {what}")
    owner: List[int] = []
    pair_golds: List[str] = []
    pair_answers: List[str] = []
    for i, (answer, truth) in enumerate(zip(answers, ground_truths)):
        for gold in _golds(truth, f"{what}[{i}]"):
            owner.append(i)
            pair_golds.append(_text(gold, f"{what}[{i}]"))
            pair_answers.append(answer)
    verdicts = _core.check_many(pair_golds, pair_answers, threads, **policy)
    best: List[Any] = [None] * len(answers)
    for i, verdict in zip(owner, verdicts):
        if best[i] is None or (verdict.equivalent and not best[i].equivalent):
            best[i] = verdict
    return best


def _one(solution_str: Any, ground_truth: Any, policy: Dict[str, Any]):
    answer = _text(solution_str, "solution_str")
    best = None
    for gold in _golds(ground_truth, "ground_truth"):
        verdict = _core.check(_text(gold, "ground_truth"), answer, **policy)
        if verdict.equivalent:
            return verdict
        best = best or verdict
    return best


def _code_one(solution_str: Any, ground_truth: Any, options: Dict[str, Any]):
    policy, limits = _split_options(options)
    if policy:
        _core.check("1", "1", **policy)  # unknown names are a TypeError here too
    return _code_verdict(_code.run(_text(solution_str, "solution_str"), ground_truth, **limits))


def compute_score(data_source: Any, solution_str: str, ground_truth: Any, extra_info: Optional[dict] = None,
                  **options: Any) -> float:
    """verl's reward function. Math: 1.0 when the answer in solution_str is equivalent to
    ground_truth, else 0.0. Code (a code data_source or a dict of tests, see the module's
    documentation): 1.0 when solution_str passes the tests of ground_truth in the
    sandbox, else 0.0. extra_info is accepted and not used; keyword arguments (verl's
    custom_reward_function.reward_kwargs) are policy options of rlvr.math and sandbox
    limits of rlvr.code (unknown names raise TypeError)."""
    if _is_code(data_source, ground_truth):
        return 1.0 if _code_one(solution_str, ground_truth, options).passed else 0.0
    policy, _ = _split_options(options)
    return 1.0 if _one(solution_str, ground_truth, policy).equivalent else 0.0


def compute_score_detailed(data_source: Any, solution_str: str, ground_truth: Any,
                           extra_info: Optional[dict] = None, **options: Any) -> Dict[str, Any]:
    """compute_score as a dict, for verl's reward_extra_info: score (1.0 / 0.0), acc
    (bool), pred (the extracted answer; for code, empty) and reason (the verdict's
    reason; for code, the run's label: passed, failed:AssertionError, timeout, ...)."""
    if _is_code(data_source, ground_truth):
        result = _code_one(solution_str, ground_truth, options)
        return {"score": 1.0 if result.passed else 0.0, "acc": result.passed, "pred": "", "reason": result.label}
    policy, _ = _split_options(options)
    verdict = _one(solution_str, ground_truth, policy)
    return {"score": 1.0 if verdict.equivalent else 0.0, "acc": verdict.equivalent,
            "pred": verdict.pred_answer, "reason": verdict.reason}


def compute_score_batch(data_sources: Sequence[Any], solution_strs: Sequence[str], ground_truths: Sequence[Any],
                        extra_infos: Optional[Sequence[Any]] = None, **options: Any) -> List[float]:
    """compute_score for a whole batch (verl's reward_manager=batch): math pairs checked
    on all cores with the GIL released, code rows run in the sandbox on all cores, both
    in one call. `threads` (default 0: all cores) may be passed as a keyword argument
    besides the policy options and sandbox limits."""
    threads = int(options.pop("threads", 0))
    policy, limits = _split_options(options)
    if len(data_sources) != len(solution_strs) or len(ground_truths) != len(solution_strs):
        raise ValueError(f"{len(data_sources)} data_sources, {len(solution_strs)} solution_strs and "
                         f"{len(ground_truths)} ground_truths: expected as many of each")
    answers = [_text(s, f"solution_strs[{i}]") for i, s in enumerate(solution_strs)]
    is_code = [_is_code(d, g) for d, g in zip(data_sources, ground_truths)]
    scores = [0.0] * len(answers)
    math_rows = [i for i, c in enumerate(is_code) if not c]
    code_rows = [i for i, c in enumerate(is_code) if c]
    if math_rows or policy:
        verdicts = _best_verdicts([answers[i] for i in math_rows], [ground_truths[i] for i in math_rows],
                                  "ground_truths", threads, policy)
        for i, v in zip(math_rows, verdicts):
            scores[i] = 1.0 if v.equivalent else 0.0
    if code_rows:
        results = _code.run_many([answers[i] for i in code_rows], [ground_truths[i] for i in code_rows],
                                 threads=threads, **limits)
        for i, r in zip(code_rows, results):
            scores[i] = 1.0 if _code_verdict(r).passed else 0.0
    return scores


def _completion_text(completion: Any, where: str) -> str:
    """A TRL completion: a str, or a list of chat messages whose last one is the
    model's (its content a str or a list of {"type": "text", "text": ...} parts)."""
    if isinstance(completion, str):
        return _text(completion, where)
    if isinstance(completion, dict):
        completion = [completion]
    if isinstance(completion, (list, tuple)) and completion and isinstance(completion[-1], dict):
        content = completion[-1].get("content")
        if isinstance(content, str):
            return _text(content, f"{where}[-1]['content']")
        if isinstance(content, (list, tuple)):
            parts = [p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text"]
            return _text("".join(p for p in parts if isinstance(p, str)), f"{where}[-1]['content']")
        raise TypeError(f"{where}[-1]['content'] must be a str or a list of text parts")
    raise TypeError(f"{where} must be a str or a list of chat messages, not {type(completion).__name__}")


def make_math_reward(*, threads: int = 0, **policy: Any) -> Callable[..., List[float]]:
    """A TRL reward function with fixed policy options (checked now: an unknown name
    raises TypeError here, not in the middle of training)."""
    _core.check("1", "1", **policy)

    def math_reward(completions: Sequence[Any], solution: Sequence[Any], **kwargs: Any) -> List[float]:
        """TRL reward: 1.0 per completion whose answer is equivalent to its solution,
        else 0.0. completions are strings or chat-message lists; solution is the dataset
        column of the same name. Other keyword arguments (prompts, completion_ids,
        further dataset columns, trainer state) are accepted and ignored, except
        log_extra, which, when given, receives the extracted answers and reasons."""
        texts = [_completion_text(c, f"completions[{i}]") for i, c in enumerate(completions)]
        verdicts = _best_verdicts(texts, solution, "solution", threads, policy)
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            log_extra("rlvr_answer", [v.pred_answer for v in verdicts])
            log_extra("rlvr_reason", [v.reason for v in verdicts])
        return [1.0 if v.equivalent else 0.0 for v in verdicts]

    return math_reward


math_reward = make_math_reward()


def make_code_reward(*, threads: int = 0, **limits: Any) -> Callable[..., List[float]]:
    """A TRL reward function for code with fixed sandbox limits (timeout, memory_mb, ...:
    rlvr.code.LIMIT_OPTIONS; checked now, not in the middle of training)."""
    unknown = sorted(set(limits) - set(_code.LIMIT_OPTIONS))
    if unknown:
        raise TypeError(f"unknown sandbox limits {unknown}; expected some of {list(_code.LIMIT_OPTIONS)}")
    _core.run_programs([], threads=threads, **limits)  # values out of range raise ValueError here

    def code_reward(completions: Sequence[Any], tests: Optional[Sequence[Any]] = None, **kwargs: Any) -> List[float]:
        """TRL reward: 1.0 per completion that passes its tests in the sandbox, else 0.0.
        completions are strings or chat-message lists (the code of the answer's first
        fenced block is run). Tests come from the dataset columns TRL passes: `tests` (a
        test spec of rlvr.code per row: test code, test lines, a dict, or a JSON str of
        one), else MBPP's `test_list` (with `test_imports`, `test_setup_code` when
        present), else HumanEval's `test` and `entry_point` (with the prompt of a
        standard, non-chat dataset, which the completion continues). Other keyword
        arguments are ignored, except log_extra, which receives each run's label."""
        texts = [_completion_text(c, f"completions[{i}]") for i, c in enumerate(completions)]
        specs = _trl_tests(len(texts), tests, kwargs)
        results = _code.run_many(texts, specs, threads=threads, **limits)
        for r in results:
            _code_verdict(r)
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            log_extra("rlvr_code_status", [r.label for r in results])
        return [1.0 if r.passed else 0.0 for r in results]

    return code_reward


def _column(kwargs: Dict[str, Any], name: str, count: int) -> Optional[Sequence[Any]]:
    value = kwargs.get(name)
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or len(value) != count:
        raise ValueError(f"{name} must be a list with one entry per completion ({count})")
    return value


def _trl_tests(count: int, tests: Optional[Sequence[Any]], kwargs: Dict[str, Any]) -> List[Any]:
    given = _column({"tests": tests}, "tests", count)
    if given is not None:
        return list(given)
    test_list = _column(kwargs, "test_list", count)
    if test_list is not None:
        imports = _column(kwargs, "test_imports", count) or [[]] * count
        setup = _column(kwargs, "test_setup_code", count) or [""] * count
        return [{"test_list": t, "test_imports": im or [], "test_setup_code": su or ""}
                for t, im, su in zip(test_list, imports, setup)]
    test = _column(kwargs, "test", count)
    entry_point = _column(kwargs, "entry_point", count)
    if test is not None and entry_point is not None:
        prompts = _column(kwargs, "prompts", count) or [""] * count
        return [{"test": t, "entry_point": e, "prompt": p if isinstance(p, str) else ""}
                for t, e, p in zip(test, entry_point, prompts)]
    raise TypeError("code_reward needs tests: a `tests` column, MBPP's `test_list`, or HumanEval's `test` "
                    "and `entry_point`")


code_reward = make_code_reward()
