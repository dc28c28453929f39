#!/usr/bin/python3
"""Peer for bench_code_sandbox: the execution scheme of the public HumanEval harness.

For every program: a multiprocessing.Manager for the result list and one
multiprocessing.Process that makes a temporary directory, disables dangerous
os/shutil/subprocess functions by assignment, sets an address-space limit and
runs the program under a SIGALRM time limit with its output swallowed; the
parent joins with timeout + 1 s and kills a process still alive. Programs run
from a thread pool of `workers` threads, as the public harness does. Written
for this benchmark from the documented behaviour; no isolation beyond that.
Prints programs per second and how many passed / timed out.

  /usr/bin/python3 bench/peers/code_peer.py programs.jsonl timeout_s workers

programs.jsonl: one {"program": "..."} per line (bench_code_sandbox --dump).
"""
import contextlib
import io
import json
import multiprocessing
import os
import resource
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


class TimedOut(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds):
    def on_alarm(signum, frame):
        raise TimedOut()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def guard(memory_bytes):
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    import builtins
    import shutil
    import subprocess
    builtins.exit = None
    builtins.quit = None
    for name in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork",
                 "forkpty", "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown",
                 "chmod", "chown", "chroot", "lchown", "getcwd", "chdir"):
        setattr(os, name, None)
    shutil.rmtree = None
    shutil.move = None
    shutil.chown = None
    subprocess.Popen = None


def execute(program, timeout, result):
    with tempfile.TemporaryDirectory() as work:
        os.chdir(work)
        rmtree, rmdir, chdir = __import__("shutil").rmtree, os.rmdir, os.chdir
        guard(1 << 30)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                with alarm(timeout):
                    exec(program, {})
            result.append("passed")
        except TimedOut:
            result.append("timed out")
        except BaseException as error:
            result.append("failed: " + type(error).__name__)
        __import__("shutil").rmtree, os.rmdir, os.chdir = rmtree, rmdir, chdir
        os.chdir("/")


def check(program, timeout):
    with multiprocessing.Manager() as manager:
        result = manager.list()
        process = multiprocessing.Process(target=execute, args=(program, timeout, result))
        process.start()
        process.join(timeout=timeout + 1)
        if process.is_alive():
            process.kill()
        return result[0] if result else "timed out"


def main():
    path, timeout, workers = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    programs = [json.loads(line)["program"] for line in open(path)]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda p: check(p, timeout), programs))
    seconds = time.monotonic() - start
    passed = sum(r == "passed" for r in results)
    timed_out = sum(r == "timed out" for r in results)
    print("peer: %d programs in %.2f s = %.1f programs/s, %d passed, %d timed out"
          % (len(programs), seconds, len(programs) / seconds, passed, timed_out))


if __name__ == "__main__":
    main()
