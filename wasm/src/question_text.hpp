// A guest's question as words: the chat sends free text in Spanish or English, typed on phones (no
// accents, capitals, "¿¿??"). Matching works on a folded form so "¿Qué HABITACIÓN?" and "que habitacion"
// are the same question. Any bytes are accepted: invalid UTF-8 and control bytes become separators.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mphb {

// True when bytes are well-formed UTF-8 (no overlongs, surrogates or code points beyond U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// Lower case, Latin accents folded (á → a, Ñ → n, ü → u, ß → ss), "²" → "2", punctuation and symbols
// (ASCII, ¿ ¡ « », curly quotes, dashes) to spaces, white space collapsed, no leading or trailing space.
// Letters of other scripts are kept as they are, so a name like "海景" stays one word.
std::string normalize_question(std::string_view question);

// The words of a normalised question (split on spaces).
std::vector<std::string> question_tokens(std::string_view normalized);

// "es" or "en": Spanish marker words, "¿", "¡" and accented letters against English marker words.
// Ties (including no markers at all) → "es", the hotels' first language.
std::string detect_language(std::string_view question);

}  // namespace mphb
