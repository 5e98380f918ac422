#include "guest_login.hpp"

#include <vector>

#include "calendar_date.hpp"
#include "diagnostics.hpp"
#include "field_reader.hpp"
#include "json_document.hpp"
#include "plan_json.hpp"
#include "status_mapping.hpp"

namespace mphb {
namespace {

constexpr size_t kMaxReservationCode = 64;

std::string trimmed(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string upper_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

bool all_digits(const std::string& s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool printable_code(const std::string& s) {
  for (char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

// A string field, or null when absent/null; records wrong_type otherwise.
std::optional<std::string> optional_text(const json& body, const char* key, bool& present, Diagnostics& diagnostics) {
  present = false;
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    diagnostics.error("wrong_type", key, std::string(key) + " must be a string, got " + json_type_name(*it));
    return std::nullopt;
  }
  present = true;
  return trimmed(it->get<std::string>());
}

std::string string_field(const json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json refused(const char* code, std::string message) {
  return {{"decision", "refused"}, {"code", code}, {"message", std::move(message)}};
}

}  // namespace

std::string read_guest_login_request_json(std::string_view body) {
  Diagnostics diagnostics;
  json out = {{"request", nullptr}};
  const auto document = parse_json_document(body, "body", diagnostics);
  if (!diagnostics.errors().empty()) {
    // The parser's path is a position inside the body; the field for the caller is the body itself.
    const Diagnostic first = diagnostics.errors().front();
    diagnostics = Diagnostics();
    diagnostics.error("invalid_body", "body", "the body must be JSON: " + first.message);
  } else if (!document->is_object()) {
    diagnostics.error("invalid_body", "body", std::string("the body must be a JSON object, got ") + json_type_name(*document));
  } else {
    const json& b = *document;
    bool has_date = false, has_phone = false, has_code = false;
    const auto date = optional_text(b, "check_in_date", has_date, diagnostics);
    const auto phone = optional_text(b, "phone_last_4", has_phone, diagnostics);
    const auto code = optional_text(b, "reservation_code", has_code, diagnostics);
    if (date && !has_date) diagnostics.error("missing_field", "check_in_date", "check_in_date is required (YYYY-MM-DD)");
    if (date && has_date && !parse_civil_date(*date)) {
      diagnostics.error("invalid_format", "check_in_date", "check_in_date must be a calendar date YYYY-MM-DD");
    }
    if (phone && has_phone && (phone->size() != 4 || !all_digits(*phone))) {
      diagnostics.error("invalid_format", "phone_last_4", "phone_last_4 must be exactly the last 4 digits of the phone number");
    }
    if (code && has_code && (code->empty() || code->size() > kMaxReservationCode || !printable_code(*code))) {
      diagnostics.error("invalid_format", "reservation_code",
                        "reservation_code must be 1 to 64 letters, digits or signs without spaces");
    }
    if (phone && code && !has_phone && !has_code) {
      diagnostics.error("missing_field", "phone_last_4",
                        "give phone_last_4 (the last 4 digits of your phone) or reservation_code");
    }
    if (diagnostics.errors().empty()) {
      out["request"] = {{"check_in_date", *date},
                        {"phone_last_4", has_phone ? json(*phone) : json(nullptr)},
                        {"reservation_code", has_code ? json(upper_ascii(*code)) : json(nullptr)}};
    }
  }
  out["errors"] = diagnostics_json(diagnostics.errors(), "");
  for (auto& e : out["errors"]) e.erase("tenant_id");
  return dump_plan(out);
}

std::string decide_guest_login_json(std::string_view request_bytes, std::string_view candidate_bytes, const std::string& now) {
  Diagnostics diagnostics;
  const auto request = parse_json_document(request_bytes, "request", diagnostics);
  const auto candidates = parse_json_document(candidate_bytes, "candidates", diagnostics);
  const auto when = normalize_utc_timestamp(now);
  if (!when) diagnostics.error("invalid_now", "now", "now must be an ISO-8601 timestamp");
  if (request && (!request->is_object() || string_field(*request, "check_in_date").empty())) {
    diagnostics.error("invalid_request", "request", "request must be the object read_guest_login_request returned");
  }
  if (candidates && !candidates->is_array())
    diagnostics.error("invalid_candidates", "candidates", "candidates must be an array of reservations");
  if (diagnostics.error_count() > 0) {
    return dump_plan({{"decision", "error"}, {"errors", diagnostics_json(diagnostics.errors(), "")}});
  }
  const json& r = *request;
  const std::string date = string_field(r, "check_in_date");
  const std::string phone = string_field(r, "phone_last_4");
  const std::string code = upper_ascii(string_field(r, "reservation_code"));
  if (phone.empty() && code.empty()) return dump_plan(refused("invalid_credentials", "no reservation matches these details"));

  // Today as a day number, from "now" (UTC); check-out dates are property-local, and a 7-day grace makes
  // the hours between them irrelevant.
  const int64_t today = days_from_civil(*parse_civil_date(when->substr(0, 10)));
  std::vector<const json*> open;
  bool ended = false;
  for (const auto& c : *candidates) {
    if (!c.is_object()) continue;
    if (string_field(c, "check_in_date") != date) continue;
    if (!status_can_log_in(string_field(c, "status"))) continue;
    const std::string stored_phone = string_field(c, "phone_last_4");
    const std::string stored_code = upper_ascii(trimmed(string_field(c, "reservation_code")));
    if (!phone.empty() && (stored_phone.empty() || stored_phone != phone)) continue;
    if (!code.empty() && (stored_code.empty() || stored_code != code)) continue;
    const auto check_out = parse_civil_date(string_field(c, "check_out_date"));
    if (!check_out) continue;
    if (today > days_from_civil(*check_out) + kGuestAccessDaysAfterCheckOut) {
      ended = true;
      continue;
    }
    open.push_back(&c);
  }
  if (open.size() > 1) {
    // The same channel stay imported twice (two MotoPress ids, one code): no code can tell them apart.
    bool one_stay_twice = true;
    for (const json* c : open) {
      one_stay_twice = one_stay_twice && !string_field(*c, "reservation_code").empty() &&
                       upper_ascii(trimmed(string_field(*c, "reservation_code"))) ==
                           upper_ascii(trimmed(string_field(*open.front(), "reservation_code"))) &&
                       string_field(*c, "check_out_date") == string_field(*open.front(), "check_out_date");
    }
    if (one_stay_twice) {
      return dump_plan(refused("ambiguous", "this stay was imported twice into the hotel's calendar: please contact the hotel"));
    }
    return dump_plan(
        refused("ambiguous", code.empty()
                                 ? "more than one reservation matches these details: add your reservation_code to tell them apart"
                                 : "more than one reservation matches these details: please contact the hotel"));
  }
  if (open.empty()) {
    if (ended) {
      return dump_plan(refused("stay_ended", "this stay ended more than " + std::to_string(kGuestAccessDaysAfterCheckOut) +
                                                 " days ago; guest access has closed"));
    }
    return dump_plan(refused("invalid_credentials", "no reservation matches these details"));
  }
  const json& match = *open.front();
  const auto check_out = parse_civil_date(string_field(match, "check_out_date"));
  // Access lasts through the 7th day after check-out (UTC end of that day).
  const std::string expires =
      format_civil_date(civil_from_days(days_from_civil(*check_out) + kGuestAccessDaysAfterCheckOut + 1)) + "T00:00:00Z";
  auto booking = match.find("external_booking_id");
  auto id = match.find("id");
  return dump_plan({{"decision", "ok"},
                    {"reservation_id", id != match.end() ? *id : json(nullptr)},
                    {"booking_id", booking != match.end() ? *booking : json(nullptr)},
                    {"expires_at", expires}});
}

std::string decide_guest_access_json(std::string_view stay_bytes, const std::string& now) {
  Diagnostics diagnostics;
  const auto stay = parse_json_document(stay_bytes, "stay", diagnostics);
  const auto when = normalize_utc_timestamp(now);
  if (!when) diagnostics.error("invalid_now", "now", "now must be an ISO-8601 timestamp");
  const auto check_out = stay && stay->is_object() ? parse_civil_date(string_field(*stay, "check_out_date")) : std::nullopt;
  if (diagnostics.error_count() > 0 || !check_out) {
    return dump_plan({{"allowed", false}, {"code", "invalid_stay"}, {"message", "the stay cannot be read"}});
  }
  if (!status_can_log_in(string_field(*stay, "status"))) {
    return dump_plan({{"allowed", false},
                      {"code", "reservation_inactive"},
                      {"message", "this reservation is no longer active (cancelled or removed by the hotel)"}});
  }
  const int64_t today = days_from_civil(*parse_civil_date(when->substr(0, 10)));
  if (today > days_from_civil(*check_out) + kGuestAccessDaysAfterCheckOut) {
    return dump_plan({{"allowed", false},
                      {"code", "stay_ended"},
                      {"message", "this stay ended more than " + std::to_string(kGuestAccessDaysAfterCheckOut) +
                                      " days ago; guest access has closed"}});
  }
  return dump_plan({{"allowed", true}});
}

}  // namespace mphb
