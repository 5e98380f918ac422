#include "offline_plan.hpp"

#include <set>

#include "accommodations_mapper.hpp"
#include "bookings_mapper.hpp"
#include "diagnostics.hpp"
#include "field_reader.hpp"
#include "json_document.hpp"
#include "uuid.hpp"

namespace mphb {
namespace {

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

std::optional<json> parse_optional(const std::optional<std::string_view>& bytes, const char* root, Diagnostics& diagnostics) {
  if (!bytes) return std::nullopt;
  return parse_json_document(*bytes, root, diagnostics);
}

json empty_plan() {
  return {{"accommodation_types", json::array()}, {"accommodation_units", json::array()}, {"reservations", json::array()},
          {"reservation_accommodations", json::array()}, {"calendar_blocks", json::array()}};
}

// Same external stay imported twice (two MotoPress ids, one channel code): kept, but worth a look.
void warn_duplicate_channel_codes(const MappedBookings& bookings, Diagnostics& diagnostics) {
  std::map<std::string, int64_t> first_by_code;
  for (const auto& [id, row] : bookings.reservations) {
    if (!row["reservation_code"].is_string() || !row["channel"].is_string()) continue;
    const std::string key = row["channel"].get<std::string>() + "|" + row["reservation_code"].get<std::string>();
    auto [it, inserted] = first_by_code.emplace(key, id);
    if (!inserted) {
      diagnostics.warn("duplicate_channel_reservation", bookings.paths.at(id) + ".ical_description",
                       "booking " + std::to_string(id) + " has the same " + row["channel"].get<std::string>() +
                           " reservation code " + row["reservation_code"].get<std::string>() + " as booking " +
                           std::to_string(it->second));
    }
  }
}

}  // namespace

std::string build_offline_plan_json(const OfflinePlanInput& input) {
  Diagnostics diagnostics;
  const auto tenant_id = normalize_uuid(input.tenant_id);
  const auto now = normalize_utc_timestamp(input.now);
  if (!tenant_id) diagnostics.error("invalid_tenant_id", "tenant_id", "tenant_id must be a UUID like 00000000-0000-0000-0000-000000000000");
  if (!now) diagnostics.error("invalid_now", "now", "now must be an ISO-8601 timestamp like 2026-11-28T10:00:00Z");
  if (!tenant_id || !now) {
    json plan = empty_plan();
    plan["warnings"] = json::array();
    plan["errors"] = diagnostics_json(diagnostics.errors(), tenant_id.value_or(""));
    return plan.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  const TenantContext tenant{*tenant_id, *now};

  const auto types_doc = parse_optional(input.accommodation_types, "accommodation_types", diagnostics);
  const auto units_doc = parse_optional(input.accommodations, "accommodations", diagnostics);
  const auto bookings_doc = parse_optional(input.bookings, "bookings", diagnostics);

  MappedRecords mapped_types =
      types_doc ? map_accommodation_types(*types_doc, "accommodation_types", tenant, diagnostics) : MappedRecords{};
  MappedRecords mapped_units =
      units_doc ? map_accommodation_units(*units_doc, "accommodations", tenant, diagnostics) : MappedRecords{};
  RowsById& types = mapped_types.rows;
  RowsById& units = mapped_units.rows;

  UnitTypeIndex unit_types;
  for (const auto& [id, row] : units) unit_types[id] = row["mphb_type_id"].get<int64_t>();

  MappedBookings bookings;
  if (bookings_doc) bookings = map_bookings(*bookings_doc, "bookings", tenant, unit_types, diagnostics);

  std::map<int64_t, std::string> placeholder_paths;  // unit id → where a booking first names it
  // A unit a booking names but the export lacks: a flagged placeholder, created before the reservation
  // that needs it, so no reservation is ever written without its room (SPEC §3, I1).
  for (const auto& ref : bookings.unknown_units) {
    if (units.count(ref.mphb_accommodation_id)) continue;
    if (ref.mphb_type_id == 0) {
      diagnostics.error("unknown_accommodation_type", ref.path,
                        "accommodation " + std::to_string(ref.mphb_accommodation_id) +
                            " is unknown and the booking names no accommodation_type for a placeholder");
      continue;
    }
    units[ref.mphb_accommodation_id] = placeholder_unit_row(tenant, ref.mphb_accommodation_id, ref.mphb_type_id);
    placeholder_paths[ref.mphb_accommodation_id] = ref.path;
    diagnostics.warn("placeholder_unit", ref.path,
                     "accommodation " + std::to_string(ref.mphb_accommodation_id) +
                         " is not among the accommodations; a placeholder unit of type " +
                         std::to_string(ref.mphb_type_id) + " is planned");
  }
  // Every unit's type must exist for the foreign key: placeholders for types the export lacks.
  for (const auto& [unit_id, row] : units) {
    const int64_t type_id = row["mphb_type_id"].get<int64_t>();
    if (types.count(type_id)) continue;
    types[type_id] = placeholder_type_row(tenant, type_id);
    auto source = mapped_units.paths.find(unit_id);
    const std::string path = source != mapped_units.paths.end() ? source->second + ".accommodation_type_id"
                                                                : placeholder_paths[unit_id];
    diagnostics.warn("placeholder_type", path,
                     "accommodation type " + std::to_string(type_id) + " is not among the accommodation types; a placeholder type is planned");
  }
  // A booking that names an unknown unit with no type cannot be written with its room: reject it whole.
  std::set<int64_t> unresolvable;
  for (const auto& ref : bookings.unknown_units) {
    if (!units.count(ref.mphb_accommodation_id)) unresolvable.insert(ref.mphb_accommodation_id);
  }
  if (!unresolvable.empty()) {
    for (auto it = bookings.reservation_accommodations.begin(); it != bookings.reservation_accommodations.end();) {
      bool bad = false;
      for (const auto& row : it->second) bad = bad || unresolvable.count(row["mphb_accommodation_id"].get<int64_t>());
      if (bad) {
        bookings.reservations.erase(it->first);
        it = bookings.reservation_accommodations.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = bookings.calendar_blocks.begin(); it != bookings.calendar_blocks.end();) {
      bool bad = false;
      for (const auto& row : it->second) bad = bad || unresolvable.count(row["mphb_accommodation_id"].get<int64_t>());
      it = bad ? bookings.calendar_blocks.erase(it) : std::next(it);
    }
  }
  warn_duplicate_channel_codes(bookings, diagnostics);

  json plan = empty_plan();
  plan["accommodation_types"] = rows_json(types);
  plan["accommodation_units"] = rows_json(units);
  plan["reservations"] = rows_json(bookings.reservations);
  plan["reservation_accommodations"] = nested_rows_json(bookings.reservation_accommodations);
  plan["calendar_blocks"] = nested_rows_json(bookings.calendar_blocks);
  plan["warnings"] = diagnostics_json(diagnostics.warnings(), tenant.tenant_id);
  plan["errors"] = diagnostics_json(diagnostics.errors(), tenant.tenant_id);
  // Every string is valid UTF-8 by construction; replace rather than abort if that ever breaks.
  return plan.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace mphb
