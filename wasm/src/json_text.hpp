// Appends JSON text byte-identical to nlohmann's compact dump (dump(-1, ' ', false, replace)), for
// plans written straight into one buffer and for content hashes streamed into SHA-1: no DOM, no copies.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mphb {

// "…" with nlohmann's escapes (\" \\ \b \f \n \r \t, other controls as \u00xx); invalid UTF-8 is
// replaced with U+FFFD exactly as nlohmann's replace handler does.
void append_json_string(std::string& out, std::string_view text);
void append_json_int(std::string& out, int64_t value);
// "" → null (empty customer fields are stored as NULL, SPEC §4).
void append_json_nullable(std::string& out, std::string_view text);
void append_json_optional(std::string& out, const std::optional<std::string>& text);
// 0 → null (ids where 0 means none).
void append_json_id_or_null(std::string& out, int64_t id);

// `"key":` (keys are ASCII identifiers chosen by the core).
inline void append_json_key(std::string& out, std::string_view key) {
  out += '"';
  out.append(key.data(), key.size());
  out += "\":";
}

}  // namespace mphb
