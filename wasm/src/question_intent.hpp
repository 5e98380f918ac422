// What a guest's question asks about their stay, from its normalised words (question_text.hpp). Only the
// questions a stay can answer exactly get an intent; anything else (wifi, breakfast, prices, requests)
// gets none and is left to the platform's chat model, which is grounded with the stay's context instead.
// A wrong answer stated as a fact is worse than no answer, so matching is deliberately conservative.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace mphb {

// The names (intent_name) are a contract: platforms script against them.
enum class Intent {
  kBedType,    // "bed_type"
  kView,       // "view"
  kSize,       // "size"
  kCapacity,   // "capacity"
  kNights,     // "nights"
  kRoomCount,  // "room_count"
  kGuests,     // "guests"
  kCheckIn,    // "check_in"
  kCheckOut,   // "check_out"
  kStayDates,  // "stay_dates"
  kStatus,     // "status"
  kRoomType,   // "room_type"
  kRoomUnit,   // "room_unit"
};

const char* intent_name(Intent intent);

// Rules in priority order, first match wins; a word of another topic vetoes every rule.
std::optional<Intent> classify_question(const std::vector<std::string>& tokens);

// classify_question by name.
std::optional<std::string> detect_intent(const std::vector<std::string>& tokens);

}  // namespace mphb
