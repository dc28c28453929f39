// Hostile programs: each one is contained, labelled, and the host is checked
// afterwards (files, /tmp, a listener, surviving processes, our own fds).
// Every test runs in both modes: fork server and fresh interpreter.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "rlvr/util/files.h"
#include "sandbox_support.h"
#include "support/temp_dir.h"

using rlvr::sandbox::Mode;
using rlvr::sandbox::Result;
using rlvr::sandbox::Runner;
using rlvr::sandbox::Status;
using rlvr::sandbox::status_text;

namespace {

class Hostile : public ::testing::TestWithParam<Mode> {
 protected:
  Result run(const std::string& program) {
    Runner runner(test_options(GetParam()));
    Result r = runner.run(program);
    // The runner (and a fork server) is gone here: nothing may survive it.
    return r;
  }
};

// Every program reports its PID namespace first, so the test can look for survivors.
const char* kPrologue =
    "import os, sys\n"
    "print('PIDNS=' + os.readlink('/proc/self/ns/pid'), flush=True)\n";

// Call it right after the run: processes started later are not the run's.
void expect_no_survivors(const Result& r) {
  const unsigned long long now = boot_ticks_now();
  std::string ns = reported(r.stdout_tail, "PIDNS");
  ASSERT_FALSE(ns.empty()) << "the program did not report its namespace: " << r.stdout_tail << r.stderr_tail;
  EXPECT_EQ(processes_in_namespace(ns, now), 0) << ns;
}

TEST_P(Hostile, ForkBomb) {
  Result r = run(std::string(kPrologue) +
                 "while True:\n"
                 "    try:\n"
                 "        os.fork()\n"
                 "    except OSError:\n"
                 "        pass\n");
  EXPECT_NE(r.status, Status::Passed);
  EXPECT_TRUE(r.status == Status::Timeout || r.status == Status::Killed) << status_text(r);
  expect_no_survivors(r);
}

TEST_P(Hostile, MemoryBomb) {
  Result r = run(std::string(kPrologue) + "blocks = []\nwhile True:\n    blocks.append(bytearray(64 << 20))\n");
  EXPECT_EQ(r.status, Status::Memory) << status_text(r) << r.stderr_tail;
  expect_no_survivors(r);
}

TEST_P(Hostile, BusyLoopIgnoringSigterm) {
  Result r = run(std::string(kPrologue) +
                 "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n");
  // Seen twice under load as "killed" after 4.45 s (before the judgement also
  // counted wall time); the signal and times say which limit ended it.
  EXPECT_EQ(r.status, Status::Timeout) << status_text(r) << ", signal " << r.signal << " after " << r.seconds
                                       << " s, " << r.cpu_seconds << " s of CPU; stderr: " << r.stderr_tail;
  expect_no_survivors(r);
}

TEST_P(Hostile, SleepPastTheLimit) {
  Result r = run(std::string(kPrologue) + "import time\ntime.sleep(60)\n");
  EXPECT_EQ(r.status, Status::Timeout) << status_text(r);
  EXPECT_LT(r.seconds, 30.0);
  expect_no_survivors(r);
}

TEST_P(Hostile, DoubleForkedDaemonDiesWithTheRun) {
  // The daemon sleeps, then would write to the program's stdout; the run
  // itself finishes at once and passes, and the daemon must be gone with it.
  Result r = run(std::string(kPrologue) +
                 "import time\n"
                 "if os.fork() == 0:\n"
                 "    os.setsid()\n"
                 "    if os.fork() == 0:\n"
                 "        time.sleep(5)\n"
                 "        print('DAEMON=alive', flush=True)\n"
                 "    os._exit(0)\n"
                 "time.sleep(0.2)\n");
  EXPECT_EQ(r.status, Status::Passed) << status_text(r) << r.stderr_tail;
  expect_no_survivors(r);
  sleep(1);
  EXPECT_EQ(reported(r.stdout_tail, "DAEMON"), "");
}

TEST_P(Hostile, WritesOutsideTheWorkDirAndToHostTmp) {
  TempDir dir;
  auto canary = dir.write("canary.txt", "original\n");
  std::string host_tmp_name = fmt::format("rlvr-hostile-{}", std::random_device{}());
  Result r = run(std::string(kPrologue) +
                 fmt::format("for path in ['{}', '/tmp/../{}', '/usr/rlvr-hostile', '/etc/passwd']:\n"
                             "    try:\n"
                             "        open(path, 'w').write('pwned')\n"
                             "        print('WROTE=' + path, flush=True)\n"
                             "    except OSError as e:\n"
                             "        print('REFUSED=' + type(e).__name__, flush=True)\n"
                             "open('/tmp/{}', 'w').write('inside')\n",
                             canary.string(), host_tmp_name, host_tmp_name));
  EXPECT_EQ(r.status, Status::Passed) << r.stderr_tail;
  EXPECT_EQ(rlvr::read_file(canary), "original\n");
  // The program's /tmp is its own tmpfs; the host's /tmp got nothing.
  EXPECT_FALSE(std::filesystem::exists("/tmp/" + host_tmp_name));
  EXPECT_EQ(r.stdout_tail.find("WROTE=/usr"), std::string::npos) << r.stdout_tail;
  EXPECT_EQ(r.stdout_tail.find("WROTE=/etc"), std::string::npos) << r.stdout_tail;
  expect_no_survivors(r);
}

TEST_P(Hostile, CannotReadSecretsOrTheProject) {
  TempDir dir;
  std::string secret = fmt::format("secret-{}", std::random_device{}());
  auto file = dir.write("secret.txt", secret);
  std::string project_file = std::string(RLVR_SOURCE_DIR) + "/CMakeLists.txt";
  Result r = run(std::string(kPrologue) +
                 fmt::format("for path in ['{}', '{}', '/root', '/home', '/work']:\n"
                             "    try:\n"
                             "        print('READ=' + (open(path).read() if not os.path.isdir(path) "
                             "else str(os.listdir(path))), flush=True)\n"
                             "    except OSError as e:\n"
                             "        print('REFUSED=' + type(e).__name__, flush=True)\n"
                             "print('ROOT=' + ','.join(sorted(os.listdir('/'))), flush=True)\n",
                             file.string(), project_file));
  EXPECT_EQ(r.status, Status::Passed) << r.stderr_tail;
  EXPECT_EQ(r.stdout_tail.find(secret), std::string::npos);
  EXPECT_EQ(r.stdout_tail.find("READ="), std::string::npos) << r.stdout_tail;
  EXPECT_EQ(reported(r.stdout_tail, "ROOT"), "bin,dev,etc,lib,lib32,lib64,proc,sbin,tmp,usr") << r.stdout_tail;
}

TEST_P(Hostile, TcpToAHostListenerNeverArrives) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  socklen_t size = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
  int port = ntohs(address.sin_port);
  Result r =
      run(std::string(kPrologue) + fmt::format("import socket, ctypes\n"
                                               "try:\n"
                                               "    socket.create_connection(('127.0.0.1', {}), timeout=1)\n"
                                               "    print('CONNECTED=yes', flush=True)\n"
                                               "except OSError as e:\n"
                                               "    print('REFUSED=' + str(e.errno), flush=True)\n"
                                               "libc = ctypes.CDLL(None, use_errno=True)\n"
                                               "print('RAWSOCKET=' + str(libc.socket(2, 3, 1)), flush=True)\n",
                                               port));
  EXPECT_EQ(r.status, Status::Passed) << r.stderr_tail;
  EXPECT_EQ(reported(r.stdout_tail, "CONNECTED"), "");
  EXPECT_EQ(reported(r.stdout_tail, "RAWSOCKET"), "-1");
  int accepted = accept(listener, nullptr, nullptr);
  EXPECT_LT(accepted, 0) << "a connection reached the host's listener";
  if (accepted >= 0) close(accepted);
  close(listener);
}

