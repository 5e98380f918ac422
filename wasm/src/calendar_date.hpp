// Property-local calendar dates ("YYYY-MM-DD", no time zone) as day numbers, for nights, weekdays and
// the guest-access window. Pure arithmetic (proleptic Gregorian calendar); never reads a clock.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mphb {

struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
};

// "YYYY-MM-DD" (a real calendar day), else nullopt.
std::optional<CivilDate> parse_civil_date(const std::string& ymd);
// Days since 1970-01-01 (negative before).
int64_t days_from_civil(const CivilDate& date);
CivilDate civil_from_days(int64_t days);
// 0 = Sunday … 6 = Saturday.
int weekday_of(const CivilDate& date);
std::string format_civil_date(const CivilDate& date);  // "YYYY-MM-DD"

}  // namespace mphb
