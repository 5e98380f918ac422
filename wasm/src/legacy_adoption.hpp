// Adoption of a database the old ("muva-era") sync wrote (shared/legacy/README.md): every legacy row
// classified with the defect classes, and what adoption does with it, against the upstream truth. Pure:
// the host reads the legacy tables and MotoPress, and writes what this decides.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mphb {

struct LegacyAdoptionInput {
  std::string tenant_id;  // the tenant's UUID (kept from the legacy tenant_registry)
  std::string now;        // ISO-8601
  // {"reservations": [{id, external_booking_id, status, guest_name, phone_last_4, reservation_code,
  //   check_in_date, check_out_date, accommodation_unit_id, booking_notes, sire: {…}|null}],
  //  "junction": [{id, reservation_id, accommodation_unit_id, motopress_accommodation_id, motopress_type_id}],
  //  "units": [{id, motopress_unit_id, motopress_type_id, name}]}
  std::string_view legacy;
  std::string_view accommodations;  // upstream exports: a page or an array of pages
  std::string_view bookings;
  // GET /bookings/{id} of legacy bookings the list did not return: [{id, status, body}] (body: JSON or null)
  std::string_view confirmations;
};

// → {"legacy_rows": [{legacy_id, booking_id, defects, outcome, reservation_id, calendar_block_id,
//     upstream_status, platform_data}],
//    "legacy_units": [{legacy_id, name, defects}],
//    "missing_bookings": [{booking_id, kind, status}],
//    "carry": [{reservation_id, booking_id, legacy_ids, guest_documents, staff_notes}],
//    "unplaced_platform_data": [{legacy_id, booking_id, outcome, message}],
//    "classes": {<class>: {count, booking_ids}} (auto_created_unit counts legacy unit rows; missing_booking
//    upstream bookings; the others legacy reservation rows), "outcomes": {<outcome>: count},
//    "confirm": [booking ids to GET first, when `confirmations` lacks them], "warnings", "errors"}
// Outcomes: adopted (its reservation), merged (one of several legacy rows of one booking: all map to the
// reservation), calendar_block (a block stored as a guest), gone (trashed or deleted upstream: no row; the
// legacy row stays where it is). Any error: adopt nothing.
std::string plan_legacy_adoption_json(const LegacyAdoptionInput& input);

}  // namespace mphb
