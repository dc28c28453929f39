// Pathological inputs end as "undecided" with reason "budget" (or a decided
// verdict when cheap): never a hang, never a crash, in any thread.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rlvr/verify/equivalence.h"
#include "rlvr/verify/extract.h"

namespace rlvr::verify {
namespace {

std::string nested(const std::string& open, const std::string& inner, const std::string& close, int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  s += inner;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

TEST(Budget, TowerOfPowersIsUndecided) {
  Verdict v = compare_answers("5^{5^{5^5}}", "5^{5^{5^5}} + 1", CheckOptions{});
  EXPECT_FALSE(v.equivalent);
  EXPECT_FALSE(v.decided);
  EXPECT_EQ(v.reason, "budget");
  EXPECT_FALSE(v.detail.empty());
}

TEST(Budget, HugeFactorialIsUndecided) {
  Verdict v = compare_answers("100000!", "100001!", CheckOptions{});
  EXPECT_FALSE(v.equivalent);
  EXPECT_EQ(v.reason, "budget");
  Verdict nested_factorial = compare_answers("((10!)!)!", "5", CheckOptions{});
  EXPECT_EQ(nested_factorial.reason, "budget");
}

TEST(Budget, HugePowerIsUndecided) {
  Verdict v = compare_answers("2^{10^{9}}", "2^{10^{9}}+0", CheckOptions{});
  EXPECT_EQ(v.reason, "budget");
  Verdict big_literal = compare_answers("10^{100000}", "10^{100000}+1", CheckOptions{});
  EXPECT_EQ(big_literal.reason, "budget");
}

TEST(Budget, DeepNestingIsUndecided) {
  std::string deep = nested("(", "1", ")", 5000);
  Verdict v = compare_answers("1", deep, CheckOptions{});
  EXPECT_FALSE(v.equivalent);
  EXPECT_EQ(v.reason, "budget");
  std::string fracs = nested("\\frac{1}{", "2", "}", 3000);
  EXPECT_EQ(compare_answers("1", fracs, CheckOptions{}).reason, "budget");
}

TEST(Budget, LongInputsAreBounded) {
  std::string long_answer(100000, '1');
  Verdict v = compare_answers("1", long_answer, CheckOptions{});
  EXPECT_FALSE(v.equivalent);
  EXPECT_EQ(v.reason, "budget");
  // A 100 KB completion: extraction is linear and finds the final box.
  std::string completion(100000, 'a');
  completion += " so the answer is \\boxed{42}.";
  EXPECT_TRUE(check("42", completion, CheckOptions{}).equivalent);
  std::string sum;
  for (int i = 0; i < 3000; ++i) sum += "x+";
  sum += "1";
  EXPECT_EQ(compare_answers("1", sum, CheckOptions{}).reason, "budget");
}

// Text full of unclosed or nested delimiters: each delimiter used to be
// matched by its own walk to the end of the text, so a few hundred kilobytes
// of them took minutes. The answer found must stay the same.
TEST(Budget, UnclosedAndNestedDelimitersAreFound) {
  std::string boxes;
  for (int i = 0; i < 200000; ++i) boxes += "\\boxed{";
  auto found = extract_answer(boxes + " so \\boxed{42}", {ExtractKind::Latex});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->answer, "42");
  EXPECT_EQ(found->rule, "boxed");
  EXPECT_FALSE(extract_answer(boxes, {ExtractKind::Latex}));

  std::string regions;
  for (int i = 0; i < 300000; ++i) regions += i % 2 ? "\\(" : "\\[";
  found = extract_answer(regions + "\n$7$", {ExtractKind::Latex});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->answer, "7");
  std::string dollars(300000, '$');
  EXPECT_TRUE(check("1", dollars, CheckOptions{}).reason.size() > 0);

  auto last = last_boxed(nested("\\boxed{", "x", "}", 100000));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->size(), 100000u * 8 - 8 + 1);
  EXPECT_EQ(last->substr(0, 7), "\\boxed{");
}

TEST(Budget, ChecksRunInManyThreadsAtOnce) {
  // GiNaC is reached from several threads; results match the single-thread ones.
  std::vector<std::thread> threads;
  std::vector<int> agreed(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &agreed] {
      for (int i = 0; i < 50; ++i) {
        bool a = compare_answers("x^2-1", "(x-1)(x+1)", CheckOptions{}).equivalent;
        bool b = !compare_answers("5^{5^{5^5}}", "1", CheckOptions{}).equivalent;
        bool c = compare_answers("\\sqrt{12}", "2\\sqrt{3}", CheckOptions{}).equivalent;
        agreed[static_cast<size_t>(t)] += a && b && c;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int count : agreed) EXPECT_EQ(count, 50);
}

}  // namespace
}  // namespace rlvr::verify
