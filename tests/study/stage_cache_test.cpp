#include <filesystem>

#include <gtest/gtest.h>

#include "rlvr/study/stage_cache.h"
#include "rlvr/util/files.h"

namespace fs = std::filesystem;
using rlvr::study::StageCache;
using rlvr::study::StageState;

TEST(StageCache, FreshThenResumableThenDoneThenFreshOnNewKey) {
  fs::path root = fs::temp_directory_path() / "rlvr_stage_cache_test";
  fs::remove_all(root);
  StageCache cache(root);
  EXPECT_EQ(cache.open("base", "k1"), StageState::fresh);
  rlvr::write_file_atomically(cache.dir("base") / "partial.txt", "x");
  EXPECT_EQ(cache.open("base", "k1"), StageState::resumable);
  EXPECT_TRUE(fs::exists(cache.dir("base") / "partial.txt"));
  cache.mark_done("base", 2.5);
  EXPECT_EQ(cache.open("base", "k1"), StageState::done);
  EXPECT_DOUBLE_EQ(cache.recorded_seconds("base"), 2.5);
  EXPECT_EQ(cache.open("base", "k2"), StageState::fresh);
  EXPECT_FALSE(fs::exists(cache.dir("base") / "partial.txt"));
  cache.mark_done("base", 1.0);
  cache.invalidate("base");
  EXPECT_EQ(cache.open("base", "k2"), StageState::fresh);
  fs::remove_all(root);
}

TEST(HashText, StableAndSensitive) {
  EXPECT_EQ(rlvr::study::hash_text(""), "cbf29ce484222325");
  EXPECT_NE(rlvr::study::hash_text("a"), rlvr::study::hash_text("b"));
}
