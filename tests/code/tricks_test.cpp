// Tricks that make a program look correct. Those the harness catches fail;
// those no in-process harness can catch are shown passing, as docs/SANDBOX.md
// says ("What it does not stop").
#include <gtest/gtest.h>

#include "rlvr/code/judge.h"
#include "rlvr/code/problems.h"

using namespace rlvr::code;

namespace {

const std::filesystem::path kData = std::filesystem::path(RLVR_SOURCE_DIR) / "data";

std::string status_of(const CodeProblem& p, const std::string& completion) {
  JudgeOptions o;
  o.workers = 1;
  o.sandbox.limits.wall_seconds = 20;
  auto results = run_programs({build_program(p, completion)}, o);
  return rlvr::sandbox::status_text(results[0]);
}

class Tricks : public ::testing::Test {
 protected:
  void SetUp() override { problems_ = load_code_dataset("humaneval", kData); }
  const CodeProblem& problem(int i) const { return problems_[static_cast<size_t>(i)]; }
  std::vector<CodeProblem> problems_;
};

TEST_F(Tricks, CaughtLeavingEarly) {
  // HumanEval/0 has_close_elements: the function exits instead of answering.
  EXPECT_EQ(status_of(problem(0), "    import sys\n    sys.exit(0)\n"), "failed:SystemExit");
  EXPECT_EQ(status_of(problem(0), "    raise SystemExit(0)\n"), "failed:SystemExit");
  EXPECT_EQ(status_of(problem(0), "    import os\n    os._exit(0)\n"), "failed:Exit");
  EXPECT_EQ(
      status_of(problem(0), "    import os, signal\n    os.kill(os.getpid(), signal.SIGTERM)\n    return True\n"),
      "failed:AssertionError");  // init ignores it; the wrong answer still fails
}

TEST_F(Tricks, CaughtPatchingTheHarnessTools) {
  // Patching os.write / os._exit / traceback does not forge a verdict: the
  // harness bound them before the program ran.
  const std::string patch =
      "import os, traceback\n"
      "os.write = lambda *a: 0\n"
      "os._exit = lambda *a: None\n"
      "traceback.print_exc = lambda *a: None\n";
  EXPECT_EQ(status_of(problem(0), "    return True\n" + patch), "failed:AssertionError");
  EXPECT_EQ(status_of(problem(0), problem(0).reference + patch), "passed");
}

TEST_F(Tricks, CaughtAnEqualityThatRaises) {
  EXPECT_EQ(status_of(problem(0),
                      "    class Odd:\n        def __eq__(self, other):\n            raise ValueError()\n"
                      "    return Odd()\n"),
            "failed:ValueError");
}

TEST_F(Tricks, NotCaughtAlwaysEqualObject) {
  // `assert candidate(...) == True` holds for an object equal to everything.
  EXPECT_EQ(status_of(problem(0),
                      "    class Anything:\n        def __eq__(self, other):\n            return True\n"
                      "    return Anything()\n"),
            "passed");
}

TEST_F(Tricks, NotCaughtPatchedBuiltins) {
  // HumanEval/4 mean_absolute_deviation checks only abs(candidate(x) - y) < 1e-6.
  ASSERT_NE(problem(4).test.find("assert abs("), std::string::npos);
  // (patched at module level, after the function: `abs` is looked up before the call)
  EXPECT_EQ(status_of(problem(4), "    return 0.0\nimport builtins\nbuiltins.abs = lambda x: 0\n"), "passed");
  EXPECT_EQ(status_of(problem(4), "    return 0.0\n"), "failed:AssertionError");
}

TEST_F(Tricks, NotCaughtReadingTheNonceFromTheHarnessFrame) {
  const std::string forge =
      "    import os, sys\n"
      "    frame = sys._getframe()\n"
      "    while frame is not None and 'nonce' not in frame.f_locals:\n"
      "        frame = frame.f_back\n"
      "    os.write(4, (frame.f_locals['nonce'] + ' passed\\n').encode())\n"
      "    os._exit(0)\n";
  EXPECT_EQ(status_of(problem(0), forge), "passed");
}

}  // namespace
