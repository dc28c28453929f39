"""The package as an ordinary user: CI runs as root, users mostly do not. When the
tests run as root, this re-runs a small script as nobody (setpriv, util-linux) on a
copy of the installed package that nobody can read, in a home of its own: the code
sandbox (its user namespace is then made by an unprivileged user), the math verifier,
a forked worker. As an ordinary user the whole suite already is that check."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import rlvr

from conftest import ROOT

SCRIPT = r'''
import json, os, sys
import rlvr
from rlvr import code, reward

problems = code.load_problems(os.path.join(os.environ["HOME"], "humaneval.jsonl"), "humaneval")[:12]
out = {"uid": os.geteuid(), "module": rlvr.__file__}
out["canonical"] = [r.label for r in code.run_many([p["reference"] for p in problems], problems)]
out["mutated"] = [code.run("    return None\n" + p["reference"], p).passed for p in problems]
out["timeout"] = code.run("while True: pass", timeout=1).label
out["fresh"] = code.run(problems[0]["reference"], problems[0], fresh_interpreter=True).label
out["escape"] = code.run("open('" + os.environ["HOME"] + "/canary', 'w').write('x')").label
out["math"] = reward.compute_score("math", "so \\boxed{\\frac{1}{2}}", "0.5")
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    ok = code.run(problems[1]["reference"], problems[1]).passed and reward.code_reward(["assert True"], tests=[None]) == [1.0]
    os.write(write, b"1" if ok else b"0")
    os._exit(0)
os.close(write)
out["forked"] = os.read(read, 1).decode()
os.waitpid(pid, 0)
print(json.dumps(out))
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="already an ordinary user: the whole suite runs as one")
def test_the_package_works_for_an_ordinary_user():
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux, installed by scripts/setup.sh) is needed to test as nobody"
    home = Path(tempfile.mkdtemp(prefix="rlvr-nobody-"))
    try:
        shutil.copytree(Path(rlvr.__file__).parent, home / "site" / "rlvr")
        shutil.copy(ROOT / "data" / "benchmarks" / "humaneval" / "test.jsonl", home / "humaneval.jsonl")
        (home / "check.py").write_text(SCRIPT)
        for path in [home, *home.rglob("*")]:
            os.chown(path, 65534, 65534, follow_symlinks=False)
        home.chmod(0o700)  # nobody's own: root's files stay out of reach
        python = os.path.realpath(sys.executable)  # the venv may sit where nobody cannot read
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(home / "site"), "LANG": "C.UTF-8"}
        done = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", python,
                               str(home / "check.py")], env=env, cwd=home, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["uid"] == 65534 and out["module"].startswith(str(home))
        assert out["canonical"] == ["passed"] * 12
        assert out["mutated"] == [False] * 12
        assert out["timeout"] == "timeout"
        assert out["fresh"] == "passed"
        assert out["escape"] == "failed:FileNotFoundError"  # the user's home does not exist in the jail
        assert not (home / "canary").exists()
        assert out["math"] == 1.0
        assert out["forked"] == "1"
    finally:
        shutil.rmtree(home, ignore_errors=True)
