#include "booking_rows_text.hpp"

#include "json_text.hpp"
#include "row_ids.hpp"
#include "sha1.hpp"

namespace mphb {
namespace {

void comma_then(std::string& body) {
  if (!body.empty()) body += ',';
}

}  // namespace

BookingRowsText::Split& BookingRowsText::next_split() {
  if (used_ == rows_.size()) rows_.emplace_back();
  Split& s = rows_[used_++];
  s.head.clear();
  s.tail.clear();
  return s;
}

const std::string& BookingRowsText::unit_row_id(const TenantContext& t, int64_t mphb_accommodation_id) {
  auto it = unit_row_ids_.find(mphb_accommodation_id);
  if (it == unit_row_ids_.end()) {
    it = unit_row_ids_.emplace(mphb_accommodation_id, accommodation_unit_row_id(t.tenant_id, mphb_accommodation_id)).first;
  }
  return it->second;
}

const std::string& BookingRowsText::prepare(const MappedBooking& b, const TenantContext& t) {
  used_ = 0;
  junction_.clear();
  gone_at_.clear();
  if (b.gone) {
    append_json_string(gone_at_, t.now);
  } else {
    gone_at_ = "null";
  }
  Sha1 sha;
  if (b.is_block) {
    sha.update("[", 1);
    for (size_t position = 0; position < b.rooms.size(); ++position) {
      const BookingRoom& room = b.rooms[position];
      Split& s = next_split();
      std::string& h = s.head;
      append_literal(h, "\"accommodation_unit_id\":");
      append_json_string(h, unit_row_id(t, room.accommodation));
      append_literal(h, ",\"channel\":");
      append_json_optional(h, b.channel);
      std::string& x = s.tail;
      append_literal(x, "\"end_date\":");
      append_json_string(x, b.check_out);
      append_literal(x, ",\"external_booking_id\":");
      append_json_int(x, b.id);
      append_literal(x, ",\"id\":");
      append_json_string(x, calendar_block_row_id(t.tenant_id, b.id, position));
      append_literal(x, ",\"mphb_accommodation_id\":");
      append_json_int(x, room.accommodation);
      append_literal(x, ",\"mphb_status\":");
      append_json_string(x, b.mphb_status);
      append_literal(x, ",\"mphb_type_id\":");
      append_json_id_or_null(x, room.type);
      append_literal(x, ",\"position\":");
      append_json_int(x, static_cast<int64_t>(position));
      append_literal(x, ",\"start_date\":");
      append_json_string(x, b.check_in);
      append_literal(x, ",\"status\":");
      append_json_string(x, b.status);
      append_literal(x, ",\"summary\":");
      append_json_nullable(x, b.summary);
      append_literal(x, ",\"tenant_id\":");
      append_json_string(x, t.tenant_id);
      sha.update(position == 0 ? "{" : ",{", position == 0 ? 1 : 2);
      sha.update(h);
      sha.update(",", 1);
      sha.update(x);
      sha.update("}", 1);
    }
    sha.update("]", 1);
    hash_ = sha.finish_hex();
    return hash_;
  }

  const std::string reservation_id = reservation_row_id(t.tenant_id, b.id);
  const std::string* first_unit = nullptr;
  int64_t adults = 0, children = 0;
  for (size_t position = 0; position < b.rooms.size(); ++position) {
    const BookingRoom& room = b.rooms[position];
    adults += room.adults;
    children += room.children;
    const std::string& unit = unit_row_id(t, room.accommodation);
    std::string& j = junction_;
    comma_then(j);
    append_literal(j, "{\"accommodation_unit_id\":");
    append_json_string(j, unit);
    append_literal(j, ",\"adults\":");
    append_json_int(j, room.adults);
    append_literal(j, ",\"children\":");
    append_json_int(j, room.children);
    append_literal(j, ",\"external_booking_id\":");
    append_json_int(j, b.id);
    append_literal(j, ",\"guest_name\":");
    append_json_nullable(j, room.guest_name);
    append_literal(j, ",\"id\":");
    append_json_string(j, reservation_accommodation_row_id(t.tenant_id, b.id, position));
    append_literal(j, ",\"mphb_accommodation_id\":");
    append_json_int(j, room.accommodation);
    append_literal(j, ",\"mphb_type_id\":");
    append_json_id_or_null(j, room.type);
    append_literal(j, ",\"position\":");
    append_json_int(j, static_cast<int64_t>(position));
    append_literal(j, ",\"rate_id\":");
    append_json_id_or_null(j, room.rate);
    append_literal(j, ",\"reservation_id\":");
    append_json_string(j, reservation_id);
    append_literal(j, ",\"tenant_id\":");
    append_json_string(j, t.tenant_id);
    j += '}';
    if (position == 0) first_unit = &unit;
  }
  const bool has_room = !b.rooms.empty();
  Split& s = next_split();
  std::string& h = s.head;
  append_literal(h, "\"accommodation_unit_id\":");
  if (has_room) {
    append_json_string(h, *first_unit);
  } else {
    h += "null";
  }
  append_literal(h, ",\"adults\":");
  append_json_int(h, adults);
  append_literal(h, ",\"booked_at\":");
  append_json_nullable(h, b.booked_at);
  append_literal(h, ",\"booking_source\":");
  h += b.imported ? "\"ical\"" : "\"direct\"";
  append_literal(h, ",\"channel\":");
  append_json_optional(h, b.channel);
  append_literal(h, ",\"check_in_date\":");
  append_json_string(h, b.check_in);
  append_literal(h, ",\"check_in_time\":");
  append_json_nullable(h, b.check_in_time);
  append_literal(h, ",\"check_out_date\":");
  append_json_string(h, b.check_out);
  append_literal(h, ",\"check_out_time\":");
  append_json_nullable(h, b.check_out_time);
  append_literal(h, ",\"children\":");
  append_json_int(h, children);
  std::string& x = s.tail;
  append_literal(x, "\"currency\":");
  append_json_nullable(x, b.currency);
  append_literal(x, ",\"external_booking_id\":");
  append_json_int(x, b.id);
  append_literal(x, ",\"guest_country\":");
  append_json_nullable(x, b.country);
  append_literal(x, ",\"guest_email\":");
  append_json_nullable(x, b.email);
  append_literal(x, ",\"guest_first_name\":");
  append_json_nullable(x, b.first_name);
  append_literal(x, ",\"guest_last_name\":");
  append_json_nullable(x, b.last_name);
  append_literal(x, ",\"guest_name\":");
  append_json_nullable(x, b.guest_name);
  append_literal(x, ",\"guest_phone\":");
  append_json_nullable(x, b.phone);
  append_literal(x, ",\"id\":");
  append_json_string(x, reservation_id);
  append_literal(x, ",\"mphb_accommodation_id\":");
  if (has_room) {
    append_json_int(x, b.rooms.front().accommodation);
  } else {
    x += "null";
  }
  append_literal(x, ",\"mphb_status\":");
  append_json_string(x, b.mphb_status);
  append_literal(x, ",\"mphb_type_id\":");
  append_json_id_or_null(x, has_room ? b.rooms.front().type : 0);
  append_literal(x, ",\"phone_last_4\":");
  append_json_optional(x, b.phone_last_4);
  append_literal(x, ",\"reservation_code\":");
  append_json_optional(x, b.reservation_code);
  append_literal(x, ",\"room_count\":");
  append_json_int(x, static_cast<int64_t>(b.rooms.size()));
  append_literal(x, ",\"status\":");
  append_json_string(x, b.status);
  append_literal(x, ",\"tenant_id\":");
  append_json_string(x, t.tenant_id);
  append_literal(x, ",\"total_price\":");
  append_json_optional(x, b.total_price);
  // content_hash([reservation, junction]) without the volatile fields.
  sha.update("[{", 2);
  sha.update(h);
  sha.update(",", 1);
  sha.update(x);
  sha.update("},[", 3);
  sha.update(junction_);
  sha.update("]]", 2);
  hash_ = sha.finish_hex();
  return hash_;
}

void BookingRowsText::append_reservation(std::string& reservations, std::string& reservation_accommodations) const {
  const Split& s = rows_[0];
  comma_then(reservations);
  reservations += '{';
  reservations += s.head;
  reservations += ",\"content_hash\":\"";
  reservations += hash_;
  reservations += "\",";
  reservations += s.tail;
  reservations += ",\"upstream_gone_at\":";
  reservations += gone_at_;
  reservations += '}';
  if (!junction_.empty()) {
    comma_then(reservation_accommodations);
    reservation_accommodations += junction_;
  }
}

void BookingRowsText::append_blocks(std::string& calendar_blocks) const {
  for (size_t i = 0; i < used_; ++i) {
    const Split& s = rows_[i];
    comma_then(calendar_blocks);
    calendar_blocks += '{';
    calendar_blocks += s.head;
    calendar_blocks += ",\"content_hash\":\"";
    calendar_blocks += hash_;
    calendar_blocks += "\",";
    calendar_blocks += s.tail;
    calendar_blocks += ",\"upstream_gone_at\":";
    calendar_blocks += gone_at_;
    calendar_blocks += '}';
  }
}

}  // namespace mphb
