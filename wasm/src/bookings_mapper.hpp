// Maps MotoPress bookings (/bookings) to guest reservations, their junction rows (one per reserved
// accommodation) and calendar blocks, as SPEC §4 says. A booking with any error is rejected whole:
// never half a booking.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "accommodations_mapper.hpp"
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
  RowsById reservations;                                        // by MotoPress booking id
  std::map<int64_t, std::vector<json>> reservation_accommodations;  // by booking id, in position order
  std::map<int64_t, std::vector<json>> calendar_blocks;             // by booking id, in position order
  std::map<int64_t, std::vector<UnitReference>> unknown_units;  // by booking id: units the index lacks
  std::map<int64_t, std::string> paths;                         // where each kept booking stands in the input
};

MappedBookings map_bookings(const json& document, const std::string& root, const TenantContext& tenant,
                            const UnitTypeIndex& units, Diagnostics& diagnostics);

}  // namespace mphb
