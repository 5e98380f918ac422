#include "sync_preview.hpp"

#include "accommodations_mapper.hpp"
#include "accommodations_sync_plan.hpp"
#include "bookings_mapper.hpp"
#include "plan_json.hpp"

namespace mphb {
namespace {

const std::vector<std::string> kCountNames = {"types_created",
                                              "types_updated",
                                              "types_unchanged",
                                              "types_deactivated",
                                              "units_created",
                                              "units_updated",
                                              "units_unchanged",
                                              "units_deactivated",
                                              "created",
                                              "updated",
                                              "unchanged",
                                              "cancelled",
                                              "blocks",
                                              "placeholders",
                                              "gone",
                                              "errors"};

json parse_answer(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() ? doc : json::object();
}

json object_at(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_object() ? *it : json::object();
}

// A member that must be an object (a stored row): anything else reads as empty. The host builds stored
// state; a malformed row must never stop the core (nlohmann aborts on member access of a non-object here).
json object_member(const json& doc, const char* key) {
  if (!doc.is_object()) return json::object();
  auto it = doc.find(key);
  return it != doc.end() && it->is_object() ? *it : json::object();
}

json array_member(const json& doc, const char* key) {
  if (!doc.is_object()) return json::array();
  auto it = doc.find(key);
  return it != doc.end() && it->is_array() ? *it : json::array();
}

// A field of a row, or null when the row is not an object or lacks it.
json field_of(const json& row, const char* key) {
  if (!row.is_object()) return json();
  auto it = row.find(key);
  return it != row.end() ? *it : json();
}

int64_t count_of(const json& counts, const char* key) {
  auto it = counts.find(key);
  return it != counts.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The fields of `now` that differ from `before` (keys of `now`; ids and hashes are not content).
void add_changes(json& changed, const std::string& prefix, const json& before, const json& now) {
  if (!now.is_object()) return;
  for (const auto& [key, value] : now.items()) {
    if (key == "id" || key == "tenant_id" || key == "content_hash" || key == "reservation_id") continue;
    const json old = before.is_object() && before.contains(key) ? before[key] : json();
    if (old != value) changed.push_back({{"field", prefix + key}, {"old", old}, {"new", value}});
  }
}

// The changed fields of an updated type or unit, or null when its stored row was not given.
json row_changes(const json& stored_entries, int64_t id, const json& row) {
  const json stored = stored_entries.value(std::to_string(id), json::object());
  if (!stored.is_object() || !stored.contains("row")) return nullptr;
  json changed = json::array();
  add_changes(changed, "", stored["row"], row);
  return changed;
}

// The changed fields of an updated booking, or null when the stored rows were not given.
json booking_changes(const BookingOutcome& o, const json& stored, const TenantContext& tenant) {
  if (!stored.is_object() || !stored.contains("row")) return nullptr;
  json changed = json::array();
  if (!o.previous_kind.empty() && o.previous_kind != o.kind) {
    // A reservation and a block have other columns: the change is the kind (the rows are replaced).
    changed.push_back({{"field", "kind"}, {"old", o.previous_kind}, {"new", o.kind}});
    return changed;
  }
  const json& row = stored["row"];
  if (o.kind == "block") {
    const auto blocks = calendar_block_rows(*o.booking, tenant);
    if (!blocks.empty()) add_changes(changed, "", row, blocks.front());
    return changed;
  }
  add_changes(changed, "", row, reservation_row(*o.booking, tenant));
  const json rooms = stored.contains("rooms") && stored["rooms"].is_array() ? stored["rooms"] : json::array();
  const auto junction = reservation_accommodation_rows(*o.booking, tenant);
  for (size_t i = 0; i < junction.size(); ++i) {
    add_changes(changed, "rooms[" + std::to_string(i) + "].", i < rooms.size() ? rooms[i] : json::object(), junction[i]);
  }
  for (size_t i = junction.size(); i < rooms.size(); ++i) {
    changed.push_back({{"field", "rooms[" + std::to_string(i) + "]"}, {"old", rooms[i]}, {"new", nullptr}});
  }
  return changed;
}

// A diagnostic of a page belongs to the record at `path` when its path is that record's or inside it.
bool inside(const std::string& diagnostic_path, const std::string& path) {
  if (path.empty() || diagnostic_path.compare(0, path.size(), path) != 0) return false;
  return diagnostic_path.size() == path.size() || diagnostic_path[path.size()] == '.' || diagnostic_path[path.size()] == '[';
}

json with_page(json diagnostics, int64_t page) {
  for (auto& d : diagnostics) d["page"] = page;
  return diagnostics;
}

}  // namespace

SyncPreview::SyncPreview(std::string tenant_id, std::string now, std::string_view stored) {
  for (const auto& name : kCountNames) counts_[name] = 0;
  const auto context = read_tenant_context(tenant_id, now, diagnostics_);
  if (context) tenant_ = *context;
  if (auto doc = parse_json_document(stored, "stored", diagnostics_)) {
    if (!doc->is_object()) {
      diagnostics_.error("wrong_type", "stored",
                         "stored must be an object: {accommodation_types, accommodation_units, bookings}");
    } else {
      stored_types_ = object_at(*doc, "accommodation_types");
      stored_units_ = object_at(*doc, "accommodation_units");
      stored_bookings_ = object_at(*doc, "bookings");
    }
  }
  valid_ = context.has_value() && diagnostics_.error_count() == 0;
  if (!valid_) stage_ = Stage::kStopped;
}

std::string SyncPreview::wrong_call(const std::string& call, const std::string& expected) {
  Diagnostics d;
  for (const auto& e : diagnostics_.errors()) d.error(e.code, e.path, e.message);
  if (valid_) d.error("wrong_call", call, "out of order: " + expected);
  return dump_plan({{"unknown_units", json::array()},
                    {"counts", json::object()},
                    {"warnings", json::array()},
                    {"errors", diagnostics_json(d.errors(), tenant_.tenant_id)}});
}

void SyncPreview::add_type_outcome(const json& row, const std::string& outcome) {
  const int64_t id = row.value("mphb_type_id", int64_t{0});
  json entry = {{"mphb_type_id", id},
                {"name", row.value("name", json())},
                {"outcome", outcome},
                {"changed", nullptr},
                {"is_active", row.value("is_active", json())}};
  if (outcome == "update") entry["changed"] = row_changes(stored_types_, id, row);
  types_[id] = std::move(entry);
}

void SyncPreview::add_unit_outcome(const json& row, const std::string& outcome) {
  const int64_t id = row.value("mphb_accommodation_id", int64_t{0});
  json entry = {{"mphb_accommodation_id", id},
                {"mphb_type_id", row.value("mphb_type_id", json())},
                {"name", row.value("name", json())},
                {"outcome", outcome},
                {"changed", nullptr},
                {"is_active", row.value("is_active", json())}};
  if (row.contains("name") && row["name"].is_string()) unit_names_[id] = row["name"].get<std::string>();
  if (outcome == "update") entry["changed"] = row_changes(stored_units_, id, row);
  units_[id] = std::move(entry);
}

std::string SyncPreview::accommodations(std::string_view types, std::string_view units) {
  if (stage_ != Stage::kAccommodations) return wrong_call("accommodations", "the accommodations come once, first");
  AccommodationsSyncInput input{tenant_.tenant_id, tenant_.now, types, units, ""};
  const std::string current = json{{"accommodation_types", stored_types_}, {"accommodation_units", stored_units_}}.dump();
  input.current = current;
  json plan = parse_answer(plan_accommodations_sync_json(input));
  const json errors = plan.value("errors", json::array());
  const json warnings = plan.value("warnings", json::array());
  for (const auto& w : warnings) diagnostics_.warn(w.value("code", ""), w.value("path", ""), w.value("message", ""));
  if (!errors.empty()) {
    for (const auto& e : errors) diagnostics_.error(e.value("code", ""), e.value("path", ""), e.value("message", ""));
    stage_ = Stage::kStopped;  // the sync writes nothing after a failed accommodations stage
    return dump_plan({{"counts", json::object()}, {"warnings", warnings}, {"errors", errors}});
  }
  // The upstream lists again, for what the plan leaves out: the unchanged rows (already parsed without
  // errors by the plan, so these cannot fail).
  Diagnostics scratch;
  const auto types_doc = parse_json_document(types, "accommodation_types", scratch);
  const auto units_doc = parse_json_document(units, "accommodations", scratch);
  const MappedRecords upstream_types =
      types_doc ? map_accommodation_types(*types_doc, "accommodation_types", tenant_, scratch) : MappedRecords{};
  const MappedRecords upstream_units =
      units_doc ? map_accommodation_units(*units_doc, "accommodations", tenant_, scratch) : MappedRecords{};

  json known_units = json::object();
  json known_types = json::array();
  std::set<int64_t> type_ids;
  for (const auto& [id, entry] : stored_units_.items()) {
    json type = entry.is_object() ? entry.value("mphb_type_id", json()) : json();
    if (!type.is_number_integer()) type = field_of(object_member(entry, "row"), "mphb_type_id");
    if (type.is_number_integer()) known_units[id] = type;
    const json name = field_of(object_member(entry, "row"), "name");
    if (name.is_string()) {
      unit_names_[std::stoll(id)] = name.get<std::string>();
    }
  }
  for (const auto& [id, entry] : stored_types_.items()) type_ids.insert(std::stoll(id));

  std::set<int64_t> planned_types, planned_units;
  for (const auto& row : plan["accommodation_types"]) {
    const int64_t id = row["mphb_type_id"].get<int64_t>();
    planned_types.insert(id);
    type_ids.insert(id);
    const bool stored = stored_types_.contains(std::to_string(id));
    add_type_outcome(row, stored ? "update" : row.value("is_placeholder", false) ? "placeholder" : "create");
    if (row.value("is_placeholder", false)) counts_["placeholders"] = count_of(counts_, "placeholders") + 1;
  }
  for (const auto& [id, row] : upstream_types.rows) {
    type_ids.insert(id);
    if (!planned_types.count(id)) add_type_outcome(row, "unchanged");
  }
  for (const auto& row : plan["accommodation_units"]) {
    const int64_t id = row["mphb_accommodation_id"].get<int64_t>();
    planned_units.insert(id);
    known_units[std::to_string(id)] = row["mphb_type_id"];
    add_unit_outcome(row, stored_units_.contains(std::to_string(id)) ? "update" : "create");
  }
  for (const auto& [id, row] : upstream_units.rows) {
    known_units[std::to_string(id)] = row["mphb_type_id"];
    if (!planned_units.count(id)) add_unit_outcome(row, "unchanged");
  }
  for (const auto& id : plan["deactivate_types"]) {
    const json stored = stored_types_.value(std::to_string(id.get<int64_t>()), json::object());
    json row = object_member(stored, "row");
    row["mphb_type_id"] = id;
    add_type_outcome(row, "gone");
  }
  for (const auto& id : plan["deactivate_units"]) {
    const json stored = stored_units_.value(std::to_string(id.get<int64_t>()), json::object());
    json row = object_member(stored, "row");
    row["mphb_accommodation_id"] = id;
    add_unit_outcome(row, "gone");
  }
  for (int64_t id : type_ids) known_types.push_back(id);
  for (const auto& [key, value] : plan["counts"].items()) counts_[key] = count_of(counts_, key.c_str()) + value.get<int64_t>();

  session_ = std::make_unique<BookingsSyncSession>(tenant_.tenant_id, tenant_.now, known_units.dump(), known_types.dump(),
                                                   stored_bookings_.dump());
  session_->record_outcomes();
  const json init = parse_answer("{\"e\":" + session_->init_errors() + "}").value("e", json::array());
  if (!init.empty()) {
    for (const auto& e : init) diagnostics_.error(e.value("code", ""), e.value("path", ""), e.value("message", ""));
    stage_ = Stage::kStopped;
    return dump_plan({{"counts", json::object()}, {"warnings", warnings}, {"errors", init}});
  }
  stage_ = Stage::kBookings;
  return dump_plan({{"counts", plan["counts"]}, {"warnings", warnings}, {"errors", json::array()}});
}

void SyncPreview::take_booking_outcomes(int64_t page, const json& plan) {
  const json& errors = plan["errors"];
  const json& warnings = plan["warnings"];
  for (const BookingOutcome& o : session_->take_outcomes()) {
    json entry = {{"booking_id", o.id}, {"page", page}, {"path", o.path}, {"kind", o.kind.empty() ? json() : json(o.kind)}};
    std::string outcome;
    if (o.decision == "rejected") {
      outcome = "rejected";
    } else if (o.decision == "unchanged") {
      outcome = "unchanged";
    } else if (o.kind == "block") {
      outcome = "block";
    } else if (o.booking->status == "cancelled") {
      outcome = "cancel";
    } else {
      outcome = o.decision == "created" ? "create" : "update";
    }
    entry["outcome"] = outcome;
    entry["write"] = o.decision == "created" ? json("create") : o.decision == "updated" ? json("update") : json();
    if (o.booking) {
      const MappedBooking& b = *o.booking;
      entry["status"] = b.status;
      entry["guest_name"] = b.guest_name.empty() ? json() : json(b.guest_name);
      entry["check_in_date"] = b.check_in;
      entry["check_out_date"] = b.check_out;
      entry["channel"] = b.channel ? json(*b.channel) : json();
      json rooms = json::array();
      for (const auto& room : b.rooms) {
        auto name = unit_names_.find(room.accommodation);
        rooms.push_back({{"mphb_accommodation_id", room.accommodation},
                         {"mphb_type_id", room.type},
                         {"unit_name", name != unit_names_.end() ? json(name->second) : json()}});
      }
      entry["rooms"] = rooms;
    } else {
      entry["status"] = entry["guest_name"] = entry["check_in_date"] = entry["check_out_date"] = entry["channel"] = nullptr;
      entry["rooms"] = json::array();
    }
    entry["changed"] =
        o.decision == "updated" ? booking_changes(o, stored_bookings_.value(std::to_string(o.id), json()), tenant_) : json();
    json diagnostics = json::array();
    for (const json* list : {&errors, &warnings}) {
      for (const auto& d : *list) {
        if (inside(d.value("path", ""), o.path))
          diagnostics.push_back({{"level", list == &errors ? "error" : "warning"},
                                 {"code", d["code"]},
                                 {"path", d["path"]},
                                 {"message", d["message"]}});
      }
    }
    entry["diagnostics"] = diagnostics;
    bookings_[o.id] = std::move(entry);
  }
}

std::string SyncPreview::bookings_page(std::string_view bytes) {
  if (stage_ != Stage::kBookings)
    return wrong_call("bookings_page", "booking pages come after the accommodations and before reconcile");
  json plan = parse_answer(session_->plan_page(bytes));
  const json unknown = plan.value("unknown_units", json::array());
  if (!unknown.empty()) {
    return dump_plan(
        {{"unknown_units", unknown}, {"counts", json::object()}, {"warnings", json::array()}, {"errors", json::array()}});
  }
  const int64_t page = ++pages_;
  const json counts = plan.value("counts", json::object());
  counts_["created"] = count_of(counts_, "created") + count_of(counts, "created");
  counts_["updated"] = count_of(counts_, "updated") + count_of(counts, "updated");
  counts_["unchanged"] = count_of(counts_, "unchanged") + count_of(counts, "unchanged");
  counts_["blocks"] = count_of(counts_, "blocks") + count_of(counts, "blocks_written");
  counts_["cancelled"] = count_of(counts_, "cancelled") + count_of(counts, "cancelled");
  counts_["errors"] = count_of(counts_, "errors") + static_cast<int64_t>(plan.value("errors", json::array()).size());
  plan["errors"] = with_page(plan.value("errors", json::array()), page);
  plan["warnings"] = with_page(plan.value("warnings", json::array()), page);
  take_booking_outcomes(page, plan);
  for (const auto& e : plan["errors"]) page_errors_.push_back(e);
  for (const auto& w : plan["warnings"]) page_warnings_.push_back(w);
  return dump_plan(
      {{"unknown_units", json::array()}, {"counts", counts}, {"warnings", plan["warnings"]}, {"errors", plan["errors"]}});
}

std::string SyncPreview::resolve_units(std::string_view results) {
  if (stage_ != Stage::kBookings) return wrong_call("resolve_units", "units are resolved while booking pages come");
  json resolved = parse_answer(session_->resolve_units(results));
  const json errors = resolved.value("errors", json::array());
  const json warnings = resolved.value("warnings", json::array());
  for (const auto& w : warnings) diagnostics_.warn(w.value("code", ""), w.value("path", ""), w.value("message", ""));
  if (!errors.empty()) {
    // The sync stops with unresolved_units: nothing more is planned.
    for (const auto& e : errors) diagnostics_.error(e.value("code", ""), e.value("path", ""), e.value("message", ""));
    stage_ = Stage::kStopped;
    return dump_plan({{"counts", json::object()}, {"warnings", warnings}, {"errors", errors}});
  }
  for (const auto& type : resolved.value("accommodation_types", json::array())) add_type_outcome(type, "placeholder");
  for (const auto& unit : resolved.value("accommodation_units", json::array())) {
    add_unit_outcome(unit, unit.value("is_placeholder", false) ? "placeholder" : "create");
  }
  const json counts = resolved.value("counts", json::object());
  counts_["units_created"] = count_of(counts_, "units_created") + count_of(counts, "units_created");
  counts_["types_created"] = count_of(counts_, "types_created") + count_of(counts, "types_created");
  counts_["placeholders"] = count_of(counts_, "placeholders") + count_of(counts, "placeholders");
  return dump_plan({{"counts", counts}, {"warnings", warnings}, {"errors", json::array()}});
}

std::string SyncPreview::reconcile(int64_t total) {
  if (stage_ != Stage::kBookings) return wrong_call("reconcile", "reconcile comes once, after the booking pages");
  json answer = parse_answer(session_->reconcile(total));
  stage_ = Stage::kReconciled;
  complete_ = answer.value("complete", false);
  if (!complete_) {
    diagnostics_.warn("reconcile_skipped", "bookings",
                      "the pass saw " + std::to_string(answer.value("seen", int64_t{0})) + " of " + std::to_string(total) +
                          " bookings or had errors; nothing would be marked gone");
  }
  answer["errors"] = json::array();
  return dump_plan(answer);
}

std::string SyncPreview::confirm(int64_t booking_id, int http_status, std::string_view body) {
  if (stage_ != Stage::kReconciled) return wrong_call("confirm", "bookings are confirmed after reconcile");
  json answer = parse_answer(session_->confirm(booking_id, http_status, body));
  for (const auto& w : answer.value("warnings", json::array()))
    diagnostics_.warn(w.value("code", ""), w.value("path", ""), w.value("message", ""));
  if (answer.value("decision", "") == "gone") {
    const json stored = stored_bookings_.value(std::to_string(booking_id), json::object());
    const json row = object_member(stored, "row");
    json rooms = json::array();
    for (const auto& room : array_member(stored, "rooms")) {
      const json unit = field_of(room, "mphb_accommodation_id");
      auto name = unit.is_number_integer() ? unit_names_.find(unit.get<int64_t>()) : unit_names_.end();
      rooms.push_back({{"mphb_accommodation_id", unit},
                       {"mphb_type_id", field_of(room, "mphb_type_id")},
                       {"unit_name", name != unit_names_.end() ? json(name->second) : json()}});
    }
    bookings_[booking_id] = {{"booking_id", booking_id},
                             {"page", nullptr},
                             {"path", nullptr},
                             {"kind", stored.value("kind", json())},
                             {"outcome", "gone"},
                             {"write", nullptr},
                             {"status", row.value("status", json())},
                             {"guest_name", row.value("guest_name", json())},
                             {"check_in_date", row.value("check_in_date", json())},
                             {"check_out_date", row.value("check_out_date", json())},
                             {"channel", row.value("channel", json())},
                             {"rooms", rooms},
                             {"changed", nullptr},
                             {"diagnostics", json::array()}};
    counts_["gone"] = count_of(counts_, "gone") + 1;
  }
  return dump_plan({{"booking_id", booking_id},
                    {"decision", answer.value("decision", "keep")},
                    {"warnings", answer.value("warnings", json::array())},
                    {"errors", answer.value("errors", json::array())}});
}

std::string SyncPreview::diff() const {
  json out = {
      {"tenant_id", tenant_.tenant_id}, {"now", tenant_.now}, {"complete", complete_}, {"pages", pages_}, {"counts", counts_}};
  json by_outcome = json::object();
  for (const char* name : {"create", "update", "unchanged", "cancel", "block", "gone", "placeholder", "rejected"})
    by_outcome[name] = 0;
  json types = json::array(), units = json::array(), bookings = json::array();
  for (const auto& [id, entry] : types_) types.push_back(entry);
  for (const auto& [id, entry] : units_) units.push_back(entry);
  for (const auto& [id, entry] : bookings_) {
    bookings.push_back(entry);
    by_outcome[entry["outcome"].get<std::string>()] = by_outcome[entry["outcome"].get<std::string>()].get<int64_t>() + 1;
  }
  out["bookings_by_outcome"] = by_outcome;
  out["accommodation_types"] = types;
  out["accommodation_units"] = units;
  out["bookings"] = bookings;
  json warnings = diagnostics_json(diagnostics_.warnings(), tenant_.tenant_id);
  json errors = diagnostics_json(diagnostics_.errors(), tenant_.tenant_id);
  for (const auto& w : page_warnings_) warnings.push_back(w);
  for (const auto& e : page_errors_) errors.push_back(e);
  out["warnings"] = warnings;
  out["errors"] = errors;
  return dump_plan(out);
}

}  // namespace mphb
