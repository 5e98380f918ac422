// The offline plan (`mphb-sync plan`): MotoPress exports in, the rows a sync would write out. These tests
// go through build_offline_plan_json and read its JSON output, as the CLI and the browser preview do.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "row_ids.hpp"
#include "test_support.hpp"

namespace {

using namespace mphb_test;

// The single row of a list (a test failure, and null, when there is not exactly one).
json only(const std::vector<json>& rows) {
  EXPECT_EQ(rows.size(), 1u);
  return rows.empty() ? json() : rows.front();
}
json only(const json& rows) {
  EXPECT_TRUE(rows.is_array());
  return only(rows.is_array() ? rows.get<std::vector<json>>() : std::vector<json>());
}

void expect_no_errors(const json& plan) { EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump(2); }

// ---- multi-room bookings and the junction -------------------------------------------------------------

TEST(OfflinePlan, MultiRoomBookingGivesOneReservationAndOneJunctionRowPerRoomInOrder) {
  const json plan = plan_for(json::array({direct_booking(101, json::array({room(5, 12), room(7, 14), room(6, 12)}))}));
  expect_no_errors(plan);
  ASSERT_EQ(plan["reservations"].size(), 1u);
  const json& reservation = plan["reservations"][0];

  const auto junction = rows_where(plan["reservation_accommodations"], "external_booking_id", 101);
  ASSERT_EQ(junction.size(), 3u);
  const int64_t expected_units[] = {5, 7, 6};
  for (size_t i = 0; i < junction.size(); ++i) {
    EXPECT_EQ(junction[i]["position"], i);
    EXPECT_EQ(junction[i]["mphb_accommodation_id"], expected_units[i]);
    EXPECT_EQ(junction[i]["reservation_id"], reservation["id"]);
    EXPECT_EQ(junction[i]["tenant_id"], kTenant);
    EXPECT_EQ(junction[i]["id"], mphb::reservation_accommodation_row_id(kTenant, 101, i));
  }
  EXPECT_EQ(junction[1]["mphb_type_id"], 14);

  // I1: the reservation's unit is the unit of its first junction row, and that unit is planned.
  EXPECT_EQ(reservation["accommodation_unit_id"], junction[0]["accommodation_unit_id"]);
  EXPECT_EQ(reservation["mphb_accommodation_id"], 5);
  EXPECT_EQ(only(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 5))["id"],
            reservation["accommodation_unit_id"]);
  // I2: every junction row names a planned unit.
  for (const auto& row : junction) {
    EXPECT_EQ(rows_where(plan["accommodation_units"], "id", row["accommodation_unit_id"]).size(), 1u);
  }
  EXPECT_EQ(reservation["room_count"], 3);
  EXPECT_EQ(reservation["adults"], 6);
  EXPECT_EQ(reservation["children"], 0);
}

TEST(OfflinePlan, DirectBookingMapsGuestDatesAndMoney) {
  const json plan = plan_for(json::array({direct_booking(101)}));
  expect_no_errors(plan);
  const json r = only(rows_where(plan["reservations"], "external_booking_id", 101));
  EXPECT_EQ(r["id"], mphb::reservation_row_id(kTenant, 101));
  EXPECT_EQ(r["tenant_id"], kTenant);
  EXPECT_EQ(r["status"], "active");
  EXPECT_EQ(r["mphb_status"], "confirmed");
  EXPECT_EQ(r["guest_name"], "Ana G\xC3\xB3mez");
  EXPECT_EQ(r["guest_email"], "ana@example.com");
  EXPECT_EQ(r["guest_phone"], "+57 311 555 0142");
  EXPECT_EQ(r["phone_last_4"], "0142");
  EXPECT_EQ(r["check_in_date"], "2026-12-01");
  EXPECT_EQ(r["check_out_date"], "2026-12-04");
  EXPECT_EQ(r["check_in_time"], "15:00:00");
  EXPECT_EQ(r["booked_at"], "2026-11-21T12:41:00Z");  // from date_created_utc, not the site-local date_created
  EXPECT_EQ(r["total_price"], "901.5");
  EXPECT_EQ(r["currency"], "USD");
  EXPECT_EQ(r["booking_source"], "direct");
  EXPECT_EQ(r["channel"], "direct");
  EXPECT_EQ(r["upstream_gone_at"], nullptr);
  EXPECT_EQ(plan["calendar_blocks"], json::array());
}

