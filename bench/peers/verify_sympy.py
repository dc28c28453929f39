#!/usr/bin/python3
"""Peer for bench_verify: the core of the public Python graders, on the same pairs.

Converts each (gold, pred) pair from LaTeX to SymPy syntax the way simple graders do
(\\frac -> /, \\sqrt -> sqrt, ^ -> **), parses both with sympy.parse_expr and decides
equivalence with simplify(a - b) == 0, under a signal-based time-out of 5 s per
check (the method the public graders use; it only works in the main thread).
Prints checks per second, the 99th percentile and the maximum time of one check.

  /usr/bin/python3 bench/peers/verify_sympy.py pairs.jsonl [max_pairs] [time_limit_s]

pairs.jsonl comes from `bench_verify --dump pairs.jsonl`.
"""
import json
import re
import signal
import sys
import time

import sympy
from sympy.parsing.sympy_parser import (parse_expr, standard_transformations,
                                        implicit_multiplication_application, convert_xor)

TRANSFORMS = standard_transformations + (implicit_multiplication_application, convert_xor)


def last_boxed(text):
    pos = text.rfind("\\boxed{")
    if pos < 0:
        return None
    i, level = pos + len("\\boxed"), 0
    for j in range(i, len(text)):
        if text[j] == "{":
            level += 1
        elif text[j] == "}":
            level -= 1
            if level == 0:
                return text[i + 1:j]
    return None


def group(s, i):
    """Content of the {...} group starting at s[i] and the index after it."""
    level = 0
    for j in range(i, len(s)):
        if s[j] == "{":
            level += 1
        elif s[j] == "}":
            level -= 1
            if level == 0:
                return s[i + 1:j], j + 1
    raise ValueError("unbalanced braces")


def to_sympy(s):
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    out, i = "", 0
    while i < len(s):
        if s.startswith("\\frac{", i):
            a, j = group(s, i + 5)
            b, k = group(s, j)
            out += "((" + to_sympy(a) + ")/(" + to_sympy(b) + "))"
            i = k
        elif s.startswith("\\sqrt{", i):
            a, j = group(s, i + 5)
            out += "sqrt(" + to_sympy(a) + ")"
            i = j
        else:
            out += s[i]
            i += 1
    for a, b in [("\\left", ""), ("\\right", ""), ("\\pi", "pi"), ("\\cdot", "*"), ("\\times", "*"),
                 ("\\infty", "oo"), ("^\\circ", ""), ("\\%", ""), ("$", ""), ("\\!", ""), ("\\,", ""),
                 ("{", "("), ("}", ")"), ("\\", "")]:
        out = out.replace(a, b)
    out = re.sub(r"text\([^)]*\)", "", out)
    return out.strip().rstrip(".")


class TimeOut(Exception):
    pass


def on_alarm(signum, frame):
    raise TimeOut()


def equivalent(gold, pred):
    g = last_boxed(gold) or gold
    p = last_boxed(pred) or pred
    a = parse_expr(to_sympy(g), transformations=TRANSFORMS)
    b = parse_expr(to_sympy(p), transformations=TRANSFORMS)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return sympy.simplify(a - b) == 0


def main():
    path = sys.argv[1]
    max_pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    time_limit = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    pairs = [json.loads(line) for line in open(path)][:max_pairs]
    signal.signal(signal.SIGALRM, on_alarm)
    times, errors, timeouts, agreed = [], 0, 0, 0
    start = time.perf_counter()
    for pair in pairs:
        t0 = time.perf_counter()
        signal.alarm(5)
        try:
            agreed += bool(equivalent(pair["gold"], pair["pred"]))
        except TimeOut:
            timeouts += 1
        except Exception:
            errors += 1
        finally:
            signal.alarm(0)
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > time_limit:
            break
    total = time.perf_counter() - start
    times.sort()
    n = len(times)
    print(f"sympy peer: {n} checks ({agreed} equivalent, {errors} errors, {timeouts} time-outs), one thread")
    print(f"checks per second: {n / total:.1f}")
    print(f"time of one check: p50 {times[n // 2] * 1e6:.0f} us, p99 {times[int(0.99 * (n - 1))] * 1e6:.0f} us, "
          f"max {times[-1] * 1e6:.0f} us")
    print("pathological inputs (5 s time-out):")
    for name, gold, pred in [("tower 5^{5^{5^5}}", "5^{5^{5^5}}", "5^{5^{5^5}}+1"),
                             ("1/2004! vs 1/2006!", "\\frac{1}{2004!}", "\\frac{1}{2006!}"),
                             ("x^{1000000}", "x^{1000000}", "x^{1000001}")]:
        t0 = time.perf_counter()
        signal.alarm(5)
        try:
            verdict = str(equivalent(gold, pred))
        except TimeOut:
            verdict = "time-out"
        except Exception as e:
            verdict = "error " + type(e).__name__
        finally:
            signal.alarm(0)
        print(f"  {name:22s} {(time.perf_counter() - t0) * 1e6:12.0f} us  {verdict}")


if __name__ == "__main__":
    main()
