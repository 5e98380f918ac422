#include "accommodations_sync_plan.hpp"

#include "accommodations_mapper.hpp"
#include "content_hash.hpp"
#include "field_reader.hpp"
#include "plan_json.hpp"
#include "stored_state.hpp"
#include "uuid.hpp"

namespace mphb {
namespace {

struct Outcome {
  json upserts = json::array();
  json deactivate = json::array();
  int created = 0, updated = 0, unchanged = 0;
};

// Upsert what is new or changed; mark inactive what the database holds as active but upstream lacks.
Outcome diff(const RowsById& upstream, const StoredRows& stored) {
  Outcome out;
  for (const auto& [id, row] : upstream) {
    json with_hash = row;
    with_hash["content_hash"] = content_hash(row);
    auto it = stored.find(id);
    if (it == stored.end()) {
      ++out.created;
    } else if (it->second.hash == with_hash["content_hash"].get<std::string>() &&
               it->second.is_active == with_hash["is_active"].get<bool>()) {
      ++out.unchanged;
      continue;
    } else {
      ++out.updated;
    }
    out.upserts.push_back(std::move(with_hash));
  }
  for (const auto& [id, row] : stored) {
    if (!upstream.count(id) && row.is_active) out.deactivate.push_back(id);
  }
  return out;
}

}  // namespace

std::string plan_accommodations_sync_json(const AccommodationsSyncInput& input) {
  Diagnostics diagnostics;
  json plan = {{"accommodation_types", json::array()},
               {"accommodation_units", json::array()},
               {"deactivate_types", json::array()},
               {"deactivate_units", json::array()},
               {"counts", json::object()}};
  const auto context = read_tenant_context(input.tenant_id, input.now, diagnostics);
  if (!context) {
    plan["warnings"] = json::array();
    plan["errors"] = diagnostics_json(diagnostics.errors(), normalize_uuid(input.tenant_id).value_or(""));
    return dump_plan(plan);
  }
  const TenantContext& tenant = *context;
  const auto types_doc = parse_json_document(input.accommodation_types, "accommodation_types", diagnostics);
  const auto units_doc = parse_json_document(input.accommodations, "accommodations", diagnostics);
  const auto current_doc = parse_json_document(input.current, "current", diagnostics);
  MappedRecords types =
      types_doc ? map_accommodation_types(*types_doc, "accommodation_types", tenant, diagnostics) : MappedRecords{};
  MappedRecords units = units_doc ? map_accommodation_units(*units_doc, "accommodations", tenant, diagnostics) : MappedRecords{};
  StoredRows stored_types, stored_units;
  if (current_doc && current_doc->is_object()) {
    stored_types =
        read_stored_rows(current_doc->value("accommodation_types", json()), "current.accommodation_types", diagnostics);
    stored_units =
        read_stored_rows(current_doc->value("accommodation_units", json()), "current.accommodation_units", diagnostics);
  } else if (current_doc) {
    diagnostics.error("wrong_type", "current", "current must be an object");
  }
  // A unit whose type is neither upstream nor stored needs a flagged placeholder type for its foreign key.
  for (const auto& [unit_id, row] : units.rows) {
    const int64_t type_id = row["mphb_type_id"].get<int64_t>();
    if (types.rows.count(type_id) || stored_types.count(type_id)) continue;
    types.rows[type_id] = placeholder_type_row(tenant, type_id);
    diagnostics.warn(
        "placeholder_type", units.paths[unit_id] + ".accommodation_type_id",
        "accommodation type " + std::to_string(type_id) + " is not among the accommodation types; a placeholder type is planned");
  }
  // A stored type that upstream lacks but a unit still names stays: deactivating it is still right.
  const Outcome t = diff(types.rows, stored_types);
  const Outcome u = diff(units.rows, stored_units);
  if (diagnostics.error_count() == 0) {
    plan["accommodation_types"] = t.upserts;
    plan["accommodation_units"] = u.upserts;
    plan["deactivate_types"] = t.deactivate;
    plan["deactivate_units"] = u.deactivate;
  }
  if (diagnostics.error_count() > 0) {
    plan["counts"] = json::object();
    plan["warnings"] = diagnostics_json(diagnostics.warnings(), tenant.tenant_id);
    plan["errors"] = diagnostics_json(diagnostics.errors(), tenant.tenant_id);
    return dump_plan(plan);
  }
  plan["counts"] = {{"types_created", t.created},     {"types_updated", t.updated},
                    {"types_unchanged", t.unchanged}, {"types_deactivated", t.deactivate.size()},
                    {"units_created", u.created},     {"units_updated", u.updated},
                    {"units_unchanged", u.unchanged}, {"units_deactivated", u.deactivate.size()}};
  plan["warnings"] = diagnostics_json(diagnostics.warnings(), tenant.tenant_id);
  plan["errors"] = diagnostics_json(diagnostics.errors(), tenant.tenant_id);
  return dump_plan(plan);
}

}  // namespace mphb