TEST(OfflinePlan, RoomWithoutTypeTakesTheTypeOfItsKnownUnit) {
  json r = room(7, 12);
  r.erase("accommodation_type");
  const json plan = plan_for(json::array({direct_booking(101, json::array({r}))}));
  expect_no_errors(plan);
  EXPECT_EQ(only(plan["reservation_accommodations"])["mphb_type_id"], 14);
}

// ---- statuses ---------------------------------------------------------------------------------------

TEST(OfflinePlan, CancelledAndAbandonedBookingsAreStoredAsCancelledNotSkipped) {
  json cancelled = direct_booking(101);
  cancelled["status"] = "cancelled";
  json abandoned = direct_booking(102);
  abandoned["status"] = "abandoned";
  const json plan = plan_for(json::array({cancelled, abandoned}));
  expect_no_errors(plan);
  EXPECT_EQ(only(rows_where(plan["reservations"], "external_booking_id", 101))["status"], "cancelled");
  EXPECT_EQ(only(rows_where(plan["reservations"], "external_booking_id", 102))["status"], "cancelled");
  EXPECT_EQ(rows_where(plan["reservation_accommodations"], "external_booking_id", 101).size(), 1u);
}

TEST(OfflinePlan, UnknownStatusIsInactiveWithAWarning) {
  json b = direct_booking(101);
  b["status"] = "on-hold";
  const json plan = plan_for(json::array({b}));
  expect_no_errors(plan);
  EXPECT_EQ(only(plan["reservations"])["status"], "inactive");
  EXPECT_EQ(only(plan["reservations"])["mphb_status"], "on-hold");
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "unknown_status", "bookings[0].status")) << plan["warnings"].dump();
}

TEST(OfflinePlan, TrashedBookingIsInactiveAndMarkedGoneAtNow) {
  json b = direct_booking(101);
  b["status"] = "trash";
  const json plan = plan_for(json::array({b}));
  const json r = only(plan["reservations"]);
  EXPECT_EQ(r["status"], "inactive");
  EXPECT_EQ(r["upstream_gone_at"], kNow);
  EXPECT_EQ(count_code(plan["warnings"], "unknown_status"), 0u);
}

TEST(OfflinePlan, MissingStatusIsAnError) {
  json b = direct_booking(101);
  b.erase("status");
  const json plan = plan_for(json::array({b}));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "missing_field", "bookings[0].status")) << plan["errors"].dump();
  EXPECT_EQ(plan["reservations"], json::array());
}

// ---- imported bookings: guests and calendar blocks ----------------------------------------------------

TEST(OfflinePlan, ImportedGuestIsAReservationWithChannelCodeAndPhoneLast4) {
  const json plan = plan_for(json::array({imported_guest(201)}));
  expect_no_errors(plan);
  EXPECT_EQ(plan["calendar_blocks"], json::array());
  const json r = only(rows_where(plan["reservations"], "external_booking_id", 201));
  EXPECT_EQ(r["channel"], "airbnb");
  EXPECT_EQ(r["booking_source"], "ical");
  EXPECT_EQ(r["reservation_code"], "HMABCD1234");
  EXPECT_EQ(r["phone_last_4"], "4417");
  EXPECT_EQ(r["total_price"], "0");
  // Nothing invented for the empty customer.
  EXPECT_EQ(r["guest_name"], nullptr);
  EXPECT_EQ(r["guest_phone"], nullptr);
  EXPECT_EQ(r["guest_email"], nullptr);
  EXPECT_EQ(rows_where(plan["reservation_accommodations"], "external_booking_id", 201).size(), 1u);
}

