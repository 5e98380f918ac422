// What map_booking_record reads of one booking, whether the booking is a parsed document's object
// (map_bookings: the offline plan, the oracles) or the streaming reader's slots (BookingRecordSlots): the
// mapping rules are written once, over this view.
#pragma once
#include <cstddef>
#include <vector>

#include "field_reader.hpp"
#include "field_slots.hpp"
#include "json_document.hpp"

namespace mphb {

// A value the mapper asks about as a whole (the customer, reserved_accommodations, one room): a JSON value,
// an object kept in slots, or an array whose elements are kept in slots; absent when none of them (an
// absent or null field).
class BookingValue {
 public:
  BookingValue() = default;
  explicit BookingValue(const json* value) : json_(value) {}
  explicit BookingValue(const FieldSlots& object) : object_(&object) {}
  BookingValue(const std::vector<SlotElement>& elements, size_t count) : elements_(&elements), count_(count) {}

  bool absent() const { return !json_ && !object_ && !elements_; }
  bool is_object() const { return object_ || (json_ && json_->is_object()); }
  bool is_array() const { return elements_ || (json_ && json_->is_array()); }
  // Not absent: its JSON type name.
  const char* type_name() const { return object_ ? "object" : elements_ ? "array" : json_type_name(*json_); }
  // is_object(): its fields.
  FieldSource fields() const { return object_ ? FieldSource(*object_) : FieldSource(*json_); }
  // is_array(): its elements.
  size_t size() const { return elements_ ? count_ : json_->size(); }
  BookingValue operator[](size_t i) const {
    if (!elements_) return BookingValue(&(*json_)[i]);
    const SlotElement& e = (*elements_)[i];
    return e.is_object ? BookingValue(e.fields) : BookingValue(&e.value);
  }

 private:
  const json* json_ = nullptr;
  const FieldSlots* object_ = nullptr;
  const std::vector<SlotElement>* elements_ = nullptr;
  size_t count_ = 0;
};

struct BookingView {
  FieldSource fields;  // the booking's own fields (id, status, dates, ...)
  BookingValue customer;
  BookingValue rooms;  // reserved_accommodations
};

// A booking of a parsed document (any JSON value: a non-object has no fields).
inline BookingView booking_view(const json& record) {
  const FieldSource fields(record);
  return {fields, BookingValue(fields.find("customer")), BookingValue(fields.find("reserved_accommodations"))};
}

}  // namespace mphb
