// The fast reader must read every value exactly as nlohmann does: its number fast path (decimals without
// an exponent, computed as integer / power of ten) and its run-at-a-time string decoding are checked
// against nlohmann bit for bit.
#include "fast_json_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace mphb {
namespace {

// Collects scalars in order.
struct Collect {
  std::vector<double> floats;
  std::vector<std::string> strings;
  void null() {}
  void boolean(bool) {}
  void number_integer(int64_t) {}
  void number_unsigned(uint64_t) {}
  void number_float(double v) { floats.push_back(v); }
  void string_value(std::string_view v) { strings.emplace_back(v); }
  void key(std::string_view) {}
  void start_object() {}
  void end_object() {}
  void start_array() {}
  void end_array() {}
};

uint64_t bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

TEST(FastJsonReader, DecimalsAreTheDoublesNlohmannReads) {
  std::vector<std::string> numbers = {"0.1",
                                      "0.0",
                                      "-0.0",
                                      "901.5",
                                      "-901.5",
                                      "0.30000000000000004",
                                      "123456789012.345",
                                      "999999999999999.9",
                                      "99999999999999.99",
                                      "1.000000000000001",
                                      "9007199254740993.0",
                                      "0.000000000000001",
                                      "1.5e2",
                                      "-2.25E-3",
                                      "17.10",
                                      "5e-324",
                                      "1.7976931348623157e308"};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    const int int_digits = 1 + static_cast<int>(rng() % 12), frac_digits = 1 + static_cast<int>(rng() % 8);
    std::string s = rng() % 4 == 0 ? "-" : "";
    s += static_cast<char>('1' + rng() % 9);
    for (int k = 1; k < int_digits; ++k) s += static_cast<char>('0' + rng() % 10);
    s += '.';
    for (int k = 0; k < frac_digits; ++k) s += static_cast<char>('0' + rng() % 10);
    numbers.push_back(s);
  }
  std::string text = "[";
  for (size_t i = 0; i < numbers.size(); ++i) text += (i ? "," : "") + numbers[i];
  text += "]";
  Collect got;
  ASSERT_TRUE(fast_json_read(text, got));
  const json expected = json::parse(text, nullptr, false);
  ASSERT_EQ(got.floats.size(), expected.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(bits(got.floats[i]), bits(expected[i].get<double>())) << numbers[i];
  }
}

TEST(FastJsonReader, StringsWithEscapesAndUtf8AreDecodedAsNlohmannDoes) {
  const std::string text =
      R"(["plain","caf\u00e9 au lait","Zoë Ångström, long ascii run after it","a\"b\\c\/d\n\te","\ud83d\ude00 smile","é","x\u0041y"])";
  Collect got;
  ASSERT_TRUE(fast_json_read(text, got));
  const json expected = json::parse(text, nullptr, false);
  ASSERT_EQ(got.strings.size(), expected.size());
  for (size_t i = 0; i < got.strings.size(); ++i) EXPECT_EQ(got.strings[i], expected[i].get<std::string>());
}

// Plain runs are skipped eight bytes at a time: a quote, backslash, control character or non-ASCII byte
// at every offset in and around a word must still end the run where nlohmann says (or be refused).
TEST(FastJsonReader, SpecialBytesAtEveryOffsetOfAPlainRun) {
  const std::vector<std::string> specials = {"\\\"", "\\\\", "\\n", "\u00e9", "\x1f", "\x7f", "~", " ", "\xff"};
  for (const std::string& special : specials) {
    for (size_t before = 0; before < 20; ++before) {
      for (size_t after = 0; after < 11; after += 5) {
        const std::string text = "[\"" + std::string(before, 'a') + special + std::string(after, 'b') + "\",\"" +
                                 std::string(before + after, 'c') + "\"]";
        Collect got;
        const bool read = fast_json_read(text, got);
        const json expected = json::parse(text, nullptr, false);
        if (expected.is_discarded()) {
          EXPECT_FALSE(read) << text;
          continue;
        }
        ASSERT_TRUE(read) << text;
        ASSERT_EQ(got.strings.size(), 2u) << text;
        EXPECT_EQ(got.strings[0], expected[0].get<std::string>()) << text;
        EXPECT_EQ(got.strings[1], expected[1].get<std::string>()) << text;
      }
    }
  }
}

}  // namespace
}  // namespace mphb
