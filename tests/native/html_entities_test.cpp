// Titles saved by other tools hold HTML entities; the database keeps plain UTF-8 text.
#include "html_entities.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using mphb::decode_html_entities;
using mphb::trim;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(HtmlEntities, DecodesAmpersand) { EXPECT_EQ(decode_html_entities("Sea View &amp; Spa"), "Sea View & Spa"); }

TEST(HtmlEntities, DecodesDecimalAndHexNumericEntities) {
  EXPECT_EQ(decode_html_entities("Suite &#8211; Deluxe"), "Suite \xE2\x80\x93 Deluxe");  // en dash
  EXPECT_EQ(decode_html_entities("Suite &#x2013; Deluxe"), "Suite \xE2\x80\x93 Deluxe");
  EXPECT_EQ(decode_html_entities("&#X2013;"), "\xE2\x80\x93");
  EXPECT_EQ(decode_html_entities("&#39;"), "'");
  EXPECT_EQ(decode_html_entities("&#233;"), "\xC3\xA9");             // 2-byte UTF-8
  EXPECT_EQ(decode_html_entities("&#x1F600;"), "\xF0\x9F\x98\x80");  // 4-byte UTF-8 (emoji)
  EXPECT_EQ(decode_html_entities("&#128512;"), "\xF0\x9F\x98\x80");
}

TEST(HtmlEntities, DecodesCommonNamedEntities) {
  EXPECT_EQ(decode_html_entities("&lt;b&gt;"), "<b>");
  EXPECT_EQ(decode_html_entities("&quot;Deluxe&quot;"), "\"Deluxe\"");
  EXPECT_EQ(decode_html_entities("&apos;"), "'");
  EXPECT_EQ(decode_html_entities("&ndash;&mdash;"), "\xE2\x80\x93\xE2\x80\x94");
  EXPECT_EQ(decode_html_entities("&rsquo;&hellip;"), "\xE2\x80\x99\xE2\x80\xA6");
  EXPECT_EQ(decode_html_entities("&nbsp;"), "\xC2\xA0");
  EXPECT_EQ(decode_html_entities("&euro;&eacute;&ntilde;"), "\xE2\x82\xAC\xC3\xA9\xC3\xB1");
}

TEST(HtmlEntities, DecodesOnlyOnceSoDoubleEscapedTextKeepsOneLevel) {
  EXPECT_EQ(decode_html_entities("&amp;amp;"), "&amp;");
  EXPECT_EQ(decode_html_entities("&amp;#8211;"), "&#8211;");
}

TEST(HtmlEntities, KeepsUnknownOrUnterminatedEntitiesVerbatim) {
  EXPECT_EQ(decode_html_entities("&foo;"), "&foo;");
  EXPECT_EQ(decode_html_entities("&AMP;"), "&AMP;");  // names are case-sensitive
  EXPECT_EQ(decode_html_entities("Tom & Jerry"), "Tom & Jerry");
  EXPECT_EQ(decode_html_entities("&amp"), "&amp");
  EXPECT_EQ(decode_html_entities("&#;"), "&#;");
  EXPECT_EQ(decode_html_entities("&#x;"), "&#x;");
  EXPECT_EQ(decode_html_entities("&#12a;"), "&#12a;");
  EXPECT_EQ(decode_html_entities("&"), "&");
  EXPECT_EQ(decode_html_entities("a & b; c"), "a & b; c");
  EXPECT_EQ(decode_html_entities("&averyveryverylongname;"), "&averyveryverylongname;");
}

TEST(HtmlEntities, DecodesAnEntityAfterAStrayAmpersand) { EXPECT_EQ(decode_html_entities("R&B &amp; Soul"), "R&B & Soul"); }

TEST(HtmlEntities, InvalidCodePointsBecomeReplacementCharacter) {
  EXPECT_EQ(decode_html_entities("&#0;"), kReplacement);
  EXPECT_EQ(decode_html_entities("&#xD800;"), kReplacement);  // lone surrogate
  EXPECT_EQ(decode_html_entities("&#xDFFF;"), kReplacement);
  EXPECT_EQ(decode_html_entities("&#x110000;"), kReplacement);  // beyond Unicode
  EXPECT_EQ(decode_html_entities("&#99999999;"), kReplacement);
  EXPECT_EQ(decode_html_entities("&#xFFFFFFFF;"), kReplacement);
  EXPECT_EQ(decode_html_entities("&#x10FFFF;"), "\xF4\x8F\xBF\xBF");  // the last valid code point
}

TEST(HtmlEntities, LeavesPlainAndNonAsciiTextUntouched) {
  EXPECT_EQ(decode_html_entities(""), "");
  EXPECT_EQ(decode_html_entities("Sea View & Spa \xE2\x80\x93 \"Deluxe\""), "Sea View & Spa \xE2\x80\x93 \"Deluxe\"");
}

TEST(Trim, RemovesAsciiWhiteSpaceAtBothEnds) {
  EXPECT_EQ(trim("  Double 1 \t\r\n"), "Double 1");
  EXPECT_EQ(trim("\v\fx"), "x");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("a  b"), "a  b");
}

TEST(Trim, KeepsNonBreakingSpace) { EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0"); }

}  // namespace
