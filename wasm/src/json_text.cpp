#include "json_text.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

namespace mphb {
namespace {

// RFC 3629 well-formedness, as nlohmann's serializer decodes (no overlongs, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > n) return false;
    const auto c1 = static_cast<uint8_t>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      const auto ck = static_cast<uint8_t>(s[i + k]);
      if (ck < 0x80 || ck > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

// Index of the first byte ≥ 0x7F at or after `from`, or text.size(). Eight bytes at a time: a byte ≥ 0x7F
// has its high bit set either as it is or once 1 is added (a carry out of a byte only follows a byte that
// was already ≥ 0x80, so the first flagged byte is always a true one).
size_t find_non_ascii(std::string_view text, size_t from) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = from;
  const size_t n = text.size();
  while (n - i >= 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if ((w | (w + kOnes)) & kHigh) break;
    i += 8;
  }
  while (i < n && static_cast<uint8_t>(text[i]) < 0x7F) ++i;
  return i;
}

void append_u_escape(std::string& out, uint32_t unit) {
  static const char* kHex = "0123456789abcdef";
  const char escaped[6] = {
      '\\', 'u', kHex[(unit >> 12) & 0xF], kHex[(unit >> 8) & 0xF], kHex[(unit >> 4) & 0xF], kHex[unit & 0xF]};
  out.append(escaped, 6);
}

}  // namespace

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void escape_non_ascii(std::string& text) {
  size_t i = find_non_ascii(text, 0);
  const size_t n = text.size();
  if (i == n) return;
  std::string out;
  out.reserve(n + (n - i) / 4 + 16);
  out.append(text, 0, i);
  while (i < n) {
    const auto c = static_cast<uint8_t>(text[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c, len = 1;
    } else if (c < 0xE0) {
      cp = c & 0x1F, len = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0F, len = 3;
    } else {
      cp = c & 0x07, len = 4;
    }
    if (i + len > n) len = n - i;  // not reached for valid UTF-8; never read past the end
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<uint8_t>(text[i + k]) & 0x3F);
    if (cp <= 0xFFFF) {
      append_u_escape(out, cp);
    } else {
      cp -= 0x10000;
      append_u_escape(out, 0xD800 + (cp >> 10));
      append_u_escape(out, 0xDC00 + (cp & 0x3FF));
    }
    i += len;
    const size_t next = find_non_ascii(text, i);
    out.append(text, i, next - i);
    i = next;
  }
  text.swap(out);
}

void append_json_string(std::string& out, std::string_view text) {
  bool plain = true;
  bool ascii = true;
  for (char ch : text) {
    const auto c = static_cast<uint8_t>(ch);
    if (c < 0x20 || c == '"' || c == '\\') plain = false;
    if (c >= 0x80) ascii = false;
  }
  if (!ascii && !is_valid_utf8(text)) {
    // Never the case for text read from parsed JSON; nlohmann's own replacement rules, to stay identical.
    out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  if (plain) {
    out.append(text.data(), text.size());
  } else {
    static const char* kHex = "0123456789abcdef";
    for (char ch : text) {
      const auto c = static_cast<uint8_t>(ch);
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
          } else {
            out += ch;
          }
      }
    }
  }
  out += '"';
}

void append_json_int(std::string& out, int64_t value) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  uint64_t u = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (value < 0) *--p = '-';
  out.append(p, static_cast<size_t>(end - p));
}

void append_json_nullable(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json_string(out, text);
  }
}

void append_json_optional(std::string& out, const std::optional<std::string>& text) {
  if (text) {
    append_json_string(out, *text);
  } else {
    out += "null";
  }
}

void append_json_id_or_null(std::string& out, int64_t id) {
  if (id == 0) {
    out += "null";
  } else {
    append_json_int(out, id);
  }
}

}  // namespace mphb