TEST(OfflinePlan, CalendarBlockGoesToCalendarBlocksAndNeverToReservations) {
  const json plan = plan_for(json::array({imported_block(301, 6, 12)}));
  expect_no_errors(plan);
  EXPECT_EQ(plan["reservations"], json::array());
  EXPECT_EQ(plan["reservation_accommodations"], json::array());
  const json block = only(plan["calendar_blocks"]);
  EXPECT_EQ(block["id"], mphb::calendar_block_row_id(kTenant, 301, 0));
  EXPECT_EQ(block["external_booking_id"], 301);
  EXPECT_EQ(block["position"], 0);
  EXPECT_EQ(block["accommodation_unit_id"], mphb::accommodation_unit_row_id(kTenant, 6));
  EXPECT_EQ(block["mphb_accommodation_id"], 6);
  EXPECT_EQ(block["start_date"], "2026-12-01");
  EXPECT_EQ(block["end_date"], "2026-12-04");
  EXPECT_EQ(block["summary"], "Airbnb (Not available)");
  EXPECT_EQ(block["channel"], "airbnb");
}

TEST(OfflinePlan, ImportedReservedWithNoGuestDataIsStillAReservation) {
  json b = imported_block(302);
  b["ical_summary"] = "\"Reserved\"";
  const json plan = plan_for(json::array({b}));
  EXPECT_EQ(plan["calendar_blocks"], json::array());
  EXPECT_EQ(only(plan["reservations"])["phone_last_4"], nullptr);
}

TEST(OfflinePlan, SameChannelCodeImportedTwiceKeepsBothWithAWarning) {
  const json plan = plan_for(json::array({imported_guest(201), imported_guest(202, 6, 12)}));
  EXPECT_EQ(plan["reservations"].size(), 2u);
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "duplicate_channel_reservation", "bookings[1].ical_description"))
      << plan["warnings"].dump();
}

// ---- placeholders for what the exports lack -----------------------------------------------------------

TEST(OfflinePlan, UnknownUnitGetsAFlaggedPlaceholderAndAWarning) {
  const json plan = plan_for(json::array({direct_booking(101), direct_booking(102, json::array({room(5, 12), room(999, 12)}))}));
  expect_no_errors(plan);
  const json unit = only(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 999));
  EXPECT_EQ(unit["is_placeholder"], true);
  EXPECT_EQ(unit["is_active"], false);
  EXPECT_EQ(unit["mphb_type_id"], 12);
  EXPECT_EQ(unit["accommodation_type_id"], mphb::accommodation_type_row_id(kTenant, 12));
  EXPECT_EQ(unit["placeholder_since"], kNow);
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "placeholder_unit", "bookings[1].reserved_accommodations[1].accommodation"))
      << plan["warnings"].dump();
  // The booking keeps both rooms: the reservation never waits for its room.
  const auto junction = rows_where(plan["reservation_accommodations"], "external_booking_id", 102);
  ASSERT_EQ(junction.size(), 2u);
  EXPECT_EQ(junction[1]["accommodation_unit_id"], unit["id"]);
  // Real units are not placeholders.
  EXPECT_EQ(only(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 5))["is_placeholder"], false);
}

TEST(OfflinePlan, UnknownUnitNamedTwiceGetsOnePlaceholder) {
  const json plan = plan_for(
      json::array({direct_booking(101, json::array({room(999, 12)})), direct_booking(102, json::array({room(999, 12)}))}));
  EXPECT_EQ(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 999).size(), 1u);
  EXPECT_EQ(count_code(plan["warnings"], "placeholder_unit"), 1u);
  EXPECT_EQ(plan["reservations"].size(), 2u);
}

TEST(OfflinePlan, UnitWhoseTypeIsMissingGetsAPlaceholderType) {
  const json units = json::array({unit_record(5, 12, "Double 1"), unit_record(8, 40, "Cabin 1")});
  const json plan = plan_for(json::array(), standard_types(), units);
  expect_no_errors(plan);
  const json type = only(rows_where(plan["accommodation_types"], "mphb_type_id", 40));
  EXPECT_EQ(type["is_placeholder"], true);
  EXPECT_EQ(type["id"], mphb::accommodation_type_row_id(kTenant, 40));
  EXPECT_EQ(type["placeholder_since"], kNow);
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "placeholder_type", "accommodations[1].accommodation_type_id"))
      << plan["warnings"].dump();
  EXPECT_EQ(only(rows_where(plan["accommodation_types"], "mphb_type_id", 12))["is_placeholder"], false);
}

