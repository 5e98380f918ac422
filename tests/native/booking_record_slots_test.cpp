// The streaming reader's slot records (booking_record_slots.hpp): their values are reused from one record
// to the next, so what one record held must never show through in the next. Each case reads a page with
// read_booking_page and checks (a) what the record's view holds and (b) that mapping the view gives the
// same result, errors and warnings as mapping the same record parsed as a document.
#include "booking_record_slots.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "booking_page_reader.hpp"
#include "bookings_mapper.hpp"

namespace {

using mphb::BookingValue;
using mphb::BookingView;
using mphb::json;

const char* const kRecordKeys[] = {"id",
                                   "status",
                                   "currency",
                                   "imported",
                                   "total_price",
                                   "ical_prodid",
                                   "ical_summary",
                                   "check_in_date",
                                   "check_in_time",
                                   "check_out_date",
                                   "check_out_time",
                                   "date_created_utc",
                                   "ical_description"};
const char* const kCustomerKeys[] = {"first_name", "last_name", "email", "phone", "country"};
const char* const kRoomKeys[] = {"accommodation", "accommodation_type", "rate", "adults", "children", "guest_name"};

template <size_t N>
json fields_of(const mphb::FieldSource& source, const char* const (&keys)[N]) {
  json out = json::object();
  for (const char* key : keys) {
    if (const json* v = source.find(key)) out[key] = *v;
  }
  return out;
}

// A value as "<type>", an object as its kept fields.
template <size_t N>
json describe(const BookingValue& v, const char* const (&keys)[N]) {
  if (v.is_object()) return fields_of(v.fields(), keys);
  if (v.is_array()) return v.size() == 0 ? "<empty array>" : "<array>";
  return std::string("<") + v.type_name() + ">";
}

// What a record's view holds: its fields, "customer" and "reserved_accommodations" when present.
json kept(const BookingView& view) {
  json out = fields_of(view.fields, kRecordKeys);
  if (!view.customer.absent()) out["customer"] = describe(view.customer, kCustomerKeys);
  if (!view.rooms.absent()) {
    if (view.rooms.is_array()) {
      json rooms = json::array();
      for (size_t i = 0; i < view.rooms.size(); ++i) rooms.push_back(describe(view.rooms[i], kRoomKeys));
      out["reserved_accommodations"] = rooms;
    } else {
      out["reserved_accommodations"] = describe(view.rooms, kRoomKeys);
    }
  }
  return out;
}

json diagnostics_of(const mphb::Diagnostics& d) {
  json out = json::array();
  for (const auto& e : d.errors()) out.push_back({"error", e.code, e.path, e.message});
  for (const auto& w : d.warnings()) out.push_back({"warning", w.code, w.path, w.message});
  return out;
}

// The mapping of one record, as comparable JSON.
json mapped(const mphb::BookingRecordResult& r, const mphb::Diagnostics& d) {
  json out = {{"diagnostics", diagnostics_of(d)}, {"id", r.id ? json(*r.id) : json(nullptr)}};
  if (r.booking) {
    const mphb::MappedBooking& b = *r.booking;
    out["booking"] = {b.status,    b.mphb_status, b.check_in, b.check_out,  b.check_in_time, b.check_out_time,
                      b.booked_at, b.currency,    b.summary,  b.guest_name, b.first_name,    b.last_name,
                      b.email,     b.phone,       b.country,  b.imported,   b.is_block,      b.total_price.value_or("-")};
    json rooms = json::array();
    for (const auto& room : b.rooms) {
      rooms.push_back({room.accommodation, room.type, room.rate, room.adults, room.children, room.guest_name, room.path});
    }
    out["rooms"] = rooms;
  }
  return out;
}

const mphb::UnitTypeIndex kUnits = {{5, 12}, {6, 12}, {7, 14}};

class Capture : public mphb::BookingPageSink {
 public:
  void record(const mphb::BookingRecordSlots& record, const std::string& path) override {
    const BookingView view = record.view();
    kept_.push_back(kept(view));
    mphb::Diagnostics d;
    const auto result = mphb::map_booking_record(
        view, path, kUnits, [](int64_t) { return false; }, d);
    mapped_.push_back(mapped(result, d));
    paths_.push_back(path);
  }
  void not_an_object() override { ++not_objects_; }
  mphb::Diagnostics& diagnostics() override { return diagnostics_; }
  void restart() override { *this = Capture(); }

