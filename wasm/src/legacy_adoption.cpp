#include "legacy_adoption.hpp"

#include <map>
#include <set>
#include <vector>

#include "accommodations_mapper.hpp"
#include "bookings_mapper.hpp"
#include "collection_reader.hpp"
#include "field_reader.hpp"
#include "plan_json.hpp"
#include "row_ids.hpp"
#include "tenant_context.hpp"

namespace mphb {
namespace {

const json kNull = nullptr;
const json kEmptyArray = json::array();
constexpr size_t kSamples = 10;

// The defect class names of shared/legacy/README.md, in report order.
const char* const kClasses[] = {"null_unit",    "junction_missing",  "junction_partial", "junction_duplicate",
                                "unit_is_type", "auto_created_unit", "duplicate_rows",   "block_as_guest",
                                "stale_status", "placeholder_phone", "missing_booking",  "unknown_upstream"};

const json& field(const json& object, const char* key) {
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string text(const json& object, const char* key) {
  const json& v = field(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// Legacy ids are text ("2432"); anything else is not a MotoPress booking id.
std::optional<int64_t> booking_id_of(const json& row) {
  const json& v = field(row, "external_booking_id");
  if (v.is_number_integer() && v.get<int64_t>() > 0) return v.get<int64_t>();
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s.empty() || s.size() > 15 || s[0] == '0' || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

std::optional<int64_t> integer(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  return std::nullopt;
}

std::string last_digits(const std::string& phone, size_t n) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return digits.size() >= n ? digits.substr(digits.size() - n) : std::string();
}

enum class LegacyUnitKind { kReal, kTypeRow, kAutoCreated };

struct LegacyUnit {
  std::string id;
  std::string name;
  LegacyUnitKind kind = LegacyUnitKind::kReal;
};

struct Upstream {
  MappedBookings mapped;
  std::set<int64_t> listed;                   // every id the lists returned, mappable or not
  std::map<int64_t, std::string> confirmed;   // id → "trash" | "deleted" | an upstream status
  std::map<int64_t, size_t> confirmed_rooms;  // rooms of a booking looked up by id (a trashed one still has them)
};

std::string upstream_status(const Upstream& up, int64_t id) {
  if (auto r = up.mapped.reservations.find(id); r != up.mapped.reservations.end()) return text(r->second, "mphb_status");
  if (auto b = up.mapped.calendar_blocks.find(id); b != up.mapped.calendar_blocks.end() && !b->second.empty())
    return text(b->second.front(), "mphb_status");
  if (auto c = up.confirmed.find(id); c != up.confirmed.end()) return c->second;
  return "";
}

size_t upstream_rooms(const Upstream& up, int64_t id) {
  if (auto r = up.mapped.reservation_accommodations.find(id); r != up.mapped.reservation_accommodations.end())
    return r->second.size();
  if (auto b = up.mapped.calendar_blocks.find(id); b != up.mapped.calendar_blocks.end()) return b->second.size();
  if (auto c = up.confirmed_rooms.find(id); c != up.confirmed_rooms.end()) return c->second;
  return 0;
}

void read_confirmations(const json& list, Upstream& up, Diagnostics& diagnostics) {
  if (!list.is_array()) {
    diagnostics.error("invalid_confirmations", "confirmations", "confirmations must be an array of {id, status, body}");
    return;
  }
  for (const auto& c : list) {
    const auto id = integer(field(c, "id"));
    const auto status = integer(field(c, "status"));
    if (!id || !status) continue;
    if (*status == 404) {
      up.confirmed[*id] = "deleted";
    } else if (*status == 200) {
      const std::string s = text(field(c, "body"), "status");
      up.confirmed[*id] = s.empty() ? "unknown" : s;
      const json& rooms = field(field(c, "body"), "reserved_accommodations");
      if (rooms.is_array()) up.confirmed_rooms[*id] = rooms.size();
    }
  }
}

json legacy_units_report(const std::map<std::string, LegacyUnit>& units) {
  json out = json::array();
  for (const auto& [id, u] : units) {
    json defects = json::array();
    if (u.kind == LegacyUnitKind::kTypeRow) defects.push_back("unit_is_type");
    if (u.kind == LegacyUnitKind::kAutoCreated) defects.push_back("auto_created_unit");
    out.push_back({{"legacy_id", id}, {"name", nullable(u.name)}, {"defects", defects}});
  }
  return out;
}

}  // namespace

std::string plan_legacy_adoption_json(const LegacyAdoptionInput& input) {
  Diagnostics diagnostics;
  json out = {{"legacy_rows", json::array()}, {"legacy_units", json::array()},           {"missing_bookings", json::array()},
              {"carry", json::array()},       {"unplaced_platform_data", json::array()}, {"confirm", json::array()}};
  const auto tenant = read_tenant_context(input.tenant_id, input.now, diagnostics);
  const auto legacy = parse_json_document(input.legacy, "legacy", diagnostics);
  const auto units_doc = parse_json_document(input.accommodations, "accommodations", diagnostics);
  const auto bookings_doc = parse_json_document(input.bookings, "bookings", diagnostics);
  const auto confirmations = parse_json_document(input.confirmations.empty() ? std::string_view("[]") : input.confirmations,
                                                 "confirmations", diagnostics);
  if (legacy && (!legacy->is_object() || !field(*legacy, "reservations").is_array())) {
    diagnostics.error("invalid_legacy", "legacy", "legacy must be {reservations: [], junction: [], units: []}");
  }
  Upstream up;
  if (diagnostics.error_count() == 0) {
    UnitTypeIndex index;
    const MappedRecords units = map_accommodation_units(*units_doc, "accommodations", *tenant, diagnostics);
    for (const auto& [id, row] : units.rows) index[id] = field(row, "mphb_type_id").get<int64_t>();
    Diagnostics ids;
    for_each_record(*bookings_doc, "bookings", ids, [&](const json& record, const std::string& path) {
      FieldReader r(record, path, ids);
      if (auto id = r.id("id", Presence::kRequired)) up.listed.insert(*id);
    });
    up.mapped = map_bookings(*bookings_doc, "bookings", *tenant, index, diagnostics);
    read_confirmations(*confirmations, up, diagnostics);
  }
  if (diagnostics.error_count() > 0) {
    out["classes"] = json::object();
    out["outcomes"] = json::object();
    out["warnings"] = diagnostics_json(diagnostics.warnings(), tenant ? tenant->tenant_id : "");
    out["errors"] = diagnostics_json(diagnostics.errors(), tenant ? tenant->tenant_id : "");
    return dump_plan(out);
  }

  std::map<std::string, LegacyUnit> units;
  // References, never copies: rows are pointed at below.
  const json& unit_rows = field(*legacy, "units").is_array() ? field(*legacy, "units") : kEmptyArray;
  const json& junction_rows = field(*legacy, "junction").is_array() ? field(*legacy, "junction") : kEmptyArray;
  for (const auto& u : unit_rows) {
    LegacyUnit unit{text(u, "id"), text(u, "name")};
    const bool has_unit_id = integer(field(u, "motopress_unit_id")).has_value();
    const bool has_type_id = integer(field(u, "motopress_type_id")).has_value();
    // The accommodations sync wrote the TYPE id into motopress_unit_id; the reservations sync auto-created
    // bare rows with only motopress_type_id.
    if (has_unit_id && !has_type_id) unit.kind = LegacyUnitKind::kTypeRow;
    if (!has_unit_id && has_type_id) unit.kind = LegacyUnitKind::kAutoCreated;
    if (!unit.id.empty()) units[unit.id] = unit;
  }
  std::map<std::string, std::vector<const json*>> junction;
  for (const auto& j : junction_rows) {
    junction[text(j, "reservation_id")].push_back(&j);
  }
  const json& reservations = field(*legacy, "reservations");
  std::map<int64_t, std::vector<const json*>> by_booking;
  for (const auto& r : reservations) {
    if (auto id = booking_id_of(r)) by_booking[*id].push_back(&r);
  }
  // Legacy bookings the lists did not return and nobody has looked up yet: ask for them first.
  for (const auto& [id, rows] : by_booking) {
    if (!up.listed.count(id) && !up.confirmed.count(id)) out["confirm"].push_back(id);
  }

  std::map<std::string, std::vector<int64_t>> class_bookings;
  std::map<std::string, size_t> class_counts;
  std::map<std::string, size_t> outcomes;
  auto note_class = [&](const std::string& cls, int64_t booking) {
    class_counts[cls] += 1;
    auto& samples = class_bookings[cls];
    if (samples.size() < kSamples && (samples.empty() || samples.back() != booking)) samples.push_back(booking);
  };
  struct Carry {
    json documents = json::array();
    std::vector<std::string> notes;
    json legacy_ids = json::array();
    size_t rows_with_data = 0;
  };
  std::map<int64_t, Carry> carry;

  for (const auto& row : reservations) {
    const std::string legacy_id = text(row, "id");
    const auto booking = booking_id_of(row);
    json defects = json::array();
    auto add = [&](const char* cls) {
      defects.push_back(cls);
      if (booking) note_class(cls, *booking);
    };
    const json& sire = field(row, "sire");
    const std::string notes = text(row, "booking_notes");
    const bool platform_data = (sire.is_object() && !sire.empty()) || !notes.empty();
    if (!booking) {
      diagnostics.warn("invalid_booking_id", "legacy.reservations",
                       "legacy row " + legacy_id + " has no MotoPress booking id (\"" + text(row, "external_booking_id") +
                           "\"); it cannot be adopted");
      add("unknown_upstream");
      outcomes["gone"] += 1;
      out["legacy_rows"].push_back({{"legacy_id", legacy_id},
                                    {"booking_id", nullptr},
                                    {"defects", defects},
                                    {"outcome", "gone"},
                                    {"reservation_id", nullptr},
                                    {"calendar_block_id", nullptr},
                                    {"upstream_status", nullptr},
                                    {"platform_data", platform_data}});
      if (platform_data) {
        out["unplaced_platform_data"].push_back(
            {{"legacy_id", legacy_id},
             {"booking_id", nullptr},
             {"outcome", "gone"},
             {"message", "platform data on a row with no booking id stays in the legacy table"}});
      }
      continue;
    }
    const int64_t id = *booking;
    const bool is_reservation = up.mapped.reservations.count(id) > 0;
    const bool is_block = up.mapped.calendar_blocks.count(id) > 0;
    const bool listed = up.listed.count(id) > 0;
    const std::string status_upstream = upstream_status(up, id);
    const std::string legacy_status = text(row, "status");
    const size_t rooms = upstream_rooms(up, id);
    const auto& own_junction = junction[legacy_id];

    // Rooms.
    if (field(row, "accommodation_unit_id").is_null() && (rooms > 0 || !listed)) add("null_unit");
    std::set<int64_t> distinct;
    bool duplicate_room = false;
    for (const json* j : own_junction) {
      const auto room = integer(field(*j, "motopress_accommodation_id"));
      if (room && !distinct.insert(*room).second) duplicate_room = true;
    }
    if (own_junction.empty() && (rooms > 0 || !listed)) add("junction_missing");
    if (!own_junction.empty() && distinct.size() < rooms) add("junction_partial");
    if (duplicate_room) add("junction_duplicate");
    // Every legacy unit row stands for a type (written by the accommodations sync, or auto-created by the
    // reservations sync): a reservation pointing at one points at a type, not at its room.
    if (const json& unit_id = field(row, "accommodation_unit_id"); unit_id.is_string()) {
      auto it = units.find(unit_id.get<std::string>());
      if (it != units.end() && it->second.kind != LegacyUnitKind::kReal) add("unit_is_type");
    }
    if (by_booking[id].size() > 1) add("duplicate_rows");
    if (is_block) add("block_as_guest");
    // Status: what is stored must be the mapping of what MotoPress says now; a live row of a booking
    // cancelled, trashed or deleted upstream is the old sync's blind spot.
    const bool live = legacy_status == "active" || legacy_status == "pending_admin" || legacy_status == "pending_payment" ||
                      legacy_status == "pending";
    std::string mapped_status = "gone";
    if (is_reservation) mapped_status = text(up.mapped.reservations[id], "status");
    if (is_block && !up.mapped.calendar_blocks[id].empty()) mapped_status = text(up.mapped.calendar_blocks[id].front(), "status");
    if ((is_reservation && mapped_status != legacy_status) ||
        (!is_reservation && live && (mapped_status == "gone" || mapped_status == "cancelled" || mapped_status == "inactive"))) {
      add("stale_status");
    }
    if (!listed && status_upstream != "trash") add("unknown_upstream");
    const std::string phone = text(row, "phone_last_4");
    if (phone == "0000" && last_digits(text(row, "phone_full"), 4) != "0000") add("placeholder_phone");

    std::string outcome;
    json reservation_id = nullptr, block_id = nullptr;
    if (is_reservation) {
      outcome = by_booking[id].size() > 1 ? "merged" : "adopted";
      reservation_id = reservation_row_id(tenant->tenant_id, id);
    } else if (is_block) {
      outcome = "calendar_block";
      block_id = calendar_block_row_id(tenant->tenant_id, id, 0);
    } else {
      outcome = "gone";
      if (listed) {
        diagnostics.warn("unmapped_booking", "bookings",
                         "booking " + std::to_string(id) + " is upstream but could not be mapped");
      }
    }
    outcomes[outcome] += 1;
    out["legacy_rows"].push_back({{"legacy_id", legacy_id},
                                  {"booking_id", id},
                                  {"defects", defects},
                                  {"outcome", outcome},
                                  {"reservation_id", reservation_id},
                                  {"calendar_block_id", block_id},
                                  {"upstream_status", status_upstream.empty() ? json(nullptr) : json(status_upstream)},
                                  {"platform_data", platform_data}});
    if (!platform_data) continue;
    if (outcome == "adopted" || outcome == "merged") {
      Carry& c = carry[id];
      c.rows_with_data += 1;
      c.legacy_ids.push_back(legacy_id);
      if (sire.is_object() && !sire.empty()) {
        json document = sire;
        document["source"] = "legacy";
        document["legacy_id"] = legacy_id;
        c.documents.push_back(std::move(document));
      }
      if (!notes.empty()) c.notes.push_back(notes);
    } else {
      out["unplaced_platform_data"].push_back(
          {{"legacy_id", legacy_id},
           {"booking_id", id},
           {"outcome", outcome},
           {"message", outcome == "calendar_block"
                           ? "a calendar block has no guest: its platform data (SIRE, notes) stays in the legacy table"
                           : "the booking is gone upstream: its platform data (SIRE, notes) stays in the legacy table"}});
    }
  }

  for (auto& [id, c] : carry) {
    std::string staff_notes;
    for (const auto& n : c.notes) staff_notes += (staff_notes.empty() ? "" : "\n") + n;
    if (c.rows_with_data > 1) {
      diagnostics.warn("platform_data_kept_both", "legacy.reservations",
                       "booking " + std::to_string(id) + ": " + std::to_string(c.rows_with_data) +
                           " legacy rows carry platform data; all of it is kept on the one reservation");
    }
    out["carry"].push_back({{"reservation_id", reservation_row_id(tenant->tenant_id, id)},
                            {"booking_id", id},
                            {"legacy_ids", c.legacy_ids},
                            {"guest_documents", c.documents},
                            {"staff_notes", nullable(staff_notes)}});
  }
  // Upstream bookings the old sync never wrote: the sync writes them.
  auto missing = [&](int64_t id, const char* kind, const std::string& status) {
    if (by_booking.count(id)) return;
    note_class("missing_booking", id);
    out["missing_bookings"].push_back({{"booking_id", id}, {"kind", kind}, {"status", status}});
  };
  for (const auto& [id, row] : up.mapped.reservations) missing(id, "reservation", text(row, "status"));
  for (const auto& [id, rows] : up.mapped.calendar_blocks)
    missing(id, "calendar_block", rows.empty() ? "" : text(rows.front(), "status"));
  out["legacy_units"] = legacy_units_report(units);
  for (const auto& [id, u] : units) {
    if (u.kind == LegacyUnitKind::kAutoCreated) class_counts["auto_created_unit"] += 1;  // a class of unit rows
  }

  json classes = json::object();
  for (const char* cls : kClasses) {
    classes[cls] = {{"count", class_counts[cls]}, {"booking_ids", class_bookings[cls]}};
  }
  out["classes"] = classes;
  json outcome_counts = json::object();
  for (const char* o : {"adopted", "merged", "calendar_block", "gone"}) outcome_counts[o] = outcomes[o];
  out["outcomes"] = outcome_counts;
  out["warnings"] = diagnostics_json(diagnostics.warnings(), tenant->tenant_id);
  out["errors"] = diagnostics_json(diagnostics.errors(), tenant->tenant_id);
  return dump_plan(out);
}

}  // namespace mphb
