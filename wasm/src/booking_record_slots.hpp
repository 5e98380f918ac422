// One booking as the streaming /bookings reader keeps it (booking_page_reader.cpp): only the fields the
// bookings mapper reads, in fixed slots (field_slots.hpp) reused from one record to the next. Which keys
// are kept is decided here, once per key.
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "booking_record_view.hpp"
#include "field_slots.hpp"

namespace mphb {

// The slots of a booking's own fields.
enum RecordSlot : int {
  kRecordId,
  kRecordStatus,
  kRecordCustomer,
  kRecordCurrency,
  kRecordImported,
  kRecordTotalPrice,
  kRecordIcalProdid,
  kRecordIcalSummary,
  kRecordCheckInDate,
  kRecordCheckInTime,
  kRecordCheckOutDate,
  kRecordCheckOutTime,
  kRecordDateCreatedUtc,
  kRecordIcalDescription,
  kRecordRooms,  // reserved_accommodations
  kRecordSlotCount
};
constexpr int kCustomerSlotCount = 5;
constexpr int kRoomSlotCount = 6;

// The slot of a key the mapper reads, or -1: of a booking, of its customer, of one of its rooms.
int record_slot(std::string_view key);
int customer_slot(std::string_view key);
int room_slot(std::string_view key);

class BookingRecordSlots {
 public:
  BookingRecordSlots() = default;

  // A new record: the previous one's fields are forgotten, their storage kept.
  void clear() {
    fields_.clear();
    customer_is_object_ = false;
    rooms_are_array_ = false;
    room_count_ = 0;
  }

  // The booking's own fields. The customer and reserved_accommodations slots hold their value only when it
  // is not an object (customer) or not an array (rooms); view() reads the customer and rooms.
  FieldSlots& fields() { return fields_; }
  // Called for every kept key before its value: JSON lets a key repeat, and its last value counts.
  void new_value(int slot) {
    if (slot == kRecordCustomer) customer_is_object_ = false;
    if (slot == kRecordRooms) rooms_are_array_ = false;
  }
  // The customer is an object: its fields go here.
  FieldSlots& start_customer() {
    customer_is_object_ = true;
    customer_.clear();
    return customer_;
  }
  // reserved_accommodations is an array: its elements are added with add_room.
  void start_rooms() {
    rooms_are_array_ = true;
    room_count_ = 0;
  }
  // The next element of reserved_accommodations, reusing a previous record's storage. The caller sets
  // is_object (and clears fields) or value. References stay valid until the next add_room.
  SlotElement& add_room() {
    if (room_count_ == rooms_.size()) rooms_.emplace_back(room_slot, kRoomSlotCount);
    return rooms_[room_count_++];
  }

  BookingView view() const;

 private:
  FieldSlots fields_{record_slot, kRecordSlotCount};
  FieldSlots customer_{customer_slot, kCustomerSlotCount};
  bool customer_is_object_ = false;  // the customer's last value is an object: in customer_, not its slot
  bool rooms_are_array_ = false;     // reserved_accommodations' last value is an array: in rooms_
  std::vector<SlotElement> rooms_;   // the first room_count_ are this record's
  size_t room_count_ = 0;
};

}  // namespace mphb
