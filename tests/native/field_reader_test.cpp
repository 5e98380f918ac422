// Typed, path-aware reads of MotoPress fields: each either gives a value or records one error with a
// stable code at "<record path>.<key>".
#include "field_reader.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "diagnostics.hpp"

namespace {

using json = nlohmann::json;
using mphb::Presence;

// Reads field "v" of {"v": value} inside record "bookings[3]".
class FieldReaderTest : public ::testing::Test {
 protected:
  mphb::FieldReader with(json value) {
    record_ = json::object();
    record_["v"] = std::move(value);
    return mphb::FieldReader(record_, "bookings[3]", diagnostics_);
  }
  mphb::FieldReader without_field() {
    record_ = json::object();
    return mphb::FieldReader(record_, "bookings[3]", diagnostics_);
  }
  // Exactly one error, with this code, at bookings[3].v (or the given path).
  void expect_error(const std::string& code, const std::string& path = "bookings[3].v") {
    ASSERT_EQ(diagnostics_.error_count(), 1u) << "errors: " << describe();
    EXPECT_EQ(diagnostics_.errors()[0].code, code);
    EXPECT_EQ(diagnostics_.errors()[0].path, path);
    EXPECT_FALSE(diagnostics_.errors()[0].message.empty());
    diagnostics_ = mphb::Diagnostics();
  }
  void expect_no_error() {
    EXPECT_EQ(diagnostics_.error_count(), 0u) << describe();
    diagnostics_ = mphb::Diagnostics();
  }
  std::string describe() const {
    std::string out;
    for (const auto& e : diagnostics_.errors()) out += e.code + "@" + e.path + " (" + e.message + "); ";
    return out;
  }

