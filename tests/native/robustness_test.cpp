// Any bytes give a JSON plan, never a crash (SPEC §7). Every plan has the seven arrays, every diagnostic a
// code and a path, and the rows that are planned hang together (I1, I2, I3) however bad the input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace mphb_test;

// A realistic page: a two-room direct booking, an imported Airbnb guest, an Airbnb block.
json realistic_bookings() {
  return json::array(
      {direct_booking(101, json::array({room(5, 12), room(7, 14)})), imported_guest(201, 6), imported_block(301, 5)});
}

// The same three kinds, one page each: mutating a one-booking page costs a third of a three-booking one.
std::vector<std::string> one_booking_pages() {
  return {json::array({direct_booking(101, json::array({room(5, 12), room(7, 14)}))}).dump(),
          json::array({imported_guest(201, 6)}).dump(), json::array({imported_block(301, 5)}).dump()};
}

// Checks everything a consumer of any plan relies on; returns a failure description, or "" when fine.
std::string plan_problems(const std::string& bytes) {
  const json plan = json::parse(bytes, nullptr, false);
  if (plan.is_discarded()) return "output is not JSON";
  if (!plan.is_object()) return "output is not an object";
  for (const auto& key : plan_arrays()) {
    if (!plan.contains(key) || !plan[key].is_array()) return "missing array " + key;
  }
  for (const char* list : {"errors", "warnings"}) {
    for (const auto& d : plan[list]) {
      if (!d.is_object() || !d.contains("code") || !d["code"].is_string() || d["code"].get<std::string>().empty())
        return std::string(list) + " entry without code: " + d.dump();
      if (!d.contains("path") || !d["path"].is_string() || d["path"].get<std::string>().empty())
        return std::string(list) + " entry without path: " + d.dump();
    }
  }
  // Referential integrity of what would be written.
  std::set<std::string> types, units, reservations;
  for (const auto& t : plan["accommodation_types"]) types.insert(t["id"].get<std::string>());
  for (const auto& u : plan["accommodation_units"]) {
    units.insert(u["id"].get<std::string>());
    if (!types.count(u["accommodation_type_id"].get<std::string>())) return "unit without its type: " + u.dump();
  }
  std::set<std::string> first_units;
  for (const auto& r : plan["reservations"]) reservations.insert(r["id"].get<std::string>());
  for (const auto& j : plan["reservation_accommodations"]) {
    if (!reservations.count(j["reservation_id"].get<std::string>())) return "junction row without reservation";
    if (!j["accommodation_unit_id"].is_string() || !units.count(j["accommodation_unit_id"].get<std::string>()))
      return "junction row without unit: " + j.dump();
    if (j["position"] == 0)
      first_units.insert(j["reservation_id"].get<std::string>() + "|" + j["accommodation_unit_id"].get<std::string>());
  }
  for (const auto& r : plan["reservations"]) {
    if (r["accommodation_unit_id"].is_null()) {
      if (r["room_count"] != 0) return "reservation with rooms but no unit";
      continue;
    }
    if (!first_units.count(r["id"].get<std::string>() + "|" + r["accommodation_unit_id"].get<std::string>()))
      return "reservation unit is not its first junction row's unit: " + r.dump();
  }
  for (const auto& b : plan["calendar_blocks"]) {
    if (!b["accommodation_unit_id"].is_string() || !units.count(b["accommodation_unit_id"].get<std::string>()))
      return "calendar block without unit";
  }
  return "";
}

// The plan of a bookings export alone (every unit it names becomes a placeholder), or against the standard
// accommodation exports. Alone is about three times cheaper, which keeps the sanitizer build fast.
enum class Accommodations { kNone, kStandard };
std::string plan_of_bookings(const std::string& bookings_bytes, Accommodations with = Accommodations::kNone) {
  static const std::string kTypes = standard_types().dump();
  static const std::string kUnits = standard_units().dump();
  PlanRequest request;
  if (with == Accommodations::kStandard) {
    request.types = kTypes;
    request.units = kUnits;
  }
  request.bookings = bookings_bytes;
  return plan_bytes(request);
}

