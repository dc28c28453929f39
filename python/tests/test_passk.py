"""rlvr.passk against the exact binomial formula in rational arithmetic."""
from fractions import Fraction
from math import comb

import numpy as np
import pytest

import rlvr
from rlvr import passk


def exact(n, c, k):
    return 1 - Fraction(comb(n - c, k), comb(n, k))


def test_scalar_and_exact_values():
    for n in (1, 2, 5, 16, 64, 257):
        for c in sorted({0, 1, n // 3, n - 1, n}):
            for k in sorted(k for k in {1, 2, n // 2 or 1, n} if k <= n):
                assert passk.pass_at_k(n, c, k) == pytest.approx(float(exact(n, c, k)), rel=1e-12, abs=1e-15)
    assert isinstance(passk.pass_at_k(10, 3, 2), float)


def test_large_n_tiny_values_keep_precision():
    value = passk.pass_at_k(100000, 1, 1)
    assert value == pytest.approx(1e-5, rel=1e-12)
    assert passk.pass_at_k(5000, 2, 3) == pytest.approx(float(exact(5000, 2, 3)), rel=1e-12)


def test_broadcasting_table():
    rng = np.random.default_rng(7)
    n = rng.integers(16, 200, size=300)
    c = (rng.random(300) * (n + 1)).astype(np.int64).clip(0, n)
    ks = np.array([1, 2, 4, 8, 16])
    table = passk.pass_at_k(n[:, None], c[:, None], ks[None, :])
    assert table.shape == (300, 5) and table.dtype == np.float64
    for i in range(0, 300, 29):
        for j, k in enumerate(ks):
            assert table[i, j] == pytest.approx(float(exact(int(n[i]), int(c[i]), int(k))), rel=1e-12, abs=1e-15)
    assert np.allclose(passk.mean_pass_at_k(n, c, ks), table.mean(axis=0))
    assert passk.mean_pass_at_k(n, c, 4) == pytest.approx(table[:, 2].mean())
    # int32 input and lists work the same
    assert np.array_equal(passk.pass_at_k(n.astype(np.int32), list(c), 3), passk.pass_at_k(n, c, 3))


def test_invalid_counts():
    with pytest.raises(rlvr.Error, match="element 1"):
        passk.pass_at_k([10, 10], [3, 11], 2)
    with pytest.raises(rlvr.Error):
        passk.pass_at_k(10, 3, 11)
    with pytest.raises(rlvr.Error):
        passk.pass_at_k(10, 3, 0)
    with pytest.raises(TypeError):
        passk.pass_at_k(10.0, 3, 2)
    with pytest.raises(TypeError):
        passk.pass_at_k(np.array([True]), 1, 1)
    with pytest.raises(ValueError):
        passk.pass_at_k([10, 10, 10], [1, 2], 1)  # shapes do not broadcast
