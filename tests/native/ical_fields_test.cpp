// The iCal fields of imported bookings: quoted and escaped strings, the channel, its reservation code and
// the guest's phone last-4 (SPEC §4, FIELD-NOTES "Bookings").
#include "ical_fields.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using mphb::channel_from_prodid;
using mphb::parse_ical_description;
using mphb::phone_last_4_digits;
using mphb::unquote_ical_text;

// ---- unquote_ical_text ------------------------------------------------------------------------------

TEST(UnquoteIcalText, RemovesLiteralSurroundingQuotes) {
  EXPECT_EQ(unquote_ical_text("\"Reserved\""), "Reserved");
  EXPECT_EQ(unquote_ical_text("\"Airbnb (Not available)\""), "Airbnb (Not available)");
}

TEST(UnquoteIcalText, LeavesUnquotedTextAlone) {
  EXPECT_EQ(unquote_ical_text("Reserved"), "Reserved");
  EXPECT_EQ(unquote_ical_text(""), "");
}

TEST(UnquoteIcalText, RemovesOnlyOnePairAndOnlyWhenBothEndsAreQuotes) {
  EXPECT_EQ(unquote_ical_text("\"\"Reserved\"\""), "\"Reserved\"");
  EXPECT_EQ(unquote_ical_text("\"Reserved"), "\"Reserved");
  EXPECT_EQ(unquote_ical_text("Reserved\""), "Reserved\"");
  EXPECT_EQ(unquote_ical_text("\""), "\"");
  EXPECT_EQ(unquote_ical_text("\"\""), "");
}

TEST(UnquoteIcalText, UnescapesInnerQuotes) {
  EXPECT_EQ(unquote_ical_text("\"The \\\"Blue\\\" room\""), "The \"Blue\" room");
  EXPECT_EQ(unquote_ical_text("\\\"quoted\\\""), "\"quoted\"");
}

TEST(UnquoteIcalText, UnescapesNewlinesCommasSemicolonsAndBackslashes) {
  EXPECT_EQ(unquote_ical_text("a\\nb"), "a\nb");
  EXPECT_EQ(unquote_ical_text("a\\Nb"), "a\nb");
  EXPECT_EQ(unquote_ical_text("Smith\\, John"), "Smith, John");
  EXPECT_EQ(unquote_ical_text("a\\;b"), "a;b");
  EXPECT_EQ(unquote_ical_text("C:\\\\temp"), "C:\\temp");
}

TEST(UnquoteIcalText, EscapedBackslashBeforeNIsNotANewline) { EXPECT_EQ(unquote_ical_text("a\\\\nb"), "a\\nb"); }

TEST(UnquoteIcalText, KeepsUnknownEscapesAndATrailingBackslash) {
  EXPECT_EQ(unquote_ical_text("a\\tb"), "a\\tb");
  EXPECT_EQ(unquote_ical_text("end\\"), "end\\");
}

TEST(UnquoteIcalText, DropsCarriageReturnsAndTrimsInsideAndOutsideTheQuotes) {
  EXPECT_EQ(unquote_ical_text("  \" Reserved \"  "), "Reserved");
  EXPECT_EQ(unquote_ical_text("line1\r\nline2"), "line1\nline2");
  EXPECT_EQ(unquote_ical_text("\"text\\n\""), "text");
}

// ---- parse_ical_description -------------------------------------------------------------------------

TEST(ParseIcalDescription, AirbnbReservationUrlGivesTheCode) {
  const auto d = parse_ical_description("Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMABCD1234");
  EXPECT_EQ(d.reservation_code, "HMABCD1234");
  EXPECT_EQ(d.reservation_url, "https://www.airbnb.com/hosting/reservations/details/HMABCD1234");
  EXPECT_FALSE(d.phone_last_4.has_value());
}

TEST(ParseIcalDescription, AirbnbPhoneLast4Line) {
  const auto d = parse_ical_description("Phone Number (Last 4 Digits): 4417");
  EXPECT_EQ(d.phone_last_4, "4417");
  EXPECT_FALSE(d.reservation_code.has_value());
}

TEST(ParseIcalDescription, AirbnbDescriptionWithBothLines) {
  const auto d = parse_ical_description(
      "Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMABCD1234\n"
      "Phone Number (Last 4 Digits): 4417");
  EXPECT_EQ(d.reservation_code, "HMABCD1234");
  EXPECT_EQ(d.phone_last_4, "4417");
}

TEST(ParseIcalDescription, QuotedEscapedDescriptionAfterUnquoting) {
  const auto d = parse_ical_description(
      unquote_ical_text("\"Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMABCD1234\\n"
                        "Phone Number (Last 4 Digits): 4417\""));
  EXPECT_EQ(d.reservation_code, "HMABCD1234");
  EXPECT_EQ(d.phone_last_4, "4417");
}

TEST(ParseIcalDescription, UrlCodeIgnoresQueryFragmentAndTrailingSlash) {
  EXPECT_EQ(parse_ical_description("Reservation URL: https://x.test/details/HM1?ref=ical").reservation_code, "HM1");
  EXPECT_EQ(parse_ical_description("Reservation URL: https://x.test/details/HM2#top").reservation_code, "HM2");
  EXPECT_EQ(parse_ical_description("Reservation URL: https://x.test/details/HM3/").reservation_code, "HM3");
}

TEST(ParseIcalDescription, ExplicitReservationCodeLine) {
  EXPECT_EQ(parse_ical_description("Reservation code: ABC-123").reservation_code, "ABC-123");
  EXPECT_EQ(parse_ical_description("CONFIRMATION CODE: XYZ9").reservation_code, "XYZ9");
}

