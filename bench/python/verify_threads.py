#!/usr/bin/python3
"""Checks per second of rlvr.math from Python, on one thread and on many, side by side
with the project's SymPy-based peer (bench/peers/verify_sympy.py) on the same pairs.

Workload: for each MATH500 gold answer (data/benchmarks/math500), five predictions a
grader sees: the gold boxed in a sentence, \\frac{a}{b} written \\dfrac{a}{b}, extra
spaces, the gold inside a 40-step chain of thought, and the gold plus one (to reject).
Prints, for the same first `--peer-pairs` pairs, the peer's and rlvr's checks per second
on one thread, then rlvr on all pairs: one thread, T Python threads each calling
rlvr.math.verify, and verify_many(threads=T).

  .venv/bin/python bench/python/verify_threads.py [--threads 8] [--passes 3] [--peer-pairs 600]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import rlvr
from rlvr import math as rm

ROOT = Path(__file__).resolve().parents[2]


def chain_of_thought(final):
    steps = [f"Step {i}: $x_{i} = \\frac{{{i}}}{{{i + 1}}}$, partial value {i * 7}." for i in range(1, 41)]
    return "Let me think.\n" + "\n".join(steps) + f"\nTherefore the final answer is $\\boxed{{{final}}}$."


def workload():
    rows = [json.loads(l) for l in (ROOT / "data/benchmarks/math500/test.jsonl").read_text().splitlines() if l.strip()]
    pairs = []
    for row in rows:
        g = row["answer"]
        pairs += [(g, f"Thus the answer is $\\boxed{{{g}}}$."), (g, g.replace("\\frac", "\\dfrac")),
                  (g, " " + g.replace(",", ", ").replace("+", " + ") + " "), (g, chain_of_thought(g)),
                  (g, f"${g}+1$")]
    return pairs


def rate(count, seconds):
    return count / seconds if seconds > 0 else float("inf")


def serial(pairs, passes):
    best = 0.0
    for _ in range(passes):
        start = time.perf_counter()
        for g, a in pairs:
            rm.verify(g, a)
        best = max(best, rate(len(pairs), time.perf_counter() - start))
    return best


def python_threads(pairs, threads, passes):
    best = 0.0
    for _ in range(passes):
        barrier = threading.Barrier(threads + 1)

        def run(part):
            barrier.wait()
            for g, a in part:
                rm.verify(g, a)

        workers = [threading.Thread(target=run, args=(pairs[t::threads],)) for t in range(threads)]
        for w in workers:
            w.start()
        barrier.wait()
        start = time.perf_counter()
        for w in workers:
            w.join()
        best = max(best, rate(len(pairs), time.perf_counter() - start))
    return best


def many(pairs, threads, passes):
    golds, answers = [g for g, _ in pairs], [a for _, a in pairs]
    best = 0.0
    for _ in range(passes):
        start = time.perf_counter()
        rm.verify_many(golds, answers, threads=threads)
        best = max(best, rate(len(pairs), time.perf_counter() - start))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--peer-pairs", type=int, default=600)
    args = parser.parse_args()
    pairs = workload()
    agreed = sum(rm.verify_many([g for g, _ in pairs], [a for _, a in pairs]))
    print(f"rlvr {rlvr.__version__}: {len(pairs)} pairs ({agreed} equivalent), {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")

    head = pairs[:args.peer_pairs]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pairs.jsonl"
        path.write_text("".join(json.dumps({"gold": g, "pred": a}) + "\n" for g, a in head))
        peer = subprocess.run(["/usr/bin/python3", str(ROOT / "bench/peers/verify_sympy.py"), str(path),
                               str(len(head))], capture_output=True, text=True, check=True).stdout
    peer_rate = float(next(l for l in peer.splitlines() if l.startswith("checks per second")).split(":")[1])
    ours = serial(head, args.passes)
    print(f"same first {len(head)} pairs, one thread:")
    print(f"  sympy peer             {peer_rate:12,.1f} checks/s")
    print(f"  rlvr.math.verify       {ours:12,.1f} checks/s   ({ours / peer_rate:,.0f}x the peer)")
    one = serial(pairs, args.passes)
    threaded = python_threads(pairs, args.threads, args.passes)
    listed = many(pairs, args.threads, args.passes)
    print(f"all {len(pairs)} pairs:")
    print(f"  1 Python thread, verify          {one:12,.1f} checks/s")
    print(f"  {args.threads} Python threads, verify        {threaded:12,.1f} checks/s   ({threaded / one:.2f}x)")
    print(f"  verify_many(threads={args.threads})         {listed:12,.1f} checks/s   ({listed / one:.2f}x)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
