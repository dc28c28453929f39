# The Python side of rlvr's sandbox, embedded in the library at build time.
# It runs inside the jail that the C++ side built (namespaces, read-only
# root, seccomp, rlimits); the C++ side appends either run_once() (a fresh
# interpreter for one program) or serve() (the fork server).
#
# A program passes only when the line "<nonce> passed" reaches the result
# pipe (fd 4). The nonce comes from outside, per program, and is written only
# after the program's last statement returned, so exiting early
# (sys.exit, os._exit, a signal) never passes.
import builtins
import ctypes
import gc
import json
import os
import resource
import select
import signal
import struct
import sys
import time
import traceback
import warnings

RESULT_FD = 4


def _compile(source):
    """The one way a program is compiled, in the child or ahead in the server, so both report alike."""
    return compile(source, "<program>", "exec", dont_inherit=True)


def _run_program(source, nonce, code=None):
    # Bound before the program runs: it may patch os, builtins or traceback.
    write, leave, kind_of, print_exc = os.write, os._exit, type, traceback.print_exc
    line = nonce + " raised Unknown\n"
    try:
        if code is None:
            code = _compile(source)
        namespace = {"__name__": "__main__", "__builtins__": builtins}
        exec(code, namespace)
        line = nonce + " passed\n"
    except BaseException as error:  # SystemExit too: leaving before the end is not passing
        try:
            line = nonce + " raised " + str(kind_of(error).__name__) + "\n"
            print_exc()
        except BaseException:
            pass
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass
    try:
        write(RESULT_FD, line.encode())
    finally:
        leave(0)


def run_once():
    """Fresh-interpreter mode: fd 3 holds the nonce line, then the program."""
    chunks = []
    while True:
        chunk = os.read(3, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(3)
    nonce, _, source = b"".join(chunks).partition(b"\n")
    _run_program(source.decode("utf-8", "replace"), nonce.decode())


# ---- fork server ----
# serve() runs as init of the jail the C++ side built, with a seccomp filter
# that still allows mount, unshare and setns into a PID namespace. For each
# program it calls unshare(CLONE_NEWPID) and forks once: the child is init of
# a new PID namespace; the server then returns its own later children to its
# own namespace with setns. The child unshares new mount and IPC namespaces,
# mounts a fresh /tmp and /proc, sets rlimits, drops every capability and
# installs the strict filter. The server stays outside that PID namespace,
# where the program cannot see or signal it; it enforces the wall-clock limit
# by killing the program's init, which ends the namespace, and reaps it
# before it answers, so nothing of the program outlives its answer.

_libc = ctypes.CDLL(None, use_errno=True)
_CLONE_NEWNS, _CLONE_NEWPID, _CLONE_NEWIPC = 0x00020000, 0x20000000, 0x08000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 2, 4, 8
_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_SET_SECCOMP = 1, 4, 22
_PR_CAPBSET_DROP, _PR_SET_SECUREBITS, _PR_SET_NO_NEW_PRIVS = 24, 28, 38
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_SECCOMP_MODE_FILTER = 2


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, what + ": " + os.strerror(err))


def _prctl(option, arg2=0):
    return _libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg2), ctypes.c_ulong(0), ctypes.c_ulong(0),
                       ctypes.c_ulong(0))


def _read_exact(fd, size):
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _read_frame(fd):
    head = _read_exact(fd, 4)
    if head is None:
        return None
    body = _read_exact(fd, struct.unpack("<I", head)[0])
    return None if body is None else json.loads(body)


def _write_frame(fd, obj):
    body = json.dumps(obj).encode()
    data = struct.pack("<I", len(body)) + body
    while data:
        data = data[os.write(fd, data):]


