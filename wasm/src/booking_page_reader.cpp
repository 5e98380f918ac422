#include "booking_page_reader.hpp"

#include <optional>
#include <vector>

#include "booking_record_slots.hpp"
#include "fast_json_reader.hpp"
#include "field_reader.hpp"
#include "json_path_sax.hpp"

namespace mphb {
namespace {

// What a position in the page is, deciding what its values become.
enum class Role : uint8_t {
  kRootArray,   // the page, or the list of pages
  kPage,        // one page inside the list (until the list proves to be a page itself)
  kRootObject,  // a WordPress error object instead of a page
  kSkip,        // nothing inside is kept
  kRecord,      // a booking: only the mapper's fields are kept
  kCustomer,    // its customer: only the mapper's fields
  kRooms,       // its reserved_accommodations
  kRoom,        // one of them: only the mapper's fields
  kShape,       // a container the mapper only asks the type (and emptiness) of
};

const char* scalar_type_name(const json& v) { return json_type_name(v); }

// Receives parse events (from the fast reader or from nlohmann) and assembles records one at a time.
class PageAssembler {
 public:
  PageAssembler(const std::string& root, BookingPageSink& sink) : root_(root), sink_(sink) {}

  // A kept field's value goes straight into its slot; anything else through scalar().
  void null() {
    if (FieldSlots* slots = kept_slots()) return slots->set_null(slot_);
    scalar(json(nullptr));
  }
  void boolean(bool v) {
    if (FieldSlots* slots = kept_slots()) return void(slots->set(slot_) = v);
    scalar(json(v));
  }
  void number_integer(int64_t v) {
    if (FieldSlots* slots = kept_slots()) return void(slots->set(slot_) = v);
    scalar(json(v));
  }
  void number_unsigned(uint64_t v) {
    if (FieldSlots* slots = kept_slots()) return void(slots->set(slot_) = v);
    scalar(json(v));
  }
  void number_float(double v) {
    if (FieldSlots* slots = kept_slots()) return void(slots->set(slot_) = v);
    scalar(json(v));
  }
  void string_value(std::string_view v) {
    if (FieldSlots* slots = kept_slots()) {
      slots->set_string(slot_, v);
    } else if (wants_value()) {
      scalar(json(std::string(v)));
    } else if (!frames_.empty() && frames_.back().role == Role::kRootObject) {
      note_root_key();
    } else {
      scalar_placeholder();
    }
  }
  void key(std::string_view k) {
    Frame& f = frames_.back();
    if (f.role == Role::kRootObject) {
      key_.assign(k.data(), k.size());
    } else if (f.role == Role::kRecord || f.role == Role::kCustomer || f.role == Role::kRoom) {
      // Decided once per key: the value goes to slot_ (keys are never copied).
      if (f.role == Role::kRecord) {
        slot_ = record_slot(k);
        if (slot_ >= 0) record_.new_value(slot_);
      } else {
        slot_ = f.role == Role::kCustomer ? customer_slot(k) : room_slot(k);
      }
    }
  }
  void start_object() { open(false); }
  void start_array() { open(true); }
  void end_object() { close(); }
  void end_array() { close(); }

 private:
  struct Frame {
    Role role;
    json* target;                 // kShape: the container being built
    size_t index = 0;             // elements so far (pages and the root array)
    std::string path;             // pages and the root array: their path
    FieldSlots* slots = nullptr;  // kRecord, kCustomer, kRoom: where kept fields go
  };
  struct Buffered {                            // an event of a page inside a list of pages, held until the list proves to be one
    std::optional<BookingRecordSlots> record;  // owns its values: record_ is reused for the next record
    std::string path;
    std::string message;
  };

  // Where a scalar value goes when it is a kept field of a record, customer or room; nullptr otherwise.
  FieldSlots* kept_slots() {
    if (frames_.empty() || slot_ < 0) return nullptr;
    const Frame& f = frames_.back();
    return f.role == Role::kRecord || f.role == Role::kCustomer || f.role == Role::kRoom ? f.slots : nullptr;
  }

