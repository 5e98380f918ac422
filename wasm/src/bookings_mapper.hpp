// Maps MotoPress bookings (/bookings) to guest reservations, their junction rows (one per reserved
// accommodation) and calendar blocks, as SPEC §4 says. A booking with any error is rejected whole:
// never half a booking.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "accommodations_mapper.hpp"
#include "booking_record_view.hpp"
#include "diagnostics.hpp"
#include "json_document.hpp"
#include "tenant_context.hpp"

namespace mphb {

// The units the mapping may resolve against: MotoPress accommodation id → its type id.
using UnitTypeIndex = std::map<int64_t, int64_t>;

// A unit a booking names that the index does not hold.
struct UnitReference {
  int64_t mphb_accommodation_id = 0;
  int64_t mphb_type_id = 0;  // the booking's accommodation_type for it; 0 when not given
  std::string path;          // where the booking names it
};

struct MappedBookings {
  RowsById reservations;                                            // by MotoPress booking id
  std::map<int64_t, std::vector<json>> reservation_accommodations;  // by booking id, in position order
  std::map<int64_t, std::vector<json>> calendar_blocks;             // by booking id, in position order
  std::map<int64_t, std::vector<UnitReference>> unknown_units;      // by booking id: units the index lacks
  std::map<int64_t, std::string> paths;                             // where each kept booking stands in the input
};

MappedBookings map_bookings(const json& document, const std::string& root, const TenantContext& tenant,
                            const UnitTypeIndex& units, Diagnostics& diagnostics);

// ---- One booking at a time (the streaming path and map_bookings share it) ----------------------------

struct BookingRoom {
  int64_t accommodation = 0;
  int64_t type = 0;  // resolved from the unit index when the booking gives none; 0 when unknown
  int64_t rate = 0;
  int64_t adults = 0;
  int64_t children = 0;
  std::string guest_name;
  std::string path;
};

// A booking that passed every check: what its rows hold, row ids aside (they need the tenant).
struct MappedBooking {
  int64_t id = 0;
  bool is_block = false;
  bool imported = false;
  bool gone = false;  // upstream trashed it: upstream_gone_at is "now"
  std::string status, mphb_status, check_in, check_out, check_in_time, check_out_time, booked_at, currency, summary;
  std::string guest_name, first_name, last_name, email, phone, country;
  std::optional<std::string> total_price, channel, reservation_code, phone_last_4;
  std::vector<BookingRoom> rooms;
};

struct BookingRecordResult {
  std::optional<int64_t> id;             // set when the booking passed its checks (a record of the page)
  bool replaces_earlier = false;         // the page already held this id: drop that one (duplicate_id warned)
  std::optional<MappedBooking> booking;  // what to store; nullopt when rejected or a block for no room
  std::vector<UnitReference> unknown_units;
};

// Maps one record at `path`. page_has(id): whether the page already holds a stored booking with that id.
// The record is a parsed document's value (map_bookings) or a view of the streaming reader's slots.
BookingRecordResult map_booking_record(const BookingView& record, const std::string& path, const UnitTypeIndex& units,
                                       const std::function<bool(int64_t)>& page_has, Diagnostics& diagnostics);
BookingRecordResult map_booking_record(const json& record, const std::string& path, const UnitTypeIndex& units,
                                       const std::function<bool(int64_t)>& page_has, Diagnostics& diagnostics);

// The rows of a mapped booking as JSON values (map_bookings' output).
json reservation_row(const MappedBooking& booking, const TenantContext& tenant);
std::vector<json> reservation_accommodation_rows(const MappedBooking& booking, const TenantContext& tenant);
std::vector<json> calendar_block_rows(const MappedBooking& booking, const TenantContext& tenant);

}  // namespace mphb