TEST_P(Hostile, KillsItsParentAndEveryone) {
  Runner runner(test_options(GetParam()));
  Result r = runner.run(std::string(kPrologue) +
                        "import signal\n"
                        "for pid in (os.getppid(), 0, 1, -1):\n"
                        "    try:\n"
                        "        os.kill(pid, signal.SIGKILL)\n"
                        "    except OSError:\n"
                        "        pass\n"
                        "print('ALIVE=yes', flush=True)\n");
  EXPECT_EQ(r.status, Status::Passed) << status_text(r) << r.stderr_tail;
  expect_no_survivors(r);
  // The runner (and its fork server) still works.
  Result next = runner.run("x = 1\n");
  EXPECT_EQ(next.status, Status::Passed) << status_text(next) << next.error << next.stderr_tail;
}

TEST_P(Hostile, GigabyteOnStdout) {
  Result r = run(std::string(kPrologue) +
                 "chunk = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(chunk)\n");
  EXPECT_EQ(r.status, Status::OutputLimit) << status_text(r);
  EXPECT_LE(r.stdout_tail.size(), test_options(GetParam()).limits.tail_bytes);
}

TEST_P(Hostile, ExhaustsFileDescriptors) {
  int before = open_fd_count();
  Result r =
      run(std::string(kPrologue) + "fds = []\nwhile True:\n    fds.append(os.open('/dev/null', os.O_RDONLY))\n");
  EXPECT_EQ(status_text(r), "failed:OSError") << r.stderr_tail;
  EXPECT_NE(r.stderr_tail.find("Too many open files"), std::string::npos) << r.stderr_tail;
  EXPECT_EQ(open_fd_count(), before);  // nothing leaked on our side
  expect_no_survivors(r);
}

