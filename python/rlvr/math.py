"""The math answer verifier: is an answer equivalent to the gold?

Answers are extracted from whole texts (the last \\boxed{}, "final answer is", the last
LaTeX region, the last number, ...), parsed (LaTeX or plain), and compared with exact
rational arithmetic, numeric evaluation at fixed points and symbolic confirmation. Every
check ends within hard limits (the budget), without clocks or signals, so it is safe in
any thread; the functions release the GIL while checking.

Policy options (keyword arguments of every function here; an unknown name is a
TypeError, a value of the wrong type a TypeError, out of range a ValueError):

    extract              "latex", "expr" or a list of them (default ["latex", "expr"])
    precision            decimal places that count for decimal answers (default 6)
    strict               variables must match by name (default True)
    allow_set_relation   an interval gold also accepts a <= x <= b (default False)
    percent              "strip" (28\\% == 28) or "fraction" (28\\% == 0.28)
    max_answer_chars, max_text_chars, max_nodes, max_depth, max_bits, max_factorial,
    max_elements, max_steps, max_symbolic_nodes, max_symbolic_power
                         the budget of one check (docs/VERIFIER.md)

The list is POLICY_OPTIONS; docs/VERIFIER.md explains each.
"""
from __future__ import annotations

from typing import Any, Sequence, Tuple, Union

from . import _core

Verdict = _core.Verdict
POLICY_OPTIONS: Tuple[str, ...] = tuple(_core.policy_options())

__all__ = ["Verdict", "POLICY_OPTIONS", "verify", "check", "extract", "verify_many", "check_many"]


def verify(gold: str, answer: str, **policy: Any) -> bool:
    """True when the answer in `answer` is equivalent to the one in `gold`.

    Both are whole texts (a completion with a chain of thought, a reference solution) or
    bare answers. An answer that cannot be found or parsed, or a check that hits the
    budget, is False. Non-str arguments raise TypeError.
    """
    return _core.verify(gold, answer, **policy)


def check(gold: str, answer: str, **policy: Any) -> Verdict:
    """The full verdict of one pair: .equivalent, .decided, .reason (exact, numeric,
    symbolic, string, text, structure, no_answer, parse_error, budget), .detail, the
    extracted answers (.gold_answer, .pred_answer), their normal forms (.gold_norm,
    .pred_norm) and the time the check took (.seconds). bool(verdict) is .equivalent."""
    return _core.check(gold, answer, **policy)


def extract(text: str, *, with_rule: bool = False, **policy: Any) -> Union[str, None, Tuple[str, str]]:
    """The answer the verifier would take from `text`, or None when there is none.

    With with_rule=True, returns (answer, rule) where rule is boxed, final_answer,
    answer, latex, whole or last_number (or None). Only the `extract` policy option
    changes what is found.
    """
    found = _core.extract(text, **policy)
    if found is None or with_rule:
        return found
    return found[0]


def verify_many(golds: Union[str, Sequence[str]], answers: Sequence[str], *, threads: int = 0,
                **policy: Any) -> list:
    """verify() for many pairs at once, on `threads` threads (0: all cores) without the
    GIL. `golds` is a list as long as `answers`, or one str for all of them. The result
    does not depend on the thread count."""
    return _core.verify_many(golds, answers, threads, **policy)


def check_many(golds: Union[str, Sequence[str]], answers: Sequence[str], *, threads: int = 0,
               **policy: Any) -> list:
    """check() for many pairs at once (see verify_many); a list of Verdict."""
    return _core.check_many(golds, answers, threads, **policy)
