"""Reward functions for RL trainers, on the math answer verifier.

verl (custom_reward_function.path / .name):
    compute_score(data_source, solution_str, ground_truth, extra_info=None, **policy) -> float
    compute_score_detailed(...) -> {"score", "acc", "pred", "reason"}
    compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **policy)
        -> list[float]   (verl's batch reward manager; all cores, GIL released)
TRL (GRPOTrainer(reward_funcs=...)):
    math_reward(completions, solution, **kwargs) -> list[float]
    make_math_reward(**policy): the same with policy options fixed

Scores are 1.0 for an equivalent answer and 0.0 otherwise (no answer found, parse error,
budget hit). A ground truth may be a str, an int, or a list of them (any one may match).
A completion that is not valid Unicode (lone surrogates) is checked with those
characters replaced; a completion that is not text at all, or a missing ground truth,
is a TypeError: that is a bug in the data pipeline, not a wrong answer.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _core

__all__ = ["compute_score", "compute_score_detailed", "compute_score_batch", "math_reward", "make_math_reward"]


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


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{where} must be str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


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


def compute_score(data_source: Any, solution_str: str, ground_truth: Any, extra_info: Optional[dict] = None,
                  **policy: Any) -> float:
    """verl's reward function: 1.0 when the answer in solution_str is equivalent to
    ground_truth, else 0.0. data_source and extra_info are accepted and not used; keyword
    arguments (verl's custom_reward_function.reward_kwargs) are policy options of
    rlvr.math (unknown names raise TypeError)."""
    return 1.0 if _one(solution_str, ground_truth, policy).equivalent else 0.0


def compute_score_detailed(data_source: Any, solution_str: str, ground_truth: Any,
                           extra_info: Optional[dict] = None, **policy: Any) -> Dict[str, Any]:
    """compute_score as a dict, for verl's reward_extra_info: score (1.0 / 0.0), acc
    (bool), pred (the extracted answer) and reason (the verdict's reason)."""
    verdict = _one(solution_str, ground_truth, policy)
    return {"score": 1.0 if verdict.equivalent else 0.0, "acc": verdict.equivalent,
            "pred": verdict.pred_answer, "reason": verdict.reason}


def compute_score_batch(data_sources: Sequence[Any], solution_strs: Sequence[str], ground_truths: Sequence[Any],
                        extra_infos: Optional[Sequence[Any]] = None, **policy: Any) -> List[float]:
    """compute_score for a whole batch (verl's reward_manager=batch): checked on all
    cores with the GIL released. `threads` (default 0: all cores) may be passed as a
    keyword argument besides the policy options."""
    threads = int(policy.pop("threads", 0))
    answers = [_text(s, f"solution_strs[{i}]") for i, s in enumerate(solution_strs)]
    verdicts = _best_verdicts(answers, ground_truths, "ground_truths", threads, policy)
    return [1.0 if v.equivalent else 0.0 for v in verdicts]


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