  // Whether the next value is kept (so a string must be copied).
  bool wants_value() const {
    if (frames_.empty()) return true;
    const Frame& f = frames_.back();
    switch (f.role) {
      case Role::kRecord:
      case Role::kCustomer:
      case Role::kRoom: return slot_ >= 0;
      case Role::kRooms: return true;
      case Role::kRootObject: return key_ == "code";
      case Role::kRootArray:
      case Role::kPage: return true;  // only for its type name
      default: return false;
    }
  }

  // A string not kept: only positions that count elements need to know about it.
  void scalar_placeholder() {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (f.role == Role::kShape && f.target && f.target->is_array() && f.target->empty()) f.target->push_back(nullptr);
  }

  void scalar(json value) {
    if (frames_.empty()) {
      sink_.diagnostics().error("not_a_collection", root_,
                                std::string("expected an array of records, got ") + scalar_type_name(value));
      return;
    }
    Frame& f = frames_.back();
    switch (f.role) {
      case Role::kRecord:
      case Role::kCustomer:
      case Role::kRoom: break;  // kept values went to their slot (kept_slots)
      case Role::kRooms: {
        SlotElement& room = record_.add_room();
        room.is_object = false;
        room.value = std::move(value);
        break;
      }
      case Role::kShape:
        if (f.target->is_array() && f.target->empty()) f.target->push_back(nullptr);
        break;
      case Role::kRootObject:
        if (key_ == "code") code_ = value.is_string() ? value.get<std::string>() : std::string();
        if (key_ == "code") code_is_string_ = value.is_string();
        note_root_key();
        break;
      case Role::kRootArray:
      case Role::kPage: not_a_record(f, scalar_type_name(value)); break;
      case Role::kSkip: break;
    }
  }

  void note_root_key() {
    if (key_ == "code") has_code_ = true;
    if (key_ == "message") has_message_ = true;
  }

  std::string element_path(Frame& f) { return f.path + "[" + std::to_string(f.index++) + "]"; }

  // A record (element of a page) that is not an object.
  void not_a_record(Frame& f, const char* type) {
    if (f.role == Role::kRootArray) decide_one_page();
    const std::string path = element_path(f);
    const std::string message = std::string("a record must be an object, got ") + type;
    if (f.role == Role::kPage) {
      buffered_.push_back({std::nullopt, path, message});
    } else {
      sink_.diagnostics().error("wrong_type", path, message);
      sink_.not_an_object();
    }
  }

  // An element of the root array that is not an array: the root array is one page; the arrays before
  // it were records of the wrong type, not pages.
  void decide_one_page() {
    if (one_page_) return;
    one_page_ = true;
    for (size_t index : page_elements_) {
      sink_.diagnostics().error("wrong_type", root_ + "[" + std::to_string(index) + "]", "a record must be an object, got array");
      sink_.not_an_object();
    }
    page_elements_.clear();
    buffered_.clear();
  }

  void open(bool is_array) {
    if (frames_.empty()) {
      if (is_array) {
        frames_.push_back({Role::kRootArray, nullptr, 0, root_});
      } else {
        frames_.push_back({Role::kRootObject, nullptr, 0, {}});
      }
      return;
    }
    Frame& f = frames_.back();
    json* parent = f.target;
    switch (f.role) {
      case Role::kRootArray:
        if (!is_array) {
          decide_one_page();
          start_record(element_path(f));
        } else if (one_page_) {
          not_a_record(f, "array");
          frames_.push_back({Role::kSkip, nullptr, 0, {}});
        } else {
          page_elements_.push_back(f.index);
          const std::string path = element_path(f);
          frames_.push_back({Role::kPage, nullptr, 0, path});
        }
        return;
      case Role::kPage:
        if (!is_array) {
          start_record(element_path(f));
        } else {
          not_a_record(f, "array");
          frames_.push_back({Role::kSkip, nullptr, 0, {}});
        }
        return;
      case Role::kRecord:
        if (slot_ < 0) break;
        if (slot_ == kRecordCustomer && !is_array) {
          frames_.push_back({Role::kCustomer, nullptr, 0, {}, &record_.start_customer()});
        } else if (slot_ == kRecordRooms && is_array) {
          record_.start_rooms();
          frames_.push_back({Role::kRooms, nullptr, 0, {}});
        } else {
          json& s = f.slots->set(slot_) = is_array ? json::array() : json::object();
          frames_.push_back({Role::kShape, &s, 0, {}});
        }
        return;
      case Role::kCustomer:
      case Role::kRoom:
        if (slot_ >= 0) {
          json& s = f.slots->set(slot_) = is_array ? json::array() : json::object();
          frames_.push_back({Role::kShape, &s, 0, {}});
          return;
        }
        break;
      case Role::kRooms: {
        SlotElement& room = record_.add_room();
        room.is_object = !is_array;
        if (is_array) {
          room.value = json::array();
          frames_.push_back({Role::kShape, &room.value, 0, {}});
        } else {
          room.fields.clear();
          frames_.push_back({Role::kRoom, nullptr, 0, {}, &room.fields});
        }
        return;
      }
      case Role::kShape:
        if (parent->is_array() && parent->empty()) parent->push_back(nullptr);
        break;
      case Role::kRootObject:
        if (key_ == "code") {
          code_is_string_ = false;
          code_.clear();
        }
        note_root_key();
        break;
      case Role::kSkip: break;
    }
    frames_.push_back({Role::kSkip, nullptr, 0, {}});
  }

