#include "html_entities.hpp"

#include <cstdint>

#include "json_text.hpp"

namespace mphb {
namespace {

struct NamedEntity {
  const char* name;
  uint32_t code_point;
};

// The entities WordPress's own formatting functions produce, plus the basic XML ones.
constexpr NamedEntity kNamed[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},     {"apos", '\''},    {"nbsp", 0xA0},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},  {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"hellip", 0x2026}, {"laquo", 0xAB},   {"raquo", 0xBB},   {"copy", 0xA9},
    {"reg", 0xAE},     {"trade", 0x2122}, {"euro", 0x20AC},   {"pound", 0xA3},   {"yen", 0xA5},     {"deg", 0xB0},
    {"times", 0xD7},   {"middot", 0xB7},  {"bull", 0x2022},   {"eacute", 0xE9},  {"egrave", 0xE8},  {"aacute", 0xE1},
    {"iacute", 0xED},  {"oacute", 0xF3},  {"uacute", 0xFA},   {"ntilde", 0xF1},  {"uuml", 0xFC},    {"ouml", 0xF6},
    {"auml", 0xE4},    {"ccedil", 0xE7},  {"szlig", 0xDF},
};

// NUL, surrogates and code points past U+10FFFF become U+FFFD, as browsers decode them.
void append_code_point(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  append_utf8(out, cp);
}

// Parses the entity body between '&' and ';' (exclusive). Returns false when it is not an entity we know.
bool entity_code_point(std::string_view body, uint32_t& cp) {
  if (body.empty() || body.size() > 10) return false;
  if (body[0] == '#') {
    const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    const size_t start = hex ? 2 : 1;
    if (start >= body.size()) return false;
    uint32_t value = 0;
    for (size_t i = start; i < body.size(); ++i) {
      const char c = body[i];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return false;
      }
      value = value * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      if (value > 0x10FFFF) value = 0x110000;  // clamp: replaced by U+FFFD
    }
    cp = value;
    return true;
  }
  for (const auto& e : kNamed) {
    if (body == e.name) {
      cp = e.code_point;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string decode_html_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '&') {
      const size_t semi = text.find(';', i + 1);
      uint32_t cp = 0;
      if (semi != std::string_view::npos && semi - i <= 11 && entity_code_point(text.substr(i + 1, semi - i - 1), cp)) {
        append_code_point(out, cp);
        i = semi + 1;
        continue;
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  size_t b = 0, e = text.size();
  while (b < e && is_space(text[b])) ++b;
  while (e > b && is_space(text[e - 1])) --e;
  return text.substr(b, e - b);
}

}  // namespace mphb
