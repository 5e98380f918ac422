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

// The same from JSON text, without building a document: a tenant's stored bookings (100,000 and more)
// would otherwise take a DOM several times their size, and wasm memory never shrinks. Malformed JSON is
// reported like parse_json_document reports it (invalid_json, invalid_utf8, too_deep at `path`…).
StoredRows read_stored_rows_text(std::string_view text, const std::string& path, Diagnostics& diagnostics);

}  // namespace mphb
