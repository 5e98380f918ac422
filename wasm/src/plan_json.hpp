// How plans are written out: rows as JSON arrays in a stable order, diagnostics with the tenant.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "accommodations_mapper.hpp"
#include "diagnostics.hpp"
#include "json_document.hpp"

namespace mphb {

json diagnostics_json(const std::vector<Diagnostic>& list, const std::string& tenant_id);
json rows_json(const RowsById& rows);
json nested_rows_json(const std::map<int64_t, std::vector<json>>& rows);
// Every string is valid UTF-8 by construction; replace rather than abort if that ever breaks.
std::string dump_plan(const json& plan);

}  // namespace mphb
