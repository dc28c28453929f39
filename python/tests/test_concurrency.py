"""Threads, multiprocessing and forked workers give the serial results."""
import multiprocessing as mp
import os
import sys
import threading

import pytest

from rlvr import math as rm
from rlvr import reward

from conftest import chain_of_thought


def workload(math500):
    golds, answers = [], []
    for i, row in enumerate(math500):
        g = row["answer"]
        golds += [g, g, g]
        answers += [chain_of_thought(g, steps=5), f"\\boxed{{{g}}}+1", f"The answer is {g}."]
    # pathological ones mixed in: the budget must behave the same in every thread
    golds += ["5^{5^{5^5}}", "(x+1)^{12}", "\\frac{1}{2004!}"]
    answers += ["\\boxed{5^{5^{5^5}}}", "\\boxed{" + "+".join(f"{1}x^{k}" for k in range(13)) + "}",
                "\\boxed{\\frac{1}{2006!}}"]
    return golds, answers


def test_eight_threads_give_the_serial_results(math500):
    golds, answers = workload(math500)
    serial = [(v.equivalent, v.reason, v.pred_norm) for v in (rm.check(g, a) for g, a in zip(golds, answers))]
    results = [None] * 8
    errors = []
    start = threading.Barrier(8)

    def run(t):
        try:
            start.wait()
            # each thread walks the pairs in its own order
            n = len(golds)
            order = list(range(t * 37 % n, n)) + list(range(t * 37 % n)) if t % 2 == 0 else list(reversed(range(n)))
            out = {}
            for i in order:
                v = rm.check(golds[i], answers[i])
                out[i] = (v.equivalent, v.reason, v.pred_norm)
            results[t] = [out[i] for i in range(len(golds))]
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for r in results:
        assert r == serial


def test_list_forms_from_eight_threads_at_once(math500):
    golds, answers = workload(math500)
    serial = [rm.verify(g, a) for g, a in zip(golds, answers)]
    results = [None] * 8

    def run(t):
        results[t] = rm.verify_many(golds, answers, threads=2)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(r == serial for r in results)


def _score_chunk(args):
    golds, answers = args
    return [reward.compute_score("math", a, g) for g, a in zip(golds, answers)]


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_multiprocessing_pools_give_the_serial_results(math500, method):
    golds, answers = workload(math500[:100])
    serial = _score_chunk((golds, answers))
    # threads in the parent first, so that a fork happens after the core ran threaded
    rm.verify_many(golds, answers, threads=4)
    chunks = [(golds[i:i + 50], answers[i:i + 50]) for i in range(0, len(golds), 50)]
    with mp.get_context(method).Pool(3) as pool:
        scored = pool.map(_score_chunk, chunks)
    assert [s for chunk in scored for s in chunk] == serial


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_plain_forked_child_checks(math500):
    golds, answers = workload(math500[:50])
    expected = rm.verify_many(golds, answers)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, report through the pipe, exit without cleanup
        try:
            ok = rm.verify_many(golds, answers, threads=2) == expected and \
                [rm.verify(g, a) for g, a in zip(golds, answers)] == expected
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"


def test_no_signal_handlers_installed():
    import signal
    before = {s: signal.getsignal(s) for s in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM)}
    rm.verify("5^{5^{5^5}}", "5^{5^{5^5}}+1")
    assert {s: signal.getsignal(s) for s in before} == before


# --- code in the sandbox ------------------------------------------------------------

from rlvr import code  # noqa: E402

from conftest import ROOT  # noqa: E402


def code_workload():
    problems = code.load_problems(ROOT / "data" / "benchmarks" / "humaneval" / "test.jsonl", "humaneval")[:24]
    completions, tests = [], []
    for i, p in enumerate(problems):
        body = [p["reference"], "    return None\n", "    raise ValueError('no')\n"][i % 3]
        completions.append(body)
        tests.append(p)
    return completions, tests


def labels(results):
    return [r.label for r in results]


def test_code_from_eight_threads_gives_the_serial_results():
    completions, tests = code_workload()
    serial = [code.run(c, t).label for c, t in zip(completions, tests)]
    assert serial.count("passed") == 8 and "failed:ValueError" in serial and "failed:AssertionError" in serial
    results = [None] * 8
    errors = []
    start = threading.Barrier(8)

    def run(t):
        try:
            start.wait()
            if t % 2:  # half the threads run one program at a time (each its own fork server)
                order = list(range(len(completions)))[t:] + list(range(len(completions)))[:t]
                out = {i: code.run(completions[i], tests[i]).label for i in order}
                results[t] = [out[i] for i in range(len(completions))]
            else:  # the others the list form, all at once
                results[t] = labels(code.run_many(completions, tests, threads=2))
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert all(r == serial for r in results)


def _code_chunk(args):
    completions, tests = args
    return [reward.compute_score("humaneval", c, t) for c, t in zip(completions, tests)]


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_code_in_multiprocessing_pools(method):
    completions, tests = code_workload()
    serial = _code_chunk((completions, tests))  # leaves a warm fork server in this thread
    chunks = [(completions[i:i + 8], tests[i:i + 8]) for i in range(0, len(completions), 8)]
    with mp.get_context(method).Pool(3) as pool:
        scored = pool.map(_code_chunk, chunks)
    assert [s for chunk in scored for s in chunk] == serial
    assert _code_chunk((completions, tests)) == serial  # the parent's server still answers


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_plain_forked_child_runs_code():
    completions, tests = code_workload()
    expected = labels(code.run_many(completions, tests))
    assert code.run("assert True").passed  # a warm fork server in this thread, inherited by the child
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            ok = [code.run(c, t).label for c, t in zip(completions, tests)] == expected and \
                labels(code.run_many(completions, tests, threads=2)) == expected
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert [code.run(c, t).label for c, t in zip(completions, tests)] == expected
