"""The installed package: no libtorch, typed, documented."""
import subprocess
import sys
from pathlib import Path

import rlvr


def test_import_loads_no_libtorch():
    code = ("import rlvr, sys; rlvr.math.verify('1', '1'); rlvr.code.run('assert 1'); rlvr.analyze({'a': [{'problem_id': 1, 'correct': True}]}, "
            "bootstrap=0); maps = open('/proc/self/maps').read(); "
            "assert 'torch' not in ' '.join(sys.modules), 'torch module'; "
            "assert 'libtorch' not in maps and 'libc10' not in maps, 'libtorch mapped'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_typed_and_documented():
    package = Path(rlvr.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_core.pyi").exists()
    for fn in (rlvr.math.verify, rlvr.math.check, rlvr.math.extract, rlvr.math.verify_many, rlvr.math.check_many,
               rlvr.reward.compute_score, rlvr.reward.math_reward, rlvr.reward.code_reward, rlvr.code.run,
               rlvr.code.run_many, rlvr.code.program, rlvr.code.extract, rlvr.code.load_problems,
               rlvr.passk.pass_at_k, rlvr.analyze):
        assert fn.__doc__ and len(fn.__doc__) > 40
    assert rlvr.__version__ == "0.1.0"