  json record_;
  mphb::Diagnostics diagnostics_;
};

// ---- ids --------------------------------------------------------------------------------------------

TEST_F(FieldReaderTest, IdAcceptsJsonIntegersAndNumericStrings) {
  EXPECT_EQ(with(42).id("v", Presence::kRequired), 42);
  EXPECT_EQ(with("42").id("v", Presence::kRequired), 42);
  EXPECT_EQ(with("0042").id("v", Presence::kRequired), 42);
  EXPECT_EQ(with(9007199254740991LL).id("v", Presence::kRequired), 9007199254740991LL);
  EXPECT_EQ(with("9007199254740991").id("v", Presence::kRequired), 9007199254740991LL);
  expect_no_error();
}

TEST_F(FieldReaderTest, IdAcceptsAWholeFloat) {
  EXPECT_EQ(with(42.0).id("v", Presence::kRequired), 42);
  expect_no_error();
}

TEST_F(FieldReaderTest, IdRejectsZeroAndNegativeAsOutOfRange) {
  EXPECT_FALSE(with(0).id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with("0").id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with(-5).id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with(-0.0).id("v", Presence::kRequired));
  expect_error("out_of_range");
}

TEST_F(FieldReaderTest, IdRejectsFractionalNumbers) {
  EXPECT_FALSE(with(1.5).id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with(42.000001).id("v", Presence::kRequired));
  expect_error("out_of_range");
}

TEST_F(FieldReaderTest, IdRejectsValuesAbove2To53Minus1) {
  // As the JSON parser stores them: non-negative integers are unsigned.
  EXPECT_FALSE(with(json::parse("9007199254740992")).id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with(18446744073709551615ULL).id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with(1e20).id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with("9007199254740992").id("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with("9999999999999999").id("v", Presence::kRequired));
  expect_error("out_of_range");
}

TEST_F(FieldReaderTest, IdRejectsSignedIntegerAbove2To53Minus1) {
  // A json built in memory from a signed integer (not what the parser produces, but the reader's contract
  // is "positive integers up to 2^53-1" whatever the json's integer flavour).
  const auto value = with(json(static_cast<int64_t>(9007199254740992LL))).id("v", Presence::kRequired);
  if (value.has_value()) {
    diagnostics_ = mphb::Diagnostics();
    ADD_FAILURE() << "regression: id() of a signed json integer 9007199254740992 returns " << *value
                  << " with no error; expected out_of_range (field_reader.cpp FieldReader::id, the "
                     "is_number_integer() branch has no kMaxId check)";
  }
  expect_error("out_of_range");
}

TEST_F(FieldReaderTest, IdRejectsVeryLongNumericStringsAsOutOfRange) {
  // However many digits, a numeric string is a numeric id that is too large, as "9999999999999999" is.
  for (size_t digits : {17u, 20u, 64u, 65u, 200u}) {
    const std::string s(digits, '9');
    EXPECT_FALSE(with(s).id("v", Presence::kRequired)) << digits << " digits";
    ASSERT_EQ(diagnostics_.error_count(), 1u);
    const std::string code = diagnostics_.errors()[0].code;
    diagnostics_ = mphb::Diagnostics();
    if (code == "invalid_format") {
      ADD_FAILURE() << "regression: id() of a " << digits << "-digit numeric string reports invalid_format (\"must be a "
                    << "numeric id\"), expected out_of_range (field_reader.cpp all_digits(): its length cap treats "
                       "long digit strings as non-numeric)";
    }
    EXPECT_EQ(code, "out_of_range") << digits << " digits";
  }
}

TEST_F(FieldReaderTest, IdAcceptsZeroPaddedNumericStringsOfAnyLength) {
  // "0042" is 42 (IdAcceptsJsonIntegersAndNumericStrings); so is the same id padded to 17 characters.
  const auto value = with("00000000000000042").id("v", Presence::kRequired);
  if (!value.has_value()) {
    const std::string got = describe();
    diagnostics_ = mphb::Diagnostics();
    ADD_FAILURE() << "regression: id(\"00000000000000042\") is rejected (" << got
                  << "), expected 42 (field_reader.cpp FieldReader::id: `s.size() > 16` is taken as \"larger than "
                     "2^53-1\" without looking at leading zeros)";
  }
  EXPECT_EQ(value, 42);
  expect_no_error();
}

TEST_F(FieldReaderTest, IdRejectsNonNumericStringsAsInvalidFormat) {
  for (const char* s : {"abc", "", "-3", "+3", " 42", "42 ", "4.2", "0x1F", "1e3"}) {
    EXPECT_FALSE(with(s).id("v", Presence::kRequired)) << s;
    expect_error("invalid_format");
  }
}

TEST_F(FieldReaderTest, IdRejectsOtherJsonTypesAsWrongType) {
  for (const json& value : {json(true), json(false), json::array({1}), json::object({{"id", 1}})}) {
    EXPECT_FALSE(with(value).id("v", Presence::kRequired)) << value.dump();
    expect_error("wrong_type");
  }
}

TEST_F(FieldReaderTest, RequiredIdMissingOrNullIsMissingField) {
  EXPECT_FALSE(without_field().id("v", Presence::kRequired));
  expect_error("missing_field");
  EXPECT_FALSE(with(nullptr).id("v", Presence::kRequired));
  expect_error("missing_field");
}

TEST_F(FieldReaderTest, OptionalIdMissingIsNoValueAndNoError) {
  EXPECT_FALSE(without_field().id("v", Presence::kOptional));
  expect_no_error();
}

TEST_F(FieldReaderTest, ErrorPathNamesTheRecordAndKey) {
  json room = {{"accommodation", "x"}};
  mphb::FieldReader r(room, "bookings[17].reserved_accommodations[0]", diagnostics_);
  EXPECT_FALSE(r.id("accommodation", Presence::kRequired));
  expect_error("invalid_format", "bookings[17].reserved_accommodations[0].accommodation");
}

TEST_F(FieldReaderTest, IdOrZeroTreatsZeroAbsentNullAndEmptyAsNone) {
  EXPECT_EQ(without_field().id_or_zero("v"), 0);
  EXPECT_EQ(with(nullptr).id_or_zero("v"), 0);
  EXPECT_EQ(with(0).id_or_zero("v"), 0);
  EXPECT_EQ(with("0").id_or_zero("v"), 0);
  EXPECT_EQ(with("").id_or_zero("v"), 0);
  EXPECT_EQ(with(7).id_or_zero("v"), 7);
  EXPECT_EQ(with("7").id_or_zero("v"), 7);
  expect_no_error();
  EXPECT_FALSE(with(-1).id_or_zero("v"));
  expect_error("out_of_range");
  EXPECT_FALSE(with("seven").id_or_zero("v"));
  expect_error("invalid_format");
}

// ---- counts -----------------------------------------------------------------------------------------

TEST_F(FieldReaderTest, CountAcceptsIntegersNumericStringsAndWholeFloats) {
  EXPECT_EQ(with(2).count("v", 0), 2);
  EXPECT_EQ(with("3").count("v", 0), 3);
  EXPECT_EQ(with(4.0).count("v", 0), 4);
  EXPECT_EQ(with(0).count("v", 9), 0);
  EXPECT_EQ(with(10000).count("v", 0), 10000);
  expect_no_error();
}

TEST_F(FieldReaderTest, CountAcceptsZeroPaddedNumericStrings) {
  EXPECT_EQ(with("02").count("v", 0), 2);
  expect_no_error();
  const auto value = with("0000002").count("v", 0);
  if (!value.has_value()) {
    const std::string got = describe();
    diagnostics_ = mphb::Diagnostics();
    ADD_FAILURE() << "regression: count(\"0000002\") is rejected (" << got
                  << "), expected 2; the message also says \"got 10001\", a value that is not in the input "
                     "(field_reader.cpp FieldReader::count: `s.size() > 6 ? kMaxCount + 1 : std::stoll(s)`)";
  }
  EXPECT_EQ(value, 2);
  expect_no_error();
}

TEST_F(FieldReaderTest, CountAbsentNullOrEmptyStringGivesTheFallback) {
  EXPECT_EQ(without_field().count("v", 1), 1);
  EXPECT_EQ(with(nullptr).count("v", 2), 2);
  EXPECT_EQ(with("").count("v", 3), 3);
  expect_no_error();
}

TEST_F(FieldReaderTest, CountOutsideZeroToTenThousandIsOutOfRange) {
  EXPECT_FALSE(with(-1).count("v", 0));
  expect_error("out_of_range");
  EXPECT_FALSE(with(10001).count("v", 0));
  expect_error("out_of_range");
  EXPECT_FALSE(with(18446744073709551615ULL).count("v", 0));
  expect_error("out_of_range");
  EXPECT_FALSE(with("10001").count("v", 0));
  expect_error("out_of_range");
}

TEST_F(FieldReaderTest, CountOfOtherKindsIsWrongType) {
  for (const json& value : {json(2.5), json("two"), json("-1"), json(true), json::array(), json::object()}) {
    EXPECT_FALSE(with(value).count("v", 0)) << value.dump();
    expect_error("wrong_type");
  }
}

// ---- text -------------------------------------------------------------------------------------------

TEST_F(FieldReaderTest, TextReturnsStringsAsIs) {
  EXPECT_EQ(with("  Ana  ").text("v"), "  Ana  ");
  EXPECT_EQ(with("").text("v"), "");
  expect_no_error();
}

TEST_F(FieldReaderTest, TextAbsentOrNullIsEmpty) {
  EXPECT_EQ(without_field().text("v"), "");
  EXPECT_EQ(with(nullptr).text("v"), "");
  expect_no_error();
}

TEST_F(FieldReaderTest, TextOfOtherTypesIsWrongType) {
  for (const json& value : {json(5), json(1.5), json(false), json::array({"a"}), json::object({{"a", "b"}})}) {
    EXPECT_FALSE(with(value).text("v")) << value.dump();
    expect_error("wrong_type");
  }
}

// ---- titles -----------------------------------------------------------------------------------------

TEST_F(FieldReaderTest, TitleAsPlainStringIsDecodedAndTrimmed) {
  EXPECT_EQ(with("  Sea View &amp; Spa &#8211; \"Deluxe\" ").title("v"), "Sea View & Spa \xE2\x80\x93 \"Deluxe\"");
  expect_no_error();
}

TEST_F(FieldReaderTest, TitleAsRenderedObjectIsDecoded) {
  EXPECT_EQ(with(json{{"rendered", "Suite &#x2013; Garden"}}).title("v"), "Suite \xE2\x80\x93 Garden");
  expect_no_error();
}

TEST_F(FieldReaderTest, TitleAbsentOrNullIsEmpty) {
  EXPECT_EQ(without_field().title("v"), "");
  EXPECT_EQ(with(nullptr).title("v"), "");
  expect_no_error();
}

TEST_F(FieldReaderTest, TitleObjectWithoutRenderedStringIsWrongTypeAtRendered) {
  EXPECT_FALSE(with(json{{"raw", "x"}}).title("v"));
  expect_error("wrong_type", "bookings[3].v.rendered");
  EXPECT_FALSE(with(json{{"rendered", 5}}).title("v"));
  expect_error("wrong_type", "bookings[3].v.rendered");
}

TEST_F(FieldReaderTest, TitleOfOtherTypesIsWrongType) {
  EXPECT_FALSE(with(12).title("v"));
  expect_error("wrong_type");
  EXPECT_FALSE(with(json::array({"a"})).title("v"));
  expect_error("wrong_type");
}

// ---- booleans ---------------------------------------------------------------------------------------

TEST_F(FieldReaderTest, BooleanAcceptsPhpStyleZeroAndOne) {
  EXPECT_EQ(with(true).boolean("v", false), true);
  EXPECT_EQ(with(false).boolean("v", true), false);
  EXPECT_EQ(with(1).boolean("v", false), true);
  EXPECT_EQ(with(0).boolean("v", true), false);
  EXPECT_EQ(with("1").boolean("v", false), true);
  EXPECT_EQ(with("0").boolean("v", true), false);
  EXPECT_EQ(with("").boolean("v", true), false);
  EXPECT_EQ(without_field().boolean("v", true), true);
  expect_no_error();
}

TEST_F(FieldReaderTest, BooleanOfOtherValuesIsWrongType) {
  for (const json& value : {json("true"), json("yes"), json(2), json(0.5), json::array()}) {
    EXPECT_FALSE(with(value).boolean("v", false)) << value.dump();
    expect_error("wrong_type");
  }
}

// ---- dates ------------------------------------------------------------------------------------------

TEST_F(FieldReaderTest, DateAcceptsValidCalendarDates) {
  for (const char* d : {"2026-12-01", "2026-01-31", "2026-04-30", "2026-12-31", "0001-01-01", "9999-12-31"}) {
    EXPECT_EQ(with(d).date("v", Presence::kRequired), d);
  }
  expect_no_error();
}

TEST_F(FieldReaderTest, DateFeb29ExistsOnlyInLeapYears) {
  EXPECT_EQ(with("2024-02-29").date("v", Presence::kRequired), "2024-02-29");
  EXPECT_EQ(with("2000-02-29").date("v", Presence::kRequired), "2000-02-29");  // divisible by 400
  expect_no_error();
  EXPECT_FALSE(with("2023-02-29").date("v", Presence::kRequired));
  expect_error("invalid_format");
  EXPECT_FALSE(with("1900-02-29").date("v", Presence::kRequired));  // divisible by 100, not 400
  expect_error("invalid_format");
  EXPECT_FALSE(with("2024-02-30").date("v", Presence::kRequired));
  expect_error("invalid_format");
}

TEST_F(FieldReaderTest, DateRejectsImpossibleOrMisshapenDates) {
  for (const char* d : {"2026-04-31", "2026-13-01", "2026-00-10", "2026-12-00", "2026-12-32", "0000-01-01", "2026-1-01",
                        "2026/01/01", "26-01-01", "2026-01-01T00:00:00", "2026-01-01 ", "abcd-ef-gh", "2026-0a-01"}) {
    EXPECT_FALSE(with(d).date("v", Presence::kRequired)) << d;
    expect_error("invalid_format");
  }
}

TEST_F(FieldReaderTest, DateEmptyOrMissingIsMissingFieldWhenRequired) {
  EXPECT_FALSE(with("").date("v", Presence::kRequired));
  expect_error("missing_field");
  EXPECT_FALSE(without_field().date("v", Presence::kRequired));
  expect_error("missing_field");
  EXPECT_FALSE(without_field().date("v", Presence::kOptional));
  expect_no_error();
}

TEST_F(FieldReaderTest, DateOfOtherTypesIsWrongType) {
  EXPECT_FALSE(with(20260101).date("v", Presence::kRequired));
  expect_error("wrong_type");
}

TEST(IsValidDate, ChecksTheDayOfTheMonth) {
  EXPECT_TRUE(mphb::is_valid_date("2024-02-29"));
  EXPECT_FALSE(mphb::is_valid_date("2025-02-29"));
  EXPECT_TRUE(mphb::is_valid_date("2025-06-30"));
  EXPECT_FALSE(mphb::is_valid_date("2025-06-31"));
  EXPECT_FALSE(mphb::is_valid_date(""));
}

// ---- times of day -----------------------------------------------------------------------------------

TEST_F(FieldReaderTest, TimeOfDayKeepsHhMmSsAndCompletesHhMm) {
  EXPECT_EQ(with("15:00:00").time_of_day("v"), "15:00:00");
  EXPECT_EQ(with("23:59:59").time_of_day("v"), "23:59:59");
  EXPECT_EQ(with("11:30").time_of_day("v"), "11:30:00");
  EXPECT_EQ(with("00:00").time_of_day("v"), "00:00:00");
  expect_no_error();
}

TEST_F(FieldReaderTest, TimeOfDayAbsentOrEmptyIsEmpty) {
  EXPECT_EQ(without_field().time_of_day("v"), "");
  EXPECT_EQ(with("").time_of_day("v"), "");
  expect_no_error();
}

TEST_F(FieldReaderTest, TimeOfDayRejectsInvalidTimes) {
  for (const char* t :
       {"24:00", "24:00:00", "12:60:00", "12:00:60", "9:30", "09:30:00Z", "0930", "12:3", "ab:cd", "12-30-00", "12:30:00:00"}) {
    EXPECT_FALSE(with(t).time_of_day("v")) << t;
    expect_error("invalid_format");
  }
  EXPECT_FALSE(with(1500).time_of_day("v"));
  expect_error("wrong_type");
}

// ---- UTC timestamps ---------------------------------------------------------------------------------

TEST_F(FieldReaderTest, UtcTimestampWithoutOffsetIsTakenAsUtc) {
  EXPECT_EQ(with("2026-11-21T12:41:00").utc_timestamp("v"), "2026-11-21T12:41:00Z");
  EXPECT_EQ(with("2026-11-21 12:41:00").utc_timestamp("v"), "2026-11-21T12:41:00Z");
  expect_no_error();
}

TEST_F(FieldReaderTest, UtcTimestampWithZIsKept) {
  EXPECT_EQ(with("2026-11-21T12:41:00Z").utc_timestamp("v"), "2026-11-21T12:41:00Z");
  EXPECT_EQ(with("2026-11-21T12:41:00z").utc_timestamp("v"), "2026-11-21T12:41:00Z");
  expect_no_error();
}

TEST_F(FieldReaderTest, UtcTimestampWithOffsetIsConvertedToUtc) {
  EXPECT_EQ(with("2026-11-21T12:41:00+02:00").utc_timestamp("v"), "2026-11-21T10:41:00Z");
  EXPECT_EQ(with("2026-11-21T12:41:00-05:00").utc_timestamp("v"), "2026-11-21T17:41:00Z");
  EXPECT_EQ(with("2026-11-21T12:41:00+0530").utc_timestamp("v"), "2026-11-21T07:11:00Z");
  EXPECT_EQ(with("2026-11-21T12:41:00+00:00").utc_timestamp("v"), "2026-11-21T12:41:00Z");
  expect_no_error();
}

TEST_F(FieldReaderTest, UtcTimestampOffsetCrossesDayMonthAndYearBoundaries) {
  EXPECT_EQ(with("2026-01-01T01:00:00+02:00").utc_timestamp("v"), "2025-12-31T23:00:00Z");
  EXPECT_EQ(with("2025-12-31T23:30:00-01:00").utc_timestamp("v"), "2026-01-01T00:30:00Z");
  EXPECT_EQ(with("2024-02-28T23:30:00-01:00").utc_timestamp("v"), "2024-02-29T00:30:00Z");
  EXPECT_EQ(with("2023-02-28T23:30:00-01:00").utc_timestamp("v"), "2023-03-01T00:30:00Z");
  EXPECT_EQ(with("2024-03-01T00:15:00+01:00").utc_timestamp("v"), "2024-02-29T23:15:00Z");
  expect_no_error();
}

TEST_F(FieldReaderTest, UtcTimestampFractionsAreDropped) {
  EXPECT_EQ(with("2026-11-21T12:41:07.123456").utc_timestamp("v"), "2026-11-21T12:41:07Z");
  EXPECT_EQ(with("2026-11-21T12:41:07.9Z").utc_timestamp("v"), "2026-11-21T12:41:07Z");
  EXPECT_EQ(with("2026-11-21T12:41:07.5+02:00").utc_timestamp("v"), "2026-11-21T10:41:07Z");
  expect_no_error();
}

TEST_F(FieldReaderTest, UtcTimestampAbsentOrEmptyIsEmpty) {
  EXPECT_EQ(without_field().utc_timestamp("v"), "");
  EXPECT_EQ(with("").utc_timestamp("v"), "");
  expect_no_error();
}

TEST_F(FieldReaderTest, UtcTimestampRejectsMalformedValues) {
  for (const char* t : {"2026-11-21", "2026-11-21T12:41", "2026-02-30T00:00:00", "2026-11-21T25:00:00", "2026-11-21T12:60:00",
                        "2026-11-21T12:41:00+02", "2026-11-21T12:41:00.", "2026-11-21T12:41:00 junk", "2026-11-21T12:41:00+24:00",
                        "2026-11-21X12:41:00", "2026-11-21T12:41:00ZZ", "0001-01-01T00:30:00+01:00"}) {
    EXPECT_FALSE(with(t).utc_timestamp("v")) << t;
    expect_error("invalid_format");
  }
  EXPECT_FALSE(with(1700000000).utc_timestamp("v"));
  expect_error("wrong_type");
}

TEST(NormalizeUtcTimestamp, IsTheSameConversionUsedForNow) {
  EXPECT_EQ(mphb::normalize_utc_timestamp("2026-11-28T12:00:00+02:00"), "2026-11-28T10:00:00Z");
  EXPECT_FALSE(mphb::normalize_utc_timestamp("yesterday").has_value());
}

// ---- decimals (money) -------------------------------------------------------------------------------

TEST_F(FieldReaderTest, DecimalFromJsonNumbers) {
  EXPECT_EQ(with(901.5).decimal("v", Presence::kRequired), "901.5");
  EXPECT_EQ(with(240).decimal("v", Presence::kRequired), "240");
  EXPECT_EQ(with(240.0).decimal("v", Presence::kRequired), "240");
  EXPECT_EQ(with(0).decimal("v", Presence::kRequired), "0");
  EXPECT_EQ(with(0.1).decimal("v", Presence::kRequired), "0.1");
  EXPECT_EQ(with(19.99).decimal("v", Presence::kRequired), "19.99");
  EXPECT_EQ(with(-12.5).decimal("v", Presence::kRequired), "-12.5");
  EXPECT_EQ(with(-0.0).decimal("v", Presence::kRequired), "0");
  EXPECT_EQ(with(1e12).decimal("v", Presence::kRequired), "1000000000000");
  expect_no_error();
}

TEST_F(FieldReaderTest, DecimalTinyAmountsArePlainDecimalsNeverExponents) {
  EXPECT_EQ(with(0.00005).decimal("v", Presence::kRequired), "0.00005");
  EXPECT_EQ(with(1e-7).decimal("v", Presence::kRequired), "0.0000001");
  EXPECT_EQ(with(-1.5e-5).decimal("v", Presence::kRequired), "-0.000015");
  EXPECT_EQ(with("0.000001").decimal("v", Presence::kRequired), "0.000001");
  expect_no_error();
}

TEST_F(FieldReaderTest, DecimalFromPlainNumericStrings) {
  EXPECT_EQ(with("901.5").decimal("v", Presence::kRequired), "901.5");
  EXPECT_EQ(with("901.50").decimal("v", Presence::kRequired), "901.5");
  EXPECT_EQ(with("240").decimal("v", Presence::kRequired), "240");
  EXPECT_EQ(with("-3.25").decimal("v", Presence::kRequired), "-3.25");
  EXPECT_EQ(with("-0").decimal("v", Presence::kRequired), "0");
  expect_no_error();
}

TEST_F(FieldReaderTest, DecimalRejectsNonPlainStringsAsInvalidFormat) {
  for (const char* s :
       {"inf", "-inf", "nan", "NaN", "0x10", "1e3", " 12", "12 ", "", "12,5", "1.2.3", "-", ".", "1-2", "$12", "infinity"}) {
    EXPECT_FALSE(with(s).decimal("v", Presence::kRequired)) << s;
    expect_error("invalid_format");
  }
}

TEST_F(FieldReaderTest, DecimalAbove1e12IsOutOfRange) {
  EXPECT_FALSE(with(1e13).decimal("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with(18446744073709551615ULL).decimal("v", Presence::kRequired));
  expect_error("out_of_range");
  EXPECT_FALSE(with("10000000000000").decimal("v", Presence::kRequired));
  expect_error("out_of_range");
}

TEST_F(FieldReaderTest, DecimalOfOtherTypesIsWrongType) {
  for (const json& value : {json(true), json::array({1}), json::object()}) {
    EXPECT_FALSE(with(value).decimal("v", Presence::kRequired)) << value.dump();
    expect_error("wrong_type");
  }
}

TEST_F(FieldReaderTest, DecimalMissingIsAnErrorOnlyWhenRequired) {
  EXPECT_FALSE(without_field().decimal("v", Presence::kRequired));
  expect_error("missing_field");
  EXPECT_FALSE(without_field().decimal("v", Presence::kOptional));
  EXPECT_FALSE(with(nullptr).decimal("v", Presence::kOptional));
  expect_no_error();
}

// ---- misc -------------------------------------------------------------------------------------------

TEST_F(FieldReaderTest, ReadingFromANonObjectFindsNothing) {
  json not_an_object = json::array({1, 2});
  mphb::FieldReader r(not_an_object, "bookings[0]", diagnostics_);
  EXPECT_EQ(r.find("id"), nullptr);
  EXPECT_FALSE(r.id("id", Presence::kRequired));
  expect_error("missing_field", "bookings[0].id");
}

TEST(JsonTypeName, NamesEachJsonType) {
  EXPECT_STREQ(mphb::json_type_name(json(nullptr)), "null");
  EXPECT_STREQ(mphb::json_type_name(json(true)), "boolean");
  EXPECT_STREQ(mphb::json_type_name(json(-1)), "integer");
  EXPECT_STREQ(mphb::json_type_name(json(1u)), "integer");
  EXPECT_STREQ(mphb::json_type_name(json(1.5)), "number");
  EXPECT_STREQ(mphb::json_type_name(json("s")), "string");
  EXPECT_STREQ(mphb::json_type_name(json::array()), "array");
  EXPECT_STREQ(mphb::json_type_name(json::object()), "object");
}

}  // namespace
