#include "plan_json.hpp"

#include "tenant_context.hpp"

namespace mphb {

json diagnostics_json(const std::vector<Diagnostic>& list, const std::string& tenant_id) {
  json out = json::array();
  for (const auto& d : list) {
    out.push_back({{"code", d.code}, {"path", d.path}, {"message", d.message}, {"tenant_id", nullable(tenant_id)}});
  }
  return out;
}

json rows_json(const RowsById& rows) {
  json out = json::array();
  for (const auto& [id, row] : rows) out.push_back(row);
  return out;
}

json nested_rows_json(const std::map<int64_t, std::vector<json>>& rows) {
  json out = json::array();
  for (const auto& [id, list] : rows) {
    for (const auto& row : list) out.push_back(row);
  }
  return out;
}

// ensure_ascii: plans are ASCII text (see escape_non_ascii).
std::string dump_plan(const json& plan) { return plan.dump(-1, ' ', true, json::error_handler_t::replace); }

}  // namespace mphb
