// Stage "reservations" of a sync (SPEC §3 steps 3–4) through BookingsSyncSession: pages in, write plans
// out; unknown rooms are fetched first; reconcile only after a complete, error-free pass.
#include "bookings_sync_session.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "content_hash.hpp"
#include "row_ids.hpp"
#include "test_support.hpp"

namespace {

using namespace mphb_test;

const char* kKnownUnits = R"({"5": 12, "6": 12, "7": 14})";
const char* kKnownTypes = "[12, 14]";

json parse_object(const std::string& bytes) {
  json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(doc.is_object()) << "not a JSON object: " << bytes.substr(0, 300);
  return doc.is_object() ? doc : json::object();
}

json parse_array(const std::string& bytes) {
  json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(doc.is_array()) << "not a JSON array: " << bytes.substr(0, 300);
  return doc.is_array() ? doc : json::array();
}

std::unique_ptr<mphb::BookingsSyncSession> make_session(const json& stored = json::object(),
                                                        const std::string& known_units = kKnownUnits,
                                                        const std::string& known_types = kKnownTypes,
                                                        const std::string& tenant = kTenant, const std::string& now = kNow) {
  return std::make_unique<mphb::BookingsSyncSession>(tenant, now, known_units, known_types, stored.dump());
}

json plan_page(mphb::BookingsSyncSession& session, const json& page) { return parse_object(session.plan_page(page.dump())); }

json resolve(mphb::BookingsSyncSession& session, const json& results) {
  return parse_object(session.resolve_units(results.dump()));
}

json reconcile(const mphb::BookingsSyncSession& session, int64_t total) { return parse_object(session.reconcile(total)); }

json confirm(const mphb::BookingsSyncSession& session, int64_t id, int status, const std::string& body) {
  return parse_object(session.confirm(id, status, body));
}

// What the host reports as stored after writing a page plan.
json stored_from(json& plan, json stored = json::object()) {
  for (const auto& r : plan["reservations"]) {
    stored[std::to_string(r["external_booking_id"].get<int64_t>())] = {
        {"hash", r["content_hash"]}, {"kind", "reservation"}, {"is_active", true}};
  }
  for (const auto& b : plan["calendar_blocks"]) {
    stored[std::to_string(b["external_booking_id"].get<int64_t>())] = {
        {"hash", b["content_hash"]}, {"kind", "block"}, {"is_active", true}};
  }
  return stored;
}

json without_hash(json row) {
  row.erase("content_hash");
  return row;
}

void expect_nothing_planned(json& plan) {
  for (const char* key : {"reservations", "reservation_accommodations", "calendar_blocks", "delete_reservations", "delete_blocks",
                          "unknown_units"}) {
    EXPECT_EQ(plan[key], json::array()) << key << ": " << plan[key].dump();
  }
}

// A page of three bookings on known units: a two-room direct booking, an imported guest, a calendar block.
json mixed_page() {
  return json::array(
      {direct_booking(101, json::array({room(5, 12), room(7, 14)})), imported_guest(201, 6, 12), imported_block(301, 6, 12)});
}

// A booking whose dates are inverted: rejected with an error, but its id exists upstream.
json broken_booking(int64_t id) {
  json b = direct_booking(id);
  b["check_out_date"] = "2026-11-01";
  return b;
}

// ---- a page of known units ----------------------------------------------------------------------

TEST(BookingsSyncSession, PageOfKnownUnitsPlansReservationsJunctionRowsAndBlocksWithHashes) {
  auto session = make_session();
  EXPECT_EQ(session->init_errors(), "[]");
  json plan = plan_page(*session, mixed_page());
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  EXPECT_EQ(plan["unknown_units"], json::array());
  EXPECT_EQ(plan["delete_reservations"], json::array());
  EXPECT_EQ(plan["delete_blocks"], json::array());

  ASSERT_EQ(plan["reservations"].size(), 2u);
  EXPECT_EQ(plan["reservations"][0]["external_booking_id"], 101);
  EXPECT_EQ(plan["reservations"][1]["external_booking_id"], 201);
  EXPECT_EQ(plan["reservations"][0]["id"], mphb::reservation_row_id(kTenant, 101));
  EXPECT_EQ(plan["reservations"][0]["accommodation_unit_id"], mphb::accommodation_unit_row_id(kTenant, 5));
  EXPECT_EQ(plan["reservations"][1]["channel"], "airbnb");

  const auto junction_101 = rows_where(plan["reservation_accommodations"], "external_booking_id", 101);
  ASSERT_EQ(junction_101.size(), 2u);
  EXPECT_EQ(junction_101[0]["mphb_accommodation_id"], 5);
  EXPECT_EQ(junction_101[1]["mphb_accommodation_id"], 7);
  EXPECT_EQ(junction_101[1]["reservation_id"], mphb::reservation_row_id(kTenant, 101));
  EXPECT_EQ(rows_where(plan["reservation_accommodations"], "external_booking_id", 201).size(), 1u);
  EXPECT_EQ(plan["reservation_accommodations"].size(), 3u);

  // The reservation's hash covers the reservation and its junction rows together.
  for (const auto& r : plan["reservations"]) {
    ASSERT_TRUE(r.contains("content_hash"));
    const json junction = rows_where(plan["reservation_accommodations"], "external_booking_id", r["external_booking_id"]);
    EXPECT_EQ(r["content_hash"], mphb::content_hash(json::array({without_hash(r), junction})));
  }

  ASSERT_EQ(plan["calendar_blocks"].size(), 1u);
  const json block = plan["calendar_blocks"][0];
  EXPECT_EQ(block["external_booking_id"], 301);
  EXPECT_EQ(block["id"], mphb::calendar_block_row_id(kTenant, 301, 0));
  ASSERT_TRUE(block.contains("content_hash"));
  EXPECT_EQ(block["content_hash"], mphb::content_hash(json::array({without_hash(block)})));
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 301).size(), 0u);  // I6

  EXPECT_EQ(plan["counts"]["created"], 3);
  EXPECT_EQ(plan["counts"]["updated"], 0);
  EXPECT_EQ(plan["counts"]["unchanged"], 0);
  EXPECT_EQ(plan["counts"]["blocks_written"], 1);
  EXPECT_EQ(plan["counts"]["records"], 3);
}

