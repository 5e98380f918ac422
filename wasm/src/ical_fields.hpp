// What the iCal fields of an imported MotoPress booking say: the channel, the channel's reservation
// code and the guest's phone last-4. Real sites send these strings wrapped in literal double quotes
// with escaped inner quotes and iCal escapes (\n, \, \;), see FIELD-NOTES.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mphb {

// Removes one pair of surrounding double quotes (if both present) and undoes iCal / JSON-in-string
// escaping: \" → ", \n or \N → newline, \, → ",", \; → ";", \\ → \. Trims white space.
std::string unquote_ical_text(std::string_view raw);

struct IcalDescription {
  std::optional<std::string> reservation_code;  // from "Reservation URL: …/CODE" or "Reservation code: CODE"
  std::optional<std::string> phone_last_4;      // from "Phone Number (Last 4 Digits): 4417" or a phone line
  std::optional<std::string> reservation_url;
};

// Parses an (already unquoted) iCal description, one "Label: value" per line.
IcalDescription parse_ical_description(std::string_view description);

// Channel from PRODID ("-//Airbnb Inc//Hosting Calendar 1.0//EN" → "airbnb"); well-known channels get
// stable short names, others the lower-cased organisation part. Empty when nothing can be told.
std::optional<std::string> channel_from_prodid(std::string_view prodid);

// The last four digits of a free-text phone number ("+57 311 555 0142" → "0142"); nullopt with < 4 digits.
std::optional<std::string> phone_last_4_digits(std::string_view phone);

// True when an iCal summary says the dates are merely unavailable ("Airbnb (Not available)", "Blocked").
bool summary_says_unavailable(std::string_view summary);

// True when an iCal summary says a guest reserved ("Reserved", "Booked").
bool summary_says_reserved(std::string_view summary);

}  // namespace mphb
