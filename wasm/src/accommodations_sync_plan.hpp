// Stage "accommodations" of a sync (SPEC §3 step 2): the complete upstream lists of types and units
// against what the database holds, as a write plan: rows to upsert (new or changed, each with its
// content_hash), rows gone upstream to mark inactive, and how many were unchanged. Any error means
// the lists cannot be trusted (a dropped record would look "gone"): the host must write nothing.
#pragma once
#include <string>
#include <string_view>

namespace mphb {

struct AccommodationsSyncInput {
  std::string tenant_id;
  std::string now;
  std::string_view accommodation_types;  // JSON: all records of GET /accommodation_types (array or pages)
  std::string_view accommodations;       // JSON: all records of GET /accommodations
  // JSON: what the database holds, {"accommodation_types": {"<mphb id>": {"hash": "…", "is_active": true,
  // "is_placeholder": false}}, "accommodation_units": {…}}
  std::string_view current;
};

// Returns {accommodation_types, accommodation_units, deactivate_types, deactivate_units, counts,
// warnings, errors}.
std::string plan_accommodations_sync_json(const AccommodationsSyncInput& input);

}  // namespace mphb