TEST(BookingsSyncSession, CancelledCountsReservationsWrittenWithTheMappedStatusCancelled) {
  json page = mixed_page();
  page[0]["status"] = "cancelled";
  page[1]["status"] = "abandoned";  // also mapped to cancelled
  page[2]["status"] = "cancelled";  // a block: not a reservation
  json more = direct_booking(102);
  more["status"] = "confirmed";
  page.push_back(more);
  auto session = make_session();
  json plan = plan_page(*session, page);
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  EXPECT_EQ(plan["counts"]["cancelled"], 2);
  EXPECT_EQ(plan["counts"]["blocks_written"], 1);
  const std::string text = session->plan_page(page.dump());  // a later page holding the same ids: duplicates
  EXPECT_NE(text.find(R"("counts":{"blocks_written":0,"cancelled":0,"created":0,"duplicates":4,)"), std::string::npos) << text;

  // Written again only when changed: an unchanged cancelled reservation is not counted.
  auto again = make_session(stored_from(plan));
  page[3]["status"] = "cancelled";
  json second = plan_page(*again, page);
  EXPECT_EQ(second["counts"]["cancelled"], 1);
  EXPECT_EQ(second["counts"]["updated"], 1);
  EXPECT_EQ(second["counts"]["unchanged"], 3);
}

TEST(BookingsSyncSession, BadBookingIsRejectedWholeWhileTheRestOfThePageIsPlanned) {
  auto session = make_session();
  json plan = plan_page(*session, json::array({direct_booking(101), broken_booking(102)}));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_dates", "bookings[1].check_out_date")) << plan["errors"].dump();
  EXPECT_EQ(plan["reservations"].size(), 1u);
  EXPECT_EQ(rows_where(plan["reservation_accommodations"], "external_booking_id", 102).size(), 0u);
}

TEST(BookingsSyncSession, SamePageTwiceInOneSessionIsPlannedOnce) {
  auto session = make_session();
  json first = plan_page(*session, mixed_page());
  ASSERT_EQ(first["reservations"].size(), 2u);
  json second = plan_page(*session, mixed_page());
  expect_nothing_planned(second);
  // Every record was on an earlier page of the session: counted as a duplicate, not planned again.
  EXPECT_EQ(second["counts"]["duplicates"], 3);
  EXPECT_EQ(second["counts"]["unchanged"], 0);
  EXPECT_EQ(second["counts"]["created"], 0);
}

// ---- unknown units --------------------------------------------------------------------------------

TEST(BookingsSyncSession, PageNamingAnUnknownUnitPlansOnlyTheUnitToFetch) {
  auto session = make_session();
  json plan =
      plan_page(*session, json::array({direct_booking(101), direct_booking(102, json::array({room(5, 12), room(999, 40)})),
                                       imported_block(301, 6, 12)}));
  const json expected = json::array(
      {{{"mphb_accommodation_id", 999}, {"mphb_type_id", 40}, {"path", "bookings[1].reserved_accommodations[1].accommodation"}}});
  EXPECT_EQ(plan["unknown_units"], expected);
  for (const char* key :
       {"reservations", "reservation_accommodations", "calendar_blocks", "delete_reservations", "delete_blocks"}) {
    EXPECT_EQ(plan[key], json::array()) << key << ": " << plan[key].dump();
  }
  EXPECT_EQ(plan["errors"], json::array());
}

TEST(BookingsSyncSession, UnknownUnitNamedByTwoBookingsIsAskedForOnce) {
  auto session = make_session();
  json plan = plan_page(*session, json::array({direct_booking(101, json::array({room(999, 12)})),
                                               direct_booking(102, json::array({room(999, 12), room(998, 14)}))}));
  ASSERT_EQ(plan["unknown_units"].size(), 2u);
  EXPECT_EQ(plan["unknown_units"][0]["mphb_accommodation_id"], 998);
  EXPECT_EQ(plan["unknown_units"][1]["mphb_accommodation_id"], 999);
  EXPECT_EQ(plan["unknown_units"][1]["path"], "bookings[0].reserved_accommodations[0].accommodation");
}

TEST(BookingsSyncSession, ResolvedUnitThatExistsUpstreamIsItsRealRow) {
  auto session = make_session();
  const json page = json::array({direct_booking(101), direct_booking(102, json::array({room(999, 12)}))});
  json asked = plan_page(*session, page);
  ASSERT_EQ(asked["unknown_units"].size(), 1u);

  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 200}, {"body", unit_record(999, 12, "Annex")}}}));
  EXPECT_EQ(resolved["errors"], json::array()) << resolved["errors"].dump();
  EXPECT_EQ(resolved["warnings"], json::array()) << resolved["warnings"].dump();
  EXPECT_EQ(resolved["accommodation_types"], json::array());  // type 12 is known
  ASSERT_EQ(resolved["accommodation_units"].size(), 1u);
  const json unit = resolved["accommodation_units"][0];
  EXPECT_EQ(unit["mphb_accommodation_id"], 999);
  EXPECT_EQ(unit["id"], mphb::accommodation_unit_row_id(kTenant, 999));
  EXPECT_EQ(unit["name"], "Annex");
  EXPECT_EQ(unit["mphb_type_id"], 12);
  EXPECT_EQ(unit["is_placeholder"], false);
  EXPECT_EQ(unit["is_active"], true);
  EXPECT_EQ(unit["placeholder_since"], nullptr);
  EXPECT_EQ(unit["content_hash"], mphb::content_hash(without_hash(unit)));

  json plan = plan_page(*session, page);
  EXPECT_EQ(plan["unknown_units"], json::array());
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  ASSERT_EQ(plan["reservations"].size(), 2u);
  const auto junction = rows_where(plan["reservation_accommodations"], "external_booking_id", 102);
  ASSERT_EQ(junction.size(), 1u);
  EXPECT_EQ(junction[0]["accommodation_unit_id"], unit["id"]);
  EXPECT_EQ(plan["counts"]["created"], 2);
}

