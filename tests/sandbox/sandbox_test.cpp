// What the sandbox reports for ordinary programs, the unsafe mode, and the
// whole hostile suite again as an unprivileged user.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "rlvr/util/files.h"
#include "sandbox_support.h"

using rlvr::sandbox::Mode;
using rlvr::sandbox::Options;
using rlvr::sandbox::Result;
using rlvr::sandbox::Runner;
using rlvr::sandbox::Status;
using rlvr::sandbox::status_text;

namespace {

class Basics : public ::testing::TestWithParam<Mode> {};

TEST_P(Basics, PassesAndFailsWithTheExceptionName) {
  Runner runner(test_options(GetParam()));
  Result ok = runner.run("def f(x):\n    return x + 1\nassert f(1) == 2\nprint('done')\n");
  EXPECT_EQ(status_text(ok), "passed") << ok.stderr_tail << ok.error;
  EXPECT_EQ(ok.stdout_tail, "done\n");
  Result wrong = runner.run("assert 1 + 1 == 3, 'arithmetic'\n");
  EXPECT_EQ(status_text(wrong), "failed:AssertionError");
  EXPECT_NE(wrong.stderr_tail.find("arithmetic"), std::string::npos) << wrong.stderr_tail;
  Result syntax = runner.run("def broken(:\n");
  EXPECT_EQ(status_text(syntax), "failed:SyntaxError");
  Result name = runner.run("undefined_name\n");
  EXPECT_EQ(status_text(name), "failed:NameError");
  Result recursion = runner.run("def f(n):\n    return f(n + 1)\nf(0)\n");
  EXPECT_EQ(status_text(recursion), "failed:RecursionError");
}

// The fork server compiles most programs before it forks; what the program
// reports must not depend on where it was compiled.
TEST_P(Basics, CompilingAheadChangesNothingTheProgramReports) {
  Runner runner(test_options(GetParam()));
  // A compiler warning belongs in the program's stderr.
  Result warned = runner.run("x = 1\nassert (x is 1) or True\n");
  EXPECT_EQ(status_text(warned), "passed") << warned.stderr_tail;
  EXPECT_NE(warned.stderr_tail.find("SyntaxWarning"), std::string::npos) << warned.stderr_tail;
  // A compiler error is the program's failure, and the next program still runs.
  std::string chain = "x = ";
  for (int i = 0; i < 5000; ++i) chain += "1+";
  Result deep = runner.run(chain + "1\n");
  EXPECT_EQ(status_text(deep), "failed:RecursionError") << deep.stderr_tail << deep.error;
  // Larger than what the server compiles ahead.
  Result big = runner.run("# " + std::string(100 * 1024, 'x') + "\nprint(__name__)\n");
  EXPECT_EQ(status_text(big), "passed") << big.stderr_tail;
  EXPECT_EQ(big.stdout_tail, "__main__\n");
  Result after = runner.run("print(__name__)\n");
  EXPECT_EQ(after.stdout_tail, "__main__\n");
}

TEST_P(Basics, StandardLibraryWorksInside) {
  Runner runner(test_options(GetParam()));
  Result r = runner.run(
      "import hashlib, re, math, collections, itertools, heapq, json, fractions, subprocess, tempfile, threading\n"
      "assert hashlib.md5(b'Hello world').hexdigest() == '3e25960a79dbc69b674cd4ec67a72c62'\n"
      "with tempfile.NamedTemporaryFile('w') as f:\n    f.write('x')\n"
      "t = threading.Thread(target=lambda: None); t.start(); t.join()\n"
      "assert subprocess.run(['/bin/true']).returncode == 0\n");
  EXPECT_EQ(status_text(r), "passed") << r.stderr_tail;
}

// Read from the kernel's own account of the program's process, so a step
// of the jail that is skipped or undone shows here.
TEST_P(Basics, ProgramHoldsNoPrivileges) {
  Runner runner(test_options(GetParam()));
  Result r = runner.run(
      "status = dict(line.split(':', 1) for line in open('/proc/self/status').read().splitlines())\n"
      "for key in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'):\n"
      "    print(key, int(status[key].strip(), 16))\n"
      "print('NoNewPrivs', status['NoNewPrivs'].strip())\n"
      "print('Seccomp', status['Seccomp'].strip())\n");
  ASSERT_EQ(r.status, Status::Passed) << r.stderr_tail;
  EXPECT_EQ(r.stdout_tail, "CapInh 0\nCapPrm 0\nCapEff 0\nCapBnd 0\nCapAmb 0\nNoNewPrivs 1\nSeccomp 2\n");
}

TEST_P(Basics, WorkDirIsFreshForEveryProgram) {
  Runner runner(test_options(GetParam()));
  Result first = runner.run("open('/tmp/left-behind', 'w').write('x')\n");
  ASSERT_EQ(first.status, Status::Passed) << first.stderr_tail;
  Result second = runner.run("import os\nassert not os.path.exists('/tmp/left-behind')\n");
  EXPECT_EQ(second.status, Status::Passed) << second.stderr_tail;
}

TEST_P(Basics, KeepsOnlyTheTailOfStderr) {
  Options o = test_options(GetParam());
  o.limits.tail_bytes = 100;
  Runner runner(o);
  Result r = runner.run("import sys\nsys.stderr.write('a' * 5000 + 'END')\n");
  EXPECT_EQ(r.status, Status::Passed);
  EXPECT_EQ(r.stderr_tail.size(), 100u);
  EXPECT_EQ(r.stderr_tail.substr(97), "END");
}

TEST_P(Basics, CpuLimitIsATimeout) {
  Options o = test_options(GetParam());
  o.limits.cpu_seconds = 1;
  o.limits.wall_seconds = 20;
  Runner runner(o);
  Result r = runner.run("while True:\n    pass\n");
  EXPECT_EQ(r.status, Status::Timeout) << status_text(r);
  EXPECT_LT(r.seconds, 15.0);
}

INSTANTIATE_TEST_SUITE_P(Modes, Basics, ::testing::Values(Mode::ForkServer, Mode::FreshInterpreter),
                         [](const auto& info) { return std::string(mode_name(info.param)); });

TEST(Unsafe, RunsWithoutIsolationAndSaysSo) {
  Options o = test_options(Mode::FreshInterpreter);
  o.unsafe_no_sandbox = true;
  EXPECT_EQ(rlvr::sandbox::isolation_name(o), "none");
  Runner runner(o);
  Result r = runner.run("import os\nassert os.path.exists('" RLVR_SOURCE_DIR "/CMakeLists.txt')\n");
  EXPECT_EQ(r.status, Status::Passed) << r.stderr_tail << r.error;
  Result slow = runner.run("import time\ntime.sleep(60)\n");
  EXPECT_EQ(slow.status, Status::Timeout);
  EXPECT_EQ(rlvr::sandbox::isolation_name(test_options(Mode::ForkServer)), "namespaces+seccomp");
}

// The same tests as an ordinary user: nobody, no groups.
TEST(Unprivileged, HostileSuiteAndBasicsAsNobody) {
  if (std::getenv("RLVR_SANDBOX_TEST_CHILD")) GTEST_SKIP() << "already the unprivileged run";
  if (geteuid() != 0) GTEST_SKIP() << "not root: the whole suite already runs unprivileged";
  if (system("command -v setpriv > /dev/null") != 0) GTEST_SKIP() << "setpriv (util-linux) not installed";
  char self[4096] = {};
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  // Its own temp folder: the test folders root made under /tmp are not writable for nobody.
  char tmp[] = "/tmp/rlvr_nobody_XXXXXX";
  ASSERT_NE(mkdtemp(tmp), nullptr);
  chmod(tmp, 01777);
  std::string command = fmt::format(
      "cd / && TMPDIR={} RLVR_SANDBOX_TEST_CHILD=1 setpriv --reuid=65534 --regid=65534 --clear-groups "
      "'{}' --gtest_filter='Modes/Hostile.*:Modes/Basics.*' --gtest_brief=1 > {}/log.txt 2>&1",
      tmp, self, tmp);
  int status = system(command.c_str());
  std::string log = rlvr::read_file(std::string(tmp) + "/log.txt");
  std::filesystem::remove_all(tmp);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << log;
  EXPECT_NE(log.find("PASSED"), std::string::npos) << log;
}

}  // namespace
