#include "guest_stay.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <vector>

#include "calendar_date.hpp"
#include "diagnostics.hpp"
#include "json_document.hpp"
#include "plan_json.hpp"
#include "tenant_context.hpp"

namespace mphb {
namespace {

const json kNull = nullptr;

// Reads leniently: the rows come from our own database, but a wrong type still yields null, never a trap.
const json& field(const json& object, const char* key) {
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

json text_or_null(const json& value) {
  if (!value.is_string()) return nullptr;
  return value.get_ref<const std::string&>().empty() ? json(nullptr) : value;
}

std::optional<int64_t> integer(const json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (d >= -9007199254740991.0 && d <= 9007199254740991.0 && d == static_cast<double>(static_cast<int64_t>(d)))
      return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (value.is_string()) {  // bigint columns may arrive as text
    const std::string& s = value.get_ref<const std::string&>();
    if (s.empty() || s.size() > 16 || s.find_first_not_of("0123456789-") != std::string::npos) return std::nullopt;
    return std::strtoll(s.c_str(), nullptr, 10);
  }
  return std::nullopt;
}

json integer_or_null(const json& value) {
  const auto n = integer(value);
  return n ? json(*n) : json(nullptr);
}

// numeric columns: a JSON number, or its text ("28.50").
json number_or_null(const json& value) {
  if (value.is_number()) return value;
  if (!value.is_string()) return nullptr;
  const std::string& s = value.get_ref<const std::string&>();
  if (s.empty() || s.size() > 32 || s.find_first_not_of("0123456789.-") != std::string::npos) return nullptr;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return nullptr;
  if (d == static_cast<double>(static_cast<int64_t>(d))) return json(static_cast<int64_t>(d));
  return json(d);
}

// "14:00:00" → "14:00"; anything else → null.
json hour_minute(const json& value) {
  if (!value.is_string()) return nullptr;
  const std::string& s = value.get_ref<const std::string&>();
  if (s.size() < 5 || s[2] != ':') return nullptr;
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return nullptr;
  }
  return s.substr(0, 5);
}

bool is_true(const json& value) { return value.is_boolean() && value.get<bool>(); }

// MotoPress's own rule: total_capacity when set, else adults + children; 0 everywhere means unknown.
json capacity_of(const json& type) {
  const int64_t total = integer(field(type, "total_capacity")).value_or(0);
  if (total > 0) return total;
  const int64_t sum = integer(field(type, "adults")).value_or(0) + integer(field(type, "children")).value_or(0);
  return sum > 0 ? json(sum) : json(nullptr);
}

std::map<std::string, const json*> index_by_id(const json& rows) {
  std::map<std::string, const json*> out;
  if (!rows.is_array()) return out;
  for (const auto& row : rows) {
    const json& id = field(row, "id");
    if (id.is_string()) out[id.get<std::string>()] = &row;
  }
  return out;
}

const json* lookup(const std::map<std::string, const json*>& index, const json& id) {
  if (!id.is_string()) return nullptr;
  auto it = index.find(id.get<std::string>());
  return it == index.end() ? nullptr : it->second;
}

json room_entry(const json& junction, const json* unit, const json* type) {
  const json& u = unit ? *unit : kNull;
  const json& t = type ? *type : kNull;
  return {
      {"position", integer_or_null(field(junction, "position"))},
      {"unit_name", text_or_null(field(u, "name"))},
      {"mphb_accommodation_id", integer_or_null(field(junction, "mphb_accommodation_id"))},
      {"type_name", text_or_null(field(t, "name"))},
      {"mphb_type_id", type ? integer_or_null(field(t, "mphb_type_id")) : integer_or_null(field(junction, "mphb_type_id"))},
      {"bed_type", text_or_null(field(t, "bed_type"))},
      {"size_m2", number_or_null(field(t, "size"))},
      {"view", text_or_null(field(t, "view"))},
      {"capacity", type ? capacity_of(t) : json(nullptr)},
      {"adults", integer(field(junction, "adults")).value_or(0)},
      {"children", integer(field(junction, "children")).value_or(0)},
      {"guest_name", text_or_null(field(junction, "guest_name"))},
      {"is_placeholder", is_true(field(u, "is_placeholder")) || is_true(field(t, "is_placeholder"))},
  };
}

}  // namespace

std::string build_guest_stay_json(std::string_view input) {
  Diagnostics diagnostics;
  json out = {{"stay", nullptr}};
  const auto document = parse_json_document(input, "input", diagnostics);
  std::string tenant_id;
  if (document && !document->is_object()) diagnostics.error("invalid_input", "input", "the stay input must be a JSON object");
  if (document && document->is_object()) {
    const json& tenant = field(*document, "tenant");
    if (field(tenant, "tenant_id").is_string()) tenant_id = field(tenant, "tenant_id").get<std::string>();
    const json& reservation = field(*document, "reservation");
    if (!reservation.is_object()) {
      diagnostics.error("no_reservation", "reservation", "no guest reservation was given");
    } else {
      const auto units = index_by_id(field(*document, "accommodation_units"));
      const auto types = index_by_id(field(*document, "accommodation_types"));
      std::vector<const json*> junction;
      const json& rows = field(*document, "reservation_accommodations");
      if (rows.is_array()) {
        for (const auto& row : rows) {
          if (row.is_object()) junction.push_back(&row);
        }
      }
      std::stable_sort(junction.begin(), junction.end(), [](const json* a, const json* b) {
        return integer(field(*a, "position")).value_or(0) < integer(field(*b, "position")).value_or(0);
      });
      json rooms = json::array();
      for (const json* row : junction) {
        const json* unit = lookup(units, field(*row, "accommodation_unit_id"));
        const json* type = unit ? lookup(types, field(*unit, "accommodation_type_id")) : nullptr;
        rooms.push_back(room_entry(*row, unit, type));
      }
      const int64_t room_count = integer(field(reservation, "room_count")).value_or(static_cast<int64_t>(rooms.size()));
      if (room_count != static_cast<int64_t>(rooms.size())) {
        diagnostics.warn(
            "rooms_incomplete", "reservation_accommodations",
            "the reservation names " + std::to_string(room_count) + " rooms but " + std::to_string(rooms.size()) + " were given");
      }
      const json check_in = text_or_null(field(reservation, "check_in_date"));
      const json check_out = text_or_null(field(reservation, "check_out_date"));
      json nights = nullptr;
      if (check_in.is_string() && check_out.is_string()) {
        const auto in = parse_civil_date(check_in.get<std::string>());
        const auto out_date = parse_civil_date(check_out.get<std::string>());
        if (in && out_date) nights = days_from_civil(*out_date) - days_from_civil(*in);
      }
      const int64_t adults = integer(field(reservation, "adults")).value_or(0);
      const int64_t children = integer(field(reservation, "children")).value_or(0);
      out["stay"] = {
          {"tenant_id", nullable(tenant_id)},
          {"hotel_name", text_or_null(field(tenant, "name"))},
          {"reservation_id", text_or_null(field(reservation, "id"))},
          {"booking_id", integer_or_null(field(reservation, "external_booking_id"))},
          {"status", text_or_null(field(reservation, "status"))},
          {"guest_name", text_or_null(field(reservation, "guest_name"))},
          {"check_in_date", check_in},
          {"check_out_date", check_out},
          {"check_in_time", hour_minute(field(reservation, "check_in_time"))},
          {"check_out_time", hour_minute(field(reservation, "check_out_time"))},
          {"nights", nights},
          {"adults", adults},
          {"children", children},
          {"guests", adults + children},
          {"room_count", static_cast<int64_t>(rooms.size())},
          {"rooms", std::move(rooms)},
      };
    }
  }
  out["warnings"] = diagnostics_json(diagnostics.warnings(), tenant_id);
  out["errors"] = diagnostics_json(diagnostics.errors(), tenant_id);
  return dump_plan(out);
}

}  // namespace mphb