TEST(BookingsSyncSession, ResolvedUnitOfAnUnknownTypeGetsAPlaceholderType) {
  auto session = make_session();
  plan_page(*session, json::array({direct_booking(102, json::array({room(999, 12)}))}));
  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 200}, {"body", unit_record(999, 55, "Annex")}}}));
  ASSERT_EQ(resolved["accommodation_units"].size(), 1u);
  EXPECT_EQ(resolved["accommodation_units"][0]["is_placeholder"], false);
  EXPECT_EQ(resolved["accommodation_units"][0]["mphb_type_id"], 55);
  ASSERT_EQ(resolved["accommodation_types"].size(), 1u);
  EXPECT_EQ(resolved["accommodation_types"][0]["mphb_type_id"], 55);
  EXPECT_EQ(resolved["accommodation_types"][0]["is_placeholder"], true);
  EXPECT_EQ(count_code(resolved["warnings"], "placeholder_type"), 1u) << resolved["warnings"].dump();
}

TEST(BookingsSyncSession, UnitGoneUpstreamBecomesAFlaggedPlaceholderUnderTheBookedTypeWithPlaceholderType) {
  auto session = make_session();
  const json page = json::array({direct_booking(102, json::array({room(999, 40)}))});
  plan_page(*session, page);
  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 404}, {"body", nullptr}}}));
  EXPECT_EQ(resolved["errors"], json::array()) << resolved["errors"].dump();

  ASSERT_EQ(resolved["accommodation_units"].size(), 1u);
  const json unit = resolved["accommodation_units"][0];
  EXPECT_EQ(unit["mphb_accommodation_id"], 999);
  EXPECT_EQ(unit["is_placeholder"], true);
  EXPECT_EQ(unit["is_active"], false);
  EXPECT_EQ(unit["placeholder_since"], kNow);
  EXPECT_EQ(unit["mphb_type_id"], 40);
  EXPECT_EQ(unit["accommodation_type_id"], mphb::accommodation_type_row_id(kTenant, 40));
  EXPECT_EQ(unit["content_hash"], mphb::content_hash(without_hash(unit)));
  EXPECT_TRUE(has_diagnostic(resolved["warnings"], "placeholder_unit", "unit_results[0]")) << resolved["warnings"].dump();

  ASSERT_EQ(resolved["accommodation_types"].size(), 1u);
  const json type = resolved["accommodation_types"][0];
  EXPECT_EQ(type["mphb_type_id"], 40);
  EXPECT_EQ(type["is_placeholder"], true);
  EXPECT_EQ(type["placeholder_since"], kNow);
  EXPECT_EQ(type["id"], unit["accommodation_type_id"]);
  EXPECT_EQ(type["content_hash"], mphb::content_hash(without_hash(type)));
  EXPECT_EQ(count_code(resolved["warnings"], "placeholder_type"), 1u);

  // The reservation gets its room now (§3: it never waits for a later step).
  json plan = plan_page(*session, page);
  EXPECT_EQ(plan["unknown_units"], json::array());
  ASSERT_EQ(plan["reservations"].size(), 1u);
  EXPECT_EQ(plan["reservations"][0]["accommodation_unit_id"], unit["id"]);
}

TEST(BookingsSyncSession, UnitGoneUpstreamUnderAKnownTypeGetsNoPlaceholderType) {
  auto session = make_session();
  plan_page(*session, json::array({direct_booking(102, json::array({room(999, 14)}))}));
  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 410}, {"body", nullptr}}}));
  ASSERT_EQ(resolved["accommodation_units"].size(), 1u);
  EXPECT_EQ(resolved["accommodation_units"][0]["is_placeholder"], true);
  EXPECT_EQ(resolved["accommodation_units"][0]["mphb_type_id"], 14);
  EXPECT_EQ(resolved["accommodation_types"], json::array());
  EXPECT_EQ(count_code(resolved["warnings"], "placeholder_type"), 0u);
  EXPECT_EQ(count_code(resolved["warnings"], "placeholder_unit"), 1u);
}

TEST(BookingsSyncSession, PlaceholderTypeIsPlannedOnceForTwoGoneUnitsOfThatType) {
  auto session = make_session();
  plan_page(*session, json::array({direct_booking(102, json::array({room(998, 40), room(999, 40)}))}));
  json resolved = resolve(*session, json::array({{{"id", 998}, {"status", 404}}, {{"id", 999}, {"status", 404}}}));
  EXPECT_EQ(resolved["accommodation_units"].size(), 2u);
  EXPECT_EQ(resolved["accommodation_types"].size(), 1u);
}

TEST(BookingsSyncSession, UnitFetchServerErrorIsAnErrorAndPlansNoRow) {
  auto session = make_session();
  plan_page(*session, json::array({direct_booking(102, json::array({room(999, 12)}))}));
  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 500}, {"body", nullptr}}}));
  EXPECT_TRUE(has_diagnostic(resolved["errors"], "unit_fetch_failed", "unit_results[0]")) << resolved["errors"].dump();
  EXPECT_EQ(resolved["accommodation_units"], json::array());
  EXPECT_EQ(resolved["accommodation_types"], json::array());
}

