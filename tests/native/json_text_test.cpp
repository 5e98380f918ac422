// escape_non_ascii against nlohmann's own ensure_ascii dump: the plan text the hot path writes must be the
// bytes dump_plan writes, for every code point (controls, DEL, 2-, 3- and 4-byte sequences).
#include "json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

using nlohmann::json;

namespace {

std::string utf8(uint32_t cp) {
  std::string s;
  mphb::append_utf8(s, cp);
  return s;
}

std::string escaped(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  mphb::escape_non_ascii(text);
  return text;
}

std::string ensure_ascii(const json& value) { return value.dump(-1, ' ', true, json::error_handler_t::replace); }

}  // namespace

TEST(EscapeNonAscii, AsciiTextIsLeftAsItIs) {
  const json v = {{"name", "Jan \"J\" de Vries\n"}, {"n", 12}, {"list", {"a", "b"}}};
  const std::string before = v.dump();
  std::string text = before;
  mphb::escape_non_ascii(text);
  EXPECT_EQ(text, before);
}

TEST(EscapeNonAscii, EachCodePointClassIsEscapedAsEnsureAsciiDumps) {
  for (uint32_t cp : {0x7Fu, 0x80u, 0xE9u, 0x7FFu, 0x800u, 0x20ACu, 0xFFFDu, 0xFFFFu, 0x10000u, 0x1F600u, 0x10FFFFu}) {
    const json v = {{"k", "a" + utf8(cp) + "z"}};
    EXPECT_EQ(escaped(v), ensure_ascii(v)) << std::hex << cp;
  }
  EXPECT_EQ(escaped(json("é😀")), "\"\\u00e9\\ud83d\\ude00\"");
}

TEST(EscapeNonAscii, RandomStringsMatchEnsureAscii) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> kind(0, 5), len(0, 40);
  for (int round = 0; round < 2000; ++round) {
    json row = json::object();
    for (int f = 0; f < 4; ++f) {
      std::string s;
      const int n = len(rng);
      for (int i = 0; i < n; ++i) {
        uint32_t cp;
        switch (kind(rng)) {
          case 0: cp = std::uniform_int_distribution<uint32_t>(0x00, 0x7F)(rng); break;
          case 1: cp = std::uniform_int_distribution<uint32_t>(0x20, 0x7E)(rng); break;
          case 2: cp = std::uniform_int_distribution<uint32_t>(0x80, 0x7FF)(rng); break;
          case 3: cp = std::uniform_int_distribution<uint32_t>(0x800, 0xD7FF)(rng); break;
          case 4: cp = std::uniform_int_distribution<uint32_t>(0xE000, 0xFFFF)(rng); break;
          default: cp = std::uniform_int_distribution<uint32_t>(0x10000, 0x10FFFF)(rng); break;
        }
        s += utf8(cp);
      }
      row["f" + std::to_string(f)] = s;
    }
    const std::string text = escaped(row);
    ASSERT_EQ(text, ensure_ascii(row)) << row.dump();
    for (char c : text) ASSERT_LT(static_cast<unsigned char>(c), 0x7F);
    ASSERT_EQ(json::parse(text), row);
  }
}
