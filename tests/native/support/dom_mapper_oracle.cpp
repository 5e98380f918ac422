// TEST-ONLY ORACLE (see dom_oracle.hpp): the old DOM mapper and content hash, verbatim but renamed.
#include "booking_classifier.hpp"
#include "collection_reader.hpp"
#include "dom_oracle.hpp"
#include "field_reader.hpp"
#include "html_entities.hpp"
#include "ical_fields.hpp"
#include "row_ids.hpp"
#include "sha1.hpp"
#include "status_mapping.hpp"

namespace mphb_oracle {
using namespace mphb;
namespace {

struct Customer {
  std::string first_name, last_name, email, phone, country;
  bool has_data() const { return !first_name.empty() || !last_name.empty() || !email.empty() || !phone.empty(); }
};

struct Room {
  int64_t accommodation = 0;
  int64_t type = 0;
  int64_t rate = 0;
  int64_t adults = 0;
  int64_t children = 0;
  std::string guest_name;
  std::string path;
};

bool read_customer(const FieldReader& booking, Customer& out, Diagnostics& diagnostics) {
  const json* c = booking.find("customer");
  if (!c) return true;
  if (c->is_array() && c->empty()) return true;  // PHP serialises an empty customer as []
  if (!c->is_object()) {
    diagnostics.error("wrong_type", booking.path_of("customer"),
                      std::string("customer must be an object, got ") + json_type_name(*c));
    return false;
  }
  const size_t before = diagnostics.error_count();
  FieldReader r(*c, booking.path_of("customer"), diagnostics);
  auto first = r.text("first_name"), last = r.text("last_name"), email = r.text("email"), phone = r.text("phone"),
       country = r.text("country");
  if (diagnostics.error_count() != before) return false;
  out = {std::string(trim(*first)), std::string(trim(*last)), std::string(trim(*email)), std::string(trim(*phone)),
         std::string(trim(*country))};
  return true;
}

bool read_rooms(const FieldReader& booking, std::vector<Room>& rooms, Diagnostics& diagnostics) {
  const json* list = booking.find("reserved_accommodations");
  if (!list) return true;
  if (!list->is_array()) {
    diagnostics.error("wrong_type", booking.path_of("reserved_accommodations"),
                      std::string("reserved_accommodations must be an array, got ") + json_type_name(*list));
    return false;
  }
  const size_t before = diagnostics.error_count();
  size_t i = 0;
  for (const auto& item : *list) {
    const std::string path = booking.path_of("reserved_accommodations") + "[" + std::to_string(i++) + "]";
    if (!item.is_object()) {
      diagnostics.error("wrong_type", path,
                        std::string("a reserved accommodation must be an object, got ") + json_type_name(item));
      continue;
    }
    FieldReader r(item, path, diagnostics);
    auto accommodation = r.id("accommodation", Presence::kRequired);
    auto type = r.id_or_zero("accommodation_type");
    auto rate = r.id_or_zero("rate");
    auto adults = r.count("adults", 0);
    auto children = r.count("children", 0);
    auto guest_name = r.text("guest_name");
    if (!accommodation || !type || !rate || !adults || !children || !guest_name) continue;
    rooms.push_back({*accommodation, *type, *rate, *adults, *children, std::string(trim(*guest_name)), path});
  }
  return diagnostics.error_count() == before;
}

std::string full_name(const Customer& c) {
  if (c.first_name.empty()) return c.last_name;
  if (c.last_name.empty()) return c.first_name;
  return c.first_name + " " + c.last_name;
}

void map_one_booking(const json& record, const std::string& path, const TenantContext& tenant, const UnitTypeIndex& units,
                     MappedBookings& out, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  FieldReader r(record, path, diagnostics);
  auto id = r.id("id", Presence::kRequired);
  auto status_text = r.text("status");
  auto check_in = r.date("check_in_date", Presence::kRequired);
  auto check_out = r.date("check_out_date", Presence::kRequired);
  auto check_in_time = r.time_of_day("check_in_time");
  auto check_out_time = r.time_of_day("check_out_time");
  auto created = r.utc_timestamp("date_created_utc");
  auto total_price = r.decimal("total_price", Presence::kOptional);
  auto currency = r.text("currency");
  auto imported = r.boolean("imported", false);
  auto summary_raw = r.text("ical_summary");
  auto description_raw = r.text("ical_description");
  auto prodid_raw = r.text("ical_prodid");
  Customer customer;
  std::vector<Room> rooms;
  const bool customer_ok = read_customer(r, customer, diagnostics);
  const bool rooms_ok = read_rooms(r, rooms, diagnostics);
  if (status_text && status_text->empty()) diagnostics.error("missing_field", r.path_of("status"), "status is required");
  if (check_in && check_out && *check_out < *check_in) {
    diagnostics.error("invalid_dates", r.path_of("check_out_date"), "check_out_date is before check_in_date");
  }
  if (diagnostics.error_count() != errors_before || !id || !customer_ok || !rooms_ok) return;

  const std::string booking_path_id = "booking " + std::to_string(*id);
  if (out.reservations.count(*id) || out.calendar_blocks.count(*id)) {
    diagnostics.warn("duplicate_id", r.path_of("id"), booking_path_id + " appears more than once; the last one is kept");
    out.reservations.erase(*id);
    out.reservation_accommodations.erase(*id);
    out.calendar_blocks.erase(*id);
    out.unknown_units.erase(*id);
  }

  const MappedStatus status = map_booking_status(*status_text);
  if (!status.known) {
    diagnostics.warn("unknown_status", r.path_of("status"),
                     booking_path_id + " has unknown status \"" + *status_text + "\"; stored as inactive");
  }
  if (total_price && !total_price->empty() && (*total_price)[0] == '-') {
    diagnostics.warn("negative_price", r.path_of("total_price"), booking_path_id + " has a negative total_price");
  }
  if (rooms.empty()) {
    diagnostics.warn("no_accommodation", r.path_of("reserved_accommodations"), booking_path_id + " names no accommodation");
  }

  // Resolve each room's type: the booking's own type id, else the known unit's.
  for (Room& room : rooms) {
    auto known = units.find(room.accommodation);
    if (known == units.end()) {
      out.unknown_units[*id].push_back({room.accommodation, room.type, room.path + ".accommodation"});
    } else if (room.type == 0) {
      room.type = known->second;
    } else if (room.type != known->second) {
      diagnostics.warn("type_mismatch", room.path + ".accommodation_type",
                       booking_path_id + " names type " + std::to_string(room.type) + " for accommodation " +
                           std::to_string(room.accommodation) + ", which belongs to type " + std::to_string(known->second));
    }
  }

  const std::string summary = unquote_ical_text(*summary_raw);
  const std::string description = unquote_ical_text(*description_raw);
  const IcalDescription ical = parse_ical_description(description);
  const std::optional<std::string> channel = *imported ? channel_from_prodid(*prodid_raw) : std::optional<std::string>("direct");

  BookingEvidence evidence;
  evidence.imported = *imported;
  evidence.has_customer_data = customer.has_data();
  evidence.has_channel_reservation = ical.reservation_code.has_value() || ical.phone_last_4.has_value();
  for (const Room& room : rooms) evidence.has_room_guest_name = evidence.has_room_guest_name || !room.guest_name.empty();
  evidence.ical_summary = summary;
  const BookingKind kind = classify_booking(evidence);
  const json gone_at = status.gone ? json(tenant.now) : json(nullptr);

  out.paths[*id] = path;
  if (kind == BookingKind::kCalendarBlock) {
    std::vector<json> blocks;
    for (size_t position = 0; position < rooms.size(); ++position) {
      const Room& room = rooms[position];
      blocks.push_back({
          {"id", calendar_block_row_id(tenant.tenant_id, *id, position)},
          {"tenant_id", tenant.tenant_id},
          {"external_booking_id", *id},
          {"position", position},
          {"accommodation_unit_id", accommodation_unit_row_id(tenant.tenant_id, room.accommodation)},
          {"mphb_accommodation_id", room.accommodation},
          {"mphb_type_id", room.type == 0 ? json(nullptr) : json(room.type)},
          {"start_date", *check_in},
          {"end_date", *check_out},
          {"summary", nullable(summary)},
          {"channel", channel ? json(*channel) : json(nullptr)},
          {"status", status.status},
          {"mphb_status", *status_text},
          {"upstream_gone_at", gone_at},
      });
    }
    if (blocks.empty()) {
      diagnostics.warn("block_without_accommodation", r.path_of("reserved_accommodations"),
                       booking_path_id + " is a calendar block for no accommodation; nothing to store");
      return;
    }
    out.calendar_blocks[*id] = std::move(blocks);
    return;
  }

  const std::string reservation_id = reservation_row_id(tenant.tenant_id, *id);
  std::vector<json> junction;
  int64_t adults = 0, children = 0;
  std::string room_guest_name;
  for (size_t position = 0; position < rooms.size(); ++position) {
    const Room& room = rooms[position];
    adults += room.adults;
    children += room.children;
    if (room_guest_name.empty()) room_guest_name = room.guest_name;
    junction.push_back({
        {"id", reservation_accommodation_row_id(tenant.tenant_id, *id, position)},
        {"tenant_id", tenant.tenant_id},
        {"reservation_id", reservation_id},
        {"external_booking_id", *id},
        {"position", position},
        {"accommodation_unit_id", accommodation_unit_row_id(tenant.tenant_id, room.accommodation)},
        {"mphb_accommodation_id", room.accommodation},
        {"mphb_type_id", room.type == 0 ? json(nullptr) : json(room.type)},
        {"adults", room.adults},
        {"children", room.children},
        {"guest_name", nullable(room.guest_name)},
        {"rate_id", room.rate == 0 ? json(nullptr) : json(room.rate)},
    });
  }

  std::string guest_name = full_name(customer);
  if (guest_name.empty()) guest_name = room_guest_name;
  std::optional<std::string> phone_last_4 = phone_last_4_digits(customer.phone);
  if (!phone_last_4) phone_last_4 = ical.phone_last_4;

  json reservation = {
      {"id", reservation_id},
      {"tenant_id", tenant.tenant_id},
      {"external_booking_id", *id},
      {"status", status.status},
      {"mphb_status", *status_text},
      {"check_in_date", *check_in},
      {"check_out_date", *check_out},
      {"check_in_time", nullable(*check_in_time)},
      {"check_out_time", nullable(*check_out_time)},
      {"guest_name", nullable(guest_name)},
      {"guest_first_name", nullable(customer.first_name)},
      {"guest_last_name", nullable(customer.last_name)},
      {"guest_email", nullable(customer.email)},
      {"guest_phone", nullable(customer.phone)},
      {"guest_country", nullable(customer.country)},
      {"phone_last_4", phone_last_4 ? json(*phone_last_4) : json(nullptr)},
      {"adults", adults},
      {"children", children},
      {"room_count", rooms.size()},
      {"total_price", total_price ? json(*total_price) : json(nullptr)},
      {"currency", nullable(*currency)},
      {"booking_source", *imported ? "ical" : "direct"},
      {"channel", channel ? json(*channel) : json(nullptr)},
      {"reservation_code", ical.reservation_code ? json(*ical.reservation_code) : json(nullptr)},
      {"accommodation_unit_id", junction.empty() ? json(nullptr) : junction.front()["accommodation_unit_id"]},
      {"mphb_accommodation_id", rooms.empty() ? json(nullptr) : json(rooms.front().accommodation)},
      {"mphb_type_id", rooms.empty() || rooms.front().type == 0 ? json(nullptr) : json(rooms.front().type)},
      {"booked_at", nullable(*created)},
      {"upstream_gone_at", gone_at},
  };
  out.reservations[*id] = std::move(reservation);
  out.reservation_accommodations[*id] = std::move(junction);
}

}  // namespace

MappedBookings dom_map_bookings(const json& document, const std::string& root, const TenantContext& tenant,
                                const UnitTypeIndex& units, Diagnostics& diagnostics) {
  MappedBookings out;
  for_each_record(document, root, diagnostics, [&](const json& record, const std::string& path) {
    map_one_booking(record, path, tenant, units, out, diagnostics);
  });
  return out;
}

namespace {

json without_volatile(const json& value) {
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) out.push_back(without_volatile(v));
    return out;
  }
  if (!value.is_object()) return value;
  json out = value;
  out.erase("placeholder_since");
  out.erase("upstream_gone_at");
  out.erase("content_hash");
  return out;
}

}  // namespace

std::string dom_content_hash(const json& rows) {
  const auto digest = sha1(without_volatile(rows).dump(-1, ' ', false, json::error_handler_t::replace));
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
  return out;
}

}  // namespace mphb_oracle
