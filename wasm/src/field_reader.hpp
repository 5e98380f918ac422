// Typed, path-aware reads of MotoPress JSON fields. Each reader either returns a value or records an
// error (missing_field, wrong_type, out_of_range, invalid_format) at "<object path>.<key>" and returns
// nullopt. Callers compare Diagnostics::error_count() before and after to reject a whole record.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "diagnostics.hpp"
#include "field_slots.hpp"
#include "json_document.hpp"

namespace mphb {

enum class Presence { kRequired, kOptional };

// What a FieldReader reads: a JSON object (a parsed document), or fields the streaming /bookings reader
// kept in slots. A branch, not a virtual call: the reader looks up some twenty fields per booking.
class FieldSource {
 public:
  FieldSource(const json& object) : object_(&object) {}     // NOLINT: implicit, most callers read a document
  FieldSource(const FieldSlots& slots) : slots_(&slots) {}  // NOLINT
  // The field, or nullptr when absent or JSON null (or when the JSON value is not an object).
  const json* find(const char* key) const;

 private:
  const json* object_ = nullptr;
  const FieldSlots* slots_ = nullptr;
};

class FieldReader {
 public:
  FieldReader(FieldSource source, std::string path, Diagnostics& diagnostics)
      : source_(source), path_(std::move(path)), diagnostics_(diagnostics) {}

  const std::string& path() const { return path_; }
  std::string path_of(const char* key) const { return path_ + "." + key; }
  // The field, or nullptr when absent or JSON null.
  const json* find(const char* key) const { return source_.find(key); }

  // WordPress ids: positive integers up to 2^53-1, as JSON integers or numeric strings ("42").
  std::optional<int64_t> id(const char* key, Presence presence);
  // Ids where 0 means "none" (rate on imported bookings): returns 0 for 0, absent or null.
  std::optional<int64_t> id_or_zero(const char* key);
  // Head counts: integers 0..10000, numeric strings accepted; absent → fallback.
  std::optional<int64_t> count(const char* key, int64_t fallback);
  // Text: a JSON string; absent or null → "" (callers store "" as NULL).
  std::optional<std::string> text(const char* key);
  // Titles: a string or WordPress's {"rendered": "..."} object; HTML entities decoded; trimmed.
  std::optional<std::string> title(const char* key);
  std::optional<bool> boolean(const char* key, bool fallback);
  // Money and sizes: a JSON number (or plain numeric string) as an exact decimal string ("901.5", "240").
  std::optional<std::string> decimal(const char* key, Presence presence);
  // Property-local calendar date "YYYY-MM-DD" (validated, including the day of the month).
  std::optional<std::string> date(const char* key, Presence presence);
  // "HH:MM:SS" (or "HH:MM", completed with ":00"); absent or "" → "".
  std::optional<std::string> time_of_day(const char* key);
  // A UTC timestamp without offset (as MotoPress sends it), with "Z", or with an offset; returned as
  // "YYYY-MM-DDTHH:MM:SSZ". Absent or "" → "".
  std::optional<std::string> utc_timestamp(const char* key);

 private:
  void wrong_type(const char* key, const char* expected, const json& value);

  FieldSource source_;
  std::string path_;
  Diagnostics& diagnostics_;
};

// Shared by the reader and by inputs that are not JSON fields ("now").
bool is_valid_date(const std::string& ymd);
std::optional<std::string> normalize_utc_timestamp(const std::string& text);
const char* json_type_name(const json& value);

}  // namespace mphb
