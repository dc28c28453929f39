"""Exact pass@k, the unbiased estimator of Chen et al. (2021), over numpy arrays:

    pass@k = 1 - C(n - c, k) / C(n, k)

for a problem with n samples of which c are correct, computed in log space (accurate to
rounding for any n, no huge binomials). The same C++ code as `rlvr analyze`.
"""
from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from . import _core

__all__ = ["pass_at_k", "mean_pass_at_k"]


def _integers(name: str, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must be integers, got dtype {array.dtype}")
    return array


def pass_at_k(n: Any, c: Any, k: Any) -> Union[float, np.ndarray]:
    """pass@k of each problem; n, c and k broadcast against each other like numpy
    arrays (e.g. n[:, None], c[:, None], ks[None, :] gives a problems x ks table).

    Scalars in, a float out; otherwise a float64 array of the broadcast shape.
    Needs 0 <= c <= n and 1 <= k <= n element-wise (rlvr.Error naming the first bad
    element otherwise); non-integer input is a TypeError.
    """
    arrays = np.broadcast_arrays(_integers("n", n), _integers("c", c), _integers("k", k))
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a.reshape(-1), dtype=np.int64) for a in arrays]
    out = _core.pass_at_k_elementwise(*flat).reshape(shape)
    return float(out) if out.ndim == 0 else out


def mean_pass_at_k(n: Any, c: Any, ks: Union[int, Sequence[int], np.ndarray]) -> Union[float, np.ndarray]:
    """The benchmark's pass@k: the mean over problems (n and c are 1-D per-problem
    counts) for each k in ks; a float for one k, an array for several."""
    n1 = _integers("n", n).reshape(-1)
    c1 = _integers("c", c).reshape(-1)
    if n1.shape != c1.shape:
        raise ValueError(f"n has {n1.size} problems, c {c1.size}")
    if n1.size == 0:
        raise ValueError("no problems")
    k1 = _integers("ks", ks)
    table = pass_at_k(n1[:, None], c1[:, None], k1.reshape(-1)[None, :])
    means = np.asarray(table).mean(axis=0)
    return float(means[0]) if k1.ndim == 0 else means
