// Guest login rules (SPEC §4, I6): the body validated field by field; only active reservations log in,
// until 7 days after check-out; a null phone or code never matches; two matches are never resolved by
// an arbitrary pick.
#include "guest_login.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace {

using json = nlohmann::json;

json parse(const std::string& text) { return json::parse(text, nullptr, false); }

json read(const std::string& body) { return parse(mphb::read_guest_login_request_json(body)); }

std::string first_error_path(const json& out) { return out["errors"].empty() ? "" : out["errors"][0]["path"].get<std::string>(); }

TEST(GuestLoginRequest, AcceptsPhoneOrCodeAndNormalisesTheCode) {
  json out = read(R"({"check_in_date": "2026-11-10", "phone_last_4": "0142"})");
  ASSERT_TRUE(out["errors"].empty()) << out.dump();
  EXPECT_EQ(out["request"]["phone_last_4"], "0142");
  EXPECT_TRUE(out["request"]["reservation_code"].is_null());
  out = read(R"({"check_in_date": "2026-11-10", "reservation_code": " hmabcd1234 "})");
  ASSERT_TRUE(out["errors"].empty());
  EXPECT_EQ(out["request"]["reservation_code"], "HMABCD1234");
  EXPECT_TRUE(out["request"]["phone_last_4"].is_null());
}

TEST(GuestLoginRequest, NamesTheFieldOfEveryProblem) {
  EXPECT_EQ(first_error_path(read(R"({"phone_last_4": "0142"})")), "check_in_date");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "10/11/2026", "phone_last_4": "0142"})")), "check_in_date");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-02-30", "phone_last_4": "0142"})")), "check_in_date");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": 20261110, "phone_last_4": "0142"})")), "check_in_date");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-11-10", "phone_last_4": "01423"})")), "phone_last_4");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-11-10", "phone_last_4": "01a2"})")), "phone_last_4");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-11-10", "phone_last_4": 142})")), "phone_last_4");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-11-10"})")), "phone_last_4");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-11-10", "reservation_code": "HM AB"})")), "reservation_code");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-11-10", "reservation_code": ""})")), "reservation_code");
  EXPECT_EQ(first_error_path(read(R"({"check_in_date": "2026-11-10", "reservation_code": ")" + std::string(65, 'A') + "\"}")),
            "reservation_code");
  for (const std::string body : {"", "[]", "null", "{", "\xff", "\"2026-11-10\""}) {
    const json out = read(body);
    ASSERT_FALSE(out.is_discarded()) << body;
    EXPECT_EQ(first_error_path(out), "body") << body;
    EXPECT_EQ(out["errors"][0]["code"], "invalid_body");
    EXPECT_TRUE(out["request"].is_null());
  }
}

const char* kNow = "2026-11-20T09:00:00Z";

json candidate(const std::string& id, const std::string& status, const json& phone, const json& code = nullptr,
               const std::string& check_out = "2026-11-13") {
  return {{"id", id},
          {"external_booking_id", 100},
          {"status", status},
          {"check_in_date", "2026-11-10"},
          {"check_out_date", check_out},
          {"phone_last_4", phone},
          {"reservation_code", code}};
}

json decide(const json& request, const json& candidates, const std::string& now = kNow) {
  return parse(mphb::decide_guest_login_json(request.dump(), candidates.dump(), now));
}

json by_phone(const std::string& phone) {
  return {{"check_in_date", "2026-11-10"}, {"phone_last_4", phone}, {"reservation_code", nullptr}};
}

TEST(GuestLoginDecision, AnActiveReservationLogsInUntilSevenDaysAfterCheckOut) {
  const json list = json::array({candidate("r-1", "active", "0142")});
  json out = decide(by_phone("0142"), list);
  ASSERT_EQ(out["decision"], "ok") << out.dump();
  EXPECT_EQ(out["reservation_id"], "r-1");
  EXPECT_EQ(out["booking_id"], 100);
  EXPECT_EQ(out["expires_at"], "2026-11-21T00:00:00Z");  // through the 7th day after 2026-11-13
  EXPECT_EQ(decide(by_phone("0142"), list, "2026-11-20T23:59:59Z")["decision"], "ok");
  out = decide(by_phone("0142"), list, "2026-11-21T00:00:00Z");
  EXPECT_EQ(out["decision"], "refused");
  EXPECT_EQ(out["code"], "stay_ended");
  EXPECT_EQ(decide(by_phone("0142"), list, "2026-01-01T00:00:00Z")["decision"], "ok");  // booked long before
}

TEST(GuestLoginDecision, OnlyActiveReservationsLogIn) {
  for (const char* status : {"pending_admin", "pending", "pending_payment", "cancelled", "inactive", "", "ACTIVE"}) {
    const json out = decide(by_phone("0142"), json::array({candidate("r-1", status, "0142")}));
    EXPECT_EQ(out["decision"], "refused") << status;
    EXPECT_EQ(out["code"], "invalid_credentials") << status;  // told apart from a wrong pair by nothing
  }
}

TEST(GuestLoginDecision, ANullPhoneNeverMatchesNotEven0000) {
  const json list = json::array({candidate("block-like", "active", nullptr), candidate("r-2", "active", "")});
  EXPECT_EQ(decide(by_phone("0000"), list)["code"], "invalid_credentials");
  // …but a real phone that ends in 0000 does.
  EXPECT_EQ(decide(by_phone("0000"), json::array({candidate("r-3", "active", "0000")}))["reservation_id"], "r-3");
}

