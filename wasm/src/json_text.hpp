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

// Appends code point `cp` (≤ U+10FFFF, not a lone surrogate) as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

// Rewrites valid UTF-8 JSON text so that it is pure ASCII, exactly as nlohmann's dump with ensure_ascii
// does: every code point from U+007F up as \uxxxx (lower-case hex; a surrogate pair above U+FFFF). Plans
// cross to JavaScript and PostgreSQL as text, and one-byte text decodes several times faster there than
// UTF-8 with a few accented names in it. Text already ASCII is only scanned. Content hashes never see it.
void escape_non_ascii(std::string& text);

// Text the core chooses itself (a key with its quotes and colon, often with the comma before it), in
// one append of a length known at compile time: every append is a memcpy call in WebAssembly.
template <size_t N>
inline void append_literal(std::string& out, const char (&text)[N]) {
  out.append(text, N - 1);
}

}  // namespace mphb
