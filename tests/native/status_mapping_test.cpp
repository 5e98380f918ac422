// SPEC §4: the stored status is a pure function of MotoPress's status, and only active reservations log in.
#include "status_mapping.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using mphb::map_booking_status;
using mphb::status_can_log_in;

void expect_known(const char* mphb, const char* stored) {
  const auto m = map_booking_status(mphb);
  EXPECT_EQ(m.status, stored) << mphb;
  EXPECT_TRUE(m.known) << mphb;
  EXPECT_FALSE(m.gone) << mphb;
}

TEST(StatusMapping, ConfirmedIsActive) { expect_known("confirmed", "active"); }
TEST(StatusMapping, PendingIsPendingAdmin) { expect_known("pending", "pending_admin"); }
TEST(StatusMapping, PendingUserIsPending) { expect_known("pending-user", "pending"); }
TEST(StatusMapping, PendingPaymentIsPendingPayment) { expect_known("pending-payment", "pending_payment"); }
TEST(StatusMapping, CancelledIsCancelled) { expect_known("cancelled", "cancelled"); }
TEST(StatusMapping, AbandonedIsCancelled) { expect_known("abandoned", "cancelled"); }

TEST(StatusMapping, TrashIsInactiveAndGone) {
  const auto m = map_booking_status("trash");
  EXPECT_EQ(m.status, "inactive");
  EXPECT_TRUE(m.gone);
}

TEST(StatusMapping, UnknownValuesAreInactiveAndFlaggedUnknownNeverConfirmed) {
  for (const char* s : {"", "publish", "Confirmed", "CONFIRMED", " confirmed", "confirmed ", "active", "draft", "pending_payment",
                        "cancelled\n"}) {
    const auto m = map_booking_status(s);
    EXPECT_EQ(m.status, "inactive") << '"' << s << '"';
    EXPECT_FALSE(m.known) << '"' << s << '"';
    EXPECT_FALSE(m.gone) << '"' << s << '"';
  }
}

TEST(StatusLogin, OnlyActiveReservationsCanLogIn) {
  EXPECT_TRUE(status_can_log_in("active"));
  for (const char* s : {"pending_admin", "pending", "pending_payment", "cancelled", "inactive", "", "Active", "confirmed"}) {
    EXPECT_FALSE(status_can_log_in(s)) << s;
  }
}

TEST(StatusLogin, OnlyConfirmedBookingsEndUpAbleToLogIn) {
  for (const char* s :
       {"confirmed", "pending", "pending-user", "pending-payment", "cancelled", "abandoned", "trash", "whatever"}) {
    EXPECT_EQ(status_can_log_in(map_booking_status(s).status), std::string(s) == "confirmed") << s;
  }
}

}  // namespace
