#!/usr/bin/python3
"""The straightforward Python/numpy way to compute what `rlvr analyze` does,
shaped like the public reference evaluation code: json.loads per line, the
numpy product form of the unbiased pass@k per problem, a numpy percentile
bootstrap over problems, and the solved/unsolved coverage. Used by
bench_analyze as the peer; prints one line of JSON with its timings.

usage: analyze_peer.py SAMPLES.jsonl [--bootstrap 1000] [--seed 0]
"""
import argparse
import json
import time

import numpy as np


def pass_at_k(n, c, k):
    """1 - C(n-c, k) / C(n, k), the numerically stable product form."""
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start, start_cpu = time.perf_counter(), time.process_time()
    n, c = {}, {}
    size = 0
    with open(args.path, "rb") as f:
        for line in f:
            size += len(line)
            row = json.loads(line)
            pid = str(row["problem_id"])
            n[pid] = n.get(pid, 0) + 1
            c[pid] = c.get(pid, 0) + (1 if row["correct"] else 0)
    read_s, read_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu

    start, start_cpu = time.perf_counter(), time.process_time()
    ids = sorted(n)
    ns = np.array([n[i] for i in ids])
    cs = np.array([c[i] for i in ids])
    n_min = int(ns.min())
    ks = [1 << e for e in range(64) if (1 << e) <= n_min]
    matrix = np.array([[pass_at_k(int(a), int(b), k) for k in ks] for a, b in zip(ns, cs)])
    estimate = matrix.mean(axis=0)
    rng = np.random.default_rng(args.seed)
    means = np.empty((args.bootstrap, len(ks)))
    for b in range(args.bootstrap):
        means[b] = matrix[rng.integers(0, len(ids), len(ids))].mean(axis=0)
    low, high = np.percentile(means, [2.5, 97.5], axis=0)
    solved = int((cs > 0).sum())
    analysis_s, analysis_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu

    print(json.dumps({"bytes": size, "read_s": read_s, "analysis_s": analysis_s,
                      "read_cpu_s": read_cpu_s, "analysis_cpu_s": analysis_cpu_s, "problems": len(ids),
                      "pass_at_1": float(estimate[0]), "pass_at_max": float(estimate[-1]),
                      "ci_max": [float(low[-1]), float(high[-1])], "solved": solved}))


if __name__ == "__main__":
    main()