  std::vector<json> kept_, mapped_;
  std::vector<std::string> paths_;
  int not_objects_ = 0;
  mphb::Diagnostics diagnostics_;
};

// Reads `page` (text), checks every record maps as the document's record does, and returns what each
// record's view held.
std::vector<json> read(const std::string& page) {
  Capture capture;
  mphb::Diagnostics failure;
  EXPECT_TRUE(mphb::read_booking_page(page, "bookings", capture, failure)) << page;
  const json document = json::parse(page, nullptr, false);
  std::vector<json> records;
  for (const auto& r : document) {
    if (r.is_array()) {
      for (const auto& inner : r) records.push_back(inner);
    } else {
      records.push_back(r);
    }
  }
  EXPECT_EQ(capture.mapped_.size(), records.size());
  for (size_t i = 0; i < records.size() && i < capture.mapped_.size(); ++i) {
    mphb::Diagnostics d;
    const auto result = mphb::map_booking_record(
        records[i], capture.paths_[i], kUnits, [](int64_t) { return false; }, d);
    EXPECT_EQ(capture.mapped_[i], mapped(result, d)) << "record " << i << " of " << page;
  }
  return capture.kept_;
}

const std::string kDates = R"("check_in_date": "2026-05-01", "check_out_date": "2026-05-03")";

TEST(BookingRecordSlots, FieldPresentInOneRecordIsAbsentInTheNext) {
  const auto kept = read(R"([{"id": 1, "status": "confirmed", "currency": "EUR", "total_price": 120.5, "imported": true, )" +
                         kDates + R"(}, {"id": 2, )" + kDates + "}]");
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0]["status"], "confirmed");
  EXPECT_EQ(kept[1], json({{"id", 2}, {"check_in_date", "2026-05-01"}, {"check_out_date", "2026-05-03"}}));
}

TEST(BookingRecordSlots, StringSlotReusedForAShorterString) {
  const auto kept = read(
      R"([{"id": 1, "status": "confirmed and then some more text than fits inline", "ical_summary": "long summary text here", )" +
      kDates + R"(}, {"id": 2, "status": "ok", "ical_summary": "", )" + kDates + "}]");
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1]["status"], "ok");
  EXPECT_EQ(kept[1]["ical_summary"], "");
}

TEST(BookingRecordSlots, AFieldChangingTypeBetweenRecords) {
  const auto kept = read(R"([{"id": "12", "status": "confirmed", )" + kDates + R"(}, {"id": 13, "status": 7, )" + kDates +
                         R"(}, {"id": 14.0, "status": "pending", )" + kDates + R"(}, {"id": {"x": 1}, "status": [], )" + kDates +
                         R"(}, {"id": 15, "status": "confirmed", )" + kDates + "}]");
  ASSERT_EQ(kept.size(), 5u);
  EXPECT_EQ(kept[0]["id"], "12");
  EXPECT_EQ(kept[1]["id"], 13);
  EXPECT_EQ(kept[1]["status"], 7);
  EXPECT_EQ(kept[2]["status"], "pending");
  EXPECT_TRUE(kept[3]["id"].is_object());
  EXPECT_TRUE(kept[3]["status"].is_array());
  EXPECT_EQ(kept[4]["status"], "confirmed");
}

TEST(BookingRecordSlots, CustomerObjectInOneRecordAndNotInTheNext) {
  const auto kept =
      read(R"([{"id": 1, "status": "confirmed", "customer": {"first_name": "Ann", "email": "ann@example.com", "note": "x"}, )" +
           kDates + R"(}, {"id": 2, "status": "confirmed", "customer": [], )" + kDates +
           R"(}, {"id": 3, "status": "confirmed", "customer": "Bob", )" + kDates +
           R"(}, {"id": 4, "status": "confirmed", "customer": {"last_name": "Lee"}, )" + kDates +
           R"(}, {"id": 5, "status": "confirmed", "customer": [1], )" + kDates + R"(}, {"id": 6, "status": "confirmed", )" +
           kDates + R"(}, {"id": 7, "status": "confirmed", "customer": {"first_name": null, "phone": 5}, )" + kDates + "}]");
  ASSERT_EQ(kept.size(), 7u);
  EXPECT_EQ(kept[0]["customer"], json({{"first_name", "Ann"}, {"email", "ann@example.com"}}));
  EXPECT_EQ(kept[1]["customer"], "<empty array>");
  EXPECT_EQ(kept[2]["customer"], "<string>");
  EXPECT_EQ(kept[3]["customer"], json({{"last_name", "Lee"}}));  // nothing of Ann
  EXPECT_EQ(kept[4]["customer"], "<array>");
  EXPECT_FALSE(kept[5].contains("customer"));
  EXPECT_EQ(kept[6]["customer"], json({{"phone", 5}}));
}