def _enter_program_jail(config, stdout_w, stderr_w, result_w):
    """In the program's process (init of a new PID namespace): last steps, then the strict filter."""
    limits = config["limits"]
    _check(_libc.unshare(_CLONE_NEWNS | _CLONE_NEWIPC), "unshare")
    # Its own session and process group: kill(0, sig) reaches a process group
    # across PID namespaces, and the server's group must stay out of reach.
    os.setsid()
    _check(_libc.mount(b"tmpfs", b"/tmp", b"tmpfs", _MS_NOSUID | _MS_NODEV,
                       ("size=%d,mode=1777" % limits["work_dir_bytes"]).encode()), "mount /tmp")
    # A /proc of this namespace only; where the kernel refuses, /proc is hidden instead.
    if _libc.mount(b"proc", b"/proc", b"proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None) != 0:
        _check(_libc.mount(b"tmpfs", b"/proc", b"tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, b"size=4k,mode=0555"),
               "hide /proc")
    os.chdir("/tmp")
    if "random" in sys.modules:  # a fresh seed, not the one every child inherited
        sys.modules["random"].seed()
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(stdout_w, 1)
    os.dup2(stderr_w, 2)
    os.dup2(result_w, RESULT_FD)
    os.closerange(RESULT_FD + 1, 1 << 16)
    try:
        os.close(3)
    except OSError:
        pass
    cpu = int(-(-limits["cpu_seconds"] // 1))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"],) * 2)
    # Counted in the server's user namespace, where the server is one more:
    # the program gets what a fresh interpreter gets.
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"] + 1,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # No capabilities (the bounding set, ambient set and securebits came empty
    # and locked from the server).
    header, data = config["capset_args"]
    _check(_libc.capset(header, data), "capset")
    _check(_prctl(_PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")
    _check(_libc.prctl(ctypes.c_int(_PR_SET_SECCOMP), ctypes.c_ulong(_SECCOMP_MODE_FILTER), config["filter_prog"],
                       ctypes.c_ulong(0), ctypes.c_ulong(0)), "seccomp")


# Compiling in a freshly forked child costs about 3 ms of CPU, most of it page
# faults on the parser's code and memory; in the server, where they are warm,
# about 0.5 ms. Larger sources (up to ~1 s to compile at 1 MB) stay with the
# child, under its own limits.
_COMPILE_AHEAD_BYTES = 64 * 1024


def _compile_ahead(source):
    """The program's code object, compiled in the server; None leaves it to the child.

    Nothing of the program runs here. Any error or warning (a SyntaxWarning the
    program's stderr should show) returns None, so the child compiles again and
    reports it exactly as it would have.
    """
    if len(source) > _COMPILE_AHEAD_BYTES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return _compile(source)
    except Exception:
        return None


def _start_program(config, request, own_pid_namespace):
    """Forks the program's process as init of a new PID namespace; returns its pid and the read ends."""
    code = _compile_ahead(request["source"])
    stdout_r, stdout_w = os.pipe()
    stderr_r, stderr_w = os.pipe()
    result_r, result_w = os.pipe()
    pid = -1
    try:
        _check(_libc.unshare(_CLONE_NEWPID), "unshare")
        try:
            pid = os.fork()
        finally:
            if pid != 0:  # the server (also when fork failed): later children in its own namespace again
                _check(_libc.setns(own_pid_namespace, _CLONE_NEWPID), "setns")
    except BaseException:
        for fd in (stdout_r, stdout_w, stderr_r, stderr_w, result_r, result_w):
            os.close(fd)
        raise
    if pid == 0:
        try:
            _enter_program_jail(config, stdout_w, stderr_w, result_w)
        except BaseException as error:
            os.write(2, ("sandbox setup failed: %s\n" % error).encode())
            os._exit(126)
        _run_program(request["source"], request["nonce"], code)
    os.close(stdout_w)
    os.close(stderr_w)
    os.close(result_w)
    return pid, stdout_r, stderr_r, result_r


def _supervise(config, request, own_pid_namespace):
    """Runs one program within its limits and returns what happened, once its namespace is gone."""
    start = time.monotonic()
    pid, stdout_r, stderr_r, result_r = _start_program(config, request, own_pid_namespace)
    try:
        return _watch(config["limits"], start, pid, stdout_r, stderr_r, result_r)
    except BaseException:
        # Whatever went wrong here, the program must not outlive its answer.
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        raise
    finally:
        for fd in (stdout_r, stderr_r, result_r):
            os.close(fd)


def _watch(limits, start, pid, stdout_r, stderr_r, result_r):
    """Reads the program's pipes with the output caps until they close or the wall clock runs out; reaps it."""
    tail = limits["tail_bytes"]
    buffers = {stdout_r: bytearray(), stderr_r: bytearray(), result_r: bytearray()}
    poller = select.poll()
    for fd in buffers:
        poller.register(fd, select.POLLIN)
    open_fds = set(buffers)
    total = 0
    timed_out = output_limited = False
    deadline = start + limits["wall_seconds"]
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        for fd, _ in poller.poll(max(1, int(remaining * 1000))):
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                poller.unregister(fd)
                open_fds.discard(fd)
                continue
            buf = buffers[fd]
            buf += chunk
            if fd == result_r:
                del buf[4096:]
                continue
            total += len(chunk)
            if len(buf) > tail:
                del buf[:len(buf) - tail]
            if total > limits["output_bytes"]:
                output_limited = True
        if output_limited:
            break
    if open_fds:
        os.kill(pid, signal.SIGKILL)  # init of the namespace: everyone in it dies
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - start
    return {
        "result": buffers[result_r].decode("utf-8", "replace"),
        "stdout": buffers[stdout_r].decode("utf-8", "replace"),
        "stderr": buffers[stderr_r].decode("utf-8", "replace"),
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
        "timed_out": timed_out,
        "output_limited": output_limited,
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }


# Modules that HumanEval and MBPP programs import (re 79, math 48, collections 28,
# typing 21 of their 1138 programs, ...). Not hashlib, decimal, fractions or
# datetime (1 program each at most): they map OpenSSL and the decimal library
# into the server (RSS 16.3 -> 11.7 MB), and every fork and exit pays for it.
_WARM_MODULES = ("typing", "math", "re", "collections", "itertools", "functools", "heapq", "string", "bisect",
                 "operator", "copy", "array", "cmath")


def _drop_inherited_privileges():
    """Once in the server, inherited by every program: nothing to gain at an execve.

    The server keeps its effective capabilities (it mounts and unshares for each
    program); these settings only matter at execve and setuid, which it never calls.
    """
    _check(_prctl(_PR_SET_SECUREBITS, 0x2F), "securebits")  # NOROOT, NO_SETUID_FIXUP, all locked
    for cap in range(64):
        _prctl(_PR_CAPBSET_DROP, cap)
    _prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL)


def serve():
    """Fork server: fd 0 requests, fd 1 responses (4-byte length, then JSON)."""
    _prctl(_PR_SET_DUMPABLE, 0)
    _drop_inherited_privileges()
    requests, responses = 0, os.dup(1)
    os.dup2(2, 1)
    config = _read_frame(requests)
    program = bytes.fromhex(config["filter"])
    config["filter_buffer"] = ctypes.create_string_buffer(program, len(program))
    # Built once: each ctypes object made in a child costs it copied pages.
    config["capset_args"] = (ctypes.byref(_CapHeader(0x20080522, 0)), ctypes.byref((_CapData * 2)()))
    config["filter_prog"] = ctypes.byref(_SockFprog(len(program) // 8, ctypes.cast(config["filter_buffer"],
                                                                                   ctypes.c_void_p)))
    # Modules test programs import most, loaded once here instead of in every
    # child (not random: its state would be the same in every child).
    for name in _WARM_MODULES:
        try:
            __import__(name)
        except ImportError:
            pass
    own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)
    gc.collect()
    gc.freeze()  # fewer copied pages in each child
    while True:
        request = _read_frame(requests)
        if request is None:
            return
        try:
            answer = _supervise(config, request, own_pid_namespace)
        except Exception as error:
            answer = {"error": "fork server: %s" % error}
        _write_frame(responses, answer)
