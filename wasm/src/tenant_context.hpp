// What every mapping needs besides the data: whose rows these are, and what time it is. The core never
// reads a clock; "now" is an input.
#pragma once
#include <optional>
#include <string>

#include "diagnostics.hpp"
#include "json_document.hpp"

namespace mphb {

struct TenantContext {
  std::string tenant_id;  // canonical lower-case UUID (namespace of every row id)
  std::string now;        // normalised UTC timestamp "YYYY-MM-DDTHH:MM:SSZ"
};

// Validates the tenant UUID and "now" every planner takes; errors invalid_tenant_id / invalid_now at
// the paths "tenant_id" / "now".
std::optional<TenantContext> read_tenant_context(const std::string& tenant_id, const std::string& now, Diagnostics& diagnostics);

// "" becomes JSON null: empty customer fields are stored as NULL, never as placeholders (SPEC §4).
inline json nullable(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace mphb
