"""rlvr.reward as verl and TRL call it, with realistic completions."""
import pytest

from rlvr import reward
from rlvr import math as rm

from conftest import chain_of_thought


def test_verl_compute_score_on_math500(math500):
    right = wrong = 0
    for row in math500:
        gold = row["answer"]
        right += reward.compute_score("HuggingFaceH4/MATH-500", chain_of_thought(gold), gold, {"index": 0}) == 1.0
        wrong += reward.compute_score("HuggingFaceH4/MATH-500", chain_of_thought(gold + "+1"), gold) == 1.0
    assert right >= 495
    assert wrong <= 5


def test_verl_compute_score_on_gsm8k(gsm8k):
    # verl's gsm8k preprocessing keeps the number after "####" as ground_truth;
    # the raw solution text works too (its last number is the answer).
    for row in gsm8k[:200]:
        number = row["answer"].split("####")[-1].strip().replace(",", "")
        completion = chain_of_thought(number, steps=10)
        assert reward.compute_score("openai/gsm8k", completion, number) == 1.0
        assert reward.compute_score("openai/gsm8k", completion, row["answer"]) == 1.0
        assert reward.compute_score("openai/gsm8k", chain_of_thought(str(int(float(number)) + 1)), number) == 0.0


def test_verl_keyword_call_dict_and_policy():
    score = reward.compute_score(data_source="math", solution_str="... so \\boxed{28\\%}", ground_truth="0.28",
                                 extra_info={"split": "train"}, percent="fraction")
    assert score == 1.0
    detail = reward.compute_score_detailed("math", "so \\boxed{\\frac{1}{2}}", "0.5")
    assert detail == {"score": 1.0, "acc": True, "pred": "\\frac{1}{2}", "reason": "numeric"}
    assert reward.compute_score_detailed("math", "so \\boxed{3}", "4")["reason"] == "exact"
    with pytest.raises(TypeError):
        reward.compute_score("math", "\\boxed{1}", "1", None, unknown_option=True)


def test_verl_ground_truth_forms():
    assert reward.compute_score("d", "\\boxed{7}", 7) == 1.0
    assert reward.compute_score("d", "\\boxed{7}", ["6", "7"]) == 1.0
    assert reward.compute_score("d", "\\boxed{8}", ["6", "7"]) == 0.0
    for bad in (None, b"7", 7.0, [], {"a": 1}):
        with pytest.raises(TypeError):
            reward.compute_score("d", "\\boxed{7}", bad)


def test_verl_batch_equals_single(math500):
    golds = [row["answer"] for row in math500[:200]]
    sols = [chain_of_thought(g if i % 3 else g + "+1", steps=8) for i, g in enumerate(golds)]
    single = [reward.compute_score("math", s, g) for s, g in zip(sols, golds)]
    assert reward.compute_score_batch(["math"] * 200, sols, golds, [None] * 200) == single
    assert reward.compute_score_batch(["math"] * 200, sols, golds, threads=1) == single
    assert 0 < sum(single) < 200


def test_trl_math_reward_with_chat_messages(math500):
    rows = math500[:64]
    completions = []
    solution = []
    for i, row in enumerate(rows):
        final = row["answer"] if i % 2 == 0 else "\\text{I am not sure}"
        completions.append([{"role": "assistant", "content": chain_of_thought(final, steps=20)}])
        solution.append(row["answer"])
    rewards = reward.math_reward(completions, solution, prompts=[[{"role": "user", "content": r["problem"]}]
                                                                 for r in rows],
                                 completion_ids=[[1, 2, 3]] * 64, problem=[r["problem"] for r in rows],
                                 trainer_state=None)
    assert isinstance(rewards, list) and all(isinstance(r, float) for r in rewards)
    assert rewards[0::2] == [1.0] * 32
    assert rewards[1::2] == [0.0] * 32


def test_trl_math_reward_plain_strings_parts_and_log_extra():
    logged = {}
    rewards = reward.math_reward(
        ["The answer is \\boxed{\\frac{1}{3}}", "My answer is \\boxed{\\frac{1}{2}}",
         [{"role": "assistant", "content": [{"type": "text", "text": "so \\boxed{"}, {"type": "text", "text": "4}"}]}]],
        ["\\frac{1}{3}", "\\frac{1}{3}", "4"],
        log_extra=lambda name, values: logged.__setitem__(name, values))
    assert rewards == [1.0, 0.0, 1.0]
    assert logged["rlvr_answer"] == ["\\frac{1}{3}", "\\frac{1}{2}", "4"]
    assert logged["rlvr_reason"][0] == "string" or logged["rlvr_reason"][0] == "exact"