TEST(OfflinePlan, PlaceholderUnitOfAnUnknownTypeGetsAPlaceholderTypeToo) {
  const json plan = plan_for(json::array({direct_booking(101, json::array({room(999, 77)}))}));
  expect_no_errors(plan);
  EXPECT_EQ(only(rows_where(plan["accommodation_types"], "mphb_type_id", 77))["is_placeholder"], true);
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "placeholder_type", "bookings[0].reserved_accommodations[0].accommodation"))
      << plan["warnings"].dump();
}

TEST(OfflinePlan, UnknownUnitWithNoTypeRejectsTheBookingWithAnError) {
  json r = room(999, 12);
  r.erase("accommodation_type");
  const json plan = plan_for(json::array({direct_booking(101, json::array({r})), direct_booking(102)}));
  EXPECT_TRUE(
      has_diagnostic(plan["errors"], "unknown_accommodation_type", "bookings[0].reserved_accommodations[0].accommodation"))
      << plan["errors"].dump();
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 101).size(), 0u);
  EXPECT_EQ(rows_where(plan["reservation_accommodations"], "external_booking_id", 101).size(), 0u);
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 102).size(), 1u);
  EXPECT_EQ(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 999).size(), 0u);
}

TEST(OfflinePlan, EveryBookingRejectedForAnUnplaceableUnitGetsItsOwnError) {
  json untyped = room(999, 12);
  untyped.erase("accommodation_type");
  const json plan = plan_for(
      json::array({direct_booking(101, json::array({untyped})), direct_booking(102, json::array({room(5, 12), untyped}))}));
  EXPECT_TRUE(plan["reservations"].empty());
  EXPECT_TRUE(
      has_diagnostic(plan["errors"], "unknown_accommodation_type", "bookings[0].reserved_accommodations[0].accommodation"))
      << plan["errors"].dump();
  if (!has_diagnostic(plan["errors"], "unknown_accommodation_type", "bookings[1].reserved_accommodations[1].accommodation")) {
    ADD_FAILURE() << "regression: booking 102 (bookings[1]) is left out of the plan with no error naming it; only "
                  << plan["errors"].size() << " error(s): " << plan["errors"].dump()
                  << ". offline_plan.cpp: unknown units are collapsed to one UnitReference per unit id and the "
                     "unknown_accommodation_type error is reported once, at the first booking's path";
  }
}

// Booking 101 names unknown unit 999 without a type; booking 102 names the same unit with type 12.
TEST(OfflinePlan, UnknownUnitErrorsDoNotDependOnBookingOrder) {
  json untyped = room(999, 12);
  untyped.erase("accommodation_type");
  const json a = direct_booking(101, json::array({untyped}));
  const json b = direct_booking(102, json::array({room(999, 12)}));
  const json typed_first = plan_for(json::array({b, a}));
  const json untyped_first = plan_for(json::array({a, b}));
  // Contract (bookings_mapper.hpp): a booking with any error is rejected whole, so an error at bookings[0]
  // and booking 101 in the plan cannot both happen.
  const bool error_for_101 = has_diagnostic(untyped_first["errors"], "unknown_accommodation_type",
                                            "bookings[0].reserved_accommodations[0].accommodation");
  const bool planned_101 = !rows_where(untyped_first["reservations"], "external_booking_id", 101).empty();
  if (error_for_101 && planned_101) {
    ADD_FAILURE() << "regression: with booking 101 first, unknown_accommodation_type is reported at "
                     "bookings[0].reserved_accommodations[0].accommodation yet booking 101 is still planned; with "
                     "booking 102 first there is no error at all (errors: "
                  << typed_first["errors"].size() << " vs " << untyped_first["errors"].size()
                  << "). offline_plan.cpp placeholder loop: a ref with mphb_type_id 0 errors before a later ref "
                     "creates the placeholder, and the unresolvable pass then finds the unit and keeps the booking";
  }
  EXPECT_EQ(typed_first["errors"].size(), untyped_first["errors"].size());
  EXPECT_EQ(typed_first["reservations"], untyped_first["reservations"]);
}

