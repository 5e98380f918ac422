#include "stored_state.hpp"

#include "field_reader.hpp"
#include "json_path_sax.hpp"

namespace mphb {

StoredRows read_stored_rows(const json& object, const std::string& path, Diagnostics& diagnostics) {
  StoredRows rows;
  if (object.is_null()) return rows;
  if (!object.is_object()) {
    diagnostics.error("wrong_type", path, "stored state must be an object keyed by MotoPress id");
    return rows;
  }
  for (const auto& [key, value] : object.items()) {
    const std::string item_path = path + "." + key;
    int64_t id = 0;
    bool digits = !key.empty() && key.size() <= 16;
    for (char c : key) digits = digits && c >= '0' && c <= '9';
    if (digits) id = std::stoll(key);
    if (!digits || id <= 0 || !value.is_object()) {
      diagnostics.error("invalid_state", item_path, "stored state entries must be {\"<positive id>\": {…}}");
      continue;
    }
    StoredRow row;
    auto hash = value.find("hash");
    if (hash != value.end() && hash->is_string()) row.hash = hash->get<std::string>();
    auto kind = value.find("kind");
    if (kind != value.end() && kind->is_string()) row.kind = kind->get<std::string>();
    auto active = value.find("is_active");
    if (active != value.end() && active->is_boolean()) row.is_active = active->get<bool>();
    auto placeholder = value.find("is_placeholder");
    if (placeholder != value.end() && placeholder->is_boolean()) row.is_placeholder = placeholder->get<bool>();
    rows[id] = row;
  }
  return rows;
}

namespace {

bool positive_id_key(const std::string& key, int64_t& id) {
  bool digits = !key.empty() && key.size() <= 16;
  for (char c : key) digits = digits && c >= '0' && c <= '9';
  id = digits ? std::stoll(key) : 0;
  return digits && id > 0;
}

// SAX handler for read_stored_rows_text: depth 1 is the object of entries, depth 2 an entry's fields;
// anything deeper, and entries that are not objects, are skipped as read_stored_rows skips them.
class StoredRowsSax {
 public:
  StoredRowsSax(StoredRows& rows, const std::string& path, Diagnostics& diagnostics)
      : rows_(rows), path_(path), diagnostics_(diagnostics) {}

  bool null() { return scalar(Value::kNull); }
  bool boolean(bool v) {
    if (depth_ == 2 && entry_ok_) {
      if (field_ == "is_active") row_.is_active = v;
      if (field_ == "is_placeholder") row_.is_placeholder = v;
    }
    return scalar(Value::kOther);
  }
  bool number_integer(json::number_integer_t) { return scalar(Value::kOther); }
  bool number_unsigned(json::number_unsigned_t) { return scalar(Value::kOther); }
  bool number_float(json::number_float_t, const json::string_t&) { return scalar(Value::kOther); }
  bool string(json::string_t& v) {
    if (depth_ == 2 && entry_ok_) {
      if (field_ == "hash")
        row_.hash = std::move(v);
      else if (field_ == "kind")
        row_.kind = std::move(v);
    }
    return scalar(Value::kOther);
  }
  bool binary(json::binary_t&) { return scalar(Value::kOther); }
  bool start_object(std::size_t) {
    if (depth_ == 0) top_is_object_ = true;
    if (depth_ == 1) begin_entry(true);
    ++depth_;
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 0) wrong_type();
    if (depth_ == 1) begin_entry(false);
    ++depth_;
    return true;
  }
  bool key(json::string_t& k) {
    if (depth_ == 1) key_ = k;
    if (depth_ == 2) field_ = k;
    return true;
  }
  bool end_object() { return end(); }
  bool end_array() { return end(); }

 private:
  enum class Value { kNull, kOther };

  bool scalar(Value value) {
    if (depth_ == 0 && value != Value::kNull) wrong_type();
    if (depth_ == 1) begin_entry(false);
    return true;
  }
  bool end() {
    --depth_;
    if (depth_ == 1 && entry_ok_) rows_[entry_id_] = std::move(row_);
    if (depth_ == 1) entry_ok_ = false;
    return true;
  }
  void begin_entry(bool is_object) {
    if (!top_is_object_) return;  // reported once as wrong_type
    int64_t id = 0;
    entry_ok_ = is_object && positive_id_key(key_, id);
    if (!entry_ok_) {
      diagnostics_.error("invalid_state", path_ + "." + key_, "stored state entries must be {\"<positive id>\": {…}}");
      return;
    }
    entry_id_ = id;
    row_ = StoredRow();
  }
  void wrong_type() {
    if (!reported_type_) diagnostics_.error("wrong_type", path_, "stored state must be an object keyed by MotoPress id");
    reported_type_ = true;
  }

  StoredRows& rows_;
  const std::string& path_;
  Diagnostics& diagnostics_;
  size_t depth_ = 0;
  bool top_is_object_ = false;
  bool reported_type_ = false;
  bool entry_ok_ = false;
  int64_t entry_id_ = 0;
  std::string key_, field_;
  StoredRow row_;
};

}  // namespace

StoredRows read_stored_rows_text(std::string_view text, const std::string& path, Diagnostics& diagnostics) {
  StoredRows rows;
  StoredRowsSax sax(rows, path, diagnostics);
  if (!sax_parse_tracked(text, path, sax, diagnostics)) return StoredRows();
  return rows;
}

}  // namespace mphb