def test_trl_make_math_reward_checks_policy_early():
    with pytest.raises(TypeError):
        reward.make_math_reward(no_such=1)
    fraction = reward.make_math_reward(percent="fraction", threads=1)
    assert fraction(["\\boxed{28\\%}"], ["0.28"]) == [1.0]
    assert reward.math_reward(["\\boxed{28\\%}"], ["0.28"]) == [0.0]
    assert fraction.__name__ == "math_reward"


def test_rewards_on_bad_completions():
    surrogate = b"\\boxed{42}\xff".decode("utf-8", "surrogateescape")
    # an unencodable completion is still scored (those characters replaced)
    assert reward.compute_score("d", surrogate, "42") == 1.0
    assert reward.math_reward([surrogate], ["42"]) == [1.0]
    huge = "z" * (10 * 1024 * 1024) + "\\boxed{42}"
    assert reward.compute_score("d", huge, "42") in (0.0, 1.0)
    assert reward.math_reward([huge, "\\boxed{42}"], ["42", "42"])[1] == 1.0
    for bad in (None, b"\\boxed{42}", 42):
        with pytest.raises(TypeError):
            reward.compute_score("d", bad, "42")
        with pytest.raises(TypeError):
            reward.math_reward([bad], ["42"])
    with pytest.raises(ValueError):
        reward.math_reward(["\\boxed{1}", "\\boxed{2}"], ["1"])
    with pytest.raises(TypeError):
        reward.math_reward([[{"role": "assistant"}]], ["1"])


# --- code -------------------------------------------------------------------------

import json  # noqa: E402

from rlvr import code  # noqa: E402

from conftest import ROOT  # noqa: E402


@pytest.fixture(scope="module")
def humaneval():
    return code.load_problems(ROOT / "data" / "benchmarks" / "humaneval" / "test.jsonl", "humaneval")


def chat_answer(problem, body):
    """A chat model's answer: prose, then the whole function in a fenced block."""
    return (f"To solve this, I implement `{problem['entry_point']}` directly.\n\n```python\n"
            f"{problem['prompt']}{body}```\n\nThis handles the edge cases in the docstring.")


def test_verl_compute_score_on_humaneval(humaneval):
    # verl-style rows: reward_model.ground_truth holds the tests as a JSON str
    right = wrong = 0
    for p in humaneval[:40]:
        truth = json.dumps({"test": p["test"], "entry_point": p["entry_point"]})
        right += reward.compute_score("openai_humaneval", chat_answer(p, p["reference"]), truth, {"index": 1})
        wrong += reward.compute_score("openai_humaneval", chat_answer(p, "    return None\n"), truth)
    assert right == 40.0
    assert wrong == 0.0
    p = humaneval[0]
    detail = reward.compute_score_detailed("humaneval", chat_answer(p, "    return None\n"), {**p})
    assert detail == {"score": 0.0, "acc": False, "pred": "", "reason": "failed:AssertionError"}


def test_verl_compute_score_codecontests_style():
    # verl's codecontests/apps/taco rows: ground_truth = json.dumps({"inputs": [...], "outputs": [...]})
    truth = json.dumps({"inputs": ["3\n1 2 3\n", "1\n-5\n"], "outputs": ["6\n", "-5\n"]})
    completion = ("<think>Read n, then n numbers, print the sum.</think>\n```python\nn = int(input())\n"
                  "print(sum(map(int, input().split())))\n```")
    assert reward.compute_score("codecontests", completion, truth) == 1.0
    assert reward.compute_score("codecontests", completion.replace("sum(", "max("), truth) == 0.0
    looping = "```python\nwhile True:\n    pass\n```"
    assert reward.compute_score_detailed("apps", looping, truth, timeout=1)["reason"] == "timeout"
    # MBPP with its test list
    assert reward.compute_score("mbpp", "def f(x):\n    return 2 * x\n", ["assert f(2) == 4"]) == 1.0
    assert reward.compute_score("mbpp", "def f(x):\n    return 2 * x\n", ["assert f(2) == 5"]) == 0.0
    with pytest.raises(TypeError):
        reward.compute_score("mbpp", "def f(): pass", ["assert True"], no_such_option=1)