// ---- empty values are NULL, rates are ids -------------------------------------------------------------

TEST(OfflinePlan, EmptyCustomerFieldsAreNullNeverPlaceholders) {
  json b = direct_booking(101);
  b["customer"] = empty_customer();
  b["customer"]["first_name"] = "   ";  // white space only is empty too
  const json plan = plan_for(json::array({b}));
  expect_no_errors(plan);
  const json r = only(plan["reservations"]);
  for (const char* key :
       {"guest_name", "guest_first_name", "guest_last_name", "guest_email", "guest_phone", "guest_country", "phone_last_4"}) {
    EXPECT_EQ(r[key], nullptr) << key;
  }
  const std::string bytes = plan.dump();
  EXPECT_EQ(bytes.find("\"Guest\""), std::string::npos);
  EXPECT_EQ(bytes.find("\"0000\""), std::string::npos);
}

TEST(OfflinePlan, CustomerSerialisedAsEmptyPhpArrayIsEmpty) {
  json b = direct_booking(101);
  b["customer"] = json::array();
  const json plan = plan_for(json::array({b}));
  expect_no_errors(plan);
  EXPECT_EQ(only(plan["reservations"])["guest_name"], nullptr);
}

TEST(OfflinePlan, RoomGuestNameIsUsedWhenTheCustomerHasNone) {
  json r = room(5, 12);
  r["guest_name"] = "Luis";
  json b = direct_booking(101, json::array({r}));
  b["customer"] = empty_customer();
  const json plan = plan_for(json::array({b}));
  EXPECT_EQ(only(plan["reservations"])["guest_name"], "Luis");
  EXPECT_EQ(only(plan["reservation_accommodations"])["guest_name"], "Luis");
}

TEST(OfflinePlan, RateZeroIsNoRateAndARateIsAnIdNotMoney) {
  const json plan = plan_for(json::array({direct_booking(101, json::array({room(5, 12, 0), room(6, 12, 44)}))}));
  const auto junction = rows_where(plan["reservation_accommodations"], "external_booking_id", 101);
  ASSERT_EQ(junction.size(), 2u);
  EXPECT_EQ(junction[0]["rate_id"], nullptr);
  EXPECT_EQ(junction[1]["rate_id"], 44);
}

TEST(OfflinePlan, BookingWithoutRoomsHasNoUnitAndAWarning) {
  const json plan = plan_for(json::array({direct_booking(101, json::array())}));
  const json r = only(plan["reservations"]);
  EXPECT_EQ(r["accommodation_unit_id"], nullptr);
  EXPECT_EQ(r["room_count"], 0);
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "no_accommodation", "bookings[0].reserved_accommodations"));
}

// ---- accommodations ---------------------------------------------------------------------------------

TEST(OfflinePlan, TypesAndUnitsAreMappedWithDecodedNames) {
  json rendered = type_record(14, "");
  rendered["title"] = {{"rendered", "Suite"}};
  const json types = json::array({type_record(12, "Sea View &amp; Spa &#8211; \"Deluxe\""), rendered});
  json untitled = unit_record(6, 12, "");
  const json units = json::array({unit_record(5, 12, "Double 1"), untitled});
  const json plan = plan_for(json::array(), types, units);
  const json t12 = only(rows_where(plan["accommodation_types"], "mphb_type_id", 12));
  EXPECT_EQ(t12["name"], "Sea View & Spa \xE2\x80\x93 \"Deluxe\"");
  EXPECT_EQ(t12["id"], mphb::accommodation_type_row_id(kTenant, 12));
  EXPECT_EQ(t12["size"], "24");
  EXPECT_EQ(only(rows_where(plan["accommodation_types"], "mphb_type_id", 14))["name"], "Suite");
  const json u5 = only(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 5));
  EXPECT_EQ(u5["accommodation_type_id"], t12["id"]);
  EXPECT_EQ(u5["mphb_type_id"], 12);
  EXPECT_EQ(only(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 6))["name"], "Accommodation #6");
}

