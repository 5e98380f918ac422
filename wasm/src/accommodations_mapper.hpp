// Maps MotoPress accommodation types (/accommodation_types) and accommodations (/accommodations, the
// physical units) to rows of hotels.accommodation_types and hotels.accommodation_units.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "diagnostics.hpp"
#include "json_document.hpp"
#include "tenant_context.hpp"

namespace mphb {

// Rows keyed by MotoPress id (so ordered and deduplicated: a repeated id keeps its last occurrence,
// as page drift can return a record twice, and warns duplicate_id).
using RowsById = std::map<int64_t, json>;

struct MappedRecords {
  RowsById rows;
  std::map<int64_t, std::string> paths;  // where each kept record stands in the input
};

MappedRecords map_accommodation_types(const json& document, const std::string& root, const TenantContext& tenant,
                                      Diagnostics& diagnostics);

MappedRecords map_accommodation_units(const json& document, const std::string& root, const TenantContext& tenant,
                                      Diagnostics& diagnostics);

// A flagged stand-in for a type or unit that records name but MotoPress no longer has (SPEC §3).
json placeholder_type_row(const TenantContext& tenant, int64_t mphb_type_id);
json placeholder_unit_row(const TenantContext& tenant, int64_t mphb_accommodation_id, int64_t mphb_type_id);

}  // namespace mphb