def test_verl_batch_mixes_math_and_code(humaneval):
    sources, sols, truths, expected = [], [], [], []
    for i, p in enumerate(humaneval[:20]):
        good = i % 2 == 0
        sources.append("humaneval")
        sols.append(chat_answer(p, p["reference"] if good else "    return None\n"))
        truths.append({"test": p["test"], "entry_point": p["entry_point"]})
        expected.append(1.0 if good else 0.0)
        sources.append("math")
        sols.append(chain_of_thought(str(i) if good else str(i + 1), steps=5))
        truths.append(str(i))
        expected.append(1.0 if good else 0.0)
    scores = reward.compute_score_batch(sources, sols, truths, [None] * len(sols))
    assert scores == expected
    assert scores == [reward.compute_score(d, s, g) for d, s, g in zip(sources, sols, truths)]


def test_trl_code_reward_with_chat_messages_and_tests_column(humaneval):
    rows = humaneval[:16]
    completions = [[{"role": "assistant", "content": chat_answer(p, p["reference"] if i % 4 else "    return 0\n")}]
                   for i, p in enumerate(rows)]
    tests = [json.dumps({"test": p["test"], "entry_point": p["entry_point"]}) for p in rows]
    logged = {}
    rewards = reward.code_reward(completions, tests=tests,
                                 prompts=[[{"role": "user", "content": p["prompt"]}] for p in rows],
                                 completion_ids=[[1, 2]] * 16, trainer_state=None,
                                 log_extra=lambda name, values: logged.__setitem__(name, values))
    assert rewards == [0.0 if i % 4 == 0 else 1.0 for i in range(16)]
    assert all(isinstance(r, float) for r in rewards)
    assert logged["rlvr_code_status"][1] == "passed" and logged["rlvr_code_status"][0].startswith("failed")


def test_trl_code_reward_from_dataset_columns(humaneval):
    # HumanEval as a standard (non-chat) dataset: the prompt is the function head, the
    # completion its body; TRL passes the columns `test` and `entry_point`.
    rows = humaneval[:8]
    bodies = [p["reference"] if i % 2 else "    pass\n" for i, p in enumerate(rows)]
    rewards = reward.code_reward(bodies, prompts=[p["prompt"] for p in rows], test=[p["test"] for p in rows],
                                 entry_point=[p["entry_point"] for p in rows])
    assert rewards == [0.0, 1.0] * 4
    # MBPP's columns
    rewards = reward.code_reward(["def sq(x):\n    return x * x\n", "def sq(x):\n    return x + x\n"],
                                 test_list=[["assert sq(3) == 9"], ["assert sq(3) == 9"]],
                                 test_imports=[[], []])
    assert rewards == [1.0, 0.0]
    strict = reward.make_code_reward(timeout=1, threads=2)
    assert strict(["while True: pass", "assert True"], tests=[None, None]) == [0.0, 1.0]
    with pytest.raises(TypeError):
        reward.make_code_reward(no_such=1)
    with pytest.raises(ValueError):
        reward.make_code_reward(timeout=-1)
    with pytest.raises(TypeError):
        reward.code_reward(["pass"])  # no tests anywhere
    with pytest.raises(ValueError):
        reward.code_reward(["pass", "pass"], tests=["assert True"])


def test_code_rewards_on_bad_completions():
    tests = ["assert f() == 1"]
    surrogate = b"def f():\n    return 1  # \xff\n".decode("utf-8", "surrogateescape")
    assert reward.compute_score("mbpp", surrogate, tests) == 1.0
    assert reward.code_reward([surrogate], tests=[tests]) == [1.0]
    huge = "def f():\n    return 1\n" + "#" * (10 * 1024 * 1024)
    assert reward.compute_score("mbpp", huge, tests, timeout=20) in (0.0, 1.0)
    for bad in (None, b"def f(): return 1", 42):
        with pytest.raises(TypeError):
            reward.compute_score("mbpp", bad, tests)
        with pytest.raises(TypeError):
            reward.code_reward([bad], tests=[tests])
