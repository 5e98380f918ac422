// Untrusted bytes in, a JSON document or one diagnostic with a JSON path out (SPEC §7).
#include "json_document.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "diagnostics.hpp"

namespace {

struct Parsed {
  std::optional<mphb::json> document;
  mphb::Diagnostics diagnostics;
};

Parsed parse(const std::string& bytes) {
  Parsed p;
  p.document = mphb::parse_json_document(bytes, "bookings", p.diagnostics);
  return p;
}

void expect_error(const std::string& bytes, const std::string& code, const std::string& path) {
  const Parsed p = parse(bytes);
  EXPECT_FALSE(p.document.has_value()) << bytes;
  ASSERT_EQ(p.diagnostics.error_count(), 1u) << bytes;
  EXPECT_EQ(p.diagnostics.errors()[0].code, code) << bytes;
  EXPECT_EQ(p.diagnostics.errors()[0].path, path) << bytes;
  EXPECT_FALSE(p.diagnostics.errors()[0].message.empty());
}

TEST(JsonDocument, ParsesAValidDocument) {
  const Parsed p = parse(R"([{"id": 1, "title": "Double", "n": [1, 2.5, null, true]}])");
  ASSERT_TRUE(p.document.has_value());
  EXPECT_EQ(p.diagnostics.error_count(), 0u);
  EXPECT_EQ((*p.document)[0]["title"], "Double");
}

TEST(JsonDocument, EmptyInputIsInvalidJsonAtTheRoot) { expect_error("", "invalid_json", "bookings"); }

TEST(JsonDocument, TruncatedDocumentNamesWhereParsingStopped) {
  expect_error(R"([{"id": 1, "customer": {"first_name": )", "invalid_json", "bookings[0].customer.first_name");
  expect_error(R"({"a":[1,{"b":tru)", "invalid_json", "bookings.a[1].b");
  expect_error("[1,2", "invalid_json", "bookings[2]");
}

TEST(JsonDocument, SyntaxErrorsNameTheEnclosingValue) {
  expect_error(R"([{"id":1},{"id":2,"x":[1,2,3,]}])", "invalid_json", "bookings[1].x[3]");
  expect_error(R"([{"id": 1,}])", "invalid_json", "bookings[0]");
  expect_error("[1] x", "invalid_json", "bookings");
}

TEST(JsonDocument, InvalidUtf8IsReportedAsSuch) {
  expect_error("[\"\xFF\"]", "invalid_utf8", "bookings[0]");
  expect_error("[\"ok\", \"\xC3\x28\"]", "invalid_utf8", "bookings[1]");  // bad continuation byte
  expect_error("[\"\xED\xA0\x80\"]", "invalid_utf8", "bookings[0]");      // encoded surrogate
  expect_error("[\"\xF4\x90\x80\x80\"]", "invalid_utf8", "bookings[0]");  // beyond U+10FFFF
}

TEST(JsonDocument, RawNulByteIsInvalidJson) {
  expect_error(std::string("[\"a\0b\"]", 7), "invalid_json", "bookings[0]");
  expect_error(std::string("\0", 1), "invalid_json", "bookings");
}

TEST(JsonDocument, EscapedNulInAStringIsValid) {
  const Parsed p = parse(R"(["a\u0000b"])");
  ASSERT_TRUE(p.document.has_value());
  EXPECT_EQ((*p.document)[0].get<std::string>(), std::string("a\0b", 3));
}

TEST(JsonDocument, NumberOverflowIsAnErrorNotInfinity) {
  expect_error("[1e400]", "invalid_json", "bookings[0]");
  expect_error("[-1e400]", "invalid_json", "bookings[0]");
}

TEST(JsonDocument, IntegerBeyond64BitsBecomesAFloat) {
  const Parsed p = parse("[99999999999999999999]");
  ASSERT_TRUE(p.document.has_value());
  EXPECT_TRUE((*p.document)[0].is_number_float());
}

TEST(JsonDocument, NestingUpTo64LevelsIsAccepted) {
  const Parsed p = parse(std::string(64, '[') + std::string(64, ']'));
  EXPECT_TRUE(p.document.has_value());
}

TEST(JsonDocument, NestingBeyond64LevelsIsTooDeep) {
  const Parsed p = parse(std::string(65, '[') + std::string(65, ']'));
  EXPECT_FALSE(p.document.has_value());
  ASSERT_EQ(p.diagnostics.error_count(), 1u);
  EXPECT_EQ(p.diagnostics.errors()[0].code, "too_deep");
  EXPECT_EQ(p.diagnostics.errors()[0].path.rfind("bookings[0]", 0), 0u);
}

TEST(JsonDocument, HundredThousandOpenBracketsAreTooDeepNotACrash) {
  const Parsed p = parse(std::string(100000, '['));
  EXPECT_FALSE(p.document.has_value());
  ASSERT_EQ(p.diagnostics.error_count(), 1u);
  EXPECT_EQ(p.diagnostics.errors()[0].code, "too_deep");
}

TEST(JsonDocument, ErrorMessagesArePrintableAscii) {
  const Parsed p = parse("[\"\xFF\xFE\x01\"]");
  ASSERT_EQ(p.diagnostics.error_count(), 1u);
  for (unsigned char c : p.diagnostics.errors()[0].message) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7F) << "byte " << int(c) << " in " << p.diagnostics.errors()[0].message;
  }
}

}  // namespace
