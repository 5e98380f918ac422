// Guest stay or calendar block? Blocks must never become guests who can log in (SPEC §4, I6).
#include "booking_classifier.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using mphb::BookingEvidence;
using mphb::BookingKind;
using mphb::classify_booking;

BookingEvidence imported(const std::string& summary) {
  BookingEvidence e;
  e.imported = true;
  e.ical_summary = summary;
  return e;
}

TEST(BookingClassifier, NotImportedIsAlwaysADirectGuest) {
  BookingEvidence e;
  EXPECT_EQ(classify_booking(e), BookingKind::kDirectGuest);
  e.ical_summary = "Airbnb (Not available)";  // the wording does not matter for direct bookings
  EXPECT_EQ(classify_booking(e), BookingKind::kDirectGuest);
}

TEST(BookingClassifier, ImportedWithCustomerDataIsAGuest) {
  BookingEvidence e = imported("Airbnb (Not available)");
  e.has_customer_data = true;
  EXPECT_EQ(classify_booking(e), BookingKind::kImportedGuest);
}

TEST(BookingClassifier, ImportedWithChannelReservationCodeIsAGuest) {
  BookingEvidence e = imported("Airbnb (Not available)");
  e.has_channel_reservation = true;
  EXPECT_EQ(classify_booking(e), BookingKind::kImportedGuest);
}

TEST(BookingClassifier, ImportedWithRoomGuestNameIsAGuest) {
  BookingEvidence e = imported("");
  e.has_room_guest_name = true;
  EXPECT_EQ(classify_booking(e), BookingKind::kImportedGuest);
}

TEST(BookingClassifier, ImportedNotAvailableWithNothingIsABlock) {
  EXPECT_EQ(classify_booking(imported("Airbnb (Not available)")), BookingKind::kCalendarBlock);
  EXPECT_EQ(classify_booking(imported("Blocked")), BookingKind::kCalendarBlock);
  EXPECT_EQ(classify_booking(imported("CLOSED - Not available")), BookingKind::kCalendarBlock);
}

TEST(BookingClassifier, ImportedWithEmptyOrUnknownSummaryAndNothingElseIsABlock) {
  EXPECT_EQ(classify_booking(imported("")), BookingKind::kCalendarBlock);
  EXPECT_EQ(classify_booking(imported("Busy")), BookingKind::kCalendarBlock);
}

TEST(BookingClassifier, ImportedReservedWithNothingElseIsAGuest) {
  EXPECT_EQ(classify_booking(imported("Reserved")), BookingKind::kImportedGuest);
  EXPECT_EQ(classify_booking(imported("Booked")), BookingKind::kImportedGuest);
}

TEST(BookingClassifier, KindNamesAreStable) {
  EXPECT_STREQ(mphb::booking_kind_name(BookingKind::kDirectGuest), "direct");
  EXPECT_STREQ(mphb::booking_kind_name(BookingKind::kImportedGuest), "imported_guest");
  EXPECT_STREQ(mphb::booking_kind_name(BookingKind::kCalendarBlock), "calendar_block");
}

}  // namespace
