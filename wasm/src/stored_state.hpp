// What the database holds, as the host reports it to the core: per MotoPress id, the stored
// content hash and flags. Read leniently from JSON the host builds; malformed state is an error.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "diagnostics.hpp"
#include "json_document.hpp"

namespace mphb {

struct StoredRow {
  std::string hash;
  std::string kind;  // bookings: "reservation" | "block"; otherwise empty
  bool is_active = true;
  bool is_placeholder = false;
};

using StoredRows = std::map<int64_t, StoredRow>;

// Reads {"<id>": {"hash": "...", "kind": "...", "is_active": bool, "is_placeholder": bool}, …} at `path`.
StoredRows read_stored_rows(const json& object, const std::string& path, Diagnostics& diagnostics);

}  // namespace mphb
