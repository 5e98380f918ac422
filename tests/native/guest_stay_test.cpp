// The guest's stay: built from the rows the database returns for one reservation, rooms in position
// order, missing data null (never invented), and any input bytes answered with an error, never a trap.
#include "guest_stay.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "calendar_date.hpp"
#include "test_support.hpp"

namespace {

using mphb_test::json;

json parse(const std::string& text) { return json::parse(text, nullptr, false); }

json type_row(const std::string& id, int64_t mphb_id, const json& name) {
  return {{"id", id},
          {"mphb_type_id", mphb_id},
          {"name", name},
          {"bed_type", "King"},
          {"size", 28.5},
          {"view", "Garden"},
          {"adults", 2},
          {"children", 1},
          {"total_capacity", 3},
          {"is_placeholder", false}};
}

json unit_row(const std::string& id, int64_t mphb_id, const std::string& type_id, const std::string& name) {
  return {{"id", id},
          {"mphb_accommodation_id", mphb_id},
          {"accommodation_type_id", type_id},
          {"name", name},
          {"is_placeholder", false}};
}

json junction_row(int position, const std::string& unit_id, int64_t mphb_id, int adults) {
  return {{"position", position},
          {"accommodation_unit_id", unit_id},
          {"mphb_accommodation_id", mphb_id},
          {"mphb_type_id", 12},
          {"adults", adults},
          {"children", 0},
          {"guest_name", ""}};
}

// Two rooms, given out of position order, as the stay reader's query may return them.
json two_room_input() {
  return {
      {"tenant", {{"tenant_id", mphb_test::kTenant}, {"name", "Villa Kembang"}, {"slug", "indo"}}},
      {"reservation",
       {{"id", "r-1"},
        {"external_booking_id", 2432},
        {"status", "active"},
        {"guest_name", "Ana Pérez"},
        {"check_in_date", "2026-11-10"},
        {"check_out_date", "2026-11-13"},
        {"check_in_time", "14:00:00"},
        {"check_out_time", "12:00:00"},
        {"adults", 3},
        {"children", 1},
        {"room_count", 2},
        {"guest_phone", "+57 311 555 0142"},
        {"guest_email", "ana@example.com"}}},
      {"reservation_accommodations", json::array({junction_row(1, "u-2", 62, 1), junction_row(0, "u-1", 61, 2)})},
      {"accommodation_units",
       json::array({unit_row("u-1", 61, "t-1", "Bungalow 2"), unit_row("u-2", 62, "t-2", "Lumbung 海景")})},
      {"accommodation_types",
       json::array({type_row("t-1", 12, "Bungalow Kembang"), type_row("t-2", 14, "Lumbung Loft – \"Sunset\"")})},
  };
}

TEST(GuestStay, ListsEveryRoomInPositionOrderWithItsUnitAndType) {
  const json out = parse(mphb::build_guest_stay_json(two_room_input().dump()));
  ASSERT_TRUE(out["errors"].empty()) << out.dump();
  const json& stay = out["stay"];
  EXPECT_EQ(stay["hotel_name"], "Villa Kembang");
  EXPECT_EQ(stay["booking_id"], 2432);
  EXPECT_EQ(stay["nights"], 3);
  EXPECT_EQ(stay["check_in_time"], "14:00");
  EXPECT_EQ(stay["check_out_time"], "12:00");
  EXPECT_EQ(stay["guests"], 4);
  EXPECT_EQ(stay["room_count"], 2);
  ASSERT_EQ(stay["rooms"].size(), 2u);
  EXPECT_EQ(stay["rooms"][0]["position"], 0);
  EXPECT_EQ(stay["rooms"][0]["unit_name"], "Bungalow 2");
  EXPECT_EQ(stay["rooms"][0]["type_name"], "Bungalow Kembang");
  EXPECT_EQ(stay["rooms"][0]["adults"], 2);
  EXPECT_EQ(stay["rooms"][1]["unit_name"], "Lumbung 海景");
  EXPECT_EQ(stay["rooms"][1]["type_name"], "Lumbung Loft – \"Sunset\"");
  EXPECT_EQ(stay["rooms"][1]["mphb_type_id"], 14);
  EXPECT_EQ(stay["rooms"][0]["size_m2"], 28.5);
  EXPECT_EQ(stay["rooms"][0]["capacity"], 3);
  EXPECT_EQ(stay["rooms"][0]["guest_name"], nullptr);  // "" is no name
}

TEST(GuestStay, NeverCarriesContactDetails) {
  const std::string out = mphb::build_guest_stay_json(two_room_input().dump());
  EXPECT_EQ(out.find("555"), std::string::npos);
  EXPECT_EQ(out.find("ana@example.com"), std::string::npos);
}

TEST(GuestStay, MissingDataStaysNull) {
  json input = two_room_input();
  input["accommodation_types"][0] = {{"id", "t-1"},         {"mphb_type_id", 12}, {"name", nullptr},
                                     {"bed_type", nullptr}, {"size", nullptr},    {"view", ""},
                                     {"adults", 0},         {"children", 0},      {"total_capacity", 0}};
  input["reservation"]["check_in_time"] = nullptr;
  input["reservation"]["guest_name"] = nullptr;
  const json stay = parse(mphb::build_guest_stay_json(input.dump()))["stay"];
  const json& room = stay["rooms"][0];
  for (const char* key : {"type_name", "bed_type", "size_m2", "view", "capacity"}) EXPECT_TRUE(room[key].is_null()) << key;
  EXPECT_TRUE(stay["check_in_time"].is_null());
  EXPECT_TRUE(stay["guest_name"].is_null());
  EXPECT_EQ(room["unit_name"], "Bungalow 2");  // the room is still named
}

TEST(GuestStay, CapacityFallsBackToAdultsPlusChildrenAsMotoPressDoes) {
  json input = two_room_input();
  input["accommodation_types"][0]["total_capacity"] = 0;
  input["accommodation_types"][0]["adults"] = 4;
  input["accommodation_types"][0]["children"] = 2;
  EXPECT_EQ(parse(mphb::build_guest_stay_json(input.dump()))["stay"]["rooms"][0]["capacity"], 6);
}

TEST(GuestStay, NumericColumnsAsTextAreRead) {
  json input = two_room_input();
  input["accommodation_types"][0]["size"] = "28.00";
  input["reservation"]["external_booking_id"] = "2432";
  const json stay = parse(mphb::build_guest_stay_json(input.dump()))["stay"];
  EXPECT_EQ(stay["rooms"][0]["size_m2"], 28);
  EXPECT_EQ(stay["booking_id"], 2432);
}

TEST(GuestStay, PlaceholderUnitsAreNamedAndFlagged) {
  json input = two_room_input();
  input["accommodation_units"][1]["is_placeholder"] = true;
  const json rooms = parse(mphb::build_guest_stay_json(input.dump()))["stay"]["rooms"];
  EXPECT_FALSE(rooms[0]["is_placeholder"].get<bool>());
  EXPECT_TRUE(rooms[1]["is_placeholder"].get<bool>());
  EXPECT_EQ(rooms[1]["unit_name"], "Lumbung 海景");
}

TEST(GuestStay, MissingRoomsAreReportedNotHidden) {
  json input = two_room_input();
  input["reservation_accommodations"].erase(0);
  const json out = parse(mphb::build_guest_stay_json(input.dump()));
  ASSERT_EQ(out["warnings"].size(), 1u);
  EXPECT_EQ(out["warnings"][0]["code"], "rooms_incomplete");
  EXPECT_EQ(out["stay"]["room_count"], 1);
}

TEST(GuestStay, NoReservationIsAnError) {
  json input = two_room_input();
  input["reservation"] = nullptr;
  const json out = parse(mphb::build_guest_stay_json(input.dump()));
  EXPECT_TRUE(out["stay"].is_null());
  ASSERT_EQ(out["errors"].size(), 1u);
  EXPECT_EQ(out["errors"][0]["code"], "no_reservation");
  EXPECT_EQ(out["errors"][0]["path"], "reservation");
}

TEST(GuestStay, AnyBytesGiveAnErrorOrAStayNeverATrap) {
  const std::string full = two_room_input().dump();
  for (size_t cut = 0; cut < full.size(); cut += 7) {
    const json out = parse(mphb::build_guest_stay_json(full.substr(0, cut)));
    ASSERT_FALSE(out.is_discarded());
    EXPECT_FALSE(out["errors"].empty());
  }
  for (const std::string bad :
       {"[]", "42", "\"x\"", "{\"reservation\": 5}", "\xff\xfe",
        "{\"reservation\": {\"id\": 1, \"position\": []},"
        "\"reservation_accommodations\": [1, null, {\"position\": \"x\"}], \"accommodation_units\": {}}"}) {
    const json out = parse(mphb::build_guest_stay_json(bad));
    ASSERT_FALSE(out.is_discarded()) << bad;
  }
  // Wrong types everywhere still give a stay with nulls.
  json input = two_room_input();
  for (auto& [key, value] : input["reservation"].items()) value = json::array();
  const json out = parse(mphb::build_guest_stay_json(input.dump()));
  ASSERT_FALSE(out.is_discarded());
  EXPECT_TRUE(out["stay"]["check_in_date"].is_null());
}

TEST(CalendarDate, RoundTripsAndWeekdays) {
  for (int64_t days = -800000; days <= 800000; days += 997) {
    EXPECT_EQ(mphb::days_from_civil(mphb::civil_from_days(days)), days);
  }
  EXPECT_EQ(mphb::days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(mphb::weekday_of({1970, 1, 1}), 4);    // Thursday
  EXPECT_EQ(mphb::weekday_of({2026, 11, 10}), 2);  // Tuesday
  EXPECT_EQ(mphb::weekday_of({1969, 12, 28}), 0);  // Sunday
  EXPECT_EQ(mphb::format_civil_date(mphb::civil_from_days(mphb::days_from_civil({2028, 2, 28}) + 1)), "2028-02-29");
  EXPECT_FALSE(mphb::parse_civil_date("2026-02-29").has_value());
  EXPECT_FALSE(mphb::parse_civil_date("2026-1-01").has_value());
}

}  // namespace
