// SPEC §4 status mapping from a MotoPress booking status to the stored reservation status.
#pragma once
#include <string>
#include <string_view>

namespace mphb {

struct MappedStatus {
  std::string status;  // active | pending_admin | pending | pending_payment | cancelled | inactive
  bool known = true;   // false: an unknown upstream value, mapped to inactive with a warning
  bool gone = false;   // true: upstream trashed it ("trash"), so it is marked gone
};

MappedStatus map_booking_status(std::string_view mphb_status);

// Only active reservations may log in to the guest chat (SPEC §4, I6).
bool status_can_log_in(std::string_view status);

}  // namespace mphb