TEST(BookingsSyncSession, MalformedUnitResultsAreErrors) {
  auto session = make_session();
  plan_page(*session, json::array({direct_booking(102, json::array({room(999, 12)}))}));
  json not_array = parse_object(session->resolve_units(R"({"id": 999})"));
  EXPECT_TRUE(has_diagnostic(not_array["errors"], "wrong_type", "unit_results")) << not_array["errors"].dump();
  json truncated = parse_object(session->resolve_units(R"([{"id": 999, "sta)"));
  EXPECT_FALSE(truncated["errors"].empty());
  json no_id = resolve(*session, json::array({{{"status", 404}}}));
  EXPECT_TRUE(has_diagnostic(no_id["errors"], "missing_field", "unit_results[0].id")) << no_id["errors"].dump();
  EXPECT_EQ(no_id["accommodation_units"], json::array());
}

// A body that is not the unit that was asked for must not pass silently as "resolved".
TEST(BookingsSyncSession, UnitBodyOfAnotherIdIsAnError) {
  auto session = make_session();
  plan_page(*session, json::array({direct_booking(102, json::array({room(999, 12)}))}));
  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 200}, {"body", unit_record(998, 12, "Other")}}}));
  EXPECT_FALSE(resolved["errors"].empty()) << resolved.dump();
  EXPECT_EQ(resolved["accommodation_units"], json::array());
}

// A booking that names a unit MotoPress no longer has and gives no type for it cannot get a placeholder;
// like the offline plan, that booking should be rejected with an error and the rest of the page written,
// instead of the page asking for the same unit forever.
TEST(BookingsSyncSession, GoneUnitWithoutATypeRejectsOnlyThatBookingAfterResolving) {
  auto session = make_session();
  json untyped = room(999, 12);
  untyped.erase("accommodation_type");
  const json page = json::array({direct_booking(101), direct_booking(102, json::array({untyped}))});
  json asked = plan_page(*session, page);
  ASSERT_EQ(asked["unknown_units"].size(), 1u);
  EXPECT_EQ(asked["unknown_units"][0]["mphb_type_id"], 0);
  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 404}, {"body", nullptr}}}));
  // Not an error of the resolution (the sync goes on): each booking naming it gets its own error below.
  EXPECT_EQ(resolved["errors"], json::array()) << resolved["errors"].dump();
  EXPECT_TRUE(has_diagnostic(resolved["warnings"], "unplaceable_unit", "unit_results[0]")) << resolved["warnings"].dump();
  EXPECT_EQ(resolved["accommodation_units"], json::array());

  json plan = plan_page(*session, page);
  EXPECT_EQ(plan["unknown_units"], json::array()) << plan.dump();
  EXPECT_TRUE(
      has_diagnostic(plan["errors"], "unknown_accommodation_type", "bookings[1].reserved_accommodations[0].accommodation"))
      << plan["errors"].dump();
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 101).size(), 1u);
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 102).size(), 0u);
}

// ---- re-syncs against stored hashes --------------------------------------------------------------

TEST(BookingsSyncSession, SamePageInANewSessionWithStoredHashesPlansNothing) {
  auto first_session = make_session();
  json first = plan_page(*first_session, mixed_page());
  const json stored = stored_from(first);
  ASSERT_EQ(stored.size(), 3u);

  auto session = make_session(stored);
  EXPECT_EQ(session->init_errors(), "[]");
  json plan = plan_page(*session, mixed_page());
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  expect_nothing_planned(plan);
  EXPECT_EQ(plan["counts"]["unchanged"], 3);
  EXPECT_EQ(plan["counts"]["created"], 0);
  EXPECT_EQ(plan["counts"]["updated"], 0);
  EXPECT_EQ(plan["counts"]["blocks_written"], 0);
}

TEST(BookingsSyncSession, UnchangedAtAnotherTimeIsStillUnchanged) {
  json trashed = direct_booking(102);
  trashed["status"] = "trash";  // upstream_gone_at = now: must not make it look changed later
  const json page = json::array({direct_booking(101), trashed});
  auto first_session = make_session();
  json first = plan_page(*first_session, page);
  auto session = make_session(stored_from(first), kKnownUnits, kKnownTypes, kTenant, "2027-02-02T02:02:02Z");
  json plan = plan_page(*session, page);
  expect_nothing_planned(plan);
  EXPECT_EQ(plan["counts"]["unchanged"], 2);
}

TEST(BookingsSyncSession, ChangedBookingIsUpdatedWithAllItsJunctionRows) {
  auto first_session = make_session();
  json first = plan_page(*first_session, mixed_page());
  auto session = make_session(stored_from(first));
  json page = mixed_page();
  page[0]["status"] = "cancelled";
  json plan = plan_page(*session, page);
  ASSERT_EQ(plan["reservations"].size(), 1u);
  EXPECT_EQ(plan["reservations"][0]["external_booking_id"], 101);
  EXPECT_EQ(plan["reservations"][0]["status"], "cancelled");
  EXPECT_NE(plan["reservations"][0]["content_hash"], first["reservations"][0]["content_hash"]);
  EXPECT_EQ(plan["reservation_accommodations"].size(), 2u);  // I7: the reservation with all its rooms
  EXPECT_EQ(plan["calendar_blocks"], json::array());
  EXPECT_EQ(plan["delete_reservations"], json::array());
  EXPECT_EQ(plan["delete_blocks"], json::array());
  EXPECT_EQ(plan["counts"]["updated"], 1);
  EXPECT_EQ(plan["counts"]["unchanged"], 2);
  EXPECT_EQ(plan["counts"]["created"], 0);
}

TEST(BookingsSyncSession, ChangedRoomOfABookingIsUpdated) {
  auto first_session = make_session();
  json first = plan_page(*first_session, mixed_page());
  auto session = make_session(stored_from(first));
  json page = mixed_page();
  page[0]["reserved_accommodations"][1]["adults"] = 1;  // only a junction field changes
  json plan = plan_page(*session, page);
  ASSERT_EQ(plan["reservations"].size(), 1u);
  EXPECT_EQ(plan["reservations"][0]["external_booking_id"], 101);
  EXPECT_EQ(plan["counts"]["updated"], 1);
}