  void start_record(std::string path) {
    record_.clear();  // the previous record's values stay, for this one to reuse
    record_path_ = std::move(path);
    frames_.push_back({Role::kRecord, nullptr, 0, {}, &record_.fields()});
  }

  void close() {
    const Frame f = std::move(frames_.back());
    frames_.pop_back();
    if (f.role == Role::kRecord) {
      if (!frames_.empty() && frames_.back().role == Role::kPage) {
        buffered_.push_back({std::move(record_), std::move(record_path_), {}});
        record_ = BookingRecordSlots();
      } else {
        sink_.record(record_, record_path_);
      }
    } else if (f.role == Role::kRootArray) {
      if (!one_page_) {
        for (const Buffered& b : buffered_) {
          if (b.record) {
            sink_.record(*b.record, b.path);
          } else {
            sink_.diagnostics().error("wrong_type", b.path, b.message);
            sink_.not_an_object();
          }
        }
      }
    } else if (f.role == Role::kRootObject) {
      if (has_code_ && has_message_) {
        sink_.diagnostics().error("not_a_collection", root_,
                                  "expected an array of records, got a WordPress error object" +
                                      (code_is_string_ ? " (" + code_ + ")" : std::string()));
      } else {
        sink_.diagnostics().error("not_a_collection", root_, "expected an array of records, got object");
      }
    }
  }

  const std::string& root_;
  BookingPageSink& sink_;
  std::vector<Frame> frames_;
  std::string key_;
  int slot_ = -1;  // the slot of the current key in a record, customer or room; -1 when not kept
  BookingRecordSlots record_;
  std::string record_path_;
  bool one_page_ = false;
  std::vector<size_t> page_elements_;  // root elements that were arrays, while the root may be a list of pages
  std::vector<Buffered> buffered_;
  bool has_code_ = false, has_message_ = false, code_is_string_ = false;
  std::string code_;
};

// nlohmann's SAX interface over the assembler.
struct NlohmannEvents {
  PageAssembler& a;
  bool null() { return a.null(), true; }
  bool boolean(bool v) { return a.boolean(v), true; }
  bool number_integer(json::number_integer_t v) { return a.number_integer(v), true; }
  bool number_unsigned(json::number_unsigned_t v) { return a.number_unsigned(v), true; }
  bool number_float(json::number_float_t v, const json::string_t&) { return a.number_float(v), true; }
  bool string(json::string_t& v) { return a.string_value(v), true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return a.start_object(), true; }
  bool start_array(std::size_t) { return a.start_array(), true; }
  bool key(json::string_t& k) { return a.key(k), true; }
  bool end_object() { return a.end_object(), true; }
  bool end_array() { return a.end_array(), true; }
};

}  // namespace

bool read_booking_page(std::string_view bytes, const std::string& root, BookingPageSink& sink, Diagnostics& failure) {
  {
    PageAssembler fast(root, sink);
    if (fast_json_read(bytes, fast)) return true;
  }
  // Not JSON, or not what the fast reader takes: nlohmann decides, and reports errors as it always did.
  sink.restart();
  PageAssembler slow(root, sink);
  NlohmannEvents events{slow};
  if (sax_parse_tracked(bytes, root, events, failure)) return true;
  sink.restart();
  return false;
}

}  // namespace mphb
