"""Thread settings the Python peers share with the C++ programs: idle OpenMP
threads sleep rather than spin (src/rlvr/util/openmp_policy.h), and both
libtorch's pool and OpenBLAS's own pool get the same number of threads.
Import this module before torch: libgomp reads OMP_WAIT_POLICY when torch
loads it."""
import ctypes
import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")


def use_threads(torch, threads):
    torch.set_num_threads(threads)
    # torch does not size OpenBLAS's pool; the C++ set_threads does the same.
    try:
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(threads)
    except OSError:
        print("peer: could not size the OpenBLAS thread pool")
