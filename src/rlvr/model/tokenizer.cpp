#include "rlvr/model/tokenizer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr::model {

std::vector<std::string> split_utf8(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size())
      throw Error(fmt::format("invalid UTF-8 byte 0x{:02x} at offset {}", c, i));
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2)
        throw Error(fmt::format("invalid UTF-8 continuation byte at offset {}", i + k));
    out.emplace_back(text.substr(i, n));
    i += n;
  }
  return out;
}

Tokenizer::Tokenizer(std::string_view alphabet) : alphabet_(alphabet) {
  characters_ = split_utf8(alphabet);
  for (size_t i = 0; i < characters_.size(); ++i) {
    auto [it, inserted] = ids_.emplace(characters_[i], kFirstCharacter + static_cast<int>(i));
    if (!inserted)
      throw Error(fmt::format("tokenizer alphabet repeats the character '{}'", characters_[i]));
  }
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  ids.reserve(text.size());
  size_t offset = 0;
  for (const std::string& ch : split_utf8(text)) {
    auto it = ids_.find(ch);
    if (it == ids_.end())
      throw Error(fmt::format("character '{}' at byte {} of \"{}\" is not in the tokenizer alphabet",
                              ch, offset, text.size() > 60 ? std::string(text.substr(0, 60)) + "..."
                                                           : std::string(text)));
    ids.push_back(it->second);
    offset += ch.size();
  }
  return ids;
}

const std::string& Tokenizer::piece(int id) const {
  static const std::string empty;
  if (id < 0 || id >= vocab_size())
    throw Error(fmt::format("token id {} outside the vocabulary of {} ids", id, vocab_size()));
  if (id < kFirstCharacter) return empty;
  return characters_[id - kFirstCharacter];
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::string text;
  for (int id : ids) text += piece(id);
  return text;
}

std::string Tokenizer::to_json() const {
  nlohmann::ordered_json j;
  j["type"] = "characters";
  j["special"] = {{"pad", kPad}, {"bos", kBos}, {"eos", kEos}};
  j["alphabet"] = alphabet_;
  return j.dump(2) + "\n";
}

Tokenizer Tokenizer::from_json(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, 0, "", fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object() || !j.contains("type") || j["type"] != "characters")
    throw InputError(source, 0, "type", "expected \"characters\"");
  if (!j.contains("alphabet") || !j["alphabet"].is_string())
    throw InputError(source, 0, "alphabet", "expected a string of characters");
  try {
    return Tokenizer(j["alphabet"].get<std::string>());
  } catch (const Error& e) {
    throw InputError(source, 0, "alphabet", e.what());
  }
}

Tokenizer Tokenizer::load(const std::filesystem::path& path) {
  return from_json(read_file(path), path.string());
}

}  // namespace rlvr::model
