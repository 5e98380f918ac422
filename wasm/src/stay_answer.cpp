#include "stay_answer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include "calendar_date.hpp"
#include "diagnostics.hpp"
#include "json_document.hpp"
#include "plan_json.hpp"
#include "question_intent.hpp"
#include "question_text.hpp"

namespace mphb {
namespace {

// ---- The stay, read defensively: a missing field or one of the wrong type is null, never an error -----

constexpr size_t kMaxTextBytes = 200;

struct StayRoom {
  json position;  // integer or null
  std::optional<std::string> unit_name, type_name, bed_type, view, guest_name;
  json size_m2;  // the number as given (28, 27.5) or null
  std::optional<int64_t> capacity, adults, children;
  size_t order = 0;  // index in the input array, the tie-breaker after position
};

struct Stay {
  std::optional<std::string> hotel_name, guest_name, status, check_in_date, check_out_date, check_in_time, check_out_time;
  json booking_id;  // integer, string or null
  std::optional<int64_t> nights, adults, children, guests;
  std::vector<StayRoom> rooms;  // in position order
};

const json* field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// Names go into one-line sentences and the context: control characters become spaces, length is capped on
// a UTF-8 boundary (the stay came through the JSON parser, so its strings are valid UTF-8).
std::optional<std::string> read_text(const json& object, const char* key) {
  const json* value = field(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  const std::string& raw = value->get_ref<const std::string&>();
  std::string text;
  for (const char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    text.push_back(u < 0x20 || u == 0x7F ? ' ' : c);
  }
  size_t begin = text.find_first_not_of(' ');
  if (begin == std::string::npos) return std::nullopt;
  size_t end = text.find_last_not_of(' ') + 1;
  if (end - begin > kMaxTextBytes) {
    end = begin + kMaxTextBytes;
    while (end > begin && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  return text.substr(begin, end - begin);
}

std::optional<int64_t> read_count(const json& object, const char* key, int64_t maximum) {
  const json* value = field(object, key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_unsigned()) {
    const auto v = value->get<uint64_t>();
    if (v <= static_cast<uint64_t>(maximum)) return static_cast<int64_t>(v);
  } else if (value->is_number_integer()) {
    const auto v = value->get<int64_t>();
    if (v >= 0 && v <= maximum) return v;
  }
  return std::nullopt;
}

std::optional<std::string> read_date(const json& object, const char* key) {
  auto text = read_text(object, key);
  if (!text || !parse_civil_date(*text)) return std::nullopt;
  return text;
}

// "HH:MM" (or "HH:MM:SS", shortened): guests are told minutes, not seconds.
std::optional<std::string> read_time(const json& object, const char* key) {
  const auto text = read_text(object, key);
  if (!text || (text->size() != 5 && text->size() != 8)) return std::nullopt;
  const std::string& t = *text;
  auto digit = [&t](size_t i) { return t[i] >= '0' && t[i] <= '9'; };
  if (!digit(0) || !digit(1) || t[2] != ':' || !digit(3) || !digit(4)) return std::nullopt;
  if (t.size() == 8 && (t[5] != ':' || !digit(6) || !digit(7) || t[6] > '5')) return std::nullopt;
  const int hour = (t[0] - '0') * 10 + (t[1] - '0'), minute = (t[3] - '0') * 10 + (t[4] - '0');
  if (hour > 23 || minute > 59) return std::nullopt;
  return t.substr(0, 5);
}

bool is_known_status(const std::string& s) {
  return s == "active" || s == "pending_admin" || s == "pending" || s == "pending_payment" || s == "cancelled" || s == "inactive";
}

StayRoom read_room(const json& r, size_t order) {
  StayRoom room;
  room.order = order;
  const json* position = field(r, "position");
  room.position = position != nullptr && position->is_number_integer() ? *position : json(nullptr);
  room.unit_name = read_text(r, "unit_name");
  room.type_name = read_text(r, "type_name");
  room.bed_type = read_text(r, "bed_type");
  room.view = read_text(r, "view");
  room.guest_name = read_text(r, "guest_name");
  const json* size = field(r, "size_m2");
  if (size != nullptr && size->is_number()) {
    const double v = size->get<double>();
    if (std::isfinite(v) && v > 0 && v <= 100000) room.size_m2 = *size;
  }
  room.capacity = read_count(r, "capacity", 10000);
  if (room.capacity && *room.capacity == 0) room.capacity.reset();  // a room for nobody is missing data
  room.adults = read_count(r, "adults", 10000);
  room.children = read_count(r, "children", 10000);
  return room;
}

// Rooms without an integer position keep their input order, after the positioned ones.
bool room_before(const StayRoom& a, const StayRoom& b) {
  const bool pa = a.position.is_number_integer(), pb = b.position.is_number_integer();
  if (pa != pb) return pa;
  if (pa) {
    const auto xa = a.position.get<int64_t>(), xb = b.position.get<int64_t>();
    if (xa != xb) return xa < xb;
  }
  return a.order < b.order;
}

void add_error(json& errors, const char* code, const char* path, const std::string& message) {
  errors.push_back({{"code", code}, {"path", path}, {"message", message}});
}

std::optional<Stay> read_stay(std::string_view bytes, json& errors) {
  Diagnostics diagnostics;
  const auto document = parse_json_document(bytes, "stay", diagnostics);
  if (!document) {
    const std::string why = diagnostics.error_count() > 0 ? diagnostics.errors()[0].message : "malformed JSON";
    add_error(errors, "invalid_stay", "stay", "the stay is not valid JSON: " + why);
    return std::nullopt;
  }
  const json& s = *document;
  if (!s.is_object()) {
    add_error(errors, "invalid_stay", "stay", "the stay must be a JSON object");
    return std::nullopt;
  }
  const json* rooms = field(s, "rooms");
  if (rooms == nullptr || !rooms->is_array()) {
    add_error(errors, "invalid_stay", "stay.rooms", "the stay must have a rooms array");
    return std::nullopt;
  }
  Stay stay;
  stay.hotel_name = read_text(s, "hotel_name");
  stay.guest_name = read_text(s, "guest_name");
  const auto status = read_text(s, "status");
  if (status && is_known_status(*status)) stay.status = status;
  const json* booking = field(s, "booking_id");
  if (booking != nullptr && booking->is_number_integer()) {
    stay.booking_id = *booking;
  } else if (const auto text = read_text(s, "booking_id")) {
    stay.booking_id = *text;
  }
  stay.check_in_date = read_date(s, "check_in_date");
  stay.check_out_date = read_date(s, "check_out_date");
  stay.check_in_time = read_time(s, "check_in_time");
  stay.check_out_time = read_time(s, "check_out_time");
  stay.nights = read_count(s, "nights", 10000);
  stay.adults = read_count(s, "adults", 10000);
  stay.children = read_count(s, "children", 10000);
  stay.guests = read_count(s, "guests", 10000);
  for (size_t i = 0; i < rooms->size(); ++i) {
    const json& r = (*rooms)[i];
    if (r.is_object()) stay.rooms.push_back(read_room(r, i));
  }
  std::stable_sort(stay.rooms.begin(), stay.rooms.end(), room_before);
  return stay;
}

json nullable(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json nullable(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

// ---- Words of each language ---------------------------------------------------------------------------

constexpr const char* kWeekdayEs[] = {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"};
constexpr const char* kWeekdayEn[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr const char* kMonthEs[] = {"enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
                                    "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};
constexpr const char* kMonthEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                    "July",    "August",   "September", "October", "November", "December"};

// "martes 10 de noviembre de 2026" / "Tuesday, November 10, 2026". The date was validated on reading.
std::string long_date(const std::string& ymd, bool es) {
  const auto date = parse_civil_date(ymd);
  if (!date) return ymd;
  const int weekday = weekday_of(*date);
  const std::string day = std::to_string(date->day), year = std::to_string(date->year);
  if (es) return std::string(kWeekdayEs[weekday]) + " " + day + " de " + kMonthEs[date->month - 1] + " de " + year;
  return std::string(kWeekdayEn[weekday]) + ", " + kMonthEn[date->month - 1] + " " + day + ", " + year;
}

// "las 14:00", but "la 01:00".
std::string time_es(const std::string& hhmm) { return (hhmm.compare(0, 2, "01") == 0 ? "la " : "las ") + hhmm; }

// "28 m²", "27.5 m²" (Spanish: "27,5 m²").
std::string size_text(const json& size, bool es) {
  const double v = size.get<double>();
  char buffer[32];
  if (v == std::floor(v)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2f", v);
  }
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (es) std::replace(text.begin(), text.end(), '.', ',');
  return text + " m²";
}

std::string count_text(int64_t n, bool es, const char* es_one, const char* es_many, const char* en_one, const char* en_many) {
  return std::to_string(n) + " " + (es ? (n == 1 ? es_one : es_many) : (n == 1 ? en_one : en_many));
}

// "A", "A y B", "A, B y C" / "A and B".
std::string join_list(const std::vector<std::string>& items, bool es) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? (es ? " y " : " and ") : ", ";
    out += items[i];
  }
  return out;
}

// A room by its unit's name; a room without one by its place in the booking ("habitación 2").
std::string room_label(const Stay& stay, size_t index, bool es) {
  const auto& name = stay.rooms[index].unit_name;
  if (name) return *name;
  return (es ? "habitación " : "room ") + std::to_string(index + 1);
}

// ---- Answers ----------------------------------------------------------------------------------------

struct Answer {
  json facts = json::object();
  std::optional<std::string> text;  // null when the facts asked for are all null
};

// room_unit, room_type, room_count: every room by name, with its type.
Answer answer_rooms(const Stay& stay, Intent intent, bool es) {
  Answer a;
  json rooms = json::array();
  bool any_unit = false, any_type = false;
  for (const auto& r : stay.rooms) {
    rooms.push_back({{"position", r.position}, {"unit_name", nullable(r.unit_name)}, {"type_name", nullable(r.type_name)}});
    any_unit = any_unit || r.unit_name.has_value();
    any_type = any_type || r.type_name.has_value();
  }
  a.facts = {{"room_count", stay.rooms.size()}, {"rooms", std::move(rooms)}};
  if (stay.rooms.empty() || (intent == Intent::kRoomUnit && !any_unit) || (intent == Intent::kRoomType && !any_type)) return a;

  if (intent == Intent::kRoomType && stay.rooms.size() == 1) {
    const auto& r = stay.rooms[0];
    const std::string unit = r.unit_name ? " (" + *r.unit_name + ")" : "";
    a.text = (es ? "Tu habitación es de tipo " : "Your room type is ") + *r.type_name + unit + ".";
    return a;
  }
  std::vector<std::string> items;
  for (size_t i = 0; i < stay.rooms.size(); ++i) {
    const auto& r = stay.rooms[i];
    std::vector<std::string> notes;
    if (intent == Intent::kRoomType) {
      notes.push_back(r.type_name ? (es ? "tipo " : "type ") + *r.type_name
                                  : std::string(es ? "tipo no disponible" : "type not available"));
    } else if (r.type_name) {
      notes.push_back(*r.type_name);
    }
    if (!r.unit_name && intent == Intent::kRoomUnit) notes.push_back(es ? "nombre no disponible" : "name not available");
    std::string item = room_label(stay, i, es);
    if (!notes.empty()) item += " (" + notes[0] + (notes.size() > 1 ? ", " + notes[1] : "") + ")";
    items.push_back(item);
  }
  if (intent == Intent::kRoomUnit && stay.rooms.size() == 1) {
    a.text = (es ? "Tu habitación es " : "Your room is ") + items[0] + ".";
    return a;
  }
  const std::string count =
      count_text(static_cast<int64_t>(stay.rooms.size()), es, "habitación", "habitaciones", "room", "rooms");
  a.text = (es ? "Tienes " : "You have ") + count + ": " + join_list(items, es) + ".";
  return a;
}

// bed_type, size, view, capacity: one value per room, every room named, missing values said to be so.
Answer answer_room_values(const Stay& stay, Intent intent, bool es) {
  const char* key = intent == Intent::kBedType ? "bed_type"
                    : intent == Intent::kSize  ? "size_m2"
                    : intent == Intent::kView  ? "view"
                                               : "capacity";
  Answer a;
  json rooms = json::array();
  std::vector<std::optional<std::string>> values;
  for (const auto& r : stay.rooms) {
    json value = nullptr;
    std::optional<std::string> text;
    switch (intent) {
      case Intent::kBedType:
        value = nullable(r.bed_type);
        text = r.bed_type;
        break;
      case Intent::kSize:
        value = r.size_m2;
        if (!r.size_m2.is_null()) text = size_text(r.size_m2, es);
        break;
      case Intent::kView:
        value = nullable(r.view);
        text = r.view;
        break;
      default:
        value = nullable(r.capacity);
        if (r.capacity) text = count_text(*r.capacity, es, "persona", "personas", "person", "people");
        break;
    }
    rooms.push_back({{"position", r.position}, {"unit_name", nullable(r.unit_name)}, {key, std::move(value)}});
    values.push_back(std::move(text));
  }
  a.facts = {{"rooms", std::move(rooms)}};
  if (std::none_of(values.begin(), values.end(), [](const auto& v) { return v.has_value(); })) return a;

  if (stay.rooms.size() == 1) {
    const auto& unit = stay.rooms[0].unit_name;
    const std::string which = unit ? " (" + *unit + ")" : "";
    const std::string& v = *values[0];
    switch (intent) {
      case Intent::kBedType:
        a.text = es ? "El tipo de cama de tu habitación" + which + " es " + v + "."
                    : "The bed type in your room" + which + " is " + v + ".";
        break;
      case Intent::kSize:
        a.text = es ? "Tu habitación" + which + " mide " + v + "." : "Your room" + which + " is " + v + ".";
        break;
      case Intent::kView:
        a.text =
            es ? "La vista de tu habitación" + which + " es " + v + "." : "The view from your room" + which + " is " + v + ".";
        break;
      default:
        a.text = es ? "La capacidad de tu habitación" + which + " es de " + v + "."
                    : "The capacity of your room" + which + " is " + v + ".";
        break;
    }
    return a;
  }
  const char* lead = nullptr;
  switch (intent) {
    case Intent::kBedType: lead = es ? "Tipo de cama por habitación: " : "Bed type by room: "; break;
    case Intent::kSize: lead = es ? "Tamaño por habitación: " : "Size by room: "; break;
    case Intent::kView: lead = es ? "Vista por habitación: " : "View by room: "; break;
    default: lead = es ? "Capacidad por habitación: " : "Capacity by room: "; break;
  }
  std::string text = lead;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += "; ";
    text += room_label(stay, i, es) + " — " + (values[i] ? *values[i] : std::string(es ? "no disponible" : "not available"));
  }
  a.text = text + ".";
  return a;
}

Answer answer_check(const Stay& stay, bool check_in, bool es) {
  const auto& date = check_in ? stay.check_in_date : stay.check_out_date;
  const auto& time = check_in ? stay.check_in_time : stay.check_out_time;
  Answer a;
  if (check_in) {
    a.facts = {{"check_in_date", nullable(date)}, {"check_in_time", nullable(time)}};
  } else {
    a.facts = {{"check_out_date", nullable(date)}, {"check_out_time", nullable(time)}};
  }
  if (!date && !time) return a;
  std::string text =
      es ? (check_in ? "Tu check-in es" : "Tu check-out es") : (check_in ? "Your check-in is" : "Your check-out is");
  if (date) text += (es ? " el " : " on ") + long_date(*date, es) + (time && !es ? "," : "");
  if (time) {
    if (es) {
      text += (check_in ? " a partir de " : " hasta ") + time_es(*time);
    } else {
      text += (check_in ? " from " : " by ") + *time;
    }
  }
  a.text = text + ".";
  return a;
}

// "del martes 10 de noviembre de 2026 al viernes 13 de noviembre de 2026" / "from … to …"
std::string date_range(const Stay& stay, bool es) {
  return (es ? "del " : "from ") + long_date(*stay.check_in_date, es) + (es ? " al " : " to ") +
         long_date(*stay.check_out_date, es);
}

std::string nights_text(int64_t n, bool es) { return count_text(n, es, "noche", "noches", "night", "nights"); }

Answer answer_dates(const Stay& stay, Intent intent, bool es) {
  Answer a;
  a.facts = {{"check_in_date", nullable(stay.check_in_date)},
             {"check_out_date", nullable(stay.check_out_date)},
             {"nights", nullable(stay.nights)}};
  const bool both = stay.check_in_date && stay.check_out_date;
  if (intent == Intent::kNights) {
    if (!stay.nights) return a;
    std::string text = (es ? "Tu estancia es de " : "Your stay is ") + nights_text(*stay.nights, es);
    if (both) text += " (" + date_range(stay, es) + ")";
    a.text = text + ".";
    return a;
  }
  if (both) {
    std::string text = (es ? "Tu estancia es " : "Your stay is ") + date_range(stay, es);
    if (stay.nights) text += " (" + nights_text(*stay.nights, es) + ")";
    a.text = text + ".";
  } else if (stay.check_in_date) {
    a.text = es ? "Tu check-in es el " + long_date(*stay.check_in_date, es) + "; la fecha de check-out no está disponible."
                : "Your check-in is on " + long_date(*stay.check_in_date, es) + "; the check-out date is not available.";
  } else if (stay.check_out_date) {
    a.text = es ? "Tu check-out es el " + long_date(*stay.check_out_date, es) + "; la fecha de check-in no está disponible."
                : "Your check-out is on " + long_date(*stay.check_out_date, es) + "; the check-in date is not available.";
  }
  return a;
}

Answer answer_guests(const Stay& stay, bool es) {
  Answer a;
  a.facts = {{"guests", nullable(stay.guests)}, {"adults", nullable(stay.adults)}, {"children", nullable(stay.children)}};
  if (!stay.guests && !stay.adults && !stay.children) return a;
  // "2 adultos y 1 niño", "2 adultos, sin niños"
  std::string breakdown;
  if (stay.adults) breakdown = count_text(*stay.adults, es, "adulto", "adultos", "adult", "adults");
  if (stay.children) {
    if (*stay.children == 0) {
      if (!breakdown.empty()) breakdown += es ? ", sin niños" : ", no children";
    } else {
      if (!breakdown.empty()) breakdown += es ? " y " : " and ";
      breakdown += count_text(*stay.children, es, "niño", "niños", "child", "children");
    }
  }
  std::string text = es ? "Tu reserva es para " : "Your booking is for ";
  if (stay.guests) {
    text += count_text(*stay.guests, es, "persona", "personas", "guest", "guests");
    if (!breakdown.empty()) text += " (" + breakdown + ")";
  } else if (!breakdown.empty()) {
    text += breakdown;
  } else {  // only "children": 0 is known
    text = es ? "Tu reserva no incluye niños" : "Your booking includes no children";
  }
  a.text = text + ".";
  return a;
}

Answer answer_status(const Stay& stay, bool es) {
  Answer a;
  a.facts = {{"status", nullable(stay.status)}};
  if (!stay.status) return a;
  const std::string& s = *stay.status;
  if (s == "active") {
    a.text = es ? "Tu reserva está confirmada." : "Your booking is confirmed.";
  } else if (s == "pending_admin") {
    a.text = es ? "Tu reserva está pendiente de confirmación por parte del hotel."
                : "Your booking is pending the hotel's confirmation.";
  } else if (s == "pending") {
    a.text = es ? "Tu reserva está pendiente de tu confirmación." : "Your booking is pending your confirmation.";
  } else if (s == "pending_payment") {
    a.text = es ? "Tu reserva está pendiente de pago." : "Your booking is pending payment.";
  } else if (s == "cancelled") {
    a.text = es ? "Tu reserva está cancelada." : "Your booking is cancelled.";
  } else {
    a.text = es ? "Tu reserva ya no está activa." : "Your booking is no longer active.";
  }
  return a;
}

Answer answer_intent(const Stay& stay, Intent intent, bool es) {
  switch (intent) {
    case Intent::kRoomUnit:
    case Intent::kRoomType:
    case Intent::kRoomCount: return answer_rooms(stay, intent, es);
    case Intent::kBedType:
    case Intent::kSize:
    case Intent::kView:
    case Intent::kCapacity: return answer_room_values(stay, intent, es);
    case Intent::kCheckIn: return answer_check(stay, true, es);
    case Intent::kCheckOut: return answer_check(stay, false, es);
    case Intent::kStayDates:
    case Intent::kNights: return answer_dates(stay, intent, es);
    case Intent::kGuests: return answer_guests(stay, es);
    case Intent::kStatus: return answer_status(stay, es);
  }
  return {};
}

// ---- Context for a chat model -------------------------------------------------------------------------

std::string or_unknown(const std::optional<std::string>& v) { return v ? *v : "unknown"; }
std::string or_unknown(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "unknown"; }

std::string when_line(const char* label, const std::optional<std::string>& date, const std::optional<std::string>& time) {
  std::string line = std::string(label) + ": " + or_unknown(date);
  if (time) line += " " + *time;
  return line + "\n";
}

std::string heads_text(const std::optional<int64_t>& adults, const std::optional<int64_t>& children) {
  return (adults ? count_text(*adults, false, "", "", "adult", "adults") : "unknown adults") + ", " +
         (children ? count_text(*children, false, "", "", "child", "children") : "unknown children");
}

// English, one fact per line, nulls written "unknown" (or the part left out): a chat model must not fill gaps.
std::string build_context(const Stay& stay) {
  std::string c;
  c += "Hotel: " + or_unknown(stay.hotel_name) + "\n";
  c += "Guest: " + or_unknown(stay.guest_name) + "\n";
  std::string booking = "unknown";
  if (stay.booking_id.is_number_integer()) booking = std::to_string(stay.booking_id.get<int64_t>());
  if (stay.booking_id.is_string()) booking = stay.booking_id.get_ref<const std::string&>();
  c += "Booking: " + booking + " (status: " + or_unknown(stay.status) + ")\n";
  c += when_line("Check-in", stay.check_in_date, stay.check_in_time);
  c += when_line("Check-out", stay.check_out_date, stay.check_out_time);
  c += "Nights: " + or_unknown(stay.nights) + "\n";
  if (stay.adults || stay.children) {
    c += "Guests: " + heads_text(stay.adults, stay.children) + "\n";
  } else {
    c += "Guests: " + or_unknown(stay.guests) + "\n";
  }
  c += "Rooms (" + std::to_string(stay.rooms.size()) + "):";
  for (size_t i = 0; i < stay.rooms.size(); ++i) {
    const auto& r = stay.rooms[i];
    c += "\n" + std::to_string(i + 1) + ". " + (r.unit_name ? *r.unit_name : "Room " + std::to_string(i + 1) + " (name unknown)");
    c += " — type: " + or_unknown(r.type_name);
    c += "; bed: " + or_unknown(r.bed_type);
    c += "; size: " + (r.size_m2.is_null() ? std::string("unknown") : size_text(r.size_m2, false));
    c += "; view: " + or_unknown(r.view);
    c += "; capacity: " + or_unknown(r.capacity);
    if (r.adults || r.children) c += "; " + heads_text(r.adults, r.children);
    if (r.guest_name) c += "; guest: " + *r.guest_name;
  }
  return c;
}

}  // namespace

std::string answer_question_json(std::string_view stay_json, std::string_view question) {
  json errors = json::array();
  const std::optional<Stay> stay = read_stay(stay_json, errors);

  std::string language = "es";
  std::vector<std::string> tokens;
  if (question.size() > kMaxQuestionBytes) {
    add_error(errors, "question_too_long", "question",
              "the question has " + std::to_string(question.size()) + " bytes; at most " + std::to_string(kMaxQuestionBytes) +
                  " are accepted");
  } else if (!is_valid_utf8(question)) {
    add_error(errors, "invalid_utf8", "question", "the question is not valid UTF-8");
  } else {
    tokens = question_tokens(normalize_question(question));
    if (tokens.empty()) {
      add_error(errors, "empty_question", "question", "the question has no words");
    } else {
      language = detect_language(question);
    }
  }

  json out = {{"answered", false}, {"intent", nullptr},       {"language", language},
              {"answer", nullptr}, {"facts", json::object()}, {"context", stay ? build_context(*stay) : std::string()},
              {"errors", errors}};
  if (!stay || tokens.empty()) return dump_plan(out);

  const auto intent = classify_question(tokens);
  if (!intent) return dump_plan(out);
  Answer answer = answer_intent(*stay, *intent, language == "es");
  out["intent"] = intent_name(*intent);
  out["facts"] = std::move(answer.facts);
  if (answer.text) {
    out["answered"] = true;
    out["answer"] = *answer.text;
  }
  return dump_plan(out);
}

}  // namespace mphb
