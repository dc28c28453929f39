// Character-level tokenizer over a task alphabet. Ids 0, 1, 2 are the special
// tokens pad, bos and eos; the alphabet's characters (UTF-8 code points) follow
// in the order given. Stored as tokenizer.json in every checkpoint. No libtorch.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rlvr::model {

class Tokenizer {
 public:
  static constexpr int kPad = 0;
  static constexpr int kBos = 1;
  static constexpr int kEos = 2;
  static constexpr int kFirstCharacter = 3;

  Tokenizer() = default;
  // Throws rlvr::Error when the alphabet repeats a character or is not UTF-8.
  explicit Tokenizer(std::string_view alphabet);

  int vocab_size() const { return kFirstCharacter + static_cast<int>(characters_.size()); }
  const std::string& alphabet() const { return alphabet_; }

  // Text -> ids, without bos/eos (the engine adds bos itself). Throws rlvr::Error
  // naming the character and its byte offset when it is not in the alphabet.
  std::vector<int> encode(std::string_view text) const;
  // Ids -> text; special tokens are dropped, an id outside the vocabulary throws.
  std::string decode(const std::vector<int>& ids) const;
  // The text of one id ("" for special tokens).
  const std::string& piece(int id) const;

  std::string to_json() const;
  static Tokenizer from_json(const std::string& text, const std::string& source);
  static Tokenizer load(const std::filesystem::path& path);

  bool operator==(const Tokenizer& other) const { return alphabet_ == other.alphabet_; }

 private:
  std::string alphabet_;
  std::vector<std::string> characters_;          // id - kFirstCharacter -> code point
  std::unordered_map<std::string, int> ids_;     // code point -> id
};

// Splits UTF-8 text into code points; throws rlvr::Error at the first bad byte.
std::vector<std::string> split_utf8(std::string_view text);

}  // namespace rlvr::model