TEST(OfflinePlan, TrashedUnitIsInactive) {
  json unit = unit_record(5, 12, "Double 1");
  unit["status"] = "trash";
  const json plan = plan_for(json::array(), standard_types(), json::array({unit}));
  EXPECT_EQ(only(plan["accommodation_units"])["is_active"], false);
}

// ---- duplicates and pages -----------------------------------------------------------------------------

TEST(OfflinePlan, DuplicateIdAcrossPagesGivesOneRowTheLastOneAndAWarning) {
  json first = direct_booking(101);
  json again = direct_booking(101);
  again["status"] = "cancelled";
  const json plan = plan_for(json::array({json::array({first, direct_booking(102)}), json::array({again})}));
  expect_no_errors(plan);
  EXPECT_EQ(plan["reservations"].size(), 2u);
  EXPECT_EQ(only(rows_where(plan["reservations"], "external_booking_id", 101))["status"], "cancelled");
  EXPECT_EQ(rows_where(plan["reservation_accommodations"], "external_booking_id", 101).size(), 1u);
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "duplicate_id", "bookings[1][0].id")) << plan["warnings"].dump();
}

TEST(OfflinePlan, DuplicateIdThatTurnsFromBlockIntoGuestLeavesOnlyTheReservation) {
  json guest = imported_guest(301, 6);
  const json plan = plan_for(json::array({json::array({imported_block(301, 5)}), json::array({guest})}));
  EXPECT_TRUE(plan["calendar_blocks"].empty()) << plan["calendar_blocks"].dump();
  EXPECT_EQ(only(plan["reservations"])["mphb_accommodation_id"], 6);
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "duplicate_id", "bookings[1][0].id"));
}

TEST(OfflinePlan, DuplicateUnitIdGivesOneRowAndAWarning) {
  const json units = json::array({unit_record(5, 12, "Old name"), unit_record(5, 12, "Double 1")});
  const json plan = plan_for(json::array(), standard_types(), units);
  EXPECT_EQ(only(plan["accommodation_units"])["name"], "Double 1");
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "duplicate_id", "accommodations[1].id")) << plan["warnings"].dump();
}

TEST(OfflinePlan, SupersededDuplicateLeavesNoPlaceholderBehind) {
  // Page drift: booking 101 first seen in unit 999 (unknown), then again, now in unit 5. Only the last is kept,
  // so nothing should need unit 999.
  const json plan = plan_for(
      json::array({json::array({direct_booking(101, json::array({room(999, 12)}))}), json::array({direct_booking(101)})}));
  EXPECT_EQ(only(plan["reservations"])["mphb_accommodation_id"], 5);
  const auto phantom = rows_where(plan["accommodation_units"], "mphb_accommodation_id", 999);
  const size_t placeholder_warnings = count_code(plan["warnings"], "placeholder_unit");
  if (!phantom.empty() || placeholder_warnings != 0) {
    ADD_FAILURE() << "regression: the superseded first copy of booking 101 still plans placeholder unit 999 and warns "
                     "placeholder_unit at bookings[0][0].reserved_accommodations[0].accommodation (and, had it no "
                     "accommodation_type, reports an unknown_accommodation_type error for a booking that is kept). "
                     "bookings_mapper.cpp map_one_booking: the duplicate_id branch erases reservations/junction/"
                     "blocks but not the earlier occurrence's entries in out.unknown_units";
  }
  EXPECT_TRUE(phantom.empty());
  EXPECT_EQ(placeholder_warnings, 0u);
  EXPECT_TRUE(plan["errors"].empty()) << plan["errors"].dump();
}

TEST(OfflinePlan, SupersededUntypedDuplicateRaisesNoError) {
  json untyped = room(999, 12);
  untyped.erase("accommodation_type");
  const json plan = plan_for(json::array({direct_booking(101, json::array({untyped})), direct_booking(101)}));
  EXPECT_EQ(only(plan["reservations"])["mphb_accommodation_id"], 5);
  if (count_code(plan["errors"], "unknown_accommodation_type") != 0) {
    ADD_FAILURE() << "regression: unknown_accommodation_type reported for the superseded first copy of booking 101 "
                     "(bookings_mapper.cpp: duplicate_id branch keeps the old copy's out.unknown_units)";
  }
  EXPECT_TRUE(plan["errors"].empty()) << plan["errors"].dump();
}

