// Adoption of an old-sync database: each defect class of shared/legacy/README.md recognised on the row
// that has it, the outcome of every legacy row, platform data carried or reported, never lost silently.
#include "legacy_adoption.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "row_ids.hpp"
#include "test_support.hpp"

namespace {

using mphb_test::json;

json parse(const std::string& text) { return json::parse(text, nullptr, false); }

json legacy_row(const std::string& id, const std::string& booking, const std::string& status, const json& unit,
                const std::string& phone = "0142", const std::string& phone_full = "+57 311 555 0142") {
  return {{"id", id},
          {"external_booking_id", booking},
          {"status", status},
          {"guest_name", "Ana"},
          {"phone_last_4", phone},
          {"phone_full", phone_full},
          {"reservation_code", nullptr},
          {"check_in_date", "2026-12-01"},
          {"check_out_date", "2026-12-04"},
          {"accommodation_unit_id", unit},
          {"booking_notes", nullptr},
          {"sire", nullptr}};
}

json junction(const std::string& reservation, const std::string& unit, int64_t room) {
  return {{"id", reservation + "-" + std::to_string(room)},
          {"reservation_id", reservation},
          {"accommodation_unit_id", unit},
          {"motopress_accommodation_id", room},
          {"motopress_type_id", 12}};
}

struct Scenario {
  json bookings = json::array();
  json legacy;
  json confirmations = json::array();
};

// Upstream: 101 confirmed (unit 5), 102 cancelled, 103 an Airbnb block, 104 two rooms (5 and 7), 105 never
// synced. Legacy: 101 twice (NULL unit without rooms, then with a per-type unit), 102 still active, 103 as a
// 'Guest'/'0000' reservation, 104 with one room written twice, 106 trashed upstream, 999 deleted upstream.
Scenario scenario() {
  Scenario s;
  json cancelled = mphb_test::direct_booking(102);
  cancelled["status"] = "cancelled";
  s.bookings = json::array({mphb_test::direct_booking(101), cancelled, mphb_test::imported_block(103),
                            mphb_test::direct_booking(104, json::array({mphb_test::room(5, 12), mphb_test::room(7, 14)})),
                            mphb_test::direct_booking(105)});
  json first = legacy_row("L101a", "101", "active", nullptr);
  first["sire"] = {{"document_type", "3"}, {"document_number", "AB123"}};
  json second = legacy_row("L101b", "101", "active", "type-12");
  second["sire"] = {{"document_type", "5"}, {"document_number", "ZZ9"}};
  second["booking_notes"] = "late arrival";
  json block = legacy_row("L103", "103", "active", "auto-12", "0000", "N/A");
  block["sire"] = {{"document_type", "3"}};
  s.legacy = {
      {"reservations",
       json::array({first, second, legacy_row("L102", "102", "active", "auto-12"), block,
                    legacy_row("L104", "104", "active", "auto-12"), legacy_row("L106", "106", "active", "auto-12"),
                    legacy_row("L999", "999", "active", "auto-12")})},
      {"junction", json::array({junction("L101b", "auto-12", 5), junction("L102", "auto-12", 5), junction("L103", "auto-12", 5),
                                junction("L104", "auto-12", 5), junction("L104", "auto-12", 5), junction("L106", "auto-12", 5),
                                junction("L999", "auto-12", 5)})},
      {"units",
       json::array({{{"id", "type-12"}, {"motopress_unit_id", 12}, {"motopress_type_id", nullptr}, {"name", "Double Room"}},
                    {{"id", "auto-12"}, {"motopress_unit_id", nullptr}, {"motopress_type_id", 12}, {"name", "Alojamiento 12"}}})},
  };
  s.confirmations = json::array({{{"id", 106}, {"status", 200}, {"body", {{"id", 106}, {"status", "trash"}}}},
                                 {{"id", 999}, {"status", 404}, {"body", nullptr}}});
  return s;
}

json plan(const Scenario& s) {
  const std::string legacy = s.legacy.dump(), units = mphb_test::standard_units().dump(), bookings = s.bookings.dump(),
                    confirmations = s.confirmations.dump();
  mphb::LegacyAdoptionInput input{mphb_test::kTenant, mphb_test::kNow, legacy, units, bookings, confirmations};
  return parse(mphb::plan_legacy_adoption_json(input));
}

json row_of(const json& out, const std::string& legacy_id) {
  for (const auto& r : out["legacy_rows"]) {
    if (r["legacy_id"] == legacy_id) return r;
  }
  return nullptr;
}

bool has(const json& row, const std::string& cls) {
  const json& d = row["defects"];
  return std::find(d.begin(), d.end(), json(cls)) != d.end();
}

TEST(LegacyAdoption, EveryRowGetsItsDefectsAndOutcome) {
  const json out = plan(scenario());
  ASSERT_TRUE(out["errors"].empty()) << out["errors"].dump();
  ASSERT_EQ(out["legacy_rows"].size(), 7u) << out.dump();
  const json a = row_of(out, "L101a"), b = row_of(out, "L101b");
  EXPECT_TRUE(has(a, "null_unit") && has(a, "junction_missing") && has(a, "duplicate_rows"));
  EXPECT_TRUE(has(b, "unit_is_type") && has(b, "duplicate_rows")) << b.dump();
  EXPECT_FALSE(has(a, "unit_is_type"));  // no unit at all
  EXPECT_FALSE(has(b, "null_unit"));
  EXPECT_EQ(a["outcome"], "merged");
  EXPECT_EQ(b["outcome"], "merged");
  EXPECT_EQ(a["reservation_id"], mphb::reservation_row_id(mphb_test::kTenant, 101));
  EXPECT_EQ(b["reservation_id"], a["reservation_id"]);

  const json cancelled = row_of(out, "L102");
  EXPECT_TRUE(has(cancelled, "stale_status"));
  EXPECT_EQ(cancelled["outcome"], "adopted");
  EXPECT_EQ(cancelled["upstream_status"], "cancelled");

  const json block = row_of(out, "L103");
  EXPECT_TRUE(has(block, "block_as_guest") && has(block, "placeholder_phone"));
  EXPECT_EQ(block["outcome"], "calendar_block");
  EXPECT_EQ(block["calendar_block_id"], mphb::calendar_block_row_id(mphb_test::kTenant, 103, 0));
  EXPECT_TRUE(block["reservation_id"].is_null());

  const json multi = row_of(out, "L104");
  EXPECT_TRUE(has(multi, "junction_partial") && has(multi, "junction_duplicate")) << multi.dump();
  EXPECT_FALSE(has(multi, "placeholder_phone"));

  const json trashed = row_of(out, "L106");
  EXPECT_TRUE(has(trashed, "stale_status"));
  EXPECT_FALSE(has(trashed, "unknown_upstream"));
  EXPECT_EQ(trashed["outcome"], "gone");
  EXPECT_EQ(trashed["upstream_status"], "trash");
  const json deleted = row_of(out, "L999");
  EXPECT_TRUE(has(deleted, "unknown_upstream") && has(deleted, "stale_status"));
  EXPECT_EQ(deleted["outcome"], "gone");
  EXPECT_EQ(deleted["upstream_status"], "deleted");

  ASSERT_EQ(out["missing_bookings"].size(), 1u);
  EXPECT_EQ(out["missing_bookings"][0]["booking_id"], 105);
  EXPECT_EQ(out["classes"]["missing_booking"]["count"], 1);
  EXPECT_EQ(out["classes"]["duplicate_rows"]["count"], 2);
  EXPECT_EQ(out["classes"]["duplicate_rows"]["booking_ids"], json::array({101}));
  EXPECT_EQ(out["outcomes"], json({{"adopted", 2}, {"merged", 2}, {"calendar_block", 1}, {"gone", 2}}));
  EXPECT_EQ(out["classes"]["auto_created_unit"]["count"], 1);  // the unit rows, not the rows pointing at them
  EXPECT_EQ(out["classes"]["unit_is_type"]["count"], 6);       // every row with a (per-type) unit
  EXPECT_TRUE(out["confirm"].empty());
}

TEST(LegacyAdoption, PlatformDataIsCarriedAndBothDuplicatesKeptOrReportedWhenItCannotBe) {
  const json out = plan(scenario());
  ASSERT_EQ(out["carry"].size(), 1u);
  const json& c = out["carry"][0];
  EXPECT_EQ(c["booking_id"], 101);
  EXPECT_EQ(c["legacy_ids"], json::array({"L101a", "L101b"}));
  ASSERT_EQ(c["guest_documents"].size(), 2u);
  EXPECT_EQ(c["guest_documents"][0]["document_number"], "AB123");
  EXPECT_EQ(c["guest_documents"][1]["legacy_id"], "L101b");
  EXPECT_EQ(c["staff_notes"], "late arrival");
  bool kept_both = false;
  for (const auto& w : out["warnings"]) kept_both = kept_both || w["code"] == "platform_data_kept_both";
  EXPECT_TRUE(kept_both);
  ASSERT_EQ(out["unplaced_platform_data"].size(), 1u);
  EXPECT_EQ(out["unplaced_platform_data"][0]["legacy_id"], "L103");
}

TEST(LegacyAdoption, LegacyBookingsMissingFromTheListAreAskedForFirst) {
  Scenario s = scenario();
  s.confirmations = json::array();
  const json out = plan(s);
  EXPECT_EQ(out["confirm"], json::array({106, 999}));
}

TEST(LegacyAdoption, LegacyUnitsAreNamedWithTheirClass) {
  const json out = plan(scenario());
  ASSERT_EQ(out["legacy_units"].size(), 2u);
  EXPECT_EQ(out["legacy_units"][0]["legacy_id"], "auto-12");
  EXPECT_EQ(out["legacy_units"][0]["defects"], json::array({"auto_created_unit"}));
  EXPECT_EQ(out["legacy_units"][1]["defects"], json::array({"unit_is_type"}));
}

TEST(LegacyAdoption, ARowWithoutABookingIdIsReportedNotDropped) {
  Scenario s = scenario();
  s.legacy["reservations"].push_back(legacy_row("Lbad", "abc", "active", nullptr));
  const json out = plan(s);
  const json bad = row_of(out, "Lbad");
  EXPECT_EQ(bad["outcome"], "gone");
  EXPECT_TRUE(bad["booking_id"].is_null());
  EXPECT_EQ(out["warnings"][0]["code"], "invalid_booking_id");
}

TEST(LegacyAdoption, BadInputIsAnErrorNeverATrap) {
  Scenario s = scenario();
  s.legacy = json::array();
  EXPECT_FALSE(plan(s)["errors"].empty());
  for (const std::string bad : {"", "{", "[1,2]", "{\"reservations\": 5}", "\xff"}) {
    mphb::LegacyAdoptionInput input{mphb_test::kTenant, mphb_test::kNow, bad, bad, bad, bad};
    const json out = parse(mphb::plan_legacy_adoption_json(input));
    ASSERT_FALSE(out.is_discarded()) << bad;
    EXPECT_FALSE(out["errors"].empty()) << bad;
  }
  // Junk rows inside a valid shape are tolerated.
  s = scenario();
  s.legacy["reservations"].push_back(json::array());
  s.legacy["junction"].push_back(42);
  s.legacy["units"].push_back(nullptr);
  EXPECT_TRUE(plan(s)["errors"].empty());
}

}  // namespace
