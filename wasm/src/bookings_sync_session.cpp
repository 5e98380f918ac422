#include "bookings_sync_session.hpp"

#include <algorithm>
#include <vector>

#include "accommodations_mapper.hpp"
#include "booking_page_reader.hpp"
#include "booking_rows_text.hpp"
#include "collection_reader.hpp"
#include "content_hash.hpp"
#include "field_reader.hpp"
#include "json_text.hpp"
#include "plan_json.hpp"
#include "uuid.hpp"

namespace mphb {
namespace {

json empty_page_plan() {
  return {{"reservations", json::array()},    {"reservation_accommodations", json::array()},
          {"calendar_blocks", json::array()}, {"delete_reservations", json::array()},
          {"delete_blocks", json::array()},   {"unknown_units", json::array()}};
}

// Receives the records of one page as it is read: every id the page holds (readable or not as a whole
// booking: such bookings exist upstream and must never be reconciled as gone), and the mapped bookings.
class PageCollector : public BookingPageSink {
 public:
  PageCollector(const UnitTypeIndex& units, const std::set<int64_t>& seen, const std::set<int64_t>& retry, bool keep_paths)
      : units_(units), seen_(seen), retry_(retry), keep_paths_(keep_paths) {}

  void record(const BookingRecordSlots& record, const std::string& path) override {
    const BookingView booking = record.view();
    const size_t errors_before = diagnostics_.error_count();
    Diagnostics scratch;
    FieldReader r(booking.fields, path, scratch);
    const auto record_id = r.id("id", Presence::kRequired);
    if (record_id) {
      if (seen_.count(*record_id) && !retry_.count(*record_id)) {
        ++duplicates_;  // an earlier page of this session held it
        return;
      }
      ids_.insert(*record_id);
    } else {
      ++without_id_;
    }
    const auto page_has = [this](int64_t id) { return bookings_.count(id) > 0; };
    BookingRecordResult result = map_booking_record(booking, path, units_, page_has, diagnostics_);
    if (!result.id) {
      // Rejected (errors at its path): reported by a dry run under the id it gave.
      if (keep_paths_ && record_id && diagnostics_.error_count() > errors_before) rejected_.emplace_back(*record_id, path);
      return;
    }
    const int64_t id = *result.id;
    if (result.replaces_earlier) {
      bookings_.erase(id);
      unknown_units_.erase(id);
    }
    if (!result.unknown_units.empty()) unknown_units_[id] = std::move(result.unknown_units);
    records_.insert(id);
    if (keep_paths_) paths_[id] = path;
    if (result.booking) {
      bookings_[id] = std::move(*result.booking);
    } else if (keep_paths_ && diagnostics_.error_count() > errors_before) {
      rejected_.emplace_back(id, path);
    }
  }
  void not_an_object() override { ++without_id_; }
  Diagnostics& diagnostics() override { return diagnostics_; }
  void restart() override {
    diagnostics_ = Diagnostics();
    ids_.clear();
    records_.clear();
    bookings_.clear();
    unknown_units_.clear();
    paths_.clear();
    rejected_.clear();
    duplicates_ = without_id_ = 0;
  }

  const std::set<int64_t>& ids() const { return ids_; }
  std::map<int64_t, MappedBooking>& bookings() { return bookings_; }
  const std::map<int64_t, std::vector<UnitReference>>& unknown_units() const { return unknown_units_; }
  size_t records() const { return records_.size(); }
  int64_t duplicates() const { return duplicates_; }
  int64_t without_id() const { return without_id_; }
  std::map<int64_t, std::string>& paths() { return paths_; }
  std::vector<std::pair<int64_t, std::string>>& rejected() { return rejected_; }

