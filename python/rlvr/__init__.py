"""rlvr: the math answer verifier, the code sandbox, reward functions for verl and TRL,
exact pass@k and the boundary analysis of rlvr-lab, from its C++ core (no libtorch, no
signals).

    rlvr.math      verify / check / extract answers, one pair or many on all cores
    rlvr.code      run model-written programs against their tests in the sandbox
    rlvr.reward    compute_score (verl), math_reward and code_reward (TRL GRPOTrainer)
    rlvr.passk     pass@k over numpy arrays
    rlvr.analyze   the analysis of `rlvr analyze` on files or in-memory samples

Errors the library reports on purpose are rlvr.Error (a ValueError); bad data that can
be located is rlvr.InputError with .file, .line and .field.
"""
from . import _core
from ._core import Error, InputError
from . import code, math, passk, reward
from .analysis import analyze

__version__: str = _core.__version__

__all__ = ["Error", "InputError", "analyze", "code", "math", "passk", "reward", "__version__"]
