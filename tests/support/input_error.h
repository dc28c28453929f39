// Expects `read` to throw an InputError that names `file`, `line` and `field`
// and says `words`: what every reader of the project's files promises.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "rlvr/util/error.h"

template <class Read>
void expect_input_error(Read read, const std::filesystem::path& file, long line, const std::string& field,
                        const std::string& words) {
  try {
    read();
    FAIL() << "no error for " << file;
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.file(), file.string()) << e.what();
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}