#define EXPECT_SOUND_PLAN(bytes, what)                  \
  do {                                                  \
    const std::string problems_ = plan_problems(bytes); \
    EXPECT_EQ(problems_, "") << what;                   \
  } while (0)

// ---- truncation -------------------------------------------------------------------------------------

TEST(Robustness, EveryPrefixOfARealisticBookingDocumentGivesASoundPlan) {
  const std::string full =
      json::array({direct_booking(101, json::array({room(5, 12), room(7, 14)})), imported_guest(201, 6)}).dump();
  ASSERT_GT(full.size(), 1000u);
  int failures = 0;
  for (size_t n = 0; n <= full.size() && failures < 5; ++n) {
    const std::string out = plan_of_bookings(full.substr(0, n));
    const std::string problems = plan_problems(out);
    if (!problems.empty()) {
      ++failures;
      ADD_FAILURE() << "prefix length " << n << ": " << problems;
      continue;
    }
    const json plan = json::parse(out, nullptr, false);
    if (n < full.size()) {
      // A truncated document is one invalid_json error and no reservation.
      EXPECT_EQ(plan["errors"].size(), 1u) << n;
      EXPECT_TRUE(plan["reservations"].empty()) << n;
    } else {
      EXPECT_TRUE(plan["errors"].empty()) << plan["errors"].dump();
      EXPECT_EQ(plan["reservations"].size(), 2u);
      EXPECT_EQ(plan["reservation_accommodations"].size(), 3u);
    }
  }
}

TEST(Robustness, EveryPrefixOfTheAccommodationExportsGivesASoundPlan) {
  const std::string types = standard_types().dump();
  const std::string units = standard_units().dump();
  for (size_t n = 0; n <= units.size(); ++n) {
    PlanRequest request;
    request.types = types.substr(0, std::min(n, types.size()));
    request.units = units.substr(0, n);
    request.bookings = json::array({direct_booking(101)}).dump();
    EXPECT_SOUND_PLAN(plan_bytes(request), "prefix length " << n);
  }
}

// ---- invalid UTF-8, NUL bytes, nesting, numbers ------------------------------------------------------

TEST(Robustness, InvalidUtf8AnywhereGivesASoundPlan) {
  const std::vector<std::string> bad = {"\xFF", "\xC0\xAF",        "\xC3", "\xE2\x82", "\xED\xA0\x80", "\xF8\x88\x80\x80\x80",
                                        "\x80", "\xF4\x90\x80\x80"};
  const std::string doc = realistic_bookings().dump();
  for (const auto& seq : bad) {
    // Inside a string value, as a raw token, and replacing the whole input.
    const size_t in_string = doc.find("Ana") + 1;
    EXPECT_SOUND_PLAN(plan_of_bookings(doc.substr(0, in_string) + seq + doc.substr(in_string)), "in string");
    EXPECT_SOUND_PLAN(plan_of_bookings(seq + doc), "leading");
    EXPECT_SOUND_PLAN(plan_of_bookings(seq), "alone");
    const json plan = json::parse(plan_of_bookings(doc.substr(0, in_string) + seq + doc.substr(in_string)), nullptr, false);
    ASSERT_FALSE(plan.is_discarded());
    ASSERT_EQ(plan["errors"].size(), 1u);
    EXPECT_EQ(plan["errors"][0]["code"], "invalid_utf8");
    EXPECT_EQ(plan["errors"][0]["path"], "bookings[0].customer.first_name");
  }
}

TEST(Robustness, InvalidUtf8InTenantIdOrNowGivesASoundPlan) {
  PlanRequest request;
  request.tenant_id = "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a1\xFF";
  request.now = "2026-11-28T10:00:00\xFF";
  request.bookings = realistic_bookings().dump();
  const std::string out = plan_bytes(request);
  EXPECT_SOUND_PLAN(out, "bad tenant and now");
  EXPECT_EQ(json::parse(out, nullptr, false)["errors"].size(), 2u);
}