TEST(BookingsSyncSession, GuestTurnedIntoCalendarBlockDeletesItsReservation) {
  auto first_session = make_session();
  json first = plan_page(*first_session, json::array({imported_guest(201, 6, 12)}));
  auto session = make_session(stored_from(first));
  json plan = plan_page(*session, json::array({imported_block(201, 6, 12)}));
  EXPECT_EQ(plan["delete_reservations"], json::array({201}));
  EXPECT_EQ(plan["delete_blocks"], json::array());
  EXPECT_EQ(plan["reservations"], json::array());
  EXPECT_EQ(plan["reservation_accommodations"], json::array());
  ASSERT_EQ(plan["calendar_blocks"].size(), 1u);
  EXPECT_EQ(plan["calendar_blocks"][0]["external_booking_id"], 201);
  EXPECT_EQ(plan["counts"]["updated"], 1);
  EXPECT_EQ(plan["counts"]["blocks_written"], 1);
}

TEST(BookingsSyncSession, CalendarBlockTurnedIntoGuestDeletesItsBlock) {
  auto first_session = make_session();
  json first = plan_page(*first_session, json::array({imported_block(301, 6, 12)}));
  auto session = make_session(stored_from(first));
  json plan = plan_page(*session, json::array({imported_guest(301, 6, 12)}));
  EXPECT_EQ(plan["delete_blocks"], json::array({301}));
  EXPECT_EQ(plan["delete_reservations"], json::array());
  EXPECT_EQ(plan["calendar_blocks"], json::array());
  ASSERT_EQ(plan["reservations"].size(), 1u);
  EXPECT_EQ(plan["reservations"][0]["external_booking_id"], 301);
  EXPECT_EQ(plan["reservation_accommodations"].size(), 1u);
  EXPECT_EQ(plan["counts"]["updated"], 1);
}

TEST(BookingsSyncSession, BookingMarkedGoneThatReturnsUnchangedIsWrittenAgain) {
  auto first_session = make_session();
  json first = plan_page(*first_session, json::array({direct_booking(101)}));
  json stored = stored_from(first);
  stored["101"]["is_active"] = false;
  auto session = make_session(stored);
  json plan = plan_page(*session, json::array({direct_booking(101)}));
  EXPECT_EQ(plan["reservations"].size(), 1u);
  EXPECT_EQ(plan["counts"]["updated"], 1);
  EXPECT_EQ(plan["delete_reservations"], json::array());
  EXPECT_EQ(plan["delete_blocks"], json::array());
}

// ---- reconcile -----------------------------------------------------------------------------------

TEST(BookingsSyncSession, ReconcileIsCompleteOnlyWhenSeenReachesTheTotal) {
  auto session = make_session(json{{"150", {{"hash", "h"}, {"kind", "reservation"}, {"is_active", true}}}});
  plan_page(*session, mixed_page());
  json short_pass = reconcile(*session, 4);
  EXPECT_EQ(short_pass["complete"], false);
  EXPECT_EQ(short_pass["seen"], 3);
  EXPECT_EQ(short_pass["total"], 4);
  EXPECT_EQ(short_pass["confirm"], json::array());

  json full = reconcile(*session, 3);
  EXPECT_EQ(full["complete"], true);
  EXPECT_EQ(full["confirm"], json::array({150}));
  EXPECT_EQ(reconcile(*session, 2)["complete"], true);  // seen ≥ total
}

TEST(BookingsSyncSession, ReconcileListsStoredActiveBookingsNotSeenButNotThoseAlreadyGone) {
  const json stored = {{"101", {{"hash", "old"}, {"kind", "reservation"}, {"is_active", true}}},
                       {"150", {{"hash", "h"}, {"kind", "reservation"}, {"is_active", true}}},
                       {"160", {{"hash", "h"}, {"kind", "reservation"}, {"is_active", false}}},
                       {"170", {{"hash", "h"}, {"kind", "block"}, {"is_active", true}}}};
  auto session = make_session(stored);
  plan_page(*session, json::array({direct_booking(101)}));
  plan_page(*session, json::array({imported_block(301, 6, 12)}));
  json result = reconcile(*session, 2);
  EXPECT_EQ(result["complete"], true);
  EXPECT_EQ(result["seen"], 2);
  EXPECT_EQ(result["confirm"], json::array({150, 170}));
}

TEST(BookingsSyncSession, ReconcileAfterAPageWithErrorsIsIncomplete) {
  auto session = make_session(json{{"150", {{"hash", "h"}, {"kind", "reservation"}, {"is_active", true}}}});
  plan_page(*session, json::array({direct_booking(101), broken_booking(102)}));
  json result = reconcile(*session, 2);
  EXPECT_EQ(result["complete"], false);
  EXPECT_EQ(result["confirm"], json::array());
}

TEST(BookingsSyncSession, ReconcileAfterAnUnreadablePageIsIncomplete) {
  auto session = make_session(json{{"150", {{"hash", "h"}, {"kind", "reservation"}, {"is_active", true}}}});
  plan_page(*session, json::array({direct_booking(101)}));
  json bad = parse_object(session->plan_page(R"([{"id": 102, "status": "confirmed")"));
  EXPECT_FALSE(bad["errors"].empty());
  json result = reconcile(*session, 1);
  EXPECT_EQ(result["complete"], false);
  EXPECT_EQ(result["confirm"], json::array());
}

TEST(BookingsSyncSession, BookingWithAMappingErrorStillCountsAsSeen) {
  const json stored = {{"102", {{"hash", "h"}, {"kind", "reservation"}, {"is_active", true}}}};
  auto session = make_session(stored);
  json plan = plan_page(*session, json::array({direct_booking(101), broken_booking(102)}));
  EXPECT_FALSE(plan["errors"].empty());
  json result = reconcile(*session, 2);
  EXPECT_EQ(result["seen"], 2);
  EXPECT_EQ(result["confirm"], json::array());  // never reconciled as gone
}

TEST(BookingsSyncSession, BookingOnAPageThatAskedForUnitsIsSeenOnce) {
  auto session = make_session();
  const json page = json::array({direct_booking(101), direct_booking(102, json::array({room(999, 12)}))});
  plan_page(*session, page);
  EXPECT_EQ(reconcile(*session, 2)["seen"], 2);
  resolve(*session, json::array({{{"id", 999}, {"status", 404}}}));
  plan_page(*session, page);
  json result = reconcile(*session, 2);
  EXPECT_EQ(result["seen"], 2);
  EXPECT_EQ(result["complete"], true);
}

