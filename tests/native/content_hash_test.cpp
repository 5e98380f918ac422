// content_hash: the hash every written row carries so that an unchanged row is never written again (I4).
// It must change with any field MotoPress owns and must not change with the times the sync itself sets
// (placeholder_since, upstream_gone_at) or with the stored hash.
#include "content_hash.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "accommodations_mapper.hpp"
#include "test_support.hpp"

namespace {

using namespace mphb_test;

const std::vector<std::string>& volatile_fields() {
  static const std::vector<std::string> kFields = {"placeholder_since", "upstream_gone_at", "content_hash"};
  return kFields;
}

bool is_volatile(const std::string& key) {
  for (const auto& f : volatile_fields()) {
    if (f == key) return true;
  }
  return false;
}

bool is_lower_hex_sha1(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A different value of the same field (same type where one exists).
json changed(const json& value) {
  if (value.is_string()) return json(value.get<std::string>() + "x");
  if (value.is_boolean()) return json(!value.get<bool>());
  if (value.is_number_integer()) return json(value.get<int64_t>() + 1);
  if (value.is_number_float()) return json(value.get<double>() + 0.5);
  if (value.is_null()) return json("x");
  return json(nullptr);
}

// A real reservation row and its junction, as the core maps a direct two-room booking.
json mapped_reservation(json* junction_out = nullptr) {
  json plan = plan_for(json::array({direct_booking(101, json::array({room(5, 12), room(7, 14)}))}));
  if (junction_out) *junction_out = plan["reservation_accommodations"];
  json rows = plan["reservations"];
  return rows.is_array() && rows.size() == 1 ? rows[0] : json::object();
}

json unit_row() {
  const mphb::TenantContext tenant{kTenant, kNow};
  json row = mphb::placeholder_unit_row(tenant, 999, 12);
  row["is_placeholder"] = false;
  row["placeholder_since"] = nullptr;
  return row;
}

TEST(ContentHash, IsALowerCaseHexSha1OfTheCanonicalJson) {
  EXPECT_EQ(mphb::content_hash(json::object()), "bf21a9e8fbc5a3846fb05b4fa0859e0917b2202f");  // sha1("{}")
  EXPECT_EQ(mphb::content_hash(json{{"b", json::array({true, nullptr})}, {"a", 1}}),
            "df11b3b927ce2474af1f5956c37c2f7415488ea8");  // sha1(R"({"a":1,"b":[true,null]})")
  EXPECT_TRUE(is_lower_hex_sha1(mphb::content_hash(mapped_reservation())));
}

TEST(ContentHash, SameRowGivesSameHash) {
  const json a = mapped_reservation();
  const json b = mapped_reservation();
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(mphb::content_hash(a), mphb::content_hash(b));
  EXPECT_EQ(mphb::content_hash(a), mphb::content_hash(a));
}

TEST(ContentHash, KeyInsertionOrderDoesNotMatter) {
  json forward = json::object();
  forward["mphb_accommodation_id"] = 5;
  forward["name"] = "Double 1";
  forward["is_active"] = true;
  json backward = json::object();
  backward["is_active"] = true;
  backward["name"] = "Double 1";
  backward["mphb_accommodation_id"] = 5;
  EXPECT_EQ(mphb::content_hash(forward), mphb::content_hash(backward));
}

TEST(ContentHash, AnyOwnedReservationFieldChangeChangesTheHash) {
  const json base = mapped_reservation();
  ASSERT_GT(base.size(), 10u);
  const std::string base_hash = mphb::content_hash(base);
  for (const auto& [key, value] : base.items()) {
    if (is_volatile(key)) continue;
    json row = base;
    row[key] = changed(value);
    EXPECT_NE(mphb::content_hash(row), base_hash) << "changing " << key << " did not change the hash";
  }
}

TEST(ContentHash, AnyOwnedUnitFieldChangeChangesTheHash) {
  const json base = unit_row();
  const std::string base_hash = mphb::content_hash(base);
  for (const auto& [key, value] : base.items()) {
    if (is_volatile(key)) continue;
    json row = base;
    row[key] = changed(value);
    EXPECT_NE(mphb::content_hash(row), base_hash) << "changing " << key << " did not change the hash";
  }
}

TEST(ContentHash, RemovingOrAddingAnOwnedFieldChangesTheHash) {
  const json base = unit_row();
  json without = base;
  without.erase("excerpt");
  EXPECT_NE(mphb::content_hash(without), mphb::content_hash(base));
  json with_extra = base;
  with_extra["view"] = "sea";
  EXPECT_NE(mphb::content_hash(with_extra), mphb::content_hash(base));
}

TEST(ContentHash, NumberTypeAndStringFormAreOwnedContent) {
  // 1 and "1" are different content: a field that turns from a number into text must be rewritten.
  EXPECT_NE(mphb::content_hash(json{{"adults", 1}}), mphb::content_hash(json{{"adults", "1"}}));
  EXPECT_NE(mphb::content_hash(json{{"total_price", "901.5"}}), mphb::content_hash(json{{"total_price", "901.50"}}));
}

TEST(ContentHash, PlaceholderSinceIsIgnored) {
  const mphb::TenantContext first{kTenant, "2026-01-01T00:00:00Z"};
  const mphb::TenantContext later{kTenant, "2027-06-30T23:59:59Z"};
  EXPECT_EQ(mphb::content_hash(mphb::placeholder_unit_row(first, 999, 12)),
            mphb::content_hash(mphb::placeholder_unit_row(later, 999, 12)));
  EXPECT_EQ(mphb::content_hash(mphb::placeholder_type_row(first, 40)), mphb::content_hash(mphb::placeholder_type_row(later, 40)));
  json absent = mphb::placeholder_unit_row(first, 999, 12);
  absent.erase("placeholder_since");
  EXPECT_EQ(mphb::content_hash(absent), mphb::content_hash(mphb::placeholder_unit_row(later, 999, 12)));
}

TEST(ContentHash, UpstreamGoneAtIsIgnored) {
  json row = mapped_reservation();
  json gone = row;
  gone["upstream_gone_at"] = kNow;
  json absent = row;
  absent.erase("upstream_gone_at");
  EXPECT_EQ(mphb::content_hash(gone), mphb::content_hash(row));
  EXPECT_EQ(mphb::content_hash(absent), mphb::content_hash(row));
}

TEST(ContentHash, StoredContentHashFieldIsIgnored) {
  json row = unit_row();
  const std::string hash = mphb::content_hash(row);
  row["content_hash"] = hash;
  EXPECT_EQ(mphb::content_hash(row), hash);
  row["content_hash"] = "something else";
  EXPECT_EQ(mphb::content_hash(row), hash);
}

TEST(ContentHash, VolatileFieldsAreOwnedWhenNestedInsideAnotherField) {
  // Only a row's own top-level volatile fields are dropped; a nested object is content.
  const json a = {{"id", 1}, {"meta", {{"upstream_gone_at", "2026-01-01T00:00:00Z"}}}};
  const json b = {{"id", 1}, {"meta", {{"upstream_gone_at", "2027-01-01T00:00:00Z"}}}};
  EXPECT_NE(mphb::content_hash(a), mphb::content_hash(b));
}

TEST(ContentHash, ArrayHashesElementWiseInOrder) {
  const json a = unit_row();
  json b = unit_row();
  b["mphb_accommodation_id"] = 1000;
  b["name"] = "Other";
  const std::string ab = mphb::content_hash(json::array({a, b}));
  EXPECT_EQ(ab, mphb::content_hash(json::array({a, b})));
  EXPECT_NE(ab, mphb::content_hash(json::array({b, a})));
  EXPECT_NE(ab, mphb::content_hash(json::array({a})));
  EXPECT_NE(ab, mphb::content_hash(json::array({a, b, b})));
  EXPECT_NE(mphb::content_hash(json::array({a})), mphb::content_hash(a));
  json b_changed = b;
  b_changed["excerpt"] = "changed";
  EXPECT_NE(ab, mphb::content_hash(json::array({a, b_changed})));
}

TEST(ContentHash, VolatileFieldsAreIgnoredInEveryArrayElement) {
  json a = unit_row();
  json b = unit_row();
  b["mphb_accommodation_id"] = 1000;
  json a2 = a, b2 = b;
  a2["placeholder_since"] = kNow;
  b2["upstream_gone_at"] = kNow;
  b2["content_hash"] = "0000";
  EXPECT_EQ(mphb::content_hash(json::array({a, b})), mphb::content_hash(json::array({a2, b2})));
}

TEST(ContentHash, ReservationWithJunctionIgnoresVolatileFieldsAtEveryLevel) {
  // The bookings session hashes [reservation, [junction rows…]]: nested arrays are walked too.
  json junction;
  json reservation = mapped_reservation(&junction);
  ASSERT_EQ(junction.size(), 2u);
  const std::string base = mphb::content_hash(json::array({reservation, junction}));
  json gone = reservation;
  gone["upstream_gone_at"] = kNow;
  json junction_with_hash = junction;
  junction_with_hash[1]["content_hash"] = "abc";
  EXPECT_EQ(mphb::content_hash(json::array({gone, junction_with_hash})), base);

  json junction_changed = junction;
  junction_changed[1]["adults"] = 3;
  EXPECT_NE(mphb::content_hash(json::array({reservation, junction_changed})), base);
  json junction_reordered = json::array({junction[1], junction[0]});
  EXPECT_NE(mphb::content_hash(json::array({reservation, junction_reordered})), base);
}

TEST(ContentHash, ScalarsAndNullHashWithoutCrashing) {
  EXPECT_TRUE(is_lower_hex_sha1(mphb::content_hash(json(nullptr))));
  EXPECT_TRUE(is_lower_hex_sha1(mphb::content_hash(json(42))));
  EXPECT_TRUE(is_lower_hex_sha1(mphb::content_hash(json("text"))));
  EXPECT_NE(mphb::content_hash(json(42)), mphb::content_hash(json("42")));
  EXPECT_NE(mphb::content_hash(json::array()), mphb::content_hash(json::object()));
}

TEST(ContentHash, InvalidUtf8InAStringDoesNotAbort) {
  // Strings are valid UTF-8 by construction, but a hash must never trap if that ever breaks.
  const json row = {{"name", std::string("Caba\xF1"
                                         "a")}};
  EXPECT_TRUE(is_lower_hex_sha1(mphb::content_hash(row)));
}

}  // namespace
