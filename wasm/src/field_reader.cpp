#include "field_reader.hpp"

#include <cmath>
#include <string_view>

#include "html_entities.hpp"

namespace mphb {
namespace {

constexpr int64_t kMaxId = 9007199254740991LL;  // 2^53-1: exact in JavaScript and in bigint columns
constexpr int64_t kMaxCount = 10000;
constexpr double kMaxMoney = 1e12;

// A string of ASCII digits (leading zeros allowed) as a number, saturating at limit + 1; nullopt when
// it is not all digits.
std::optional<int64_t> parse_digits(const std::string& s, int64_t limit) {
  if (s.empty()) return std::nullopt;
  int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (value <= limit) value = value * 10 + (c - '0');
  }
  return value > limit ? limit + 1 : value;
}

std::string shorten(const std::string& s) { return s.size() > 32 ? s.substr(0, 32) + "…" : s; }

int digits_at(const std::string& s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y += m <= 2;
}

// nlohmann prints the shortest round-trip text, in exponent form for very small or large values
// ("1e-07"); money is stored as a plain decimal, so move the point instead ("0.0000001").
std::string plain_decimal(const std::string& text) {
  const size_t e = text.find_first_of("eE");
  if (e == std::string::npos) return text;
  std::string mantissa = text.substr(0, e);
  const int exponent = std::atoi(text.c_str() + e + 1);
  const bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  const size_t dot = mantissa.find('.');
  std::string digits = dot == std::string::npos ? mantissa : mantissa.substr(0, dot) + mantissa.substr(dot + 1);
  const int point = static_cast<int>(dot == std::string::npos ? mantissa.size() : dot) + exponent;  // digits before the point
  std::string out;
  if (point <= 0) {
    out = "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (static_cast<size_t>(point) >= digits.size()) {
    out = digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
  }
  return negative ? "-" + out : out;
}

std::string two(int v) { return std::string(1, char('0' + v / 10)) + char('0' + v % 10); }

}  // namespace

const char* json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "binary";
  }
}

bool is_valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = digits_at(s, 0, 4), m = digits_at(s, 5, 2), d = digits_at(s, 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  return d <= days_in_month(y, m);
}

std::optional<std::string> normalize_utc_timestamp(const std::string& s) {
  // YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM]
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return std::nullopt;
  const std::string date = s.substr(0, 10);
  if (!is_valid_date(date)) return std::nullopt;
  const int hh = digits_at(s, 11, 2), mm = digits_at(s, 14, 2), ss = digits_at(s, 17, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  int offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      const int oh = digits_at(s, pos + 1, 2);
      size_t mpos = pos + 3;
      if (mpos < s.size() && s[mpos] == ':') ++mpos;
      const int om = digits_at(s, mpos, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
      pos = mpos + 2;
    }
  }
  if (pos != s.size()) return std::nullopt;
  int64_t days = days_from_civil(digits_at(s, 0, 4), digits_at(s, 5, 2), digits_at(s, 8, 2));
  int64_t minutes = days * 1440 + hh * 60 + mm - offset_minutes;
  days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
  const int64_t minute_of_day = minutes - days * 1440;
  int64_t y;
  int m, d;
  civil_from_days(days, y, m, d);
  if (y < 1 || y > 9999) return std::nullopt;
  std::string year = std::to_string(y);
  while (year.size() < 4) year = "0" + year;
  return year + "-" + two(m) + "-" + two(d) + "T" + two(static_cast<int>(minute_of_day / 60)) + ":" +
         two(static_cast<int>(minute_of_day % 60)) + ":" + two(ss) + "Z";
}

const json* FieldSource::find(const char* key) const {
  if (slots_) return slots_->find(key);
  if (!object_->is_object()) return nullptr;
  // Looked up by string_view: with a const char* key the transparent comparator measures it (strlen)
  // at every node of the map, which showed up in profiles of a /bookings page.
  const auto& fields = object_->get_ref<const json::object_t&>();
  auto it = fields.find(std::string_view(key));
  if (it == fields.end() || it->second.is_null()) return nullptr;
  return &it->second;
}

void FieldReader::wrong_type(const char* key, const char* expected, const json& value) {
  diagnostics_.error("wrong_type", path_of(key), std::string(key) + " must be " + expected + ", got " + json_type_name(value));
}