TEST(BookingsSyncSession, BookingSeenOnTwoPagesCountsOnce) {
  // Pages shift while paging: a booking can come twice.
  auto session = make_session();
  plan_page(*session, json::array({direct_booking(101), direct_booking(102)}));
  plan_page(*session, json::array({direct_booking(102), direct_booking(103)}));
  json result = reconcile(*session, 4);
  EXPECT_EQ(result["seen"], 3);
  EXPECT_EQ(result["complete"], false);
}

// ---- stored rows per page ------------------------------------------------------------------------

std::unique_ptr<mphb::BookingsSyncSession> make_per_page_session(const std::string& known_units = kKnownUnits,
                                                                 const std::string& known_types = kKnownTypes) {
  return std::make_unique<mphb::BookingsSyncSession>(kTenant, kNow, known_units, known_types, "null");
}

// The stored rows of `ids` only, as the host reads them per page, plus one row of an id not on the page.
std::string stored_rows_of(const json& stored, const json& ids) {
  json rows = {{"999999", {{"hash", "other"}, {"kind", "reservation"}, {"is_active", true}}}};
  for (const auto& id : ids) {
    const std::string key = std::to_string(id.get<int64_t>());
    if (stored.contains(key)) rows[key] = stored[key];
  }
  return rows.dump();
}

TEST(BookingsSyncSession, PerPageRowsPlanEveryPageByteForByteAsTheWholeStoredState) {
  // Stored states that exercise every decision: new, unchanged, changed, kind switched both ways, gone
  // and returned; pages with a booking on two pages and a broken booking.
  auto warm = make_session();
  json seeded = plan_page(*warm, mixed_page());
  json stored = stored_from(seeded);
  stored["101"]["hash"] = "changed upstream";
  stored["201"]["kind"] = "block";
  stored["301"]["kind"] = "reservation";
  stored["105"] = {{"hash", "h"}, {"kind", "reservation"}, {"is_active", false}};
  const std::vector<json> pages = {mixed_page(), json::array({direct_booking(104), direct_booking(105), broken_booking(106)}),
                                   json::array({direct_booking(104), imported_guest(202, 7, 14), imported_block(302, 5, 12)})};
  auto whole = make_session(stored);
  auto per_page = make_per_page_session();
  for (size_t i = 0; i < pages.size(); ++i) {
    const std::string expected = whole->plan_page(pages[i].dump());
    json read = parse_object(per_page->read_page(pages[i].dump()));
    ASSERT_EQ(read["errors"], json::array()) << read.dump();
    ASSERT_TRUE(read["page"].is_number_integer()) << read.dump();
    EXPECT_EQ(per_page->plan_read_page(read["page"].get<int64_t>(), stored_rows_of(stored, read["ids"])), expected)
        << "page " << i;
  }
  json active = json::array();
  for (const auto& [key, row] : stored.items()) {
    if (row["is_active"].get<bool>()) active.push_back(std::stoll(key));
  }
  active.push_back(150);  // stored, active, not in any page
  json whole_stored = stored;
  whole_stored["150"] = {{"hash", "h"}, {"kind", "reservation"}, {"is_active", true}};
  auto whole_again = make_session(whole_stored);
  for (const auto& page : pages) whole_again->plan_page(page.dump());
  EXPECT_EQ(parse_object(per_page->reconcile(8, active.dump())), parse_object(whole_again->reconcile(8)));
}

TEST(BookingsSyncSession, PagesReadAheadArePlannedInAnyOrderAsInPageOrder) {
  const std::vector<json> pages = {mixed_page(), json::array({direct_booking(104), direct_booking(101)}),
                                   json::array({direct_booking(105)})};
  auto in_order = make_per_page_session();
  std::vector<std::string> expected;
  for (const auto& page : pages) {
    json read = parse_object(in_order->read_page(page.dump()));
    expected.push_back(in_order->plan_read_page(read["page"].get<int64_t>(), "{}"));
  }
  auto ahead = make_per_page_session();
  std::vector<json> reads;
  for (const auto& page : pages) reads.push_back(parse_object(ahead->read_page(page.dump())));
  EXPECT_EQ(reads[1]["ids"], json::array({104}));  // 101 was on page 1: planned once, from there
  for (size_t i = pages.size(); i-- > 0;) {
    EXPECT_EQ(ahead->plan_read_page(reads[i]["page"].get<int64_t>(), "{}"), expected[i]) << "page " << i;
  }
  EXPECT_EQ(parse_object(ahead->reconcile(5, "[]"))["complete"], true);
}

TEST(BookingsSyncSession, PerPageReadOfAPageNamingAnUnknownUnitHoldsNothingUntilItIsResolved) {
  auto session = make_per_page_session();
  const json page = json::array({direct_booking(101), direct_booking(102, json::array({room(999, 12)}))});
  json asked = parse_object(session->read_page(page.dump()));
  EXPECT_TRUE(asked["page"].is_null());
  EXPECT_EQ(asked["ids"], json::array());
  ASSERT_EQ(asked["unknown_units"].size(), 1u);
  EXPECT_EQ(asked["unknown_units"][0]["mphb_accommodation_id"], 999);
  EXPECT_EQ(parse_object(session->reconcile(2, "[]"))["complete"], true);  // nothing held, both ids seen
  resolve(*session, json::array({{{"id", 999}, {"status", 404}}}));
  json read = parse_object(session->read_page(page.dump()));
  EXPECT_EQ(read["ids"], json::array({101, 102}));
  EXPECT_EQ(parse_object(session->reconcile(2, "[]"))["complete"], false);  // a page held, not planned
  json plan = parse_object(session->plan_read_page(read["page"].get<int64_t>(), "{}"));
  EXPECT_EQ(plan["reservations"].size(), 2u);
  EXPECT_EQ(plan["counts"]["duplicates"], 0);
  EXPECT_EQ(parse_object(session->reconcile(2, "[]"))["complete"], true);
}