TEST_P(Hostile, RawSyscallsThroughCtypesAreRefused) {
  // Each call must fail; the program asserts it, so passing means all were refused.
  Result r = run(std::string(kPrologue) +
                 "import ctypes\n"
                 "libc = ctypes.CDLL(None, use_errno=True)\n"
                 "calls = {\n"
                 "    'ptrace': (101, 0, 0, 0, 0),\n"  // PTRACE_TRACEME
                 "    'mount': (165, b'none', b'/tmp', b'tmpfs', 0, 0),\n"
                 "    'unshare': (272, 0x10000000),\n"  // CLONE_NEWUSER
                 "    'bpf': (321, 0, 0, 0),\n"
                 "    'keyctl': (250, 0, 0, 0, 0),\n"
                 "    'perf_event_open': (298, 0, 0, -1, -1, 0),\n"
                 "    'kexec_load': (246, 0, 0, 0, 0),\n"
                 "    'init_module': (175, 0, 0, 0),\n"
                 "    'reboot': (169, 0xfee1dead, 672274793, 0x4321fedc, 0),\n"
                 "    'setns': (308, 0, 0),\n"
                 "    'chroot': (161, b'/tmp'),\n"
                 "    'socket_inet': (41, 2, 1, 0),\n"
                 "    'clone_newns': (56, 0x00020000 | 17, 0, 0, 0, 0),\n"
                 "}\n"
                 "for name, args in calls.items():\n"
                 "    rc = libc.syscall(*args)\n"
                 "    print('CALL_' + name + '=' + str(rc) + ' errno ' + str(ctypes.get_errno()), flush=True)\n"
                 "    assert rc == -1, name\n");
  EXPECT_EQ(r.status, Status::Passed) << status_text(r) << r.stdout_tail << r.stderr_tail;
  EXPECT_NE(r.stdout_tail.find("CALL_ptrace=-1 errno 1"), std::string::npos) << r.stdout_tail;
  EXPECT_NE(r.stdout_tail.find("CALL_socket_inet=-1 errno 97"), std::string::npos) << r.stdout_tail;
  expect_no_survivors(r);
}

TEST_P(Hostile, ExitingBeforeTheTestsIsNotPassing) {
  Result exit0 = run("import sys\nsys.exit(0)\nassert False\n");
  EXPECT_EQ(status_text(exit0), "failed:SystemExit");
  Result underscore = run("import os\nos._exit(0)\nassert False\n");
  EXPECT_EQ(status_text(underscore), "failed:Exit");
  Result crashed = run("import ctypes\nctypes.string_at(0)\n");
  EXPECT_EQ(crashed.status, Status::Killed) << status_text(crashed);
  EXPECT_EQ(crashed.signal, SIGSEGV);
  // Forging the harness's line without the nonce does not count.
  Result forged = run("import os\nos.write(4, b'0123456789abcdef0123456789abcdef passed\\n')\nos._exit(0)\n");
  EXPECT_EQ(status_text(forged), "failed:Exit");
  Result closed = run("import os\nos.close(4)\n");
  EXPECT_EQ(status_text(closed), "failed:Exit");
}

INSTANTIATE_TEST_SUITE_P(Modes, Hostile, ::testing::Values(Mode::ForkServer, Mode::FreshInterpreter),
                         [](const auto& info) { return std::string(mode_name(info.param)); });

}  // namespace