std::optional<int64_t> FieldReader::id(const char* key, Presence presence) {
  const json* v = find(key);
  if (!v) {
    if (presence == Presence::kRequired) diagnostics_.error("missing_field", path_of(key), std::string(key) + " is required");
    return std::nullopt;
  }
  int64_t value = 0;
  if (v->is_number_unsigned()) {
    const auto u = v->get<json::number_unsigned_t>();
    if (u > static_cast<uint64_t>(kMaxId)) {
      diagnostics_.error("out_of_range", path_of(key), std::string(key) + " is larger than 2^53-1");
      return std::nullopt;
    }
    value = static_cast<int64_t>(u);
  } else if (v->is_number_integer()) {
    value = v->get<json::number_integer_t>();
    if (value > kMaxId) {
      diagnostics_.error("out_of_range", path_of(key), std::string(key) + " is larger than 2^53-1");
      return std::nullopt;
    }
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (!(std::isfinite(d) && d == std::floor(d)) || std::fabs(d) > static_cast<double>(kMaxId)) {
      diagnostics_.error("out_of_range", path_of(key), std::string(key) + " must be a whole number up to 2^53-1");
      return std::nullopt;
    }
    value = static_cast<int64_t>(d);
  } else if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    const auto parsed = parse_digits(s, kMaxId);
    if (!parsed) {
      diagnostics_.error("invalid_format", path_of(key), std::string(key) + " must be a numeric id, got \"" + shorten(s) + "\"");
      return std::nullopt;
    }
    if (*parsed > kMaxId) {
      diagnostics_.error("out_of_range", path_of(key), std::string(key) + " is larger than 2^53-1");
      return std::nullopt;
    }
    value = *parsed;
  } else {
    wrong_type(key, "an integer id", *v);
    return std::nullopt;
  }
  if (value <= 0) {
    diagnostics_.error("out_of_range", path_of(key), std::string(key) + " must be a positive id, got " + std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> FieldReader::id_or_zero(const char* key) {
  const json* v = find(key);
  if (!v) return 0;
  if ((v->is_number_integer() && v->get<json::number_integer_t>() == 0) ||
      (v->is_string() && v->get_ref<const std::string&>() == "0") ||
      (v->is_string() && v->get_ref<const std::string&>().empty())) {
    return 0;
  }
  return id(key, Presence::kRequired);
}

std::optional<int64_t> FieldReader::count(const char* key, int64_t fallback) {
  const json* v = find(key);
  if (!v) return fallback;
  int64_t value = 0;
  if (v->is_number_unsigned()) {
    const auto u = v->get<json::number_unsigned_t>();
    value = u > static_cast<uint64_t>(kMaxCount) ? kMaxCount + 1 : static_cast<int64_t>(u);
  } else if (v->is_number_integer()) {
    value = v->get<json::number_integer_t>();
  } else if (v->is_number_float() && std::isfinite(v->get<double>()) && v->get<double>() == std::floor(v->get<double>())) {
    const double d = v->get<double>();
    value = std::fabs(d) > static_cast<double>(kMaxCount) ? (d < 0 ? -1 : kMaxCount + 1) : static_cast<int64_t>(d);
  } else if (v->is_string() && v->get_ref<const std::string&>().empty()) {
    return fallback;
  } else if (v->is_string() && parse_digits(v->get_ref<const std::string&>(), kMaxCount)) {
    value = *parse_digits(v->get_ref<const std::string&>(), kMaxCount);
  } else {
    wrong_type(key, "a whole number", *v);
    return std::nullopt;
  }
  if (value < 0 || value > kMaxCount) {
    // The value as given; written only here (dump is slow, and every room has two counts).
    const std::string shown = v->is_string() ? "\"" + shorten(v->get_ref<const std::string&>()) + "\"" : v->dump();
    diagnostics_.error("out_of_range", path_of(key),
                       std::string(key) + " must be between 0 and " + std::to_string(kMaxCount) + ", got " + shown);
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> FieldReader::text(const char* key) {
  const json* v = find(key);
  if (!v) return std::string();
  if (!v->is_string()) {
    wrong_type(key, "a string", *v);
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::string> FieldReader::title(const char* key) {
  const json* v = find(key);
  if (!v) return std::string();
  const json* s = v;
  if (v->is_object()) {
    auto it = v->find("rendered");
    if (it == v->end() || !it->is_string()) {
      diagnostics_.error("wrong_type", path_of(key) + ".rendered", std::string(key) + " object must hold a string 'rendered'");
      return std::nullopt;
    }
    s = &*it;
  } else if (!v->is_string()) {
    wrong_type(key, "a string or {\"rendered\": string}", *v);
    return std::nullopt;
  }
  return std::string(trim(decode_html_entities(s->get_ref<const std::string&>())));
}

std::optional<bool> FieldReader::boolean(const char* key, bool fallback) {
  const json* v = find(key);
  if (!v) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  // PHP sites sometimes serialise booleans as 0/1 or "0"/"1".
  if (v->is_number_integer() && (v->get<int64_t>() == 0 || v->get<int64_t>() == 1)) return v->get<int64_t>() == 1;
  if (v->is_string() && (v->get_ref<const std::string&>() == "0" || v->get_ref<const std::string&>() == "1" ||
                         v->get_ref<const std::string&>().empty())) {
    return v->get_ref<const std::string&>() == "1";
  }
  wrong_type(key, "a boolean", *v);
  return std::nullopt;
}

std::optional<std::string> FieldReader::decimal(const char* key, Presence presence) {
  const json* v = find(key);
  if (!v) {
    if (presence == Presence::kRequired) diagnostics_.error("missing_field", path_of(key), std::string(key) + " is required");
    return std::nullopt;
  }
  double amount = 0;
  if (v->is_number()) {
    amount = v->get<double>();
  } else if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    // Plain decimals only: strtod alone would also take "inf", "nan" and hex floats.
    const bool plain = !s.empty() && s.size() <= 32 && s.find_first_not_of("0123456789.-") == std::string::npos;
    char* end = nullptr;
    amount = plain ? std::strtod(s.c_str(), &end) : 0;
    if (!plain || end != s.c_str() + s.size() || !std::isfinite(amount)) {
      diagnostics_.error("invalid_format", path_of(key), std::string(key) + " must be a number");
      return std::nullopt;
    }
  } else {
    wrong_type(key, "a number", *v);
    return std::nullopt;
  }
  if (!std::isfinite(amount) || std::fabs(amount) > kMaxMoney) {
    diagnostics_.error("out_of_range", path_of(key), std::string(key) + " must be at most 1e12 in magnitude");
    return std::nullopt;
  }
  // The digits dump writes, without its serializer.
  if (v->is_number_unsigned()) return std::to_string(v->get<json::number_unsigned_t>());
  if (v->is_number_integer()) return std::to_string(v->get<json::number_integer_t>());
  // nlohmann prints the shortest text that reads back as the same double, identically on every platform.
  std::string text = plain_decimal(json(amount).dump());
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  if (text == "-0") text = "0";
  return text;
}

std::optional<std::string> FieldReader::date(const char* key, Presence presence) {
  const json* v = find(key);
  if (!v || (v->is_string() && v->get_ref<const std::string&>().empty())) {
    if (presence == Presence::kRequired) diagnostics_.error("missing_field", path_of(key), std::string(key) + " is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    wrong_type(key, "a date string YYYY-MM-DD", *v);
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (!is_valid_date(s)) {
    diagnostics_.error("invalid_format", path_of(key), std::string(key) + " must be a calendar date YYYY-MM-DD");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> FieldReader::time_of_day(const char* key) {
  const json* v = find(key);
  if (!v) return std::string();
  if (!v->is_string()) {
    wrong_type(key, "a time string HH:MM:SS", *v);
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (s.empty()) return s;
  if (s.size() == 5) s += ":00";
  const int h = digits_at(s, 0, 2), m = digits_at(s, 3, 2), sec = digits_at(s, 6, 2);
  if (s.size() != 8 || s[2] != ':' || s[5] != ':' || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) {
    diagnostics_.error("invalid_format", path_of(key), std::string(key) + " must be a time HH:MM:SS");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> FieldReader::utc_timestamp(const char* key) {
  const json* v = find(key);
  if (!v) return std::string();
  if (!v->is_string()) {
    wrong_type(key, "a timestamp string", *v);
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty()) return std::string();
  auto normalized = normalize_utc_timestamp(s);
  if (!normalized) {
    diagnostics_.error("invalid_format", path_of(key), std::string(key) + " must be a timestamp YYYY-MM-DDTHH:MM:SS");
    return std::nullopt;
  }
  return normalized;
}

}  // namespace mphb
