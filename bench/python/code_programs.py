#!/usr/bin/python3
"""Programs per second of rlvr.code from Python: the list form run_many (worker threads,
each with its own fork server, GIL released) against running the same programs one by
one with rlvr.code.run (one Python thread, its warm fork server), and, in the same run,
the HumanEval-style peer bench/peers/code_peer.py (a process per program, SIGALRM limit,
no isolation) with as many workers as the list form.

Workload: HumanEval's 164 canonical solutions (data/benchmarks/humaneval) with their
tests, `--repeat` times (all pass).

  .venv/bin/python bench/python/code_programs.py [--repeat 3] [--threads 0] [--timeout 10]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rlvr
from rlvr import code

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="workers of run_many and the peer (0: one per core)")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    threads = args.threads or os.cpu_count() or 1
    problems = code.load_problems(ROOT / "data/benchmarks/humaneval/test.jsonl", "humaneval")
    completions = [p["reference"] for p in problems] * args.repeat
    tests = problems * args.repeat
    print(f"rlvr {rlvr.__version__}: {len(completions)} programs (HumanEval canonical x{args.repeat}), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    code.run("pass", timeout=args.timeout)  # the one-by-one thread's fork server, started once
    start = time.perf_counter()
    single = [code.run(c, t, timeout=args.timeout) for c, t in zip(completions, tests)]
    one_by_one = len(completions) / (time.perf_counter() - start)

    start = time.perf_counter()
    listed = code.run_many(completions, tests, threads=threads, timeout=args.timeout)
    many = len(completions) / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "programs.jsonl"
        path.write_text("".join(json.dumps({"program": code.program(c, t)}) + "\n" for c, t in zip(completions, tests)))
        peer = subprocess.run(["/usr/bin/python3", str(ROOT / "bench/peers/code_peer.py"), str(path),
                               str(args.timeout), str(threads)], capture_output=True, text=True, check=True).stdout
    peer_line = next(l for l in peer.splitlines() if l.startswith("peer:"))
    peer_rate = float(re.search(r"= ([0-9.]+) programs/s", peer_line).group(1))

    passed = (sum(r.passed for r in single), sum(r.passed for r in listed))
    print(f"  code.run one by one (1 thread)      {one_by_one:8.1f} programs/s   passed {passed[0]}")
    print(f"  code.run_many(threads={threads})          {many:8.1f} programs/s   passed {passed[1]}   "
          f"({many / one_by_one:.2f}x one by one)")
    print(f"  peer, {threads} workers (no isolation)     {peer_rate:8.1f} programs/s   ({peer_line.strip()})")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
