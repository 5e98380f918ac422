// The deterministic id of every row kind: UUID v5 in the tenant's namespace (SPEC §2).
#pragma once
#include <cstdint>
#include <string>

#include "uuid.hpp"

namespace mphb {

inline std::string accommodation_type_row_id(const std::string& tenant, int64_t mphb_type_id) {
  return uuid_v5(tenant, "accommodation_type:" + std::to_string(mphb_type_id));
}
inline std::string accommodation_unit_row_id(const std::string& tenant, int64_t mphb_accommodation_id) {
  return uuid_v5(tenant, "accommodation_unit:" + std::to_string(mphb_accommodation_id));
}
inline std::string reservation_row_id(const std::string& tenant, int64_t booking_id) {
  return uuid_v5(tenant, "reservation:" + std::to_string(booking_id));
}
inline std::string reservation_accommodation_row_id(const std::string& tenant, int64_t booking_id, size_t position) {
  return uuid_v5(tenant, "reservation_accommodation:" + std::to_string(booking_id) + ":" + std::to_string(position));
}
inline std::string calendar_block_row_id(const std::string& tenant, int64_t booking_id, size_t position) {
  return uuid_v5(tenant, "calendar_block:" + std::to_string(booking_id) + ":" + std::to_string(position));
}

}  // namespace mphb
