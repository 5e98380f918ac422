#include "utc_time.hpp"

#include <cstdio>

#include "calendar_date.hpp"

namespace mphb {
namespace {

// Splits ms into whole days and the milliseconds of that day (both correct before 1970 too).
void split_day(int64_t ms, int64_t& days, int64_t& ms_of_day) {
  days = ms / 86'400'000;
  ms_of_day = ms % 86'400'000;
  if (ms_of_day < 0) {
    ms_of_day += 86'400'000;
    days -= 1;
  }
}

}  // namespace

std::optional<int64_t> parse_utc_ms(const std::string& text) {
  if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':') return std::nullopt;
  const auto date = parse_civil_date(text.substr(0, 10));
  if (!date) return std::nullopt;
  int fields[3];
  for (int i = 0; i < 3; ++i) {
    const char a = text[11 + i * 3], b = text[12 + i * 3];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    fields[i] = (a - '0') * 10 + (b - '0');
  }
  if (fields[0] > 23 || fields[1] > 59 || fields[2] > 60) return std::nullopt;
  int64_t ms = 0;
  size_t i = 19;
  if (text[10] == 'T') {
    if (i < text.size() && text[i] == '.') {
      int64_t scale = 100;
      for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        ms += (text[i] - '0') * scale;
        scale /= 10;
      }
    }
    if (text.substr(i) != "Z") return std::nullopt;
  } else if (text.size() != 19) {
    return std::nullopt;
  }
  return (days_from_civil(*date) * 86400 + fields[0] * 3600 + fields[1] * 60 + fields[2]) * 1000 + ms;
}

std::string format_gmt_seconds(int64_t seconds) {
  int64_t days = 0, ms_of_day = 0;
  split_day(seconds * 1000, days, ms_of_day);
  const int64_t rem = ms_of_day / 1000;
  char time[16];
  std::snprintf(time, sizeof time, " %02d:%02d:%02d", static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return format_civil_date(civil_from_days(days)) + time;
}

std::string format_iso_ms(int64_t ms) {
  int64_t days = 0, ms_of_day = 0;
  split_day(ms, days, ms_of_day);
  const int64_t rem = ms_of_day / 1000;
  char time[24];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02d.%03dZ", static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60), static_cast<int>(ms_of_day % 1000));
  return format_civil_date(civil_from_days(days)) + time;
}

}  // namespace mphb
