// Streams a /bookings page without building it as a document: each record alone is kept in fixed slots
// (booking_record_slots.hpp) holding only the fields the bookings mapper reads (other fields are
// validated and skipped), and is handed on with its JSON path. Shapes are checked as for_each_record
// checks a parsed document (a page, or an array of pages; not_a_collection and wrong_type at the same
// paths); bytes that are not JSON give the one error parse_json_document gives.
#pragma once
#include <string>
#include <string_view>

#include "booking_record_slots.hpp"
#include "diagnostics.hpp"
#include "json_document.hpp"

namespace mphb {

class BookingPageSink {
 public:
  virtual ~BookingPageSink() = default;
  // An object record (with the mapper's fields only) at `path`; valid during the call only (its slots
  // are reused for the next record).
  virtual void record(const BookingRecordSlots& record, const std::string& path) = 0;
  // A record that is not an object (its wrong_type error is already in diagnostics()).
  virtual void not_an_object() = 0;
  // Where shape errors go.
  virtual Diagnostics& diagnostics() = 0;
  // Forget everything received: the page is read again from the start.
  virtual void restart() = 0;
};

// False when the bytes are not JSON within the depth limit: `failure` then holds the error, and what the
// sink received must be discarded.
bool read_booking_page(std::string_view bytes, const std::string& root, BookingPageSink& sink, Diagnostics& failure);

}  // namespace mphb
