// An object's kept fields in fixed slots instead of a std::map: the streaming /bookings reader fills one
// set per record (and per customer, per room) and reuses it for the next. A record's values stay in place
// between records: a bit per slot says which are present, and a string is assigned into the string its
// slot already holds, so once the first records are read a field costs no allocation, no map node and no
// key copy (together ~20% of planning a page when records were nlohmann objects).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json_document.hpp"

namespace mphb {

class FieldSlots {
 public:
  // The slot of a kept key, or -1 when the key is not kept. At most 32 slots.
  using SlotOf = int (*)(std::string_view key);

  FieldSlots(SlotOf slot_of, int count) : slot_of_(slot_of), values_(static_cast<size_t>(count)) {}

  int slot_of(std::string_view key) const { return slot_of_(key); }

  // The field, or nullptr when absent or JSON null (FieldReader reads both as absent).
  const json* find(std::string_view key) const {
    const int slot = slot_of_(key);
    return slot < 0 ? nullptr : get(slot);
  }
  const json* get(int slot) const {
    const json& value = values_[static_cast<size_t>(slot)];
    return present_ >> slot & 1u && !value.is_null() ? &value : nullptr;
  }

  // Forgets every field; their storage stays for the next object.
  void clear() { present_ = 0; }
  // The slot's value, marked present, to be assigned.
  json& set(int slot) {
    present_ |= 1u << slot;
    return values_[static_cast<size_t>(slot)];
  }
  void set_string(int slot, std::string_view v) {
    json& value = set(slot);
    if (value.is_string()) {
      value.get_ref<std::string&>().assign(v.data(), v.size());
    } else {
      value = std::string(v);
    }
  }
  // Null is read as absent, so it only clears the bit: the slot keeps its storage (a string, mostly).
  void set_null(int slot) { present_ &= ~(1u << slot); }

 private:
  SlotOf slot_of_;
  std::vector<json> values_;  // sized once: the reader keeps pointers to values while it fills them
  uint32_t present_ = 0;
};

// An element of an array the reader keeps (a booking's reserved_accommodations): an object whose fields
// are in slots, or any other value as JSON (the mapper only asks its type).
struct SlotElement {
  explicit SlotElement(FieldSlots::SlotOf slot_of, int count) : fields(slot_of, count) {}
  bool is_object = false;
  FieldSlots fields;
  json value;  // when !is_object
};

}  // namespace mphb
