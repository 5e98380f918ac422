// The guest's stay ("my stay"): one reservation with every room it holds, built from the rows the
// database returns for it. What the guest page shows and what questions are answered from. Missing
// data stays null, never invented.
#pragma once
#include <string>
#include <string_view>

namespace mphb {

// input: {"tenant": {"tenant_id", "name", "slug"}, "reservation": <guest_reservations row> | null,
//         "reservation_accommodations": [rows], "accommodation_units": [rows], "accommodation_types": [rows]}
//   — rows as PostgreSQL's to_json writes them (dates "YYYY-MM-DD", times "HH:MM:SS", numeric as number).
// → {"stay": {tenant_id, hotel_name, reservation_id, booking_id, status, guest_name, check_in_date,
//    check_out_date, check_in_time, check_out_time, nights, adults, children, guests, room_count,
//    rooms: [{position, unit_name, mphb_accommodation_id, type_name, mphb_type_id, bed_type, size_m2, view,
//    capacity, adults, children, guest_name, is_placeholder}]} | null, "warnings": [], "errors": []}.
// Rooms come in position order. Errors: invalid_input (not the object above), no_reservation.
std::string build_guest_stay_json(std::string_view input);

}  // namespace mphb
