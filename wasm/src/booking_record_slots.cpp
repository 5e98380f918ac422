#include "booking_record_slots.hpp"

#include <cstring>

namespace mphb {
namespace {

// k == word, with the first and last characters compared before memcmp: memcmp is a call in
// WebAssembly, and most keys of a record (links, prices, notes) share a length with a kept one.
template <size_t N>
bool same(std::string_view k, const char (&word)[N]) {
  return k.size() == N - 1 && k[0] == word[0] && k[N - 2] == word[N - 2] && std::memcmp(k.data(), word, N - 1) == 0;
}

}  // namespace

int record_slot(std::string_view k) {
  switch (k.size()) {
    case 2: return same(k, "id") ? kRecordId : -1;
    case 6: return same(k, "status") ? kRecordStatus : -1;
    case 8:
      if (same(k, "customer")) return kRecordCustomer;
      if (same(k, "currency")) return kRecordCurrency;
      return same(k, "imported") ? kRecordImported : -1;
    case 11:
      if (same(k, "total_price")) return kRecordTotalPrice;
      return same(k, "ical_prodid") ? kRecordIcalProdid : -1;
    case 12: return same(k, "ical_summary") ? kRecordIcalSummary : -1;
    case 13:
      if (same(k, "check_in_date")) return kRecordCheckInDate;
      return same(k, "check_in_time") ? kRecordCheckInTime : -1;
    case 14:
      if (same(k, "check_out_date")) return kRecordCheckOutDate;
      return same(k, "check_out_time") ? kRecordCheckOutTime : -1;
    case 16:
      if (same(k, "date_created_utc")) return kRecordDateCreatedUtc;
      return same(k, "ical_description") ? kRecordIcalDescription : -1;
    case 23: return same(k, "reserved_accommodations") ? kRecordRooms : -1;
    default: return -1;
  }
}

int customer_slot(std::string_view k) {
  switch (k.size()) {
    case 10: return same(k, "first_name") ? 0 : -1;
    case 9: return same(k, "last_name") ? 1 : -1;
    case 5:
      if (same(k, "email")) return 2;
      return same(k, "phone") ? 3 : -1;
    case 7: return same(k, "country") ? 4 : -1;
    default: return -1;
  }
}

int room_slot(std::string_view k) {
  switch (k.size()) {
    case 13: return same(k, "accommodation") ? 0 : -1;
    case 18: return same(k, "accommodation_type") ? 1 : -1;
    case 4: return same(k, "rate") ? 2 : -1;
    case 6: return same(k, "adults") ? 3 : -1;
    case 8: return same(k, "children") ? 4 : -1;
    case 10: return same(k, "guest_name") ? 5 : -1;
    default: return -1;
  }
}

BookingView BookingRecordSlots::view() const {
  BookingView v{FieldSource(fields_), BookingValue(), BookingValue()};
  v.customer = customer_is_object_ ? BookingValue(customer_) : BookingValue(fields_.get(kRecordCustomer));
  v.rooms = rooms_are_array_ ? BookingValue(rooms_, room_count_) : BookingValue(fields_.get(kRecordRooms));
  return v;
}

}  // namespace mphb