TEST(Robustness, NulBytesGiveASoundPlan) {
  const std::string doc = realistic_bookings().dump();
  for (size_t at : {size_t(0), size_t(1), doc.size() / 2, doc.size()}) {
    std::string with_nul = doc;
    with_nul.insert(at, 1, '\0');
    EXPECT_SOUND_PLAN(plan_of_bookings(with_nul), "NUL at " << at);
  }
  EXPECT_SOUND_PLAN(plan_of_bookings(std::string(1000, '\0')), "all NUL");
  PlanRequest request;
  request.tenant_id = std::string(kTenant).substr(0, 35) + std::string(1, '\0');
  request.now = std::string("2026-11-28T10:00:00Z\0", 21);
  EXPECT_SOUND_PLAN(plan_bytes(request), "NUL in tenant and now");
}

TEST(Robustness, EscapedNulCharactersInTextSurviveIntoTheOutput) {
  json b = direct_booking(101);
  b["customer"]["first_name"] = std::string("A\0na", 4);
  b["ical_summary"] = std::string("\0", 1);
  const std::string out = plan_of_bookings(json::array({b}).dump());
  EXPECT_SOUND_PLAN(out, "escaped NUL");
  const json plan = json::parse(out, nullptr, false);
  EXPECT_EQ(plan["reservations"][0]["guest_first_name"], std::string("A\0na", 4));
}

TEST(Robustness, DeepNestingInEveryInputGivesASoundPlan) {
  const std::string deep_arrays(100000, '[');
  std::string deep_objects_text;
  for (int i = 0; i < 20000; ++i) deep_objects_text += "{\"a\":";
  const std::string& deep_objects = deep_objects_text;
  const std::string balanced = std::string(100000, '[') + std::string(100000, ']');
  for (const std::string* doc : {&deep_arrays, &deep_objects, &balanced}) {
    PlanRequest request;
    request.types = *doc;
    request.units = *doc;
    request.bookings = *doc;
    const std::string out = plan_bytes(request);
    EXPECT_SOUND_PLAN(out, "nesting");
    const json plan = json::parse(out, nullptr, false);
    ASSERT_EQ(plan["errors"].size(), 3u);
    for (const auto& e : plan["errors"]) EXPECT_EQ(e["code"], "too_deep");
  }
}

TEST(Robustness, HugeNumbersInEveryNumericFieldGiveASoundPlan) {
  const std::vector<std::string> huge = {"1e400",
                                         "-1e400",
                                         "99999999999999999999",
                                         "-99999999999999999999",
                                         "18446744073709551616",
                                         "9223372036854775808",
                                         "-9223372036854775809",
                                         "1e308",
                                         "4.9e-324",
                                         "-0",
                                         "0.0",
                                         "1E+2"};
  const std::vector<std::string> booking_fields = {"id", "total_price"};
  const std::vector<std::string> room_fields = {"accommodation", "accommodation_type", "rate", "adults", "children"};
  for (const auto& number : huge) {
    for (const auto& field : booking_fields) {
      json b = direct_booking(101);
      b[field] = "@@";
      std::string doc = json::array({b}).dump();
      doc.replace(doc.find("\"@@\""), 4, number);
      EXPECT_SOUND_PLAN(plan_of_bookings(doc), field << " = " << number);
    }
    for (const auto& field : room_fields) {
      json r = room(5, 12);
      r[field] = "@@";
      std::string doc = json::array({direct_booking(101, json::array({r}))}).dump();
      doc.replace(doc.find("\"@@\""), 4, number);
      EXPECT_SOUND_PLAN(plan_of_bookings(doc), "room " << field << " = " << number);
    }
    for (const char* field : {"id", "adults", "size", "total_capacity"}) {
      json t = type_record(12, "Double");
      t[field] = "@@";
      std::string types = json::array({t}).dump();
      types.replace(types.find("\"@@\""), 4, number);
      json u = unit_record(5, 12, "Double 1");
      u[field == std::string("id") ? "id" : "accommodation_type_id"] = "@@";
      std::string units = json::array({u}).dump();
      units.replace(units.find("\"@@\""), 4, number);
      PlanRequest request;
      request.types = types;
      request.units = units;
      request.bookings = json::array({direct_booking(101)}).dump();
      EXPECT_SOUND_PLAN(plan_bytes(request), "type/unit " << field << " = " << number);
    }
  }
}

