#include "question_text.hpp"

#include <cstdint>

namespace mphb {
namespace {

constexpr uint32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point at i and moves past it. A malformed sequence yields kInvalid and moves one byte,
// so decoding always progresses and resynchronises on the next lead byte.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  size_t length;
  uint32_t cp, minimum;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2, cp = c & 0x1F, minimum = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3, cp = c & 0x0F, minimum = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4, cp = c & 0x07, minimum = 0x10000;
  } else {
    ++i;
    return kInvalid;
  }
  if (s.size() - i < length) {
    ++i;
    return kInvalid;
  }
  for (size_t k = 1; k < length; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += length;
  return cp;
}

// U+00C0..U+00FF folded to ASCII; "" marks × and ÷, which separate words.
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // À..Ï
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // Ð..ß
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // à..ï
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // ð..ÿ
};

// Punctuation, symbols, invisible formatting and emoji: none of them is part of a word.
bool is_separator(uint32_t cp) {
  if (cp < 0x80) return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'));
  if (cp <= 0xBF) return !(cp == 0xAA || cp == 0xBA || cp == 0xB2 || cp == 0xB3 || cp == 0xB9);
  return (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0xFF01 && cp <= 0xFF0F) || cp == 0xFEFF || cp == 0xFFFD || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

// Spanish-only accented letters and the inverted marks, as they are typed before folding.
bool is_spanish_mark(uint32_t cp) {
  switch (cp) {
    case 0xBF:
    case 0xA1:  // ¿ ¡
    case 0xE1:
    case 0xE9:
    case 0xED:
    case 0xF3:
    case 0xFA:  // á é í ó ú
    case 0xF1:
    case 0xFC:
    case 0xC1:
    case 0xC9:
    case 0xCD:  // ñ ü Á É Í
    case 0xD3:
    case 0xDA:
    case 0xD1:
    case 0xDC:  // Ó Ú Ñ Ü
      return true;
    default: return false;
  }
}

// Short, frequent words of each language that the other does not use; ambiguous ones ("a", "me", "no",
// "hotel", "check") are left out on purpose.
constexpr std::string_view kSpanishWords[] = {
    "que",      "cual",       "cuales",       "cuanto",     "cuanta",     "cuantos",   "cuantas", "donde",   "cuando",
    "como",     "mi",         "mis",          "tu",         "tengo",      "tiene",     "tienen",  "tenemos", "es",
    "son",      "esta",       "estoy",        "estamos",    "de",         "del",       "la",      "las",     "el",
    "los",      "un",         "una",          "y",          "en",         "para",      "por",     "con",     "hay",
    "hora",     "habitacion", "habitaciones", "cuarto",     "cuartos",    "cama",      "camas",   "noche",   "noches",
    "reserva",  "reservas",   "reservacion",  "reservadas", "reservados", "tipo",      "vista",   "tamano",  "capacidad",
    "caben",    "personas",   "huespedes",    "ninos",      "adultos",    "fechas",    "fecha",   "estado",  "entrada",
    "salida",   "llegada",    "llego",        "salgo",      "somos",      "hola",      "gracias", "favor",   "dias",
    "alojo",    "quedo",      "mide",         "metros",     "grande",     "grandes",   "cada",    "puedo",   "nuestra",
    "nuestras", "dices",      "dime",         "estancia",   "confirmada", "cuadrados", "mia",
};
constexpr std::string_view kEnglishWords[] = {
    "what",   "whats",    "which",     "how",     "many",  "much",        "my",     "is",        "are",   "am",     "the",
    "do",     "does",     "did",       "i",       "we",    "our",         "in",     "of",        "for",   "to",     "have",
    "has",    "can",      "when",      "where",   "room",  "rooms",       "bed",    "beds",      "night", "nights", "type",
    "kind",   "time",     "booking",   "booked",  "book",  "reservation", "view",   "size",      "big",   "people", "guests",
    "adults", "children", "stay",      "staying", "dates", "date",        "status", "confirmed", "fit",   "please", "hello",
    "hi",     "there",    "it",        "this",    "and",   "or",          "number", "long",      "leave", "arrive", "mine",
    "each",   "maximum",  "occupancy", "thanks",  "you",   "with",
};

template <size_t N>
bool listed(const std::string_view (&words)[N], std::string_view word) {
  for (const auto& w : words) {
    if (w == word) return true;
  }
  return false;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (next_code_point(bytes, i) == kInvalid) return false;
  }
  return true;
}

std::string normalize_question(std::string_view question) {
  std::string out;
  out.reserve(question.size());
  auto separate = [&out] {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
  };
  size_t i = 0;
  while (i < question.size()) {
    const size_t start = i;
    const uint32_t cp = next_code_point(question, i);
    if (cp == kInvalid || is_separator(cp) || (cp >= 0x80 && cp <= 0x9F)) {
      separate();
    } else if (cp < 0x80) {
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
    } else if (cp <= 0xBF) {  // the few Latin-1 marks kept by is_separator: ª º ¹ ² ³
      out.push_back(cp == 0xAA ? 'a' : cp == 0xBA ? 'o' : cp == 0xB9 ? '1' : cp == 0xB2 ? '2' : '3');
    } else if (cp <= 0xFF) {
      const char* folded = kLatin1Fold[cp - 0xC0];
      if (*folded == '\0') {
        separate();
      } else {
        out += folded;
      }
    } else {
      out.append(question.substr(start, i - start));
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> question_tokens(std::string_view normalized) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < normalized.size()) {
    while (i < normalized.size() && normalized[i] == ' ') ++i;
    const size_t start = i;
    while (i < normalized.size() && normalized[i] != ' ') ++i;
    if (i > start) tokens.emplace_back(normalized.substr(start, i - start));
  }
  return tokens;
}

std::string detect_language(std::string_view question) {
  int spanish = 0, english = 0;
  size_t i = 0;
  while (i < question.size()) {
    if (is_spanish_mark(next_code_point(question, i))) ++spanish;
  }
  for (const auto& token : question_tokens(normalize_question(question))) {
    if (listed(kSpanishWords, token)) ++spanish;
    if (listed(kEnglishWords, token)) ++english;
  }
  return english > spanish ? "en" : "es";
}

}  // namespace mphb
