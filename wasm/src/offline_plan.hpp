// The offline dry run (`mphb-sync plan`, the browser preview): MotoPress exports in, the rows a sync
// would write out, with warnings and errors. No database: the units known are exactly those in the
// accommodations export, and any other unit a booking names gets a flagged placeholder.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mphb {

struct OfflinePlanInput {
  std::string tenant_id;                                // UUID (any case)
  std::string now;                                      // ISO-8601 timestamp; the only source of time
  std::optional<std::string_view> accommodation_types;  // JSON bytes; nullopt when not given
  std::optional<std::string_view> accommodations;
  std::optional<std::string_view> bookings;
};

// Returns one compact JSON object: {accommodation_types, accommodation_units, reservations,
// reservation_accommodations, calendar_blocks, warnings, errors}. Byte-identical for identical input
// on every platform. Never fails: problems are entries of "errors".
std::string build_offline_plan_json(const OfflinePlanInput& input);

}  // namespace mphb