// ---- wrong types everywhere -------------------------------------------------------------------------

bool has_path_prefix(const json& list, const std::string& prefix) {
  for (const auto& d : list) {
    if (d["path"].get<std::string>().rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// A mistyped field leaves a sound plan in which the booking (id 777, or whatever a mistyped id names) is
// either planned without any error naming it, or left out with an error (or at least a warning) naming it;
// never half of it. (That other bookings still map is OfflinePlan.BookingWithAnErrorIsRejectedWhole...)
void expect_booking_whole_or_rejected(const json& booking, const std::string& what) {
  const std::string out = plan_of_bookings(json::array({booking}).dump());
  const std::string problems = plan_problems(out);
  ASSERT_EQ(problems, "") << what;
  const json plan = json::parse(out, nullptr, false);
  const bool has_error = has_path_prefix(plan["errors"], "bookings[0]");
  if (!plan["reservations"].empty() || !plan["calendar_blocks"].empty()) {
    EXPECT_FALSE(has_error) << what << ": planned despite " << plan["errors"].dump();
  } else {
    EXPECT_TRUE(has_error || has_path_prefix(plan["warnings"], "bookings[0]")) << what << ": dropped silently";
    EXPECT_TRUE(plan["reservation_accommodations"].empty()) << what;
  }
}

std::vector<json> wrong_values() {
  return {json(nullptr), json(true), json(0),    json(-1),         json(1.5),
          json(""),      json("x"),  json("12"), json::array({1}), json::object({{"a", 1}})};
}

TEST(Robustness, WrongTypeInEveryBookingFieldRejectsOrMapsTheBookingWhole) {
  // The imported guest differs from the block only in the values of its iCal fields: the block covers the keys.
  for (const json& base : {direct_booking(777, json::array({room(5, 12), room(999, 12)})), imported_block(777)}) {
    for (const auto& item : base.items()) {
      const std::string key = item.key();
      for (const json& value : wrong_values()) {
        json b = base;
        b[key] = value;
        expect_booking_whole_or_rejected(b, key + " = " + value.dump());
      }
      json without = base;
      without.erase(key);
      expect_booking_whole_or_rejected(without, "without " + key);
    }
  }
}

TEST(Robustness, WrongTypeInEveryCustomerFieldRejectsOrMapsTheBookingWhole) {
  const json base = direct_booking(777);
  for (const auto& item : base["customer"].items()) {
    for (const json& value : wrong_values()) {
      json b = base;
      b["customer"][item.key()] = value;
      expect_booking_whole_or_rejected(b, "customer." + item.key() + " = " + value.dump());
    }
  }
}

TEST(Robustness, WrongTypeInEveryRoomFieldRejectsOrMapsTheBookingWhole) {
  const json base = direct_booking(777, json::array({room(5, 12), room(6, 12)}));
  for (const auto& item : base["reserved_accommodations"][1].items()) {
    for (const json& value : wrong_values()) {
      json b = base;
      b["reserved_accommodations"][1][item.key()] = value;
      expect_booking_whole_or_rejected(b, "reserved_accommodations[1]." + item.key() + " = " + value.dump());
    }
  }
  for (const json& value : wrong_values()) {
    json b = base;
    b["reserved_accommodations"][1] = value;
    expect_booking_whole_or_rejected(b, "reserved_accommodations[1] = " + value.dump());
  }
}

TEST(Robustness, WrongTypesInTypeAndUnitRecordsGiveASoundPlan) {
  const json record = type_record(12, "Double");
  for (const auto& item : record.items()) {
    for (const json& value : wrong_values()) {
      json t = type_record(12, "Double");
      t[item.key()] = value;
      json u = unit_record(5, 12, "Double 1");
      if (u.contains(item.key())) u[item.key()] = value;
      PlanRequest request;
      request.types = json::array({t, type_record(14, "Suite")}).dump();
      request.units = json::array({u, unit_record(7, 14, "Suite 1")}).dump();
      request.bookings = json::array({direct_booking(101)}).dump();
      EXPECT_SOUND_PLAN(plan_bytes(request), item.key() << " = " << value.dump());
    }
  }
}

TEST(Robustness, EveryRootShapeGivesASoundPlan) {
  for (const char* doc : {"null", "true", "0", "\"bookings\"", "{}", "[]", "[[]]", "[[], []]", "[null]", "[[null]]", "[[{}], {}]",
                          "[{}]", "{\"code\": 1, \"message\": []}", "  ", "[1, [2], {\"id\": 3}]"}) {
    PlanRequest request;
    request.types = doc;
    request.units = doc;
    request.bookings = doc;
    EXPECT_SOUND_PLAN(plan_bytes(request), doc);
  }
}

// ---- deterministic mutation fuzzing -----------------------------------------------------------------

TEST(Robustness, TwoThousandRandomMutationsOfAValidDocumentGiveSoundPlans) {
  const std::vector<std::string> originals = one_booking_pages();
  const std::vector<std::string> tokens = {"\"",
                                           "{",
                                           "}",
                                           "[",
                                           "]",
                                           ",",
                                           ":",
                                           "null",
                                           "-1",
                                           "0",
                                           "1e400",
                                           "\"x\"",
                                           "\\",
                                           "\xFF",
                                           std::string(1, '\0'),
                                           "true",
                                           "[]",
                                           "{}",
                                           "\\u0000",
                                           "\\ud800",
                                           "99999999999999999999",
                                           "\"trash\"",
                                           "\"imported\":true"};
  std::mt19937 rng(20261128u);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  int failures = 0;
  int mapped = 0;  // mutants that still parse and plan rows: the mapping itself is exercised, not only the parser
  for (int round = 0; round < 2000 && failures < 5; ++round) {
    std::string doc = originals[static_cast<size_t>(round) % originals.size()];
    const size_t edits = 1 + pick(4);
    for (size_t e = 0; e < edits && !doc.empty(); ++e) {
      const size_t at = pick(doc.size());
      switch (pick(4)) {
        case 0: doc[at] = static_cast<char>(doc[at] ^ (1u << pick(8))); break;
        case 1: doc.erase(at, 1 + pick(8)); break;
        case 2: doc.insert(at, 1, static_cast<char>(pick(256))); break;
        default: doc.insert(at, tokens[pick(tokens.size())]); break;
      }
    }
    // One round in eight against the accommodation exports, so known units are exercised as well.
    const std::string out = plan_of_bookings(doc, round % 8 == 0 ? Accommodations::kStandard : Accommodations::kNone);
    const std::string problems = plan_problems(out);
    if (problems.empty()) {
      const json plan = json::parse(out, nullptr, false);
      if (!plan["reservations"].empty() || !plan["calendar_blocks"].empty()) ++mapped;
    } else {
      ++failures;
      ADD_FAILURE() << "round " << round << ": " << problems
                    << "\ninput: " << json(doc).dump(-1, ' ', true, json::error_handler_t::replace);
    }
  }
  RecordProperty("mutants_with_rows", mapped);
  EXPECT_GT(mapped, 200) << "too few mutants reach the mapping";
}

TEST(Robustness, RandomMutationsOfTheAccommodationExportsGiveSoundPlans) {
  const std::string types = standard_types().dump();
  const std::string units = standard_units().dump();
  std::mt19937 rng(7u);
  auto mutate = [&](std::string s) {
    const size_t at = rng() % s.size();
    switch (rng() % 3) {
      case 0: s[at] = static_cast<char>(s[at] ^ (1u << (rng() % 8))); break;
      case 1: s.erase(at, 1 + rng() % 4); break;
      default: s.insert(at, 1, "\"{}[],:0-9x"[rng() % 12]); break;
    }
    return s;
  };
  const std::string bookings = json::array({direct_booking(101, json::array({room(5, 12), room(7, 14)}))}).dump();
  for (int round = 0; round < 100; ++round) {
    PlanRequest request;
    request.types = mutate(types);
    request.units = mutate(units);
    request.bookings = bookings;
    EXPECT_SOUND_PLAN(plan_bytes(request), "round " << round);
  }
}

}  // namespace
