// What every mapping needs besides the data: whose rows these are, and what time it is. The core never
// reads a clock; "now" is an input.
#pragma once
#include <string>

#include "json_document.hpp"

namespace mphb {

struct TenantContext {
  std::string tenant_id;  // canonical lower-case UUID (namespace of every row id)
  std::string now;        // normalised UTC timestamp "YYYY-MM-DDTHH:MM:SSZ"
};

// "" becomes JSON null: empty customer fields are stored as NULL, never as placeholders (SPEC §4).
inline json nullable(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace mphb