TEST(BookingRecordSlots, RoomsCountShrinkingBetweenRecords) {
  const auto kept = read(
      R"([{"id": 1, "status": "confirmed", "reserved_accommodations": [{"accommodation": 5, "adults": 2, "guest_name": "A"},
             {"accommodation": 6, "rate": 3}, {"accommodation": 7, "children": 1}], )" +
      kDates + R"(}, {"id": 2, "status": "confirmed", "reserved_accommodations": [{"accommodation": 6}], )" + kDates +
      R"(}, {"id": 3, "status": "confirmed", "reserved_accommodations": [], )" + kDates +
      R"(}, {"id": 4, "status": "confirmed", )" + kDates +
      R"(}, {"id": 5, "status": "confirmed", "reserved_accommodations": [5, [], null, {}, [1], "x"], )" + kDates +
      R"(}, {"id": 6, "status": "confirmed", "reserved_accommodations": {"accommodation": 5}, )" + kDates +
      R"(}, {"id": 7, "status": "confirmed", "reserved_accommodations": [{"accommodation": 7, "adults": {}}], )" + kDates + "}]");
  ASSERT_EQ(kept.size(), 7u);
  EXPECT_EQ(kept[0]["reserved_accommodations"].size(), 3u);
  EXPECT_EQ(kept[1]["reserved_accommodations"], json::array({{{"accommodation", 6}}}));  // nothing of room 0 before
  EXPECT_EQ(kept[2]["reserved_accommodations"], json::array());
  EXPECT_FALSE(kept[3].contains("reserved_accommodations"));
  EXPECT_EQ(kept[4]["reserved_accommodations"],
            json::array({"<integer>", "<empty array>", "<null>", json::object(), "<array>", "<string>"}));
  EXPECT_EQ(kept[5]["reserved_accommodations"], json::object());  // a shape only: the mapper asks its type
  EXPECT_EQ(kept[6]["reserved_accommodations"], json::array({{{"accommodation", 7}, {"adults", json::object()}}}));
}

TEST(BookingRecordSlots, NullReadsAsAbsentAndARepeatedKeysLastValueCounts) {
  const auto kept = read(
      R"([{"id": 1, "status": "confirmed", "customer": {"first_name": "A"}, "customer": null, )" + kDates +
      R"(}, {"id": 2, "status": "confirmed", "reserved_accommodations": [{"accommodation": 5}], "reserved_accommodations": "x", )" +
      kDates + R"(}, {"id": 3, "status": "confirmed", "status": null, )" + kDates +
      R"(}, {"id": 4, "status": "confirmed", "customer": {"first_name": "x"}, "customer": {"last_name": "y"}, )" + kDates +
      R"(}, {"id": 5, "status": "confirmed", "customer": "x", "customer": {"email": "e"}, "reserved_accommodations": 3,
             "reserved_accommodations": [{"accommodation": 6}], )" +
      kDates + "}]");
  ASSERT_EQ(kept.size(), 5u);
  EXPECT_FALSE(kept[0].contains("customer"));
  EXPECT_EQ(kept[1]["reserved_accommodations"], "<string>");
  EXPECT_FALSE(kept[2].contains("status"));
  EXPECT_EQ(kept[3]["customer"], json({{"last_name", "y"}}));
  EXPECT_EQ(kept[4]["customer"], json({{"email", "e"}}));
  EXPECT_EQ(kept[4]["reserved_accommodations"], json::array({{{"accommodation", 6}}}));
}

TEST(BookingRecordSlots, RecordsOfAListOfPagesOwnTheirValues) {
  // Held until the list proves to be one: each buffered record must keep its own values.
  const auto kept = read(
      R"([[{"id": 1, "status": "first", "customer": {"first_name": "A"}, "reserved_accommodations": [{"accommodation": 5}, {"accommodation": 6}], )" +
      kDates + R"(}, {"id": 2, "status": "second", "reserved_accommodations": [{"accommodation": 7}], )" + kDates +
      R"(}], [{"id": 3, "status": "third", )" + kDates + "}]]");
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0]["status"], "first");
  EXPECT_EQ(kept[0]["customer"], json({{"first_name", "A"}}));
  EXPECT_EQ(kept[0]["reserved_accommodations"].size(), 2u);
  EXPECT_EQ(kept[1]["status"], "second");
  EXPECT_FALSE(kept[1].contains("customer"));
  EXPECT_EQ(kept[1]["reserved_accommodations"], json::array({{{"accommodation", 7}}}));
  EXPECT_EQ(kept[2], json({{"id", 3}, {"status", "third"}, {"check_in_date", "2026-05-01"}, {"check_out_date", "2026-05-03"}}));
}

TEST(BookingRecordSlots, KeyLookupMatchesTheMappersFieldsOnly) {
  EXPECT_EQ(mphb::record_slot("id"), mphb::kRecordId);
  EXPECT_EQ(mphb::record_slot("reserved_accommodations"), mphb::kRecordRooms);
  EXPECT_EQ(mphb::record_slot("ix"), -1);
  EXPECT_EQ(mphb::record_slot("check_in_datf"), -1);
  EXPECT_EQ(mphb::record_slot(""), -1);
  EXPECT_EQ(mphb::customer_slot("phone"), 3);
  EXPECT_EQ(mphb::customer_slot("phono"), -1);
  EXPECT_EQ(mphb::room_slot("accommodation_type"), 1);
  EXPECT_EQ(mphb::room_slot("customer"), -1);
  for (const char* key : kRecordKeys) EXPECT_GE(mphb::record_slot(key), 0) << key;
  for (const char* key : kCustomerKeys) EXPECT_GE(mphb::customer_slot(key), 0) << key;
  for (const char* key : kRoomKeys) EXPECT_GE(mphb::room_slot(key), 0) << key;
}

}  // namespace
