#include "stored_state.hpp"

#include "field_reader.hpp"

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

}  // namespace mphb
