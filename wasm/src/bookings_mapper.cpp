#include "bookings_mapper.hpp"

#include "booking_classifier.hpp"
#include "collection_reader.hpp"
#include "field_reader.hpp"
#include "html_entities.hpp"
#include "ical_fields.hpp"
#include "row_ids.hpp"
#include "status_mapping.hpp"

namespace mphb {
namespace {

struct Customer {
  std::string first_name, last_name, email, phone, country;
  bool has_data() const { return !first_name.empty() || !last_name.empty() || !email.empty() || !phone.empty(); }
};

using Room = BookingRoom;

bool read_customer(const FieldReader& booking, const BookingValue& c, Customer& out, Diagnostics& diagnostics) {
  if (c.absent()) return true;
  if (c.is_array() && c.size() == 0) return true;  // PHP serialises an empty customer as []
  if (!c.is_object()) {
    diagnostics.error("wrong_type", booking.path_of("customer"), std::string("customer must be an object, got ") + c.type_name());
    return false;
  }
  const size_t before = diagnostics.error_count();
  FieldReader r(c.fields(), booking.path_of("customer"), diagnostics);
  auto first = r.text("first_name"), last = r.text("last_name"), email = r.text("email"), phone = r.text("phone"),
       country = r.text("country");
  if (diagnostics.error_count() != before) return false;
  out = {std::string(trim(*first)), std::string(trim(*last)), std::string(trim(*email)), std::string(trim(*phone)),
         std::string(trim(*country))};
  return true;
}

bool read_rooms(const FieldReader& booking, const BookingValue& list, std::vector<Room>& rooms, Diagnostics& diagnostics) {
  if (list.absent()) return true;
  if (!list.is_array()) {
    diagnostics.error("wrong_type", booking.path_of("reserved_accommodations"),
                      std::string("reserved_accommodations must be an array, got ") + list.type_name());
    return false;
  }
  const size_t before = diagnostics.error_count();
  const std::string list_path = booking.path_of("reserved_accommodations");
  for (size_t i = 0, n = list.size(); i < n; ++i) {
    const BookingValue item = list[i];
    std::string path = list_path + "[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      diagnostics.error("wrong_type", path, std::string("a reserved accommodation must be an object, got ") + item.type_name());
      continue;
    }
    FieldReader r(item.fields(), path, diagnostics);
    auto accommodation = r.id("accommodation", Presence::kRequired);
    auto type = r.id_or_zero("accommodation_type");
    auto rate = r.id_or_zero("rate");
    auto adults = r.count("adults", 0);
    auto children = r.count("children", 0);
    auto guest_name = r.text("guest_name");
    if (!accommodation || !type || !rate || !adults || !children || !guest_name) continue;
    rooms.push_back({*accommodation, *type, *rate, *adults, *children, std::string(trim(*guest_name)), std::move(path)});
  }
  return diagnostics.error_count() == before;
}

std::string full_name(const Customer& c) {
  if (c.first_name.empty()) return c.last_name;
  if (c.last_name.empty()) return c.first_name;
  return c.first_name + " " + c.last_name;
}

}  // namespace

BookingRecordResult map_booking_record(const json& record, const std::string& path, const UnitTypeIndex& units,
                                       const std::function<bool(int64_t)>& page_has, Diagnostics& diagnostics) {
  return map_booking_record(booking_view(record), path, units, page_has, diagnostics);
}