TEST(OfflinePlan, ArrayOfPagesIsReadWithPagePaths) {
  json bad = direct_booking(103);
  bad["check_in_date"] = "2026-02-30";
  const json plan = plan_for(json::array({json::array({direct_booking(101), direct_booking(102)}), json::array({bad})}));
  EXPECT_EQ(plan["reservations"].size(), 2u);
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_format", "bookings[1][0].check_in_date")) << plan["errors"].dump();
}

TEST(OfflinePlan, WordPressErrorObjectInsteadOfACollectionIsNotACollection) {
  const json error = {{"code", "mphb_rest_cannot_view"}, {"message", "Sorry"}, {"data", {{"status", 401}}}};
  const json plan = plan_for(error);
  EXPECT_TRUE(has_diagnostic(plan["errors"], "not_a_collection", "bookings")) << plan["errors"].dump();
  EXPECT_EQ(plan["reservations"], json::array());
}

TEST(OfflinePlan, NonObjectRecordIsAnErrorAtItsPath) {
  const json plan = plan_for(json::array({direct_booking(101), 42}));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "wrong_type", "bookings[1]"));
  EXPECT_EQ(plan["reservations"].size(), 1u);
}

// ---- whole-booking rejection ------------------------------------------------------------------------

TEST(OfflinePlan, BookingWithAnErrorIsRejectedWholeWhileOthersStillMap) {
  json r1 = room(6, 12);
  r1["adults"] = "many";
  const json bad = direct_booking(102, json::array({room(5, 12), r1}));
  const json plan = plan_for(json::array({direct_booking(101), bad, direct_booking(103)}));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "wrong_type", "bookings[1].reserved_accommodations[1].adults"))
      << plan["errors"].dump();
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 102).size(), 0u);
  EXPECT_EQ(rows_where(plan["reservation_accommodations"], "external_booking_id", 102).size(), 0u);
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 101).size(), 1u);
  EXPECT_EQ(rows_where(plan["reservations"], "external_booking_id", 103).size(), 1u);
  EXPECT_EQ(plan["reservation_accommodations"].size(), 2u);
}

TEST(OfflinePlan, CheckOutBeforeCheckInIsAnError) {
  json b = direct_booking(101);
  b["check_out_date"] = "2026-11-30";
  const json plan = plan_for(json::array({b}));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_dates", "bookings[0].check_out_date"));
  EXPECT_EQ(plan["reservations"], json::array());
}

TEST(OfflinePlan, EveryDiagnosticNamesTheTenant) {
  json b = direct_booking(101);
  b["status"] = 7;
  const json plan = plan_for(json::array({b, direct_booking(102, json::array({room(999, 12)}))}));
  ASSERT_FALSE(plan["errors"].empty());
  ASSERT_FALSE(plan["warnings"].empty());
  for (const char* list : {"errors", "warnings"}) {
    for (const auto& d : plan[list]) {
      EXPECT_EQ(d["tenant_id"], kTenant);
      EXPECT_FALSE(d["message"].get<std::string>().empty());
    }
  }
}

// ---- determinism and inputs -------------------------------------------------------------------------

PlanRequest realistic_request(const std::string& tenant) {
  PlanRequest request;
  request.tenant_id = tenant;
  request.types = standard_types().dump();
  request.units = standard_units().dump();
  request.bookings = json::array({direct_booking(101, json::array({room(5, 12), room(7, 14)})), imported_guest(201, 6),
                                  imported_block(301), direct_booking(102, json::array({room(999, 12)}))})
                         .dump();
  return request;
}

TEST(OfflinePlan, SameInputGivesByteIdenticalOutput) {
  const std::string first = plan_bytes(realistic_request(kTenant));
  const std::string second = plan_bytes(realistic_request(kTenant));
  EXPECT_EQ(first, second);
  EXPECT_FALSE(parse_plan(first)["reservations"].empty());
}

