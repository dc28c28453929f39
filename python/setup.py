"""Builds rlvr._core with the project's own CMake build (one source of truth:
cmake/rooms.cmake), configured without libtorch, tests or benchmarks, and
building only the extension target and the four rooms it links.

Environment:
  RLVR_CMAKE_BUILD_DIR  an already configured build folder of the project
                        (scripts/setup.sh passes build/): only the target is
                        built there, so nothing is compiled twice.
  RLVR_BUILD_JOBS       parallel compile jobs (default: all cores).
Without it the build folder is python/build/cmake, kept between installs so
that a re-install only recompiles what changed.
"""
import os
import shutil
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not (ROOT / "cmake" / "rooms.cmake").exists():
            sys.exit(f"setup.py: {ROOT} is not an rlvr-lab checkout; build from the repository's python/ folder")
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        given = os.environ.get("RLVR_CMAKE_BUILD_DIR")
        if given:
            build_dir = Path(given) if Path(given).is_absolute() else ROOT / given
            if not (build_dir / "CMakeCache.txt").exists():
                sys.exit(f"setup.py: RLVR_CMAKE_BUILD_DIR={given}: no configured CMake build there")
        else:
            build_dir = HERE / "build" / "cmake"
            if not (build_dir / "CMakeCache.txt").exists():
                generator = ["-G", "Ninja"] if shutil.which("ninja") else []
                self.spawn(["cmake", "-S", str(ROOT), "-B", str(build_dir), *generator,
                            "-DCMAKE_BUILD_TYPE=Release", "-DRLVR_WITH_TORCH=OFF",
                            "-DRLVR_BUILD_TESTS=OFF", "-DRLVR_BUILD_BENCH=OFF", "-DRLVR_BUILD_PYTHON=ON",
                            f"-DPython_EXECUTABLE={sys.executable}"])
        jobs = os.environ.get("RLVR_BUILD_JOBS") or str(os.cpu_count() or 1)
        self.spawn(["cmake", "--build", str(build_dir), "--target", "rlvr_python", "-j", jobs])
        built = build_dir / "python" / "rlvr" / f"_core{suffix}"
        if not built.exists():
            found = sorted(p.name for p in (build_dir / "python" / "rlvr").glob("_core*"))
            sys.exit(f"setup.py: expected {built.name} for this Python ({sys.executable}); "
                     f"the build folder holds {found}: configure it with -DPython_EXECUTABLE={sys.executable}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[CMakeExtension("rlvr._core")], cmdclass={"build_ext": CMakeBuild})
