// TEST-ONLY ORACLE (see dom_oracle.hpp): the old DOM session, verbatim but renamed.
#include "accommodations_mapper.hpp"
#include "collection_reader.hpp"
#include "dom_oracle.hpp"
#include "field_reader.hpp"
#include "plan_json.hpp"
#include "uuid.hpp"

namespace mphb_oracle {
using namespace mphb;
namespace {

json empty_page_plan() {
  return {{"reservations", json::array()},    {"reservation_accommodations", json::array()},
          {"calendar_blocks", json::array()}, {"delete_reservations", json::array()},
          {"delete_blocks", json::array()},   {"unknown_units", json::array()}};
}

// Every id a page holds, readable or not as a whole booking: such bookings exist upstream and must
// never be reconciled as gone.
void collect_ids(const json& document, std::set<int64_t>& seen) {
  Diagnostics scratch;
  for_each_record(document, "bookings", scratch, [&](const json& record, const std::string& path) {
    FieldReader r(record, path, scratch);
    if (auto id = r.id("id", Presence::kRequired)) seen.insert(*id);
  });
}

}  // namespace

DomBookingsSyncSession::DomBookingsSyncSession(std::string tenant_id, std::string now, std::string_view known_units,
                                               std::string_view known_types, std::string_view stored) {
  const auto context = read_tenant_context(tenant_id, now, init_diagnostics_);
  if (!context) return;
  tenant_ = *context;
  if (auto doc = parse_json_document(known_units, "known_units", init_diagnostics_)) {
    if (!doc->is_object())
      init_diagnostics_.error("invalid_state", "known_units", "known_units must be an object mapping unit ids to type ids");
    static const json kNoUnits = json::object();
    for (const auto& [key, value] : (doc->is_object() ? *doc : kNoUnits).items()) {
      bool digits = !key.empty() && key.size() <= 16 && key != "0";
      for (char c : key) digits = digits && c >= '0' && c <= '9';
      if (!digits || !value.is_number_integer() || value.get<int64_t>() <= 0) {
        init_diagnostics_.error("invalid_state", "known_units." + key, "known_units maps unit ids to type ids");
        continue;
      }
      units_[std::stoll(key)] = value.get<int64_t>();
    }
  }
  if (auto doc = parse_json_document(known_types, "known_types", init_diagnostics_)) {
    if (!doc->is_array()) init_diagnostics_.error("invalid_state", "known_types", "known_types must be an array of type ids");
    for (const auto& v : *doc) {
      if (v.is_number_integer()) types_.insert(v.get<int64_t>());
    }
  }
  if (auto doc = parse_json_document(stored, "stored", init_diagnostics_)) {
    stored_ = read_stored_rows(*doc, "stored", init_diagnostics_);
  }
  valid_ = init_diagnostics_.error_count() == 0;
}

std::string DomBookingsSyncSession::init_errors() const {
  return dump_plan(diagnostics_json(init_diagnostics_.errors(), tenant_.tenant_id));
}

std::string DomBookingsSyncSession::plan_page(std::string_view bytes) {
  json plan = empty_page_plan();
  Diagnostics diagnostics;
  if (!valid_) {
    plan["counts"] = json::object();
    plan["warnings"] = json::array();
    plan["errors"] = diagnostics_json(init_diagnostics_.errors(), tenant_.tenant_id);
    return dump_plan(plan);
  }
  const auto document = parse_json_document(bytes, "bookings", diagnostics);
  MappedBookings mapped;
  if (document) {
    collect_ids(*document, seen_);
    mapped = dom_map_bookings(*document, "bookings", tenant_, units_, diagnostics);
  }
  if (diagnostics.error_count() > 0) had_page_errors_ = true;

  // Rooms first: if any booking names a unit the database lacks, ask for it before writing anything.
  std::map<int64_t, UnitReference> unknown;
  std::set<int64_t> rejected;  // bookings naming a unit that cannot be placed
  for (const auto& [booking_id, refs] : mapped.unknown_units) {
    for (const auto& ref : refs) {
      if (unplaceable_units_.count(ref.mphb_accommodation_id)) {
        rejected.insert(booking_id);
        diagnostics.error("unknown_accommodation_type", ref.path,
                          "booking " + std::to_string(booking_id) + " names accommodation " +
                              std::to_string(ref.mphb_accommodation_id) +
                              ", which MotoPress no longer has, and no booking names its type: the booking is not written");
        continue;
      }
      auto [it, inserted] = unknown.emplace(ref.mphb_accommodation_id, ref);
      if (!inserted && it->second.mphb_type_id == 0) it->second.mphb_type_id = ref.mphb_type_id;
    }
  }
  for (int64_t id : rejected) {
    mapped.reservations.erase(id);
    mapped.reservation_accommodations.erase(id);
    mapped.calendar_blocks.erase(id);
  }
  if (!rejected.empty()) had_page_errors_ = true;
  if (!unknown.empty()) {
    for (const auto& [unit_id, ref] : unknown) {
      pending_unit_types_[unit_id] = ref.mphb_type_id;
      plan["unknown_units"].push_back(
          {{"mphb_accommodation_id", unit_id}, {"mphb_type_id", ref.mphb_type_id}, {"path", ref.path}});
    }
    plan["counts"] = json::object();
    plan["warnings"] = json::array();
    plan["errors"] = json::array();
    return dump_plan(plan);
  }

  int created = 0, updated = 0, unchanged = 0, blocks = 0;
  auto account = [&](int64_t id, const std::string& kind, const std::string& hash) {
    auto it = stored_.find(id);
    if (it != stored_.end() && it->second.kind == kind && it->second.hash == hash && it->second.is_active) {
      ++unchanged;
      return false;
    }
    if (it == stored_.end()) {
      ++created;
    } else {
      ++updated;
      if (it->second.kind != kind) plan[kind == "block" ? "delete_reservations" : "delete_blocks"].push_back(id);
    }
    stored_[id] = StoredRow{hash, kind, true, false};
    return true;
  };
  for (auto& [id, reservation] : mapped.reservations) {
    const auto& junction = mapped.reservation_accommodations[id];
    const std::string hash = dom_content_hash(json::array({reservation, junction}));
    if (!account(id, "reservation", hash)) continue;
    reservation["content_hash"] = hash;
    plan["reservations"].push_back(reservation);
    for (const auto& row : junction) plan["reservation_accommodations"].push_back(row);
  }
  for (auto& [id, rows] : mapped.calendar_blocks) {
    const std::string hash = dom_content_hash(rows);
    if (!account(id, "block", hash)) continue;
    ++blocks;
    for (auto row : rows) {
      row["content_hash"] = hash;
      plan["calendar_blocks"].push_back(std::move(row));
    }
  }
  plan["counts"] = {{"created", created},
                    {"updated", updated},
                    {"unchanged", unchanged},
                    {"blocks_written", blocks},
                    {"records", mapped.paths.size()}};
  plan["warnings"] = diagnostics_json(diagnostics.warnings(), tenant_.tenant_id);
  plan["errors"] = diagnostics_json(diagnostics.errors(), tenant_.tenant_id);
  return dump_plan(plan);
}

std::string DomBookingsSyncSession::resolve_units(std::string_view results) {
  Diagnostics diagnostics;
  json plan = {{"accommodation_types", json::array()}, {"accommodation_units", json::array()}};
  const auto document = valid_ ? parse_json_document(results, "unit_results", diagnostics) : std::nullopt;
  if (document && !document->is_array()) diagnostics.error("wrong_type", "unit_results", "unit_results must be an array");
  if (document && document->is_array()) {
    size_t i = 0;
    for (const auto& result : *document) {
      const std::string path = "unit_results[" + std::to_string(i++) + "]";
      FieldReader r(result, path, diagnostics);
      const auto id = r.id("id", Presence::kRequired);
      const auto status = r.count("status", 0);
      if (!id || !status) continue;
      const int64_t booked_type = pending_unit_types_.count(*id) ? pending_unit_types_[*id] : 0;
      json unit;
      if (*status == 200 && result.contains("body")) {
        // The unit exists upstream (perhaps trashed): map it like a list record.
        Diagnostics unit_diagnostics;
        const MappedRecords mapped =
            map_accommodation_units(json::array({result["body"]}), path + ".body", tenant_, unit_diagnostics);
        for (const auto& d : unit_diagnostics.errors()) diagnostics.error(d.code, d.path, d.message);
        if (mapped.rows.count(*id)) {
          unit = mapped.rows.at(*id);
        } else if (unit_diagnostics.error_count() == 0) {
          diagnostics.error("unit_id_mismatch", path + ".body.id",
                            "GET /accommodations/" + std::to_string(*id) + " answered with another accommodation");
        }
      } else if (*status == 404 || *status == 410) {
        if (booked_type == 0) {
          // Reported for each booking when the page is planned again; those bookings are not written.
          unplaceable_units_.insert(*id);
          pending_unit_types_.erase(*id);
          diagnostics.warn("unplaceable_unit", path,
                           "accommodation " + std::to_string(*id) +
                               " is gone upstream and no booking names its type; bookings naming it are rejected");
          continue;
        }
        unit = placeholder_unit_row(tenant_, *id, booked_type);
        diagnostics.warn("placeholder_unit", path,
                         "accommodation " + std::to_string(*id) +
                             " is named by a booking but MotoPress no longer has it; a flagged placeholder unit of type " +
                             std::to_string(booked_type) + " was created");
      } else {
        diagnostics.error("unit_fetch_failed", path,
                          "GET /accommodations/" + std::to_string(*id) + " answered " + std::to_string(*status));
        continue;
      }
      if (unit.is_null()) continue;
      const int64_t type_id = unit["mphb_type_id"].get<int64_t>();
      if (!types_.count(type_id)) {
        json type = placeholder_type_row(tenant_, type_id);
        type["content_hash"] = dom_content_hash(type);
        plan["accommodation_types"].push_back(std::move(type));
        types_.insert(type_id);
        diagnostics.warn("placeholder_type", path,
                         "accommodation type " + std::to_string(type_id) + " is unknown; a placeholder type was created");
      }
      unit["content_hash"] = dom_content_hash(unit);
      units_[*id] = type_id;
      pending_unit_types_.erase(*id);
      plan["accommodation_units"].push_back(std::move(unit));
    }
  }
  const auto& init = init_diagnostics_.errors();
  for (const auto& d : init) diagnostics.error(d.code, d.path, d.message);
  // Every unit and type here is new to the database (it was unknown to the session): counted as created,
  // so a run's counts equal what its stages wrote.
  int64_t placeholder_units = 0, placeholder_types = 0;
  for (const auto& u : plan["accommodation_units"]) placeholder_units += u["is_placeholder"].get<bool>() ? 1 : 0;
  for (const auto& t : plan["accommodation_types"]) placeholder_types += t["is_placeholder"].get<bool>() ? 1 : 0;
  plan["counts"] = {{"units_created", plan["accommodation_units"].size()},
                    {"types_created", plan["accommodation_types"].size()},
                    {"placeholders", placeholder_units + placeholder_types}};
  plan["warnings"] = diagnostics_json(diagnostics.warnings(), tenant_.tenant_id);
  plan["errors"] = diagnostics_json(diagnostics.errors(), tenant_.tenant_id);
  return dump_plan(plan);
}

}  // namespace mphb_oracle