TEST(OfflinePlan, TenantIdIsCaseInsensitive) {
  std::string upper = kTenant;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(plan_bytes(realistic_request(upper)), plan_bytes(realistic_request(kTenant)));
}

TEST(OfflinePlan, DifferentTenantsGetDifferentRowIds) {
  const json a = parse_plan(plan_bytes(realistic_request(kTenant)));
  const json b = parse_plan(plan_bytes(realistic_request(kOtherTenant)));
  std::set<std::string> ids_a;
  for (const char* table :
       {"accommodation_types", "accommodation_units", "reservations", "reservation_accommodations", "calendar_blocks"}) {
    ASSERT_EQ(a[table].size(), b[table].size()) << table;
    ASSERT_FALSE(a[table].empty()) << table;
    for (const auto& row : a[table]) ids_a.insert(row["id"].get<std::string>());
    for (const auto& row : b[table]) EXPECT_EQ(row["tenant_id"], kOtherTenant);
  }
  for (const char* table :
       {"accommodation_types", "accommodation_units", "reservations", "reservation_accommodations", "calendar_blocks"}) {
    for (const auto& row : b[table]) EXPECT_EQ(ids_a.count(row["id"].get<std::string>()), 0u) << table;
  }
}

TEST(OfflinePlan, InvalidTenantIdIsAnErrorAndPlansNothing) {
  PlanRequest request = realistic_request("not-a-uuid");
  const json plan = parse_plan(plan_bytes(request));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_tenant_id", "tenant_id")) << plan["errors"].dump();
  for (const auto& key : plan_arrays()) {
    ASSERT_TRUE(plan.contains(key) && plan[key].is_array()) << key;
    if (key != "errors") EXPECT_TRUE(plan[key].empty()) << key;
  }
}

TEST(OfflinePlan, InvalidNowIsAnErrorAndPlansNothing) {
  PlanRequest request = realistic_request(kTenant);
  request.now = "yesterday";
  const json plan = parse_plan(plan_bytes(request));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_now", "now")) << plan["errors"].dump();
  EXPECT_TRUE(plan["reservations"].empty());
  EXPECT_TRUE(plan["accommodation_units"].empty());
}

TEST(OfflinePlan, InvalidTenantAndNowAreBothReported) {
  PlanRequest request;
  request.tenant_id = "";
  request.now = "";
  const json plan = parse_plan(plan_bytes(request));
  EXPECT_EQ(plan["errors"].size(), 2u);
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_tenant_id", "tenant_id"));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_now", "now"));
}

TEST(OfflinePlan, NowWithAnOffsetIsNormalisedToUtc) {
  PlanRequest request = realistic_request(kTenant);
  request.now = "2026-11-28T12:00:00+02:00";
  const json plan = parse_plan(plan_bytes(request));
  expect_no_errors(plan);
  EXPECT_EQ(only(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 999))["placeholder_since"],
            "2026-11-28T10:00:00Z");
}

TEST(OfflinePlan, InputsNotGivenAreSimplyAbsent) {
  PlanRequest request;
  request.types = standard_types().dump();
  const json plan = parse_plan(plan_bytes(request));
  expect_no_errors(plan);
  EXPECT_EQ(plan["accommodation_types"].size(), 2u);
  EXPECT_TRUE(plan["accommodation_units"].empty());
  EXPECT_TRUE(plan["reservations"].empty());
}

TEST(OfflinePlan, MalformedJsonInputIsAnErrorNamingTheInput) {
  PlanRequest request = realistic_request(kTenant);
  request.bookings = "[{\"id\": 1,";
  const json plan = parse_plan(plan_bytes(request));
  ASSERT_EQ(plan["errors"].size(), 1u) << plan["errors"].dump();
  EXPECT_EQ(plan["errors"][0]["code"], "invalid_json");
  EXPECT_EQ(plan["errors"][0]["path"].get<std::string>().rfind("bookings", 0), 0u);
  EXPECT_EQ(plan["accommodation_units"].size(), 3u);  // the other inputs still map
}

}  // namespace
