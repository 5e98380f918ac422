// A guest's question answered from their stay, without a language model: the intent (question_intent.hpp)
// picks the facts, and a fixed sentence in the question's language states them. Facts that are null are
// never guessed: the answer says they are not available, or there is no answer at all. Every result also
// carries a plain-text summary of the stay ("context") that grounds the platform's chat model when there
// is no deterministic answer.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace mphb {

constexpr size_t kMaxQuestionBytes = 1000;

// stay_json: the stay object the core builds (tenant, booking, dates, rooms[]); question: UTF-8 text.
// Returns compact JSON, for any bytes:
//   {"answered": bool, "intent": string|null, "language": "es"|"en", "answer": string|null,
//    "facts": object, "context": string, "errors": [{"code", "path", "message"}]}
// Error codes: invalid_stay (path "stay" or "stay.rooms"), question_too_long, invalid_utf8, empty_question
// (path "question"). With any error there is no intent, no answer and facts {}; "language" is still the
// question's when the question itself is usable (the platform replies in it), else "es"; "context" is ""
// only when the stay is unusable.
std::string answer_question_json(std::string_view stay_json, std::string_view question);

}  // namespace mphb
