// The streaming bookings path (read_booking_page → map_booking_record → BookingRowsText) against the old
// DOM implementation kept as a test-only oracle (support/dom_oracle.hpp): byte-identical plans (new counts
// fields aside) and identical content hashes, on the example data, generated pages, page shapes and
// random or mutated bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bookings_mapper.hpp"
#include "bookings_sync_session.hpp"
#include "content_hash.hpp"
#include "dom_oracle.hpp"
#include "plan_json.hpp"
#include "test_support.hpp"

namespace {

using namespace mphb_test;

const char* kUnits = R"({"5": 12, "6": 12, "7": 14})";
const char* kTypes = "[12, 14]";

// The new output without the counts the old one did not have.
std::string without_new_counts(const std::string& plan) {
  static const std::regex kNew(R"("cancelled":[0-9]+,|"duplicates":[0-9]+,|,"without_id":[0-9]+)");
  return std::regex_replace(plan, kNew, "");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Plans the same pages with both sessions; resolves unknown units as gone (404) in both when asked.
void expect_same_plans(const std::vector<std::string>& pages, const std::string& stored = "{}", const std::string& units = kUnits,
                       const std::string& types = kTypes, const std::string& tenant = kTenant, const std::string& now = kNow) {
  mphb::BookingsSyncSession fresh(tenant, now, units, types, stored);
  mphb_oracle::DomBookingsSyncSession oracle(tenant, now, units, types, stored);
  for (size_t i = 0; i < pages.size(); ++i) {
    const std::string a = fresh.plan_page(pages[i]);
    const std::string b = oracle.plan_page(pages[i]);
    ASSERT_EQ(without_new_counts(a), b) << "page " << i << ": " << pages[i].substr(0, 400);
    json plan = json::parse(a, nullptr, false);
    ASSERT_TRUE(plan.is_object()) << a.substr(0, 300);
    if (!plan["unknown_units"].empty()) {
      json results = json::array();
      for (const auto& u : plan["unknown_units"])
        results.push_back({{"id", u["mphb_accommodation_id"]}, {"status", 404}, {"body", nullptr}});
      ASSERT_EQ(fresh.resolve_units(results.dump()), oracle.resolve_units(results.dump()));
      ASSERT_EQ(without_new_counts(fresh.plan_page(pages[i])), oracle.plan_page(pages[i])) << "page " << i << " planned again";
    }
  }
}

// ---- Generated bookings ------------------------------------------------------------------------------

json random_scalar(std::mt19937& rng) {
  switch (rng() % 12) {
    case 0: return nullptr;
    case 1: return true;
    case 2: return 0;
    case 3: return -3;
    case 4: return 42;
    case 5: return 901.5;
    case 6: return 1e-7;
    case 7: return "";
    case 8: return "42";
    case 9: return "x\"y\\z\n\t\x01 é 漢 😀 &amp;";
    case 10: return json::array({1, 2});
    default: return json::object({{"a", 1}});
  }
}

json random_booking(std::mt19937& rng, int64_t id) {
  const int64_t unit = 4 + static_cast<int64_t>(rng() % 5);  // 4 and 8 are unknown
  json b;
  switch (rng() % 4) {
    case 0: b = direct_booking(id, json::array({room(unit, rng() % 3 ? 12 : 14)})); break;
    case 1: b = imported_block(id, unit); break;
    case 2: b = imported_guest(id, unit); break;
    default: b = direct_booking(id, json::array({room(5, 12), room(unit, 0, 0), room(7, 14)})); break;
  }
  static const char* kFields[] = {"id",
                                  "status",
                                  "check_in_date",
                                  "check_out_date",
                                  "check_in_time",
                                  "check_out_time",
                                  "date_created_utc",
                                  "total_price",
                                  "currency",
                                  "imported",
                                  "ical_summary",
                                  "ical_description",
                                  "ical_prodid",
                                  "customer",
                                  "reserved_accommodations"};
  static const char* kStatuses[] = {"confirmed", "pending", "pending-user", "pending-payment", "cancelled", "abandoned", "trash",
                                    "weird",     ""};
  if (rng() % 3 == 0) b["status"] = kStatuses[rng() % 9];
  if (rng() % 4 == 0) b["customer"]["first_name"] = rng() % 2 ? "  Zoë &amp; \"Jo\"\t" : "李 明";
  if (rng() % 5 == 0) b["total_price"] = rng() % 2 ? json(-10) : json("1234.50");
  if (rng() % 6 == 0) b["ical_description"] = "\"Reservation code: HM\\\"77\\\"\\nPhone: +1 (555) 010-9999\"";
  if (rng() % 6 == 0)
    b["_links"] = {{"self", json::array({{{"href", "https://x/bookings/1"}}})},
                   {"deep", {{"a", {{"b", json::array({1, {{"c", nullptr}}})}}}}}};
  if (rng() % 5 == 0) b["reserved_accommodations"][0]["guest_name"] = "Guest \u00e9";
  if (rng() % 7 == 0) b["customer"] = rng() % 2 ? json::array() : json::array({1});
  if (rng() % 8 == 0) b["reserved_accommodations"] = rng() % 2 ? json::array() : json(json::array({1, nullptr, json::array()}));
  // Mutations: a field removed, or replaced by a value of another type.
  const int mutations = static_cast<int>(rng() % 3);
  for (int m = 0; m < mutations; ++m) {
    const char* field = kFields[rng() % 15];
    if (rng() % 3 == 0) {
      b.erase(field);
    } else {
      b[field] = random_scalar(rng);
    }
  }
  if (rng() % 6 == 0 && b["reserved_accommodations"].is_array() && !b["reserved_accommodations"].empty() &&
      b["reserved_accommodations"][0].is_object()) {
    static const char* kRoomFields[] = {"accommodation", "accommodation_type", "rate", "adults", "children", "guest_name"};
    b["reserved_accommodations"][0][kRoomFields[rng() % 6]] = random_scalar(rng);
  }
  return b;
}

json random_page(std::mt19937& rng, size_t count) {
  json page = json::array();
  for (size_t i = 0; i < count; ++i) {
    const int64_t id = rng() % 10 == 0 ? 1000 : static_cast<int64_t>(1000 + rng() % 60);  // duplicates now and then
    page.push_back(random_booking(rng, id));
  }
  if (rng() % 10 == 0) page.push_back(random_scalar(rng));
  return page;
}

TEST(BookingsStreamParity, ExampleHotel) {
  const std::string dir = std::string(MPHB_FIXTURES_DIR) + "/../../examples/seaside-hotel/";
  const std::string bookings = read_file(dir + "bookings.json");
  const json units = json::parse(read_file(dir + "accommodations.json"), nullptr, false);
  ASSERT_FALSE(bookings.empty());
  json known = json::object();
  if (units.is_array()) {
    for (const auto& u : units) {
      if (u.is_object() && u.contains("id") && u["id"].is_number_integer() && u.contains("accommodation_type_id") &&
          u["accommodation_type_id"].is_number_integer()) {
        known[std::to_string(u["id"].get<int64_t>())] = u["accommodation_type_id"];
      }
    }
  }
  expect_same_plans({bookings}, "{}", known.dump(), "[]");
  expect_same_plans({bookings}, "{}", "{}", "[]");  // every unit unknown: fetched, then placeholders
  // Planned again with the state the first plan wrote: every booking unchanged.
  mphb::BookingsSyncSession first(kTenant, kNow, known.dump(), "[]", "{}");
  json plan = json::parse(first.plan_page(bookings), nullptr, false);
  json stored = json::object();
  for (const auto& r : plan["reservations"])
    stored[std::to_string(r["external_booking_id"].get<int64_t>())] = {{"hash", r["content_hash"]}, {"kind", "reservation"}};
  for (const auto& r : plan["calendar_blocks"])
    stored[std::to_string(r["external_booking_id"].get<int64_t>())] = {{"hash", r["content_hash"]}, {"kind", "block"}};
  expect_same_plans({bookings}, stored.dump(), known.dump(), "[]");
}

TEST(BookingsStreamParity, GeneratedPages) {
  std::mt19937 rng(20261128);
  for (int round = 0; round < 300; ++round) {
    const json page = random_page(rng, 1 + rng() % 12);
    json stored = json::object();
    if (round % 3 == 0) {
      mphb_oracle::DomBookingsSyncSession probe(kTenant, kNow, kUnits, kTypes, "{}");
      const json plan = json::parse(probe.plan_page(page.dump()), nullptr, false);
      for (const auto& r : plan["reservations"])
        stored[std::to_string(r["external_booking_id"].get<int64_t>())] = {
            {"hash", r["content_hash"]}, {"kind", rng() % 4 ? "reservation" : "block"}, {"is_active", rng() % 5 != 0}};
      for (const auto& r : plan["calendar_blocks"])
        stored[std::to_string(r["external_booking_id"].get<int64_t>())] = {{"hash", r["content_hash"]}, {"kind", "block"}};
    }
    // One page per session: a second page holding the same ids would be duplicates (not planned again).
    expect_same_plans({page.dump()}, stored.dump());
    expect_same_plans({page.dump(2)}, stored.dump());
    if (HasFatalFailure()) return;
  }
}

TEST(BookingsStreamParity, PageShapes) {
  const std::string b = direct_booking(1).dump();
  const std::vector<std::string> shapes = {
      "[]",
      "{}",
      "null",
      "42",
      "-1.5",
      "\"text\"",
      "true",
      R"({"code":"rest_forbidden","message":"no","data":{"status":401}})",
      R"({"code":7,"message":"no"})",
      R"({"message":"no","code":{"a":1}})",
      R"({"code":"a","code":5,"message":[]})",
      "[" + b + "]",
      "[[" + b + "],[" + b + "]]",
      "[[" + b + "],[]]",
      "[[" + b + "]," + b + "]",
      "[[" + b + "],1]",
      "[[],[]]",
      "[[1,null,\"x\"],[" + b + "]]",
      "[1,null,\"x\",true,2.5,[],{}]",
      "[[[" + b + "]]]",
      "[" + b + ",[" + b + "]]",
      "[{\"id\":\"abc\"},{\"id\":-1},{\"id\":1.5},{\"id\":1e300},{\"id\":18446744073709551616},{\"id\":9007199254740993}]",
      "[{\"id\":1,\"id\":2}]",
      "[{\"customer\":{\"first_name\":\"a\",\"first_name\":{}}}]",
      "  \r\n\t[ " + b + " ]  \n",
  };
  for (const auto& page : shapes) expect_same_plans({page});
}

TEST(BookingsStreamParity, MalformedBytes) {
  std::mt19937 rng(7);
  const std::string good = random_page(rng, 6).dump();
  std::vector<std::string> inputs = {"",
                                     " ",
                                     "\xEF\xBB\xBF[]",
                                     "[",
                                     "[1,]",
                                     "[01]",
                                     "[1.]",
                                     "[-]",
                                     "[1e]",
                                     "[.5]",
                                     "[tru]",
                                     "[nul]",
                                     "[\"\\ud800\"]",
                                     "[\"\\udc00\"]",
                                     "[\"\\ud800\\u0041\"]",
                                     "[\"\\x\"]",
                                     "[\"a\x01\"]",
                                     "[\"\xC0\x80\"]",
                                     "[\"\xED\xA0\x80\"]",
                                     "[\"\xF4\x90\x80\x80\"]",
                                     "[\"\xE2\x82\"]",
                                     "[1e400]",
                                     "[-1e400]",
                                     "[123456789012345678901234567890]",
                                     "[1] x",
                                     "[]]",
                                     "{\"a\" 1}",
                                     "[{\"id\":1,}]",
                                     "[\"\\u00e9\\ud83d\\ude00\"]",
                                     "[{\"id\": 1}\x00]"};
  std::string deep;
  for (int d = 0; d < 70; ++d) deep += "[";
  inputs.push_back(deep);
  for (int depth : {62, 63, 64, 65}) {
    std::string nested = "[{\"id\":1,\"x\":";
    for (int d = 0; d < depth; ++d) nested += "[";
    for (int d = 0; d < depth; ++d) nested += "]";
    inputs.push_back(nested + "}]");
  }
  for (int i = 0; i < 400; ++i) {
    std::string s = good;
    switch (i % 4) {
      case 0: s.resize(rng() % s.size()); break;
      case 1: s[rng() % s.size()] = static_cast<char>(rng() % 256); break;
      case 2: s.insert(rng() % s.size(), 1, static_cast<char>(0x80 + rng() % 0x80)); break;
      default: s.erase(rng() % s.size(), 1 + rng() % 8); break;
    }
    inputs.push_back(s);
  }
  for (const auto& input : inputs) {
    expect_same_plans({input});
    if (HasFatalFailure()) return;
  }
}

// Content hashes: the streamed hash equals SHA-1 of the old dump for any JSON value.
TEST(BookingsStreamParity, ContentHashOfAnyValue) {
  std::mt19937 rng(11);
  std::vector<json> values = {
      json::array(),
      json::object(),
      json(nullptr),
      json(1.0),
      json(-0.0),
      json(1e-7),
      json(123456789.125),
      json(18446744073709551615ULL),
      json("\x01\x1f\x7f\"\\/"),
      json("bad \xC3 utf8 \xFF end"),
      json::array(
          {{{"upstream_gone_at", 1}, {"a", {{"upstream_gone_at", 2}}}}, json::array({{{"content_hash", "x"}, {"b", 1}}})}),
      json::object({{"placeholder_since", "t"}, {"content_hash", "h"}, {"k", json::array({{{"upstream_gone_at", 3}}})}})};
  for (int i = 0; i < 200; ++i) values.push_back(random_page(rng, 1 + rng() % 3));
  for (const auto& v : values) EXPECT_EQ(mphb::content_hash(v), mphb_oracle::dom_content_hash(v)) << v.dump();
}

// map_bookings (offline plan, adoption) is now built from the same per-record mapping: same rows.
TEST(BookingsStreamParity, MapBookingsRows) {
  std::mt19937 rng(5);
  mphb::TenantContext tenant{kTenant, kNow};
  const mphb::UnitTypeIndex units = {{5, 12}, {6, 12}, {7, 14}};
  for (int i = 0; i < 200; ++i) {
    const json page = random_page(rng, 1 + rng() % 10);
    mphb::Diagnostics d1, d2;
    const auto a = mphb::map_bookings(page, "bookings", tenant, units, d1);
    const auto b = mphb_oracle::dom_map_bookings(page, "bookings", tenant, units, d2);
    ASSERT_EQ(mphb::rows_json(a.reservations), mphb::rows_json(b.reservations));
    ASSERT_EQ(mphb::nested_rows_json(a.reservation_accommodations), mphb::nested_rows_json(b.reservation_accommodations));
    ASSERT_EQ(mphb::nested_rows_json(a.calendar_blocks), mphb::nested_rows_json(b.calendar_blocks));
    ASSERT_EQ(a.paths, b.paths);
    ASSERT_EQ(a.unknown_units.size(), b.unknown_units.size());
    ASSERT_EQ(mphb::diagnostics_json(d1.errors(), kTenant), mphb::diagnostics_json(d2.errors(), kTenant));
    ASSERT_EQ(mphb::diagnostics_json(d1.warnings(), kTenant), mphb::diagnostics_json(d2.warnings(), kTenant));
  }
}

// One parse per page: records an earlier page held are counted, not planned again; records without a
// usable id are counted; a page planned again after unknown_units is not its own duplicate.
TEST(BookingsStreamParity, DuplicatesAcrossPages) {
  mphb::BookingsSyncSession session(kTenant, kNow, kUnits, kTypes, "{}");
  const json page1 = json::array({direct_booking(1), direct_booking(2)});
  const json page2 = json::array({direct_booking(2), direct_booking(3), json{{"status", "confirmed"}}, 7, direct_booking(3)});
  const json p1 = json::parse(session.plan_page(page1.dump()), nullptr, false);
  EXPECT_EQ(p1["counts"]["duplicates"], 0);
  EXPECT_EQ(p1["counts"]["without_id"], 0);
  EXPECT_EQ(p1["counts"]["records"], 2);
  const json p2 = json::parse(session.plan_page(page2.dump()), nullptr, false);
  EXPECT_EQ(p2["counts"]["duplicates"], 1);  // booking 2; booking 3 twice on one page is the old duplicate_id case
  EXPECT_EQ(p2["counts"]["without_id"], 2);
  EXPECT_EQ(p2["counts"]["records"], 1);
  ASSERT_EQ(p2["reservations"].size(), 1u);
  EXPECT_EQ(p2["reservations"][0]["external_booking_id"], 3);
  EXPECT_EQ(count_code(p2["warnings"], "duplicate_id"), 1u);

  // Unknown unit 9: the page is answered with unknown_units, then planned again in full.
  const json page3 = json::array({direct_booking(4, json::array({room(9, 12)}))});
  const json p3 = json::parse(session.plan_page(page3.dump()), nullptr, false);
  ASSERT_EQ(p3["unknown_units"].size(), 1u);
  session.resolve_units(R"([{"id": 9, "status": 404, "body": null}])");
  const json again = json::parse(session.plan_page(page3.dump()), nullptr, false);
  EXPECT_EQ(again["counts"]["duplicates"], 0);
  EXPECT_EQ(again["reservations"].size(), 1u);
  const json reconciled = json::parse(session.reconcile(4), nullptr, false);
  EXPECT_EQ(reconciled["seen"], 4);
}

}  // namespace