 private:
  const UnitTypeIndex& units_;
  const std::set<int64_t>& seen_;
  const std::set<int64_t>& retry_;
  Diagnostics diagnostics_;
  std::set<int64_t> ids_;
  std::set<int64_t> records_;  // bookings that passed their checks (stored or not)
  std::map<int64_t, MappedBooking> bookings_;
  std::map<int64_t, std::vector<UnitReference>> unknown_units_;
  int64_t duplicates_ = 0, without_id_ = 0;
  bool keep_paths_ = false;
  std::map<int64_t, std::string> paths_;
  std::vector<std::pair<int64_t, std::string>> rejected_;
};

}  // namespace

BookingsSyncSession::BookingsSyncSession(std::string tenant_id, std::string now, std::string_view known_units,
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
  // "null": the stored rows come per page (plan_read_page), never the whole tenant at once.
  size_t first = stored.find_first_not_of(" \t\r\n");
  size_t last = stored.find_last_not_of(" \t\r\n");
  per_page_ = first != std::string_view::npos && stored.substr(first, last - first + 1) == "null";
  if (!per_page_) stored_ = read_stored_rows_text(stored, "stored", init_diagnostics_);
  valid_ = init_diagnostics_.error_count() == 0;
}

std::string BookingsSyncSession::init_errors() const {
  return dump_plan(diagnostics_json(init_diagnostics_.errors(), tenant_.tenant_id));
}

std::string BookingsSyncSession::invalid_plan(const std::string& code, const std::string& path,
                                              const std::string& message) const {
  json plan = empty_page_plan();
  Diagnostics diagnostics;
  for (const auto& d : init_diagnostics_.errors()) diagnostics.error(d.code, d.path, d.message);
  if (!code.empty()) diagnostics.error(code, path, message);
  plan["counts"] = json::object();
  plan["warnings"] = json::array();
  plan["errors"] = diagnostics_json(diagnostics.errors(), tenant_.tenant_id);
  return dump_plan(plan);
}

namespace {

json unknown_units_json(const std::map<int64_t, UnitReference>& unknown) {
  json list = json::array();
  for (const auto& [unit_id, ref] : unknown) {
    list.push_back({{"mphb_accommodation_id", unit_id}, {"mphb_type_id", ref.mphb_type_id}, {"path", ref.path}});
  }
  return list;
}

}  // namespace

int64_t BookingsSyncSession::read_into(std::string_view bytes, std::map<int64_t, UnitReference>& unknown) {
  PageCollector page(units_, seen_, retry_ids_, record_outcomes_);
  Diagnostics failure;
  const bool parsed = read_booking_page(bytes, "bookings", page, failure);
  Diagnostics& diagnostics = parsed ? page.diagnostics() : failure;
  retry_ids_.clear();
  if (parsed) seen_.insert(page.ids().begin(), page.ids().end());
  if (diagnostics.error_count() > 0) had_page_errors_ = true;
  auto& bookings = page.bookings();

  // Rooms first: if any booking names a unit the database lacks, ask for it before writing anything.
  std::set<int64_t> rejected;  // bookings naming a unit that cannot be placed
  for (const auto& [booking_id, refs] : page.unknown_units()) {
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
  for (int64_t id : rejected) bookings.erase(id);
  if (!rejected.empty()) had_page_errors_ = true;
  if (!unknown.empty()) {
    for (const auto& [unit_id, ref] : unknown) pending_unit_types_[unit_id] = ref.mphb_type_id;
    retry_ids_ = page.ids();
    return 0;
  }
  const int64_t number = ++pages_read_;
  ReadPage& held = read_pages_[number];
  held.bookings = std::move(bookings);
  held.diagnostics = std::move(diagnostics);
  held.records = static_cast<int64_t>(page.records());
  held.duplicates = page.duplicates();
  held.without_id = page.without_id();
  held.paths = std::move(page.paths());
  held.rejected = std::move(page.rejected());
  for (int64_t id : rejected) {
    if (record_outcomes_) held.rejected.emplace_back(id, held.paths[id]);
  }
  return number;
}

std::string BookingsSyncSession::plan_page(std::string_view bytes) {
  if (!valid_) return invalid_plan("", "", "");
  if (per_page_)
    return invalid_plan("wrong_call", "plan_page", "this session takes stored rows per page: read_page, then plan_read_page");
  std::map<int64_t, UnitReference> unknown;
  const int64_t number = read_into(bytes, unknown);
  if (number == 0) {
    json plan = empty_page_plan();
    plan["unknown_units"] = unknown_units_json(unknown);
    plan["counts"] = json::object();
    plan["warnings"] = json::array();
    plan["errors"] = json::array();
    return dump_plan(plan);
  }
  auto held = read_pages_.extract(number);
  return plan_held(held.mapped(), stored_);
}

std::string BookingsSyncSession::read_page(std::string_view bytes) {
  json out = {{"page", nullptr}, {"ids", json::array()}, {"unknown_units", json::array()}, {"errors", json::array()}};
  if (!valid_ || !per_page_) {
    Diagnostics diagnostics;
    for (const auto& d : init_diagnostics_.errors()) diagnostics.error(d.code, d.path, d.message);
    if (valid_)
      diagnostics.error("wrong_call", "read_page", "this session holds the whole stored state: plan pages with plan_page");
    out["errors"] = diagnostics_json(diagnostics.errors(), tenant_.tenant_id);
    return dump_plan(out);
  }
  std::map<int64_t, UnitReference> unknown;
  const int64_t number = read_into(bytes, unknown);
  if (number == 0) {
    out["unknown_units"] = unknown_units_json(unknown);
    return dump_plan(out);
  }
  std::string text = "{\"errors\":[],\"ids\":[";
  bool first = true;
  for (const auto& [id, booking] : read_pages_[number].bookings) {
    if (!first) text += ',';
    first = false;
    append_json_int(text, id);
  }
  text += "],\"page\":";
  append_json_int(text, number);
  text += ",\"unknown_units\":[]}";
  return text;
}

std::string BookingsSyncSession::plan_read_page(int64_t page, std::string_view stored) {
  if (!valid_) return invalid_plan("", "", "");
  if (!per_page_)
    return invalid_plan("wrong_call", "plan_read_page", "this session holds the whole stored state: plan pages with plan_page");
  auto held = read_pages_.extract(page);
  if (held.empty()) {
    return invalid_plan("wrong_call", "plan_read_page",
                        "page " + std::to_string(page) + " is not held: it was not read, or was planned already");
  }
  Diagnostics state_diagnostics;
  StoredRows rows = read_stored_rows_text(stored, "stored", state_diagnostics);
  if (state_diagnostics.error_count() > 0) {
    // Planned against rows that may be wrong, a page could be written as new or skipped as unchanged:
    // nothing of it is planned, and the pass cannot reconcile.
    had_page_errors_ = true;
    json plan = empty_page_plan();
    plan["counts"] = json::object();
    plan["warnings"] = json::array();
    plan["errors"] = diagnostics_json(state_diagnostics.errors(), tenant_.tenant_id);
    return dump_plan(plan);
  }
  return plan_held(held.mapped(), rows);
}

std::string BookingsSyncSession::plan_held(ReadPage& page, StoredRows& stored) {
  Diagnostics& diagnostics = page.diagnostics;
  auto& bookings = page.bookings;
  // The plan is written as text into one buffer, in the order (and bytes) the JSON plan always had.
  int64_t created = 0, updated = 0, unchanged = 0, blocks = 0, cancelled = 0;
  std::string reservations, junction, calendar_blocks, delete_reservations, delete_blocks;
  for (const auto& [id, path] : page.rejected) {
    if (record_outcomes_) outcomes_.push_back(BookingOutcome{id, "rejected", "", "", path, std::nullopt});
  }
  auto remember = [&](int64_t id, const char* decision, const char* kind, const std::string& previous_kind) {
    if (!record_outcomes_) return;
    outcomes_.push_back(BookingOutcome{id, decision, kind, previous_kind, page.paths[id], page.bookings.at(id)});
  };
  auto account = [&](int64_t id, const char* kind, const std::string& hash) {
    auto it = stored.find(id);
    if (it != stored.end() && it->second.kind == kind && it->second.hash == hash && it->second.is_active) {
      ++unchanged;
      remember(id, "unchanged", kind, "");
      return false;
    }
    remember(id, it == stored.end() ? "created" : "updated", kind, it == stored.end() ? "" : it->second.kind);
    if (it == stored.end()) {
      ++created;
    } else {
      ++updated;
      if (it->second.kind != kind) {
        std::string& list = std::string(kind) == "block" ? delete_reservations : delete_blocks;
        if (!list.empty()) list += ',';
        append_json_int(list, id);
      }
    }
    stored[id] = StoredRow{hash, kind, true, false};
    return true;
  };
  BookingRowsText& text = rows_text_;
  for (const bool block_pass : {false, true}) {
    for (const auto& [id, booking] : bookings) {
      if (booking.is_block != block_pass) continue;
      const std::string& hash = text.prepare(booking, tenant_);
      if (!account(id, block_pass ? "block" : "reservation", hash)) continue;
      if (block_pass) {
        ++blocks;
        text.append_blocks(calendar_blocks);
      } else {
        if (booking.status == "cancelled") ++cancelled;
        text.append_reservation(reservations, junction);
      }
    }
  }
  std::string out;
  out.reserve(reservations.size() + junction.size() + calendar_blocks.size() + 512);
  out += "{\"calendar_blocks\":[";
  out += calendar_blocks;
  out += "],\"counts\":{\"blocks_written\":";
  append_json_int(out, blocks);
  out += ",\"cancelled\":";
  append_json_int(out, cancelled);
  out += ",\"created\":";
  append_json_int(out, created);
  out += ",\"duplicates\":";
  append_json_int(out, page.duplicates);
  out += ",\"records\":";
  append_json_int(out, page.records);
  out += ",\"unchanged\":";
  append_json_int(out, unchanged);
  out += ",\"updated\":";
  append_json_int(out, updated);
  out += ",\"without_id\":";
  append_json_int(out, page.without_id);
  out += "},\"delete_blocks\":[";
  out += delete_blocks;
  out += "],\"delete_reservations\":[";
  out += delete_reservations;
  out += "],\"errors\":";
  out += dump_plan(diagnostics_json(diagnostics.errors(), tenant_.tenant_id));
  out += ",\"reservation_accommodations\":[";
  out += junction;
  out += "],\"reservations\":[";
  out += reservations;
  out += "],\"unknown_units\":[],\"warnings\":";
  out += dump_plan(diagnostics_json(diagnostics.warnings(), tenant_.tenant_id));
  out += '}';
  escape_non_ascii(out);  // as dump_plan writes every other plan
  return out;
}

std::string BookingsSyncSession::resolve_units(std::string_view results) {
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
        type["content_hash"] = content_hash(type);
        plan["accommodation_types"].push_back(std::move(type));
        types_.insert(type_id);
        diagnostics.warn("placeholder_type", path,
                         "accommodation type " + std::to_string(type_id) + " is unknown; a placeholder type was created");
      }
      unit["content_hash"] = content_hash(unit);
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

std::string BookingsSyncSession::reconcile(int64_t total, std::string_view active) const {
  Diagnostics diagnostics;
  for (const auto& d : init_diagnostics_.errors()) diagnostics.error(d.code, d.path, d.message);
  std::vector<int64_t> active_ids;
  if (per_page_ && valid_) {
    // Ids only (100,000 bookings: under a megabyte of text); read without keeping a document.
    if (const auto doc = parse_json_document(active, "active", diagnostics)) {
      if (!doc->is_array()) diagnostics.error("wrong_type", "active", "active must be an array of booking ids");
      size_t i = 0;
      for (const auto& v : doc->is_array() ? *doc : json::array()) {
        if (v.is_number_integer() && v.get<int64_t>() > 0) {
          active_ids.push_back(v.get<int64_t>());
        } else {
          diagnostics.error("invalid_state", "active[" + std::to_string(i) + "]", "active holds positive booking ids");
        }
        ++i;
      }
    }
  } else {
    for (const auto& [id, row] : stored_) {
      if (row.is_active) active_ids.push_back(id);
    }
  }
  const bool complete = valid_ && diagnostics.error_count() == 0 && !had_page_errors_ && read_pages_.empty() &&
                        static_cast<int64_t>(seen_.size()) >= total;
  std::sort(active_ids.begin(), active_ids.end());
  active_ids.erase(std::unique(active_ids.begin(), active_ids.end()), active_ids.end());
  json confirm = json::array();
  if (complete) {
    for (int64_t id : active_ids) {
      if (!seen_.count(id)) confirm.push_back(id);
    }
  }
  return dump_plan({{"complete", complete},
                    {"seen", seen_.size()},
                    {"total", total},
                    {"confirm", confirm},
                    {"errors", diagnostics_json(diagnostics.errors(), tenant_.tenant_id)}});
}

std::vector<BookingOutcome> BookingsSyncSession::take_outcomes() {
  std::vector<BookingOutcome> out;
  out.swap(outcomes_);
  return out;
}

std::string BookingsSyncSession::confirm(int64_t booking_id, int http_status, std::string_view body) const {
  Diagnostics diagnostics;
  json out = {{"booking_id", booking_id}};
  const std::string name = "booking " + std::to_string(booking_id);
  if (!valid_) {
    // Without a valid tenant and time nothing may be marked.
    for (const auto& d : init_diagnostics_.errors()) diagnostics.error(d.code, d.path, d.message);
    out["decision"] = "keep";
  } else if (http_status == 404 || http_status == 410) {
    out["decision"] = "gone";
  } else if (http_status == 200) {
    const auto doc = parse_json_document(body, "bookings/" + std::to_string(booking_id), diagnostics);
    std::string status;
    if (doc && doc->is_object() && doc->contains("status") && (*doc)["status"].is_string())
      status = (*doc)["status"].get<std::string>();
    if (status == "trash") {
      out["decision"] = "gone";
    } else {
      out["decision"] = "keep";
      diagnostics.warn("missing_from_pass", "bookings/" + std::to_string(booking_id),
                       name + " was not returned by the pass but still exists upstream (status \"" + status + "\"); kept");
    }
  } else {
    out["decision"] = "keep";
    diagnostics.error("confirm_failed", "bookings/" + std::to_string(booking_id),
                      "GET /bookings/" + std::to_string(booking_id) + " answered " + std::to_string(http_status) + "; kept");
  }
  if (out["decision"] == "gone") out["mark"] = {{"status", "inactive"}, {"upstream_gone_at", tenant_.now}};
  out["warnings"] = diagnostics_json(diagnostics.warnings(), tenant_.tenant_id);
  out["errors"] = diagnostics_json(diagnostics.errors(), tenant_.tenant_id);
  return dump_plan(out);
}

}  // namespace mphb
