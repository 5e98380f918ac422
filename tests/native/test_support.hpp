// Shared builders for the native core tests: MotoPress records as the API sends them, and a helper that
// runs the offline plan and parses its output.
//
// The core is compiled with JSON_NOEXCEPTION (a PUBLIC definition, so these tests too): a throwing
// nlohmann call aborts. Tests therefore parse with allow_exceptions=false, never call at(), and use
// operator[] on a const json only for keys that every plan and every row of its kind has.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "offline_plan.hpp"

namespace mphb_test {

using json = nlohmann::json;

inline constexpr const char* kTenant = "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11";
inline constexpr const char* kOtherTenant = "11111111-2222-3333-4444-555555555555";
inline constexpr const char* kNow = "2026-11-28T10:00:00Z";

// The seven arrays every plan has.
inline const std::vector<std::string>& plan_arrays() {
  static const std::vector<std::string> kArrays = {"accommodation_types",
                                                   "accommodation_units",
                                                   "reservations",
                                                   "reservation_accommodations",
                                                   "calendar_blocks",
                                                   "warnings",
                                                   "errors"};
  return kArrays;
}

// ---- MotoPress records -------------------------------------------------------------------------------

inline json type_record(int64_t id, const std::string& title) {
  return {{"id", id},      {"title", title},      {"status", "publish"}, {"adults", 2},
          {"children", 1}, {"total_capacity", 3}, {"size", 24},          {"excerpt", ""}};
}

inline json unit_record(int64_t id, int64_t type_id, const std::string& title) {
  return {{"id", id}, {"status", "publish"}, {"accommodation_type_id", type_id}, {"title", title}, {"excerpt", ""}};
}

inline json room(int64_t unit, int64_t type, int64_t rate = 3) {
  return {{"accommodation", unit}, {"accommodation_type", type}, {"rate", rate}, {"adults", 2}, {"children", 0},
          {"guest_name", ""},      {"services", json::array()}};
}

inline json customer(const std::string& first, const std::string& last, const std::string& email, const std::string& phone) {
  return {{"first_name", first}, {"last_name", last}, {"email", email}, {"phone", phone}, {"country", "CO"},
          {"state", ""},         {"city", ""},        {"zip", ""},      {"address1", ""}};
}

// What MotoPress sends for an imported booking: every customer field an empty string, never null.
inline json empty_customer() {
  json c = customer("", "", "", "");
  c["country"] = "";
  return c;
}

// A direct, confirmed booking of unit 5 (type 12) by a real guest.
inline json direct_booking(int64_t id, json rooms = json::array({room(5, 12)})) {
  return {{"id", id},
          {"status", "confirmed"},
          {"date_created", "2026-11-21T07:41:00"},
          {"date_created_utc", "2026-11-21T12:41:00"},
          {"check_in_date", "2026-12-01"},
          {"check_out_date", "2026-12-04"},
          {"check_in_time", "15:00:00"},
          {"check_out_time", "11:00:00"},
          {"customer", customer("Ana", "Gómez", "ana@example.com", "+57 311 555 0142")},
          {"reserved_accommodations", std::move(rooms)},
          {"total_price", 901.5},
          {"currency", "USD"},
          {"imported", false},
          {"ical_summary", ""},
          {"ical_description", ""},
          {"ical_prodid", ""},
          {"payments", json::array()},
          {"note", ""},
          {"key", ""}};
}

// An Airbnb calendar block: imported, empty customer, empty description, "Airbnb (Not available)".
inline json imported_block(int64_t id, int64_t unit = 5, int64_t type = 12) {
  json b = direct_booking(id, json::array({room(unit, type, 0)}));
  b["customer"] = empty_customer();
  b["imported"] = true;
  b["total_price"] = 0;
  b["ical_summary"] = "\"Airbnb (Not available)\"";
  b["ical_prodid"] = "\"-//Airbnb Inc//Hosting Calendar 1.0//EN\"";
  return b;
}

// An imported Airbnb guest: empty customer, but a reservation URL and phone last-4 in the description,
// sent (as real sites do) with literal surrounding quotes and an escaped newline.
inline json imported_guest(int64_t id, int64_t unit = 5, int64_t type = 12) {
  json b = imported_block(id, unit, type);
  b["ical_summary"] = "\"Reserved\"";
  b["ical_description"] =
      "\"Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMABCD1234\\n"
      "Phone Number (Last 4 Digits): 4417\"";
  return b;
}

// Two types (12 Double, 14 Suite) and three units (5, 6 of type 12; 7 of type 14).
inline json standard_types() { return json::array({type_record(12, "Double Room"), type_record(14, "Suite")}); }
inline json standard_units() {
  return json::array({unit_record(5, 12, "Double 1"), unit_record(6, 12, "Double 2"), unit_record(7, 14, "Suite 1")});
}

// ---- Running the plan -----------------------------------------------------------------------------

struct PlanRequest {
  std::string tenant_id = kTenant;
  std::string now = kNow;
  std::optional<std::string> types;
  std::optional<std::string> units;
  std::optional<std::string> bookings;
};

inline std::string plan_bytes(const PlanRequest& request) {
  mphb::OfflinePlanInput input;
  input.tenant_id = request.tenant_id;
  input.now = request.now;
  if (request.types) input.accommodation_types = std::string_view(*request.types);
  if (request.units) input.accommodations = std::string_view(*request.units);
  if (request.bookings) input.bookings = std::string_view(*request.bookings);
  return mphb::build_offline_plan_json(input);
}

// Parses a plan; a plan that is not JSON is a failure of the calling test (returned as discarded).
inline json parse_plan(const std::string& bytes) {
  json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << "plan is not JSON: " << bytes.substr(0, 300);
  return doc;
}

// The plan of bookings against the standard types and units.
inline json plan_for(const json& bookings, const json& types = standard_types(), const json& units = standard_units(),
                     const std::string& tenant = kTenant) {
  PlanRequest request;
  request.tenant_id = tenant;
  request.types = types.dump();
  request.units = units.dump();
  request.bookings = bookings.dump();
  return parse_plan(plan_bytes(request));
}

// ---- Reading a plan -------------------------------------------------------------------------------

inline std::vector<json> rows_where(const json& rows, const std::string& key, const json& value) {
  std::vector<json> out;
  if (!rows.is_array()) return out;
  for (const auto& row : rows) {
    if (row.is_object() && row.contains(key) && row[key] == value) out.push_back(row);
  }
  return out;
}

inline bool has_diagnostic(const json& list, const std::string& code, const std::string& path) {
  for (const auto& d : rows_where(list, "code", code)) {
    if (d.contains("path") && d["path"] == path) return true;
  }
  return false;
}

inline size_t count_code(const json& list, const std::string& code) { return rows_where(list, "code", code).size(); }

}  // namespace mphb_test