TEST(ParseIcalDescription, ValuesQuotedAgainInsideTheDescriptionAreUnquoted) {
  const auto d = parse_ical_description("Reservation code: \"HM777\"\nPhone: \"+1 305 555 9876\"");
  EXPECT_EQ(d.reservation_code, "HM777");
  EXPECT_EQ(d.phone_last_4, "9876");
}

TEST(ParseIcalDescription, LabelsAreCaseInsensitiveAndLinesTrimmed) {
  const auto d = parse_ical_description("  reservation url :  https://x.test/r/HMQ  \r\n  PHONE: (305) 555-0100 ");
  EXPECT_EQ(d.reservation_code, "HMQ");
  EXPECT_EQ(d.phone_last_4, "0100");
}

TEST(ParseIcalDescription, EmptyOrUnrelatedTextGivesNothing) {
  for (const char* text : {"", "\n\n", "Just a note", "Reservation URL:", "Phone Number (Last 4 Digits): 12", "Notes: call me"}) {
    const auto d = parse_ical_description(text);
    EXPECT_FALSE(d.reservation_code.has_value()) << text;
    EXPECT_FALSE(d.phone_last_4.has_value()) << text;
  }
}

// ---- channel_from_prodid ----------------------------------------------------------------------------

TEST(ChannelFromProdid, KnownChannelsGetStableNames) {
  EXPECT_EQ(channel_from_prodid("-//Airbnb Inc//Hosting Calendar 1.0//EN"), "airbnb");
  EXPECT_EQ(channel_from_prodid("\"-//Airbnb Inc//Hosting Calendar 1.0//EN\""), "airbnb");
  EXPECT_EQ(channel_from_prodid("-//Booking.com//Booking.com Calendar//EN"), "booking.com");
  EXPECT_EQ(channel_from_prodid("-//admin.booking.com//EN"), "booking.com");
  EXPECT_EQ(channel_from_prodid("-//VRBO//Calendar//EN"), "vrbo");
  EXPECT_EQ(channel_from_prodid("-//HomeAway.com, Inc.//EN"), "vrbo");
}

TEST(ChannelFromProdid, UnknownOrganisationIsLowerCased) {
  EXPECT_EQ(channel_from_prodid("-//Example Hotels Ltd//Cal 2.1//EN"), "example hotels ltd");
  EXPECT_EQ(channel_from_prodid("-//Lodgify//EN"), "lodgify");
}

TEST(ChannelFromProdid, ProdidWithoutOrganisationFieldIsUsedWhole) {
  EXPECT_EQ(channel_from_prodid("SomeCalendarTool"), "somecalendartool");
}

TEST(ChannelFromProdid, EmptyProdidTellsNothing) {
  EXPECT_FALSE(channel_from_prodid("").has_value());
  EXPECT_FALSE(channel_from_prodid("   ").has_value());
  EXPECT_FALSE(channel_from_prodid("\"\"").has_value());
}

TEST(ChannelFromProdid, ProdidWithAnEmptyOrganisationTellsNothing) {
  // Header: "Empty when nothing can be told." "-//" and "-////EN" name no organisation at all.
  const auto a = channel_from_prodid("-//");
  const auto b = channel_from_prodid("-////EN");
  if (a.has_value() || b.has_value()) {
    ADD_FAILURE() << "regression: channel_from_prodid(\"-//\") = \"" << a.value_or("<none>") << "\", (\"-////EN\") = \""
                  << b.value_or("<none>")
                  << "\"; expected nullopt (ical_fields.cpp: the fallback `return std::string(trim(p))` after an "
                     "empty organisation part)";
  }
}

// ---- phone_last_4_digits ----------------------------------------------------------------------------

TEST(PhoneLast4Digits, TakesTheLastFourDigitsOfFreeText) {
  EXPECT_EQ(phone_last_4_digits("+57 311 555 0142"), "0142");
  EXPECT_EQ(phone_last_4_digits("(305) 555-0100"), "0100");
  EXPECT_EQ(phone_last_4_digits("4417"), "4417");
  EXPECT_EQ(phone_last_4_digits("1-2-3-4"), "1234");
}

TEST(PhoneLast4Digits, FewerThanFourDigitsIsNone) {
  EXPECT_FALSE(phone_last_4_digits("12").has_value());
  EXPECT_FALSE(phone_last_4_digits("").has_value());
  EXPECT_FALSE(phone_last_4_digits("n/a").has_value());
  EXPECT_FALSE(phone_last_4_digits("+1 23").has_value());
}

// ---- summary wording --------------------------------------------------------------------------------

TEST(IcalSummary, RecognisesUnavailableAndReservedWording) {
  EXPECT_TRUE(mphb::summary_says_unavailable("Airbnb (Not available)"));
  EXPECT_TRUE(mphb::summary_says_unavailable("BLOCKED"));
  EXPECT_TRUE(mphb::summary_says_unavailable("CLOSED - Not available"));
  EXPECT_FALSE(mphb::summary_says_unavailable("Reserved"));
  EXPECT_TRUE(mphb::summary_says_reserved("Reserved"));
  EXPECT_TRUE(mphb::summary_says_reserved("Booked"));
  EXPECT_FALSE(mphb::summary_says_reserved("Airbnb (Not available)"));
  EXPECT_FALSE(mphb::summary_says_reserved(""));
}

}  // namespace