TEST(BookingsSyncSession, CallsInTheWrongModeOrForAPageNotHeldAreWrongCallErrors) {
  auto per_page = make_per_page_session();
  json plan = plan_page(*per_page, mixed_page());
  EXPECT_TRUE(has_diagnostic(plan["errors"], "wrong_call", "plan_page")) << plan.dump();
  expect_nothing_planned(plan);
  json never_read = parse_object(per_page->plan_read_page(7, "{}"));
  EXPECT_TRUE(has_diagnostic(never_read["errors"], "wrong_call", "plan_read_page")) << never_read.dump();
  json read = parse_object(per_page->read_page(mixed_page().dump()));
  const int64_t n = read["page"].get<int64_t>();
  EXPECT_EQ(parse_object(per_page->plan_read_page(n, "{}"))["errors"], json::array());
  json twice = parse_object(per_page->plan_read_page(n, "{}"));
  EXPECT_TRUE(has_diagnostic(twice["errors"], "wrong_call", "plan_read_page")) << twice.dump();
  expect_nothing_planned(twice);

  auto whole = make_session();
  json whole_read = parse_object(whole->read_page(mixed_page().dump()));
  EXPECT_TRUE(has_diagnostic(whole_read["errors"], "wrong_call", "read_page")) << whole_read.dump();
  EXPECT_TRUE(whole_read["page"].is_null());
  json whole_plan = parse_object(whole->plan_read_page(1, "{}"));
  EXPECT_TRUE(has_diagnostic(whole_plan["errors"], "wrong_call", "plan_read_page")) << whole_plan.dump();
  // The whole-state session is untouched by the refused calls: the page is still new to it.
  EXPECT_EQ(plan_page(*whole, mixed_page())["counts"]["created"], 3);
}

TEST(BookingsSyncSession, BadPerPageRowsPlanNothingAndTheSessionCannotReconcile) {
  for (const char* rows : {"{", "[]", R"({"101": "h"})"}) {
    auto session = make_per_page_session();
    json read = parse_object(session->read_page(mixed_page().dump()));
    json plan = parse_object(session->plan_read_page(read["page"].get<int64_t>(), rows));
    EXPECT_FALSE(plan["errors"].empty()) << rows;
    expect_nothing_planned(plan);
    EXPECT_EQ(parse_object(session->reconcile(3, "[]"))["complete"], false) << rows;
  }
}

TEST(BookingsSyncSession, PerPageReconcileNeedsTheActiveIdsAsAnArrayOfPositiveIds) {
  for (const char* active : {"", "{", "{}", "[0]", R"(["101"])"}) {
    auto session = make_per_page_session();
    json read = parse_object(session->read_page(mixed_page().dump()));
    session->plan_read_page(read["page"].get<int64_t>(), "{}");
    json result = parse_object(session->reconcile(3, active));
    EXPECT_EQ(result["complete"], false) << active;
    EXPECT_FALSE(result["errors"].empty()) << active;
    EXPECT_EQ(result["confirm"], json::array()) << active;
  }
  auto session = make_per_page_session();
  json read = parse_object(session->read_page(mixed_page().dump()));
  session->plan_read_page(read["page"].get<int64_t>(), "{}");
  json result = parse_object(session->reconcile(3, "[150, 101, 150, 170]"));
  EXPECT_EQ(result["complete"], true);
  EXPECT_EQ(result["errors"], json::array());
  EXPECT_EQ(result["confirm"], json::array({150, 170}));
}

// ---- confirm -------------------------------------------------------------------------------------

TEST(BookingsSyncSession, ConfirmNotFoundOrGoneMeansGoneWithMark) {
  auto session = make_session();
  for (int status : {404, 410}) {
    json out = confirm(*session, 150, status, R"({"code":"rest_post_invalid_id","message":"Invalid ID."})");
    EXPECT_EQ(out["decision"], "gone") << status;
    EXPECT_EQ(out["mark"], (json{{"status", "inactive"}, {"upstream_gone_at", kNow}})) << status;
    EXPECT_EQ(out["errors"], json::array());
    EXPECT_EQ(out["warnings"], json::array());
  }
}

TEST(BookingsSyncSession, ConfirmTrashedBookingMeansGone) {
  auto session = make_session();
  json out = confirm(*session, 150, 200, R"({"id": 150, "status": "trash"})");
  EXPECT_EQ(out["decision"], "gone");
  EXPECT_EQ(out["mark"], (json{{"status", "inactive"}, {"upstream_gone_at", kNow}}));
}

TEST(BookingsSyncSession, ConfirmBookingThatStillExistsIsKeptWithAWarning) {
  auto session = make_session();
  for (const char* status : {"confirmed", "cancelled", "pending"}) {
    json out = confirm(*session, 150, 200, json{{"id", 150}, {"status", status}}.dump());
    EXPECT_EQ(out["decision"], "keep") << status;
    EXPECT_FALSE(out.contains("mark")) << status;
    EXPECT_TRUE(has_diagnostic(out["warnings"], "missing_from_pass", "bookings/150")) << out["warnings"].dump();
    EXPECT_EQ(out["errors"], json::array());
  }
}

TEST(BookingsSyncSession, ConfirmServerErrorKeepsTheBookingWithAnError) {
  auto session = make_session();
  for (int status : {500, 503, 401, 429}) {
    json out = confirm(*session, 150, status, "");
    EXPECT_EQ(out["decision"], "keep") << status;
    EXPECT_FALSE(out.contains("mark")) << status;
    EXPECT_TRUE(has_diagnostic(out["errors"], "confirm_failed", "bookings/150")) << out["errors"].dump();
  }
}

TEST(BookingsSyncSession, ConfirmWithAnUnreadableBodyKeepsTheBooking) {
  auto session = make_session();
  for (const char* body : {"", "{", "[]", R"({"status": 5})", "<html>"}) {
    json out = confirm(*session, 150, 200, body);
    EXPECT_EQ(out["decision"], "keep") << body;
    EXPECT_FALSE(out.contains("mark")) << body;
  }
}