TEST(GuestLoginDecision, EveryGivenFieldMustMatchAndCodesIgnoreCase) {
  const json list = json::array({candidate("r-1", "active", "4417", "HMABCD1234")});
  json request = {{"check_in_date", "2026-11-10"}, {"phone_last_4", nullptr}, {"reservation_code", "hmabcd1234"}};
  EXPECT_EQ(decide(request, list)["reservation_id"], "r-1");
  request["phone_last_4"] = "4417";
  EXPECT_EQ(decide(request, list)["reservation_id"], "r-1");
  request["phone_last_4"] = "9999";
  EXPECT_EQ(decide(request, list)["code"], "invalid_credentials");
  request = {{"check_in_date", "2026-11-11"}, {"phone_last_4", "4417"}, {"reservation_code", nullptr}};
  EXPECT_EQ(decide(request, list)["code"], "invalid_credentials");
  // A reservation without a code never matches a code.
  request = {{"check_in_date", "2026-11-10"}, {"phone_last_4", nullptr}, {"reservation_code", "X"}};
  EXPECT_EQ(decide(request, json::array({candidate("r-1", "active", "4417")}))["code"], "invalid_credentials");
}

TEST(GuestLoginDecision, TwoActiveMatchesAreAmbiguousNeverAPick) {
  const json list = json::array({candidate("r-1", "active", "0142", "AAA111"), candidate("r-2", "active", "0142", "BBB222"),
                                 candidate("r-3", "cancelled", "0142")});
  json out = decide(by_phone("0142"), list);
  EXPECT_EQ(out["decision"], "refused");
  EXPECT_EQ(out["code"], "ambiguous");
  EXPECT_NE(out["message"].get<std::string>().find("reservation_code"), std::string::npos);
  json request = by_phone("0142");
  request["reservation_code"] = "BBB222";
  EXPECT_EQ(decide(request, list)["reservation_id"], "r-2");
  // A cancelled twin does not make an active reservation ambiguous.
  EXPECT_EQ(decide(by_phone("0142"),
                   json::array({candidate("r-1", "active", "0142"), candidate("r-3", "cancelled", "0142")}))["reservation_id"],
            "r-1");
  // An ended twin neither.
  EXPECT_EQ(decide(by_phone("0142"),
                   json::array({candidate("r-1", "active", "0142"), candidate("r-4", "active", "0142", nullptr, "2026-11-11")}),
                   "2026-11-19T10:00:00Z")["reservation_id"],
            "r-1");
}

TEST(GuestLoginDecision, MalformedArgumentsAreErrorsNotLogins) {
  EXPECT_EQ(decide(by_phone("0142"), json::object())["decision"], "error");
  EXPECT_EQ(decide(json::array(), json::array())["decision"], "error");
  EXPECT_EQ(decide(by_phone("0142"), json::array(), "yesterday")["decision"], "error");
  EXPECT_EQ(parse(mphb::decide_guest_login_json("{", "[", kNow))["decision"], "error");
  // Junk candidates are skipped, never matched.
  const json junk = json::array({1,
                                 nullptr,
                                 json::array(),
                                 {{"check_in_date", 5}},
                                 {{"status", "active"}, {"check_in_date", "2026-11-10"}, {"phone_last_4", "0142"}}});
  EXPECT_EQ(decide(by_phone("0142"), junk)["code"], "invalid_credentials");
  // No phone and no code: nothing can match.
  EXPECT_EQ(decide({{"check_in_date", "2026-11-10"}}, json::array({candidate("r-1", "active", nullptr)}))["code"],
            "invalid_credentials");
}

TEST(GuestLoginDecision, TheSameStayImportedTwiceSaysSoInsteadOfAskingForTheCode) {
  const json list =
      json::array({candidate("r-1", "active", "4417", "HMABCD1234"), candidate("r-2", "active", "4417", "hmabcd1234")});
  json request = by_phone("4417");
  request["reservation_code"] = "HMABCD1234";
  const json out = decide(request, list);
  EXPECT_EQ(out["code"], "ambiguous");
  EXPECT_NE(out["message"].get<std::string>().find("imported twice"), std::string::npos);
}

json access(const json& stay, const std::string& now = kNow) { return parse(mphb::decide_guest_access_json(stay.dump(), now)); }

TEST(GuestAccess, OnlyAnActiveStayNotEndedMoreThanSevenDaysAgoIsReadable) {
  const json stay = {{"status", "active"}, {"check_in_date", "2026-11-10"}, {"check_out_date", "2026-11-13"}};
  EXPECT_EQ(access(stay), json({{"allowed", true}}));
  EXPECT_EQ(access(stay, "2026-11-21T00:00:00Z")["code"], "stay_ended");
  for (const char* status : {"cancelled", "inactive", "pending", "pending_admin", "pending_payment"}) {
    json s = stay;
    s["status"] = status;
    const json out = access(s);
    EXPECT_FALSE(out["allowed"].get<bool>()) << status;
    EXPECT_EQ(out["code"], "reservation_inactive") << status;
  }
  for (const std::string bad : {"", "[]", "{}", "{\"status\": \"active\", \"check_out_date\": 5}"}) {
    EXPECT_EQ(parse(mphb::decide_guest_access_json(bad, kNow))["code"], "invalid_stay") << bad;
  }
  EXPECT_EQ(access(stay, "soon")["code"], "invalid_stay");
}

}  // namespace