BookingRecordResult map_booking_record(const BookingView& record, const std::string& path, const UnitTypeIndex& units,
                                       const std::function<bool(int64_t)>& page_has, Diagnostics& diagnostics) {
  BookingRecordResult result;
  const size_t errors_before = diagnostics.error_count();
  FieldReader r(record.fields, path, diagnostics);
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
  const bool customer_ok = read_customer(r, record.customer, customer, diagnostics);
  const bool rooms_ok = read_rooms(r, record.rooms, rooms, diagnostics);
  if (status_text && status_text->empty()) diagnostics.error("missing_field", r.path_of("status"), "status is required");
  if (check_in && check_out && *check_out < *check_in) {
    diagnostics.error("invalid_dates", r.path_of("check_out_date"), "check_out_date is before check_in_date");
  }
  if (diagnostics.error_count() != errors_before || !id || !customer_ok || !rooms_ok) return result;

  // Only warnings name the booking: the text is built when one is given, not for every booking.
  const auto booking_path_id = [&id] { return "booking " + std::to_string(*id); };
  if (page_has(*id)) {
    diagnostics.warn("duplicate_id", r.path_of("id"), booking_path_id() + " appears more than once; the last one is kept");
    result.replaces_earlier = true;
  }

  const MappedStatus status = map_booking_status(*status_text);
  if (!status.known) {
    diagnostics.warn("unknown_status", r.path_of("status"),
                     booking_path_id() + " has unknown status \"" + *status_text + "\"; stored as inactive");
  }
  if (total_price && !total_price->empty() && (*total_price)[0] == '-') {
    diagnostics.warn("negative_price", r.path_of("total_price"), booking_path_id() + " has a negative total_price");
  }
  if (rooms.empty()) {
    diagnostics.warn("no_accommodation", r.path_of("reserved_accommodations"), booking_path_id() + " names no accommodation");
  }

  // Resolve each room's type: the booking's own type id, else the known unit's.
  for (Room& room : rooms) {
    auto known = units.find(room.accommodation);
    if (known == units.end()) {
      result.unknown_units.push_back({room.accommodation, room.type, room.path + ".accommodation"});
    } else if (room.type == 0) {
      room.type = known->second;
    } else if (room.type != known->second) {
      diagnostics.warn("type_mismatch", room.path + ".accommodation_type",
                       booking_path_id() + " names type " + std::to_string(room.type) + " for accommodation " +
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

  result.id = *id;
  if (kind == BookingKind::kCalendarBlock && rooms.empty()) {
    diagnostics.warn("block_without_accommodation", r.path_of("reserved_accommodations"),
                     booking_path_id() + " is a calendar block for no accommodation; nothing to store");
    return result;
  }

  MappedBooking b;
  b.id = *id;
  b.is_block = kind == BookingKind::kCalendarBlock;
  b.imported = *imported;
  b.gone = status.gone;
  b.status = status.status;
  b.mphb_status = *status_text;
  b.check_in = *check_in;
  b.check_out = *check_out;
  b.check_in_time = *check_in_time;
  b.check_out_time = *check_out_time;
  b.booked_at = *created;
  b.currency = *currency;
  b.summary = summary;
  b.total_price = total_price;
  b.channel = channel;
  b.reservation_code = ical.reservation_code;
  if (!b.is_block) {
    std::string room_guest_name;
    for (const Room& room : rooms) {
      if (room_guest_name.empty()) room_guest_name = room.guest_name;
    }
    b.guest_name = full_name(customer);
    if (b.guest_name.empty()) b.guest_name = room_guest_name;
    b.phone_last_4 = phone_last_4_digits(customer.phone);
    if (!b.phone_last_4) b.phone_last_4 = ical.phone_last_4;
    b.first_name = std::move(customer.first_name);
    b.last_name = std::move(customer.last_name);
    b.email = std::move(customer.email);
    b.phone = std::move(customer.phone);
    b.country = std::move(customer.country);
  }
  b.rooms = std::move(rooms);
  result.booking = std::move(b);
  return result;
}

namespace {

json id_or_null(int64_t id) { return id == 0 ? json(nullptr) : json(id); }

}  // namespace

std::vector<json> calendar_block_rows(const MappedBooking& b, const TenantContext& tenant) {
  std::vector<json> blocks;
  const json gone_at = b.gone ? json(tenant.now) : json(nullptr);
  for (size_t position = 0; position < b.rooms.size(); ++position) {
    const Room& room = b.rooms[position];
    blocks.push_back({
        {"id", calendar_block_row_id(tenant.tenant_id, b.id, position)},
        {"tenant_id", tenant.tenant_id},
        {"external_booking_id", b.id},
        {"position", position},
        {"accommodation_unit_id", accommodation_unit_row_id(tenant.tenant_id, room.accommodation)},
        {"mphb_accommodation_id", room.accommodation},
        {"mphb_type_id", id_or_null(room.type)},
        {"start_date", b.check_in},
        {"end_date", b.check_out},
        {"summary", nullable(b.summary)},
        {"channel", b.channel ? json(*b.channel) : json(nullptr)},
        {"status", b.status},
        {"mphb_status", b.mphb_status},
        {"upstream_gone_at", gone_at},
    });
  }
  return blocks;
}

std::vector<json> reservation_accommodation_rows(const MappedBooking& b, const TenantContext& tenant) {
  const std::string reservation_id = reservation_row_id(tenant.tenant_id, b.id);
  std::vector<json> junction;
  for (size_t position = 0; position < b.rooms.size(); ++position) {
    const Room& room = b.rooms[position];
    junction.push_back({
        {"id", reservation_accommodation_row_id(tenant.tenant_id, b.id, position)},
        {"tenant_id", tenant.tenant_id},
        {"reservation_id", reservation_id},
        {"external_booking_id", b.id},
        {"position", position},
        {"accommodation_unit_id", accommodation_unit_row_id(tenant.tenant_id, room.accommodation)},
        {"mphb_accommodation_id", room.accommodation},
        {"mphb_type_id", id_or_null(room.type)},
        {"adults", room.adults},
        {"children", room.children},
        {"guest_name", nullable(room.guest_name)},
        {"rate_id", id_or_null(room.rate)},
    });
  }
  return junction;
}

json reservation_row(const MappedBooking& b, const TenantContext& tenant) {
  int64_t adults = 0, children = 0;
  for (const Room& room : b.rooms) {
    adults += room.adults;
    children += room.children;
  }
  const bool has_room = !b.rooms.empty();
  return {
      {"id", reservation_row_id(tenant.tenant_id, b.id)},
      {"tenant_id", tenant.tenant_id},
      {"external_booking_id", b.id},
      {"status", b.status},
      {"mphb_status", b.mphb_status},
      {"check_in_date", b.check_in},
      {"check_out_date", b.check_out},
      {"check_in_time", nullable(b.check_in_time)},
      {"check_out_time", nullable(b.check_out_time)},
      {"guest_name", nullable(b.guest_name)},
      {"guest_first_name", nullable(b.first_name)},
      {"guest_last_name", nullable(b.last_name)},
      {"guest_email", nullable(b.email)},
      {"guest_phone", nullable(b.phone)},
      {"guest_country", nullable(b.country)},
      {"phone_last_4", b.phone_last_4 ? json(*b.phone_last_4) : json(nullptr)},
      {"adults", adults},
      {"children", children},
      {"room_count", b.rooms.size()},
      {"total_price", b.total_price ? json(*b.total_price) : json(nullptr)},
      {"currency", nullable(b.currency)},
      {"booking_source", b.imported ? "ical" : "direct"},
      {"channel", b.channel ? json(*b.channel) : json(nullptr)},
      {"reservation_code", b.reservation_code ? json(*b.reservation_code) : json(nullptr)},
      {"accommodation_unit_id",
       has_room ? json(accommodation_unit_row_id(tenant.tenant_id, b.rooms.front().accommodation)) : json(nullptr)},
      {"mphb_accommodation_id", has_room ? json(b.rooms.front().accommodation) : json(nullptr)},
      {"mphb_type_id", !has_room || b.rooms.front().type == 0 ? json(nullptr) : json(b.rooms.front().type)},
      {"booked_at", nullable(b.booked_at)},
      {"upstream_gone_at", b.gone ? json(tenant.now) : json(nullptr)},
  };
}

MappedBookings map_bookings(const json& document, const std::string& root, const TenantContext& tenant,
                            const UnitTypeIndex& units, Diagnostics& diagnostics) {
  MappedBookings out;
  const auto page_has = [&](int64_t id) { return out.reservations.count(id) > 0 || out.calendar_blocks.count(id) > 0; };
  for_each_record(document, root, diagnostics, [&](const json& record, const std::string& path) {
    BookingRecordResult result = map_booking_record(record, path, units, page_has, diagnostics);
    if (!result.id) return;
    const int64_t id = *result.id;
    if (result.replaces_earlier) {
      out.reservations.erase(id);
      out.reservation_accommodations.erase(id);
      out.calendar_blocks.erase(id);
      out.unknown_units.erase(id);
    }
    if (!result.unknown_units.empty()) out.unknown_units[id] = std::move(result.unknown_units);
    out.paths[id] = path;
    if (!result.booking) return;
    if (result.booking->is_block) {
      out.calendar_blocks[id] = calendar_block_rows(*result.booking, tenant);
    } else {
      out.reservations[id] = reservation_row(*result.booking, tenant);
      out.reservation_accommodations[id] = reservation_accommodation_rows(*result.booking, tenant);
    }
  });
  return out;
}

}  // namespace mphb