// ---- the session's own inputs --------------------------------------------------------------------

TEST(BookingsSyncSession, BadTenantIdIsAnInitErrorReportedByEveryPage) {
  auto session = make_session(json::object(), kKnownUnits, kKnownTypes, "not-a-uuid");
  json init = parse_array(session->init_errors());
  EXPECT_TRUE(has_diagnostic(init, "invalid_tenant_id", "tenant_id")) << init.dump();
  json plan = plan_page(*session, mixed_page());
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_tenant_id", "tenant_id")) << plan["errors"].dump();
  expect_nothing_planned(plan);
  json resolved = resolve(*session, json::array({{{"id", 999}, {"status", 404}}}));
  EXPECT_FALSE(resolved["errors"].empty());
  EXPECT_EQ(resolved["accommodation_units"], json::array());
  EXPECT_EQ(reconcile(*session, 0)["complete"], false);
}

TEST(BookingsSyncSession, BadNowIsAnInitError) {
  auto session = make_session(json::object(), kKnownUnits, kKnownTypes, kTenant, "tomorrow");
  json init = parse_array(session->init_errors());
  EXPECT_TRUE(has_diagnostic(init, "invalid_now", "now")) << init.dump();
  json plan = plan_page(*session, mixed_page());
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_now", "now"));
  expect_nothing_planned(plan);
}

TEST(BookingsSyncSession, BadStoredStateIsAnInitErrorAndNothingIsPlanned) {
  struct Case {
    const char* stored;
    const char* code;
    const char* path;
  };
  const std::vector<Case> cases = {{"{", "invalid_json", ""},
                                   {"[]", "wrong_type", "stored"},
                                   {R"({"abc": {"hash": "h"}})", "invalid_state", "stored.abc"},
                                   {R"({"101": "h"})", "invalid_state", "stored.101"}};
  for (const auto& c : cases) {
    mphb::BookingsSyncSession session(kTenant, kNow, kKnownUnits, kKnownTypes, c.stored);
    json init = parse_array(session.init_errors());
    ASSERT_FALSE(init.empty()) << c.stored;
    if (std::string(c.path).empty()) {
      EXPECT_EQ(init[0]["code"], c.code) << init.dump();
    } else {
      EXPECT_TRUE(has_diagnostic(init, c.code, c.path)) << c.stored << ": " << init.dump();
    }
    EXPECT_EQ(init[0]["tenant_id"], kTenant);
    json plan = plan_page(session, mixed_page());
    EXPECT_FALSE(plan["errors"].empty()) << c.stored;
    expect_nothing_planned(plan);
    EXPECT_EQ(reconcile(session, 0)["complete"], false) << c.stored;
  }
}

TEST(BookingsSyncSession, BadKnownUnitsOrTypesAreInitErrors) {
  {
    mphb::BookingsSyncSession session(kTenant, kNow, R"({"5": "twelve"})", kKnownTypes, "{}");
    EXPECT_TRUE(has_diagnostic(parse_array(session.init_errors()), "invalid_state", "known_units.5")) << session.init_errors();
  }
  {
    mphb::BookingsSyncSession session(kTenant, kNow, "{", kKnownTypes, "{}");
    EXPECT_NE(session.init_errors(), "[]");
  }
  {
    mphb::BookingsSyncSession session(kTenant, kNow, kKnownUnits, R"({"12": true})", "{}");
    EXPECT_TRUE(has_diagnostic(parse_array(session.init_errors()), "invalid_state", "known_types")) << session.init_errors();
    json plan = plan_page(session, mixed_page());
    expect_nothing_planned(plan);
  }
}

TEST(BookingsSyncSession, KnownUnitsThatIsNotAnObjectIsAnInitError) {
  // [5, 6] is not {"unit id": type id}; read as an object it would claim unit 0 has type 5.
  mphb::BookingsSyncSession session(kTenant, kNow, "[5, 6]", kKnownTypes, "{}");
  EXPECT_TRUE(has_diagnostic(parse_array(session.init_errors()), "invalid_state", "known_units")) << session.init_errors();
}

TEST(BookingsSyncSession, ConfirmOnAnInvalidSessionNeverMarksABookingGoneWithoutATime) {
  auto session = make_session(json::object(), kKnownUnits, kKnownTypes, "not-a-uuid");
  json out = confirm(*session, 150, 404, "");
  EXPECT_EQ(out["decision"], "keep") << out.dump();
  EXPECT_FALSE(out.contains("mark")) << out.dump();
  EXPECT_FALSE(out["errors"].empty()) << out.dump();
}

TEST(BookingsSyncSession, EmptyStoredStateIsFine) {
  for (const char* stored : {"{}", "null"}) {
    mphb::BookingsSyncSession session(kTenant, kNow, kKnownUnits, kKnownTypes, stored);
    EXPECT_EQ(session.init_errors(), "[]") << stored;
  }
}

TEST(BookingsSyncSession, GarbagePageIsAnErrorWithAPathNeverACrash) {
  auto session = make_session();
  for (const std::string bytes : {std::string(""), std::string("\xff\xfe"), std::string("{\"code\":\"x\",\"message\":\"y\"}"),
                                  std::string("[1, \"a\", null]"), std::string(200, '[')}) {
    json plan = parse_object(session->plan_page(bytes));
    EXPECT_FALSE(plan["errors"].empty()) << bytes.substr(0, 20);
    for (const auto& e : plan["errors"]) {
      EXPECT_TRUE(e.contains("path") && e["path"].is_string() && e["path"].get<std::string>().rfind("bookings", 0) == 0)
          << e.dump();
    }
    expect_nothing_planned(plan);
  }
}

TEST(BookingsSyncSession, SameInputsGiveByteIdenticalPlans) {
  auto a = make_session();
  auto b = make_session();
  const std::string page = mixed_page().dump();
  EXPECT_EQ(a->plan_page(page), b->plan_page(page));
  EXPECT_EQ(a->reconcile(3), b->reconcile(3));
}

}  // namespace
