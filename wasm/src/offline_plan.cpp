#include "offline_plan.hpp"

#include <set>

#include "accommodations_mapper.hpp"
#include "bookings_mapper.hpp"
#include "diagnostics.hpp"
#include "field_reader.hpp"
#include "json_document.hpp"
#include "plan_json.hpp"
#include "uuid.hpp"

namespace mphb {
namespace {

std::optional<json> parse_optional(const std::optional<std::string_view>& bytes, const char* root, Diagnostics& diagnostics) {
  if (!bytes) return std::nullopt;
  return parse_json_document(*bytes, root, diagnostics);
}

json empty_plan() {
  return {{"accommodation_types", json::array()},
          {"accommodation_units", json::array()},
          {"reservations", json::array()},
          {"reservation_accommodations", json::array()},
          {"calendar_blocks", json::array()}};
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
  const auto context = read_tenant_context(input.tenant_id, input.now, diagnostics);
  if (!context) {
    json plan = empty_plan();
    plan["warnings"] = json::array();
    plan["errors"] = diagnostics_json(diagnostics.errors(), normalize_uuid(input.tenant_id).value_or(""));
    return dump_plan(plan);
  }
  const TenantContext& tenant = *context;

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

  // Units that kept bookings name but the export lacks, each with the first type any booking names for
  // it (bookings in id order), so the outcome does not depend on the order of the input.
  std::map<int64_t, UnitReference> unknown;
  for (const auto& [booking_id, refs] : bookings.unknown_units) {
    for (const auto& ref : refs) {
      auto [it, inserted] = unknown.emplace(ref.mphb_accommodation_id, ref);
      if (!inserted && it->second.mphb_type_id == 0) it->second.mphb_type_id = ref.mphb_type_id;
    }
  }
  // A flagged placeholder for each, planned before the reservations that need it, so no reservation
  // is ever written without its room (SPEC §3, I1). Without any type it cannot be placed: an error.
  std::set<int64_t> unresolvable;
  for (const auto& [unit_id, ref] : unknown) {
    if (ref.mphb_type_id == 0) {
      unresolvable.insert(unit_id);
      continue;
    }
    units[unit_id] = placeholder_unit_row(tenant, unit_id, ref.mphb_type_id);
    diagnostics.warn("placeholder_unit", ref.path,
                     "accommodation " + std::to_string(unit_id) +
                         " is not among the accommodations; a placeholder unit of type " + std::to_string(ref.mphb_type_id) +
                         " is planned");
  }
  // Every unit's type must exist for the foreign key: placeholders for types the export lacks.
  for (const auto& [unit_id, row] : units) {
    const int64_t type_id = row["mphb_type_id"].get<int64_t>();
    if (types.count(type_id)) continue;
    types[type_id] = placeholder_type_row(tenant, type_id);
    auto source = mapped_units.paths.find(unit_id);
    const std::string path =
        source != mapped_units.paths.end() ? source->second + ".accommodation_type_id" : unknown[unit_id].path;
    diagnostics.warn(
        "placeholder_type", path,
        "accommodation type " + std::to_string(type_id) + " is not among the accommodation types; a placeholder type is planned");
  }
  // Rooms whose booking gave no type take their unit's (known or placeholder).
  auto fill_type = [&](json& row) {
    if (!row["mphb_type_id"].is_null()) return;
    auto unit = units.find(row["mphb_accommodation_id"].get<int64_t>());
    if (unit != units.end()) row["mphb_type_id"] = unit->second["mphb_type_id"];
  };
  for (auto& [id, rows] : bookings.reservation_accommodations) {
    for (auto& row : rows) fill_type(row);
    if (!rows.empty() && bookings.reservations.count(id))
      bookings.reservations[id]["mphb_type_id"] = rows.front()["mphb_type_id"];
  }
  for (auto& [id, rows] : bookings.calendar_blocks) {
    for (auto& row : rows) fill_type(row);
  }
  // A booking naming a unit that cannot be placed cannot be written with its room: left out whole,
  // with an error of its own.
  for (const auto& [booking_id, refs] : bookings.unknown_units) {
    for (const auto& ref : refs) {
      if (!unresolvable.count(ref.mphb_accommodation_id)) continue;
      diagnostics.error("unknown_accommodation_type", ref.path,
                        "booking " + std::to_string(booking_id) + " names accommodation " +
                            std::to_string(ref.mphb_accommodation_id) +
                            ", which is unknown, and no booking names its accommodation_type, so no placeholder can be planned");
    }
  }
  if (!unresolvable.empty()) {
    auto names_unresolvable = [&](const std::vector<json>& rows) {
      for (const auto& row : rows) {
        if (unresolvable.count(row["mphb_accommodation_id"].get<int64_t>())) return true;
      }
      return false;
    };
    for (auto it = bookings.reservation_accommodations.begin(); it != bookings.reservation_accommodations.end();) {
      if (names_unresolvable(it->second)) {
        bookings.reservations.erase(it->first);
        it = bookings.reservation_accommodations.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = bookings.calendar_blocks.begin(); it != bookings.calendar_blocks.end();) {
      it = names_unresolvable(it->second) ? bookings.calendar_blocks.erase(it) : std::next(it);
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
  return dump_plan(plan);
}

}  // namespace mphb
