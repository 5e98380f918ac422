#include "booking_classifier.hpp"

#include "ical_fields.hpp"

namespace mphb {

BookingKind classify_booking(const BookingEvidence& e) {
  if (!e.imported) return BookingKind::kDirectGuest;
  // Evidence of a person wins over any summary wording: a stay with a reservation code or a phone is a guest.
  if (e.has_customer_data || e.has_channel_reservation || e.has_room_guest_name) return BookingKind::kImportedGuest;
  // Without any guest data nobody could be contacted or log in; "Reserved" alone still names a stay.
  if (!summary_says_unavailable(e.ical_summary) && summary_says_reserved(e.ical_summary)) {
    return BookingKind::kImportedGuest;
  }
  return BookingKind::kCalendarBlock;
}

const char* booking_kind_name(BookingKind kind) {
  switch (kind) {
    case BookingKind::kDirectGuest: return "direct";
    case BookingKind::kImportedGuest: return "imported_guest";
    default: return "calendar_block";
  }
}

}  // namespace mphb
