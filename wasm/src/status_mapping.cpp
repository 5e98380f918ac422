#include "status_mapping.hpp"

namespace mphb {

MappedStatus map_booking_status(std::string_view s) {
  if (s == "confirmed") return {"active"};
  if (s == "pending") return {"pending_admin"};
  if (s == "pending-user") return {"pending"};
  if (s == "pending-payment") return {"pending_payment"};
  if (s == "cancelled" || s == "abandoned") return {"cancelled"};
  if (s == "trash") return {"inactive", true, true};
  return {"inactive", false, false};
}

bool status_can_log_in(std::string_view status) { return status == "active"; }

}  // namespace mphb
