// Decides whether a MotoPress booking is a guest stay or an imported calendar block (SPEC §4, I6).
// On real sites most imported bookings are blocks ("Airbnb (Not available)", empty customer): they must
// never become guests who can log in.
#pragma once
#include <string>

namespace mphb {

enum class BookingKind { kDirectGuest, kImportedGuest, kCalendarBlock };

struct BookingEvidence {
  bool imported = false;
  bool has_customer_data = false;        // any of first/last name, email, phone non-empty
  bool has_room_guest_name = false;      // a reserved accommodation carries a guest name
  bool has_channel_reservation = false;  // the iCal description names a reservation code or phone
  std::string ical_summary;              // unquoted
};

BookingKind classify_booking(const BookingEvidence& evidence);

const char* booking_kind_name(BookingKind kind);

}  // namespace mphb
