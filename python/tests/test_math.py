"""rlvr.math: verdicts, policy options, list forms, bad input."""
import pytest

import rlvr
from rlvr import math as rm


def test_verify_equivalent_forms():
    assert rm.verify("\\frac{1}{2}", "The answer is \\boxed{0.5}.")
    assert rm.verify("x^2+2x+1", "\\boxed{(x+1)^2}")
    assert rm.verify("\\{1, 2\\}", "\\boxed{\\{2, 1\\}}")
    assert not rm.verify("\\frac{1}{2}", "\\boxed{0.51}")
    assert not rm.verify("3", "no number here")


def test_check_reports_reason_normal_forms_and_time():
    v = rm.check("\\frac{3}{4}", "so we get \\boxed{\\dfrac{6}{8}}")
    assert v.equivalent and v.decided and bool(v)
    assert v.reason == "exact"
    assert v.gold_answer == "\\frac{3}{4}" and v.pred_answer == "\\dfrac{6}{8}"
    assert v.gold_norm and v.pred_norm
    assert v.seconds >= 0.0
    none = rm.check("3", "I do not know.")  # a prediction without an answer is wrong
    assert not none.equivalent and none.decided and none.reason == "no_answer"
    assert not bool(none)


def test_budget_stops_towers_without_hanging():
    v = rm.check("5^{5^{5^5}}", "\\boxed{5^{5^{5^5}}+1}")
    assert not v.equivalent and v.reason == "budget"


def test_extract():
    assert rm.extract("so the answer is \\boxed{\\frac{1}{2}} indeed") == "\\frac{1}{2}"
    assert rm.extract("we get 12 apples and then 15") == "15"
    assert rm.extract("the final answer is 7", with_rule=True) == ("7", "final_answer")
    assert rm.extract("nothing at all") is None
    assert rm.extract("we get 12 apples", extract="latex") is None


def test_policy_options_change_the_verdict():
    assert rm.verify("28", "28\\%")
    assert not rm.verify("28", "28\\%", percent="fraction")
    assert rm.verify("0.28", "28\\%", percent="fraction")
    assert not rm.verify("3.14159", "\\boxed{3.1416}")
    assert rm.verify("3.14159", "\\boxed{3.1416}", precision=3)
    assert not rm.verify("f(x)=x+1", "\\boxed{f(y)=y+1}")
    assert rm.verify("f(x)=x+1", "\\boxed{f(y)=y+1}", strict=False)
    assert rm.verify("x \\in [1, 2]", "\\boxed{1 \\le x \\le 2}", allow_set_relation=True)
    assert not rm.verify("123", "\\boxed{123}", max_answer_chars=2)
    assert "max_steps" in rm.POLICY_OPTIONS and "percent" in rm.POLICY_OPTIONS


@pytest.mark.parametrize("kwargs, error", [
    ({"no_such_option": 1}, TypeError),
    ({"strict": 1}, TypeError),
    ({"precision": "6"}, TypeError),
    ({"precision": True}, TypeError),
    ({"precision": -1}, ValueError),
    ({"max_steps": -5}, ValueError),
    ({"max_steps": 2 ** 80}, ValueError),
    ({"percent": "half"}, ValueError),
    ({"extract": "regex"}, ValueError),
    ({"extract": []}, ValueError),
    ({"extract": 3}, TypeError),
])
def test_bad_policy_options_raise(kwargs, error):
    with pytest.raises(error):
        rm.verify("1", "1", **kwargs)
    with pytest.raises(error):
        rm.verify_many(["1"], ["1"], **kwargs)


def test_list_forms_equal_single_checks(math500):
    golds = [row["answer"] for row in math500]
    answers = [f"Thus $\\boxed{{{g}}}$." for g in golds] + [f"\\boxed{{{g}+1}}" for g in golds]
    golds2 = golds + golds
    serial = [rm.verify(g, a) for g, a in zip(golds2, answers)]
    assert rm.verify_many(golds2, answers) == serial
    assert rm.verify_many(golds2, answers, threads=1) == serial
    assert rm.verify_many(golds2, answers, threads=3) == serial
    verdicts = rm.check_many(golds2, answers, threads=2)
    assert [v.equivalent for v in verdicts] == serial
    assert [v.reason for v in verdicts] == [rm.check(g, a).reason for g, a in zip(golds2, answers)]
    # the boxed golds are accepted, almost none of gold + 1
    assert sum(serial[:500]) >= 495 and sum(serial[500:]) <= 5
    # one gold for many answers
    assert rm.verify_many("2", ["\\boxed{2}", "\\boxed{3}", "2.0"]) == [True, False, True]


def test_list_form_argument_errors():
    with pytest.raises(ValueError):
        rm.verify_many(["1", "2"], ["1"])
    with pytest.raises(TypeError):
        rm.verify_many(["1"], "1")
    with pytest.raises(TypeError, match=r"answers\[1\]"):
        rm.verify_many(["1", "2"], ["1", None])
    with pytest.raises(TypeError):
        rm.verify_many(["1"], ["1"], threads="2")
    with pytest.raises(ValueError):
        rm.verify_many(["1"], ["1"], threads=-1)


BAD_VALUES = [None, b"42", bytearray(b"42"), 42, 4.2, ["42"], object()]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=lambda v: type(v).__name__)
def test_non_text_raises_type_error(bad):
    for call in (lambda: rm.verify(bad, "42"), lambda: rm.verify("42", bad), lambda: rm.check("42", bad),
                 lambda: rm.extract(bad)):
        with pytest.raises(TypeError):
            call()


def test_invalid_utf8_raises_unicode_error():
    # A Python str cannot hold invalid UTF-8 bytes; what it can hold are lone
    # surrogates (from bytes decoded with errors="surrogateescape").
    broken = b"\\boxed{4\xff2}".decode("utf-8", "surrogateescape")
    with pytest.raises(UnicodeEncodeError):
        rm.verify("42", broken)
    with pytest.raises(UnicodeEncodeError):
        rm.verify_many(["42"], [broken])


def test_huge_and_hostile_texts_end_with_a_verdict():
    ten_mb = 10 * 1024 * 1024
    cases = [
        ("42", "x" * ten_mb + " \\boxed{42}"),
        ("42", "\\boxed{42} " + "y" * ten_mb),
        ("42", "\\boxed{" * (ten_mb // 7)),
        ("42", "{" * ten_mb),
        ("42", "9" * ten_mb),
        ("42", "\\frac{" * 100000 + "1" + "}{2}" * 100000),
        ("42", "$" * ten_mb),
        ("42", "\\boxed{1}" * 200000),
        ("x" * ten_mb, "\\boxed{42}"),
        ("42", "\x00" * 1000 + "\\boxed{42}"),
        ("42", "\U0001F600" * 100000 + "\\boxed{42}"),
    ]
    for gold, answer in cases:
        v = rm.check(gold, answer)
        assert isinstance(v.equivalent, bool)
    assert [v.equivalent for v in rm.check_many([g for g, _ in cases], [a for _, a in cases])] == \
        [rm.check(g, a).equivalent for g, a in cases]


def test_errors_are_python_exceptions():
    assert issubclass(rlvr.Error, ValueError)
    assert issubclass(rlvr.InputError, rlvr.Error)
