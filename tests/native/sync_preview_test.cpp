// The dry run of a Sync All (SyncPreview): per type, unit and booking, what the sync would do, decided
// by the sync's own planners, with the changed fields of updates; calls out of order are errors.
#include "sync_preview.hpp"

#include <gtest/gtest.h>

#include <string>

#include "accommodations_sync_plan.hpp"
#include "bookings_sync_session.hpp"
#include "test_support.hpp"

namespace {

using namespace mphb_test;

json parse_object(const std::string& bytes) {
  json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(doc.is_object()) << "not a JSON object: " << bytes.substr(0, 300);
  return doc.is_object() ? doc : json::object();
}

// What the database holds after a sync of these lists and bookings: hashes, flags and rows, as the host
// reads them for a preview — taken from the sync's own planners run on an empty database.
json stored_after(const json& bookings, const json& types = standard_types(), const json& units = standard_units()) {
  const std::string types_text = types.dump(), units_text = units.dump();
  const json acc = parse_object(mphb::plan_accommodations_sync_json({kTenant, kNow, types_text, units_text, "{}"}));
  json stored = {{"accommodation_types", json::object()}, {"accommodation_units", json::object()}, {"bookings", json::object()}};
  json known_units = json::object();
  for (const auto& t : acc["accommodation_types"]) {
    stored["accommodation_types"][std::to_string(t["mphb_type_id"].get<int64_t>())] = {
        {"hash", t["content_hash"]}, {"is_active", t["is_active"]}, {"is_placeholder", t["is_placeholder"]}, {"row", t}};
  }
  for (const auto& u : acc["accommodation_units"]) {
    stored["accommodation_units"][std::to_string(u["mphb_accommodation_id"].get<int64_t>())] = {
        {"hash", u["content_hash"]},
        {"is_active", u["is_active"]},
        {"is_placeholder", u["is_placeholder"]},
        {"mphb_type_id", u["mphb_type_id"]},
        {"row", u}};
    known_units[std::to_string(u["mphb_accommodation_id"].get<int64_t>())] = u["mphb_type_id"];
  }
  mphb::BookingsSyncSession session(kTenant, kNow, known_units.dump(), "[12, 14]", "{}");
  const json plan = parse_object(session.plan_page(bookings.dump()));
  for (const auto& r : plan["reservations"]) {
    const int64_t id = r["external_booking_id"].get<int64_t>();
    json rooms = json::array();
    for (const auto& j : plan["reservation_accommodations"]) {
      if (j["external_booking_id"] == id) rooms.push_back(j);
    }
    stored["bookings"][std::to_string(id)] = {
        {"hash", r["content_hash"]}, {"kind", "reservation"}, {"is_active", true}, {"row", r}, {"rooms", rooms}};
  }
  for (const auto& b : plan["calendar_blocks"]) {
    const std::string id = std::to_string(b["external_booking_id"].get<int64_t>());
    if (!stored["bookings"].contains(id))
      stored["bookings"][id] = {{"hash", b["content_hash"]}, {"kind", "block"}, {"is_active", true}, {"row", b}};
  }
  return stored;
}

json entry(const json& list, const char* key, int64_t id) {
  for (const auto& e : list) {
    if (e[key] == id) return e;
  }
  ADD_FAILURE() << "no entry " << key << " = " << id << " in " << list.dump().substr(0, 400);
  return json::object();
}

TEST(SyncPreview, NewHotelIsAllCreatesWithUnknownUnitsAskedForAndResolvedLikeTheSync) {
  mphb::SyncPreview preview(kTenant, kNow, "{}");
  json acc = parse_object(preview.accommodations(standard_types().dump(), standard_units().dump()));
  EXPECT_EQ(acc["errors"], json::array());
  const json page =
      json::array({direct_booking(101), direct_booking(102, json::array({room(999, 12)})), imported_block(301, 6, 12)});
  json asked = parse_object(preview.bookings_page(page.dump()));
  ASSERT_EQ(asked["unknown_units"].size(), 1u);
  EXPECT_EQ(asked["unknown_units"][0]["mphb_accommodation_id"], 999);
  EXPECT_EQ(parse_object(preview.resolve_units(R"([{"id": 999, "status": 404}])"))["errors"], json::array());
  json planned = parse_object(preview.bookings_page(page.dump()));
  EXPECT_EQ(planned["unknown_units"], json::array());
  json reconcile = parse_object(preview.reconcile(3));
  EXPECT_EQ(reconcile["complete"], true);
  EXPECT_EQ(reconcile["confirm"], json::array());

  json diff = parse_object(preview.diff());
  EXPECT_EQ(diff["complete"], true);
  EXPECT_EQ(diff["counts"]["types_created"], 2);
  EXPECT_EQ(diff["counts"]["units_created"], 4);  // 3 listed + the placeholder
  EXPECT_EQ(diff["counts"]["placeholders"], 1);
  EXPECT_EQ(diff["counts"]["created"], 3);
  EXPECT_EQ(diff["counts"]["blocks"], 1);
  EXPECT_EQ(entry(diff["accommodation_units"], "mphb_accommodation_id", 999)["outcome"], "placeholder");
  EXPECT_EQ(entry(diff["accommodation_units"], "mphb_accommodation_id", 5)["outcome"], "create");
  json booking = entry(diff["bookings"], "booking_id", 101);
  EXPECT_EQ(booking["outcome"], "create");
  EXPECT_EQ(booking["guest_name"], "Ana Gómez");
  EXPECT_EQ(booking["rooms"], json::array({{{"mphb_accommodation_id", 5}, {"mphb_type_id", 12}, {"unit_name", "Double 1"}}}));
  EXPECT_EQ(entry(diff["bookings"], "booking_id", 301)["outcome"], "block");
  EXPECT_EQ(diff["bookings_by_outcome"]["create"], 2);
  EXPECT_EQ(diff["bookings_by_outcome"]["block"], 1);
}

TEST(SyncPreview, EveryOutcomeOfAReSyncWithTheChangedFieldsOfUpdates) {
  const json before = json::array({direct_booking(101), direct_booking(102), direct_booking(103), imported_guest(201, 6, 12),
                                   direct_booking(150), direct_booking(160)});
  json types = standard_types();
  json units = standard_units();
  mphb::SyncPreview preview(kTenant, kNow, stored_after(before, types, units).dump());
  types[1]["title"] = "Grand Suite";          // type 14 renamed
  units = json::array({units[0], units[1]});  // unit 7 gone upstream
  json renamed = direct_booking(102);
  renamed["customer"]["first_name"] = "Ana María";
  json cancelled = direct_booking(103);
  cancelled["status"] = "cancelled";
  json broken = direct_booking(104);
  broken["check_out_date"] = "2026-11-01";
  const json page =
      json::array({direct_booking(101), renamed, cancelled, imported_block(201, 6, 12), broken, direct_booking(105)});
  EXPECT_EQ(parse_object(preview.accommodations(types.dump(), units.dump()))["errors"], json::array());
  json planned = parse_object(preview.bookings_page(page.dump()));
  EXPECT_EQ(planned["errors"].size(), 1u);
  // 150 and 160 are missing from the pass: reconcile asks after them — but the page had an error.
  json reconcile = parse_object(preview.reconcile(6));
  EXPECT_EQ(reconcile["complete"], false);
  EXPECT_EQ(reconcile["confirm"], json::array());

  json diff = parse_object(preview.diff());
  EXPECT_EQ(entry(diff["accommodation_types"], "mphb_type_id", 14)["outcome"], "update");
  EXPECT_EQ(entry(diff["accommodation_types"], "mphb_type_id", 14)["changed"],
            json::array({{{"field", "name"}, {"old", "Suite"}, {"new", "Grand Suite"}}}));
  EXPECT_EQ(entry(diff["accommodation_types"], "mphb_type_id", 12)["outcome"], "unchanged");
  EXPECT_EQ(entry(diff["accommodation_units"], "mphb_accommodation_id", 7)["outcome"], "gone");
  EXPECT_EQ(entry(diff["accommodation_units"], "mphb_accommodation_id", 7)["name"], "Suite 1");
  EXPECT_EQ(entry(diff["bookings"], "booking_id", 101)["outcome"], "unchanged");
  json update = entry(diff["bookings"], "booking_id", 102);
  EXPECT_EQ(update["outcome"], "update");
  EXPECT_EQ(update["changed"], json::array({{{"field", "guest_first_name"}, {"old", "Ana"}, {"new", "Ana María"}},
                                            {{"field", "guest_name"}, {"old", "Ana Gómez"}, {"new", "Ana María Gómez"}}}));
  json cancel = entry(diff["bookings"], "booking_id", 103);
  EXPECT_EQ(cancel["outcome"], "cancel");
  EXPECT_EQ(cancel["write"], "update");
  EXPECT_EQ(cancel["changed"], json::array({{{"field", "mphb_status"}, {"old", "confirmed"}, {"new", "cancelled"}},
                                            {{"field", "status"}, {"old", "active"}, {"new", "cancelled"}}}));
  json block = entry(diff["bookings"], "booking_id", 201);
  EXPECT_EQ(block["outcome"], "block");
  EXPECT_EQ(block["changed"], json::array({{{"field", "kind"}, {"old", "reservation"}, {"new", "block"}}}));
  json rejected = entry(diff["bookings"], "booking_id", 104);
  EXPECT_EQ(rejected["outcome"], "rejected");
  EXPECT_EQ(rejected["path"], "bookings[4]");
  ASSERT_FALSE(rejected["diagnostics"].empty());
  EXPECT_EQ(rejected["diagnostics"][0]["level"], "error");
  EXPECT_EQ(rejected["diagnostics"][0]["path"].get<std::string>().rfind("bookings[4]", 0), 0u);
  EXPECT_EQ(entry(diff["bookings"], "booking_id", 105)["outcome"], "create");
  EXPECT_EQ(diff["counts"]["types_updated"], 1);
  EXPECT_EQ(diff["counts"]["units_deactivated"], 1);
  EXPECT_EQ(diff["counts"]["unchanged"], 1);
  EXPECT_EQ(diff["counts"]["updated"], 3);
  EXPECT_EQ(diff["counts"]["created"], 1);
  EXPECT_EQ(diff["counts"]["cancelled"], 1);
  EXPECT_EQ(diff["counts"]["blocks"], 1);
  EXPECT_EQ(diff["counts"]["errors"], 1);
  EXPECT_TRUE(has_diagnostic(diff["warnings"], "reconcile_skipped", "bookings")) << diff["warnings"].dump();
}

TEST(SyncPreview, BookingsMissingFromACompletePassAreGoneOnlyWhenTheConfirmationSaysSo) {
  const json before = json::array({direct_booking(101), direct_booking(150), direct_booking(160)});
  mphb::SyncPreview preview(kTenant, kNow, stored_after(before).dump());
  preview.accommodations(standard_types().dump(), standard_units().dump());
  preview.bookings_page(json::array({direct_booking(101)}).dump());
  json reconcile = parse_object(preview.reconcile(1));
  EXPECT_EQ(reconcile["complete"], true);
  EXPECT_EQ(reconcile["confirm"], json::array({150, 160}));
  EXPECT_EQ(parse_object(preview.confirm(150, 404, ""))["decision"], "gone");
  EXPECT_EQ(parse_object(preview.confirm(160, 200, R"({"id": 160, "status": "confirmed"})"))["decision"], "keep");
  json diff = parse_object(preview.diff());
  json gone = entry(diff["bookings"], "booking_id", 150);
  EXPECT_EQ(gone["outcome"], "gone");
  EXPECT_EQ(gone["guest_name"], "Ana Gómez");
  EXPECT_EQ(gone["rooms"][0]["unit_name"], "Double 1");
  EXPECT_EQ(diff["counts"]["gone"], 1);
  EXPECT_EQ(diff["bookings"].size(), 2u);  // 160 stays as it is: not reported as an outcome
  EXPECT_TRUE(has_diagnostic(diff["warnings"], "missing_from_pass", "bookings/160")) << diff["warnings"].dump();
}

TEST(SyncPreview, UpdatesWithoutStoredRowsAreReportedWithoutTheirFields) {
  json stored = stored_after(json::array({direct_booking(102)}));
  stored["bookings"]["102"].erase("row");
  mphb::SyncPreview preview(kTenant, kNow, stored.dump());
  preview.accommodations(standard_types().dump(), standard_units().dump());
  json renamed = direct_booking(102);
  renamed["customer"]["last_name"] = "Ruiz";
  preview.bookings_page(json::array({renamed}).dump());
  json diff = parse_object(preview.diff());
  EXPECT_EQ(entry(diff["bookings"], "booking_id", 102)["outcome"], "update");
  EXPECT_TRUE(entry(diff["bookings"], "booking_id", 102)["changed"].is_null());
}

TEST(SyncPreview, CallsOutOfOrderAreWrongCallErrorsAndAFailedAccommodationsStageStopsThePreview) {
  mphb::SyncPreview preview(kTenant, kNow, "{}");
  EXPECT_TRUE(has_diagnostic(parse_object(preview.bookings_page("[]"))["errors"], "wrong_call", "bookings_page"));
  EXPECT_TRUE(has_diagnostic(parse_object(preview.reconcile(0))["errors"], "wrong_call", "reconcile"));
  EXPECT_TRUE(has_diagnostic(parse_object(preview.confirm(1, 404, ""))["errors"], "wrong_call", "confirm"));
  preview.accommodations(standard_types().dump(), standard_units().dump());
  EXPECT_TRUE(has_diagnostic(parse_object(preview.accommodations("[]", "[]"))["errors"], "wrong_call", "accommodations"));
  preview.reconcile(0);
  EXPECT_TRUE(has_diagnostic(parse_object(preview.bookings_page("[]"))["errors"], "wrong_call", "bookings_page"));

  mphb::SyncPreview failed(kTenant, kNow, "{}");
  json acc = parse_object(failed.accommodations("[{\"id\": \"x\"}]", standard_units().dump()));
  EXPECT_FALSE(acc["errors"].empty());
  EXPECT_TRUE(has_diagnostic(parse_object(failed.bookings_page("[]"))["errors"], "wrong_call", "bookings_page"));
  json diff = parse_object(failed.diff());
  EXPECT_FALSE(diff["errors"].empty());
  EXPECT_EQ(diff["bookings"], json::array());
  EXPECT_EQ(diff["accommodation_units"], json::array());  // the sync writes nothing after a failed stage 1
}

TEST(SyncPreview, StoredRowsOfAnyShapeNeverStopTheCore) {
  // The host builds stored state; rows and rooms that are not objects read as unknown fields.
  json stored = stored_after(json::array({direct_booking(150), direct_booking(101)}));
  stored["bookings"]["150"]["row"] = 5;
  stored["bookings"]["150"]["rooms"] = json::array({"x", 7, nullptr});
  stored["bookings"]["101"]["row"] = "text";
  stored["accommodation_units"]["7"]["row"] = json::array({1});
  stored["accommodation_types"]["14"]["row"] = false;
  mphb::SyncPreview preview(kTenant, kNow, stored.dump());
  EXPECT_EQ(parse_object(preview.accommodations(json::array({type_record(12, "Double Room")}).dump(),
                                                json::array({unit_record(5, 12, "Double 1")}).dump()))["errors"],
            json::array());
  json renamed = direct_booking(101);
  renamed["customer"]["first_name"] = "Eva";
  preview.bookings_page(json::array({renamed}).dump());
  EXPECT_EQ(parse_object(preview.reconcile(1))["confirm"], json::array({150}));
  EXPECT_EQ(parse_object(preview.confirm(150, 404, ""))["decision"], "gone");
  json diff = parse_object(preview.diff());
  EXPECT_EQ(entry(diff["bookings"], "booking_id", 150)["guest_name"], nullptr);
  EXPECT_EQ(entry(diff["bookings"], "booking_id", 150)["rooms"].size(), 3u);
  EXPECT_EQ(entry(diff["accommodation_units"], "mphb_accommodation_id", 7)["outcome"], "gone");
  EXPECT_EQ(entry(diff["accommodation_types"], "mphb_type_id", 14)["outcome"], "gone");
  EXPECT_EQ(entry(diff["bookings"], "booking_id", 101)["outcome"], "update");
}

TEST(SyncPreview, BadSessionInputIsReportedByEveryCall) {
  for (const auto& [tenant, stored] :
       std::vector<std::pair<std::string, std::string>>{{"not-a-uuid", "{}"}, {kTenant, "[]"}, {kTenant, "{"}}) {
    mphb::SyncPreview preview(tenant, kNow, stored);
    json acc = parse_object(preview.accommodations(standard_types().dump(), standard_units().dump()));
    EXPECT_FALSE(acc["errors"].empty()) << tenant << " " << stored;
    EXPECT_FALSE(parse_object(preview.diff())["errors"].empty());
  }
}

}  // namespace
