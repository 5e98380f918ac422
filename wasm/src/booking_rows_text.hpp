// The rows of a mapped booking as canonical JSON text, written straight into the plan and streamed into
// the content hash: byte-identical to nlohmann's dump of reservation_row, reservation_accommodation_rows
// and calendar_block_rows (keys in its sorted order), and the same hash content_hash gives them, without
// building them as JSON values.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "bookings_mapper.hpp"
#include "tenant_context.hpp"

namespace mphb {

// One instance serves one tenant (its unit row ids are cached by MotoPress id across bookings and pages).
class BookingRowsText {
 public:
  // Writes the booking's rows (kept until the next call) and returns their content hash.
  const std::string& prepare(const MappedBooking& booking, const TenantContext& tenant);
  // Appends the prepared rows, content_hash included, to the bodies of the plan's arrays (comma-separated).
  void append_reservation(std::string& reservations, std::string& reservation_accommodations) const;
  void append_blocks(std::string& calendar_blocks) const;

 private:
  struct Split {  // one row, around where content_hash goes; upstream_gone_at (last) is added on output
    std::string head, tail;
  };
  Split& next_split();
  const std::string& unit_row_id(const TenantContext& tenant, int64_t mphb_accommodation_id);

  std::vector<Split> rows_;  // reservation: one; block: one per room (reused across bookings)
  size_t used_ = 0;
  std::string junction_;  // the junction rows, comma-separated
  std::string gone_at_;   // upstream_gone_at's JSON
  std::string hash_;
  std::unordered_map<int64_t, std::string> unit_row_ids_;  // UUID v5 is a SHA-1: units repeat across bookings
};

}  // namespace mphb
