// UTC times as the host hands them over: ISO-8601 "YYYY-MM-DDTHH:MM:SS[.fff…]Z" (JS toISOString) or
// WordPress's GMT "YYYY-MM-DD HH:MM:SS". Pure arithmetic; never reads a clock.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mphb {

// Milliseconds since 1970-01-01 UTC, else nullopt (any other form, offsets included: only UTC is meant).
std::optional<int64_t> parse_utc_ms(const std::string& text);
// "YYYY-MM-DD HH:MM:SS" (WordPress GMT), seconds precision.
std::string format_gmt_seconds(int64_t seconds);
// "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso_ms(int64_t ms);

}  // namespace mphb
