#include "question_intent.hpp"

#include <string_view>

namespace mphb {
namespace {

using List = std::initializer_list<std::string_view>;

// Words of other topics. A question naming one of them is about that topic even when it mentions the room
// ("Is breakfast included in my room?", "¿Cuánto cuesta la habitación?"), so no rule may answer it.
constexpr std::string_view kOffTopic[] = {
    "wifi",        "internet",     "password",     "contrasena",  "clave",       "breakfast",    "desayuno",
    "desayunos",   "lunch",        "almuerzo",     "dinner",      "cena",        "comida",       "food",
    "pool",        "piscina",      "alberca",      "parking",     "aparcar",     "aparcamiento", "estacionamiento",
    "estacionar",  "parqueadero",  "parquear",     "parqueo",     "garage",      "garaje",       "car",
    "coche",       "carro",        "restaurant",   "restaurante", "bar",         "minibar",      "taxi",
    "uber",        "transfer",     "traslado",     "shuttle",     "airport",     "aeropuerto",   "towel",
    "towels",      "toalla",       "toallas",      "pet",         "pets",        "mascota",      "mascotas",
    "dog",         "dogs",         "perro",        "perros",      "cat",         "gato",         "price",
    "prices",      "precio",       "precios",      "cost",        "costs",       "costo",        "costos",
    "cuesta",      "cuestan",      "pay",          "pagar",       "pago",        "pagos",        "payment",
    "payments",    "paid",         "pague",        "invoice",     "factura",     "deposit",      "deposito",
    "refund",      "reembolso",    "tarifa",       "fee",         "fees",        "cleaning",     "limpieza",
    "clean",       "limpiar",      "housekeeping", "spa",         "massage",     "masaje",       "masajes",
    "gym",         "gimnasio",     "beach",        "playa",       "laundry",     "lavanderia",   "aire",
    "air",         "conditioning", "kitchen",      "cocina",      "tv",          "television",   "shower",
    "ducha",       "bano",         "banos",        "bathroom",    "bathrooms",   "toilet",       "fridge",
    "nevera",      "refrigerador", "balcony",      "balcon",      "terraza",     "terrace",      "service",
    "servicio",    "servicios",    "cancel",       "cancelar",    "cancelacion", "cancellation", "change",
    "cambiar",     "cambio",       "modify",       "modificar",   "extend",      "extender",     "upgrade",
    "late",        "early",        "temprano",     "tardio",      "luggage",     "equipaje",     "maletas",
    "bags",        "key",          "keys",         "llave",       "llaves",      "card",         "tarjeta",
    "code",        "codigo",       "address",      "direccion",   "directions",  "ubicacion",    "location",
    "map",         "mapa",         "weather",      "clima",       "tour",        "tours",        "excursion",
    "excursiones", "extra",        "adicional",    "supletoria",  "crib",        "cuna",         "smoke",
    "smoking",     "fumar",        "noise",        "ruido",
};

constexpr std::string_view kRoomWords[] = {
    "habitacion",   "habitaciones", "cuarto",   "cuartos", "room",   "rooms",         "alojamiento",
    "alojamientos", "unidad",       "unidades", "unit",    "units",  "apartamento",   "apartamentos",
    "apartment",    "apartments",   "suite",    "suites",  "villa",  "villas",        "bungalow",
    "bungalows",    "cabana",       "cabanas",  "cabin",   "cabins", "accommodation", "accommodations",
};
constexpr std::string_view kRoomPlurals[] = {
    "habitaciones", "cuartos", "rooms",  "alojamientos", "unidades", "units",  "apartamentos",
    "apartments",   "suites",  "villas", "bungalows",    "cabanas",  "cabins", "accommodations",
};
constexpr std::string_view kPersonWords[] = {
    "personas", "persona", "huespedes", "huesped", "adultos", "adulto", "ninos",    "nino",  "ninas", "nina", "gente", "people",
    "person",   "persons", "guests",    "guest",   "adults",  "adult",  "children", "child", "kids",  "kid",  "pax",
};
// "Where am I staying?" / "¿Dónde me alojo?"
constexpr std::string_view kStayVerbs[] = {
    "alojo",     "alojamos",  "alojado", "alojada",  "alojados", "quedo", "quedamos", "hospedo",  "hospedamos",
    "hospedado", "hospedada", "duermo",  "dormimos", "staying",  "stay",  "sleep",    "sleeping",
};
// Everything else a plain "which room am I in?" may contain. The room-unit rule is the weakest (a room word
// alone), so it only answers when every word is from here: "Does my room have a balcony?" has a word
// outside it and is left to the chat model rather than answered with the room's name.
constexpr std::string_view kRoomQuestionWords[] = {
    // Spanish
    "que",
    "cual",
    "cuales",
    "donde",
    "en",
    "mi",
    "mis",
    "me",
    "yo",
    "tengo",
    "tenemos",
    "tiene",
    "tienen",
    "es",
    "son",
    "esta",
    "estan",
    "estoy",
    "estamos",
    "el",
    "la",
    "los",
    "las",
    "lo",
    "un",
    "una",
    "unos",
    "de",
    "del",
    "a",
    "al",
    "por",
    "para",
    "con",
    "y",
    "o",
    "nuestro",
    "nuestra",
    "nuestros",
    "nuestras",
    "su",
    "sus",
    "tu",
    "tus",
    "este",
    "ese",
    "esa",
    "mio",
    "mia",
    "mios",
    "mias",
    "hola",
    "buenas",
    "buenos",
    "gracias",
    "favor",
    "porfa",
    "porfavor",
    "dime",
    "dices",
    "decir",
    "puedes",
    "podrias",
    "puede",
    "quiero",
    "queria",
    "saber",
    "recordar",
    "recuerdas",
    "recuerda",
    "recuerdame",
    "recordarme",
    "numero",
    "nombre",
    "asignada",
    "asignado",
    "asignadas",
    "asignados",
    "reservada",
    "reservado",
    "reservadas",
    "reservados",
    "reserve",
    "reservamos",
    "reserva",
    "reservacion",
    "hotel",
    "exactamente",
    "se",
    "le",
    "nos",
    "ya",
    "entonces",
    "oye",
    "disculpa",
    "perdon",
    // English
    "what",
    "whats",
    "which",
    "where",
    "in",
    "my",
    "our",
    "i",
    "we",
    "am",
    "are",
    "is",
    "the",
    "an",
    "of",
    "for",
    "to",
    "at",
    "do",
    "did",
    "does",
    "have",
    "has",
    "be",
    "s",
    "m",
    "it",
    "its",
    "this",
    "that",
    "one",
    "ones",
    "mine",
    "ours",
    "hi",
    "hello",
    "hey",
    "please",
    "thanks",
    "thank",
    "you",
    "can",
    "could",
    "would",
    "tell",
    "know",
    "want",
    "like",
    "remind",
    "number",
    "name",
    "assigned",
    "allocated",
    "given",
    "got",
    "booked",
    "book",
    "reserved",
    "reservation",
    "booking",
    "again",
    "exactly",
    "so",
    "ok",
    "okay",
    "excuse",
    "sorry",
};

// The question's words without greetings: "buenas noches" is not about nights, "buenos días" not about dates.
class Words {
 public:
  explicit Words(const std::vector<std::string>& tokens) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string_view word = tokens[i];
      const std::string_view next = i + 1 < tokens.size() ? std::string_view(tokens[i + 1]) : std::string_view();
      const bool greeting =
          ((word == "buenos" || word == "buenas") && (next == "dias" || next == "tardes" || next == "noches")) ||
          (word == "good" && (next == "morning" || next == "afternoon" || next == "evening" || next == "night" || next == "day"));
      if (greeting) {
        ++i;
        continue;
      }
      words_.push_back(word);
    }
  }

  bool has(std::string_view word) const {
    for (const auto w : words_) {
      if (w == word) return true;
    }
    return false;
  }
  bool any(List list) const {
    for (const auto w : list) {
      if (has(w)) return true;
    }
    return false;
  }
  template <size_t N>
  bool any(const std::string_view (&list)[N]) const {
    for (const auto& w : list) {
      if (has(w)) return true;
    }
    return false;
  }
  // Two adjacent words ("check in", "how many").
  bool pair(std::string_view first, std::string_view second) const {
    for (size_t i = 0; i + 1 < words_.size(); ++i) {
      if (words_[i] == first && words_[i + 1] == second) return true;
    }
    return false;
  }
  // Every word is one of the lists.
  template <size_t A, size_t B, size_t C>
  bool only(const std::string_view (&a)[A], const std::string_view (&b)[B], const std::string_view (&c)[C]) const {
    for (const auto w : words_) {
      if (!in(a, w) && !in(b, w) && !in(c, w)) return false;
    }
    return true;
  }

 private:
  template <size_t N>
  static bool in(const std::string_view (&list)[N], std::string_view word) {
    for (const auto& w : list) {
      if (w == word) return true;
    }
    return false;
  }

  std::vector<std::string_view> words_;
};

bool off_topic(const Words& w) {
  return w.any(kOffTopic) || w.pair("how", "much") || w.pair("wi", "fi") || w.pair("como", "llego") || w.pair("como", "llegar") ||
         w.pair("como", "llegamos");
}

bool asks_how_many(const Words& w) { return w.any({"cuantas", "cuantos"}) || w.pair("how", "many"); }
bool asks_number_of(const Words& w) { return w.pair("numero", "de") || w.pair("number", "of"); }

// "When do I arrive?" needs the "when": "¿Puedo llegar con niños?" is not about the check-in.
bool asks_when(const Words& w) {
  return w.any({"cuando", "hora", "horas", "horario", "dia", "fecha", "when", "time", "day", "date"});
}

bool about_check_in(const Words& w) {
  return w.any({"checkin", "entrada", "llegada", "arrival", "ingreso"}) || w.pair("check", "in") || w.pair("checking", "in") ||
         (asks_when(w) &&
          w.any({"llego", "llegar", "llegamos", "arrive", "arriving", "entrar", "entro", "entramos", "ingresar"}));
}

bool about_check_out(const Words& w) {
  return w.any({"checkout", "salida", "departure"}) || w.pair("check", "out") || w.pair("checking", "out") ||
         (asks_when(w) &&
          w.any({"salgo", "salir", "salimos", "leave", "leaving", "depart", "irme", "irnos", "dejar", "desalojar"}));
}

bool about_booking(const Words& w) {
  return w.any({"reserva", "reservacion", "reservation", "booking", "estancia", "estadia", "stay", "staying", "trip", "viaje",
                "visita", "visit", "vacaciones", "holiday", "holidays"});
}

}  // namespace

const char* intent_name(Intent intent) {
  switch (intent) {
    case Intent::kBedType: return "bed_type";
    case Intent::kView: return "view";
    case Intent::kSize: return "size";
    case Intent::kCapacity: return "capacity";
    case Intent::kNights: return "nights";
    case Intent::kRoomCount: return "room_count";
    case Intent::kGuests: return "guests";
    case Intent::kCheckIn: return "check_in";
    case Intent::kCheckOut: return "check_out";
    case Intent::kStayDates: return "stay_dates";
    case Intent::kStatus: return "status";
    case Intent::kRoomType: return "room_type";
    case Intent::kRoomUnit: return "room_unit";
  }
  return "room_unit";
}

std::optional<Intent> classify_question(const std::vector<std::string>& tokens) {
  const Words w(tokens);
  if (off_topic(w)) return std::nullopt;

  // Specific words first: they decide what a question about the room is about ("¿Qué tipo de cama?").
  if (w.any({"estado", "status", "confirmada", "confirmado", "confirmadas", "confirmed", "cancelada", "cancelado", "cancelled",
             "canceled", "pendiente", "pending", "activa", "activo", "active"}))
    return Intent::kStatus;
  if (w.any({"cama", "camas", "bed", "beds", "king", "queen", "twin", "litera", "literas", "bunk", "matrimonial"}))
    return Intent::kBedType;
  if (w.any({"vista", "vistas", "view", "views"})) return Intent::kView;

  const bool how_many = asks_how_many(w);
  const bool person = w.any(kPersonWords);
  // "How many people fit in my room?" asks what the room takes, not who is booked.
  if (w.any({"capacidad", "capacity", "caben", "cabe", "cabemos", "fit", "fits", "maximo", "maxima", "max", "maximum",
             "occupancy", "ocupacion", "sleeps", "hold", "holds", "accommodate", "accommodates"}) ||
      (how_many && person && w.any({"can", "could", "pueden", "puede", "podemos", "sleep", "dormir", "duermen"})))
    return Intent::kCapacity;
  if (w.any({"tamano",  "size",    "sizes", "big",    "bigger",  "grande",      "grandes",    "metros",
             "metro",   "m2",      "mts",   "square", "sqm",     "large",       "amplia",     "amplio",
             "amplias", "amplios", "mide",  "miden",  "medidas", "dimensiones", "dimensions", "superficie"}))
    return Intent::kSize;

  const bool nights_word = w.any({"noche", "noches", "night", "nights"});
  if (((how_many || asks_number_of(w)) && nights_word) || w.any({"duracion", "duration"}) || w.pair("how", "long") ||
      w.pair("cuanto", "tiempo"))
    return Intent::kNights;
  if (((how_many || asks_number_of(w)) && person) || w.pair("cuantos", "somos") || w.pair("cuantas", "somos"))
    return Intent::kGuests;
  // "número de habitaciones" counts; "número de habitación" is the room itself (below).
  if ((how_many && w.any(kRoomWords)) || (asks_number_of(w) && w.any(kRoomPlurals))) return Intent::kRoomCount;

  // "Where do I check in?" asks for a place, not a time.
  if (!w.any({"donde", "where"})) {
    const bool in = about_check_in(w), out = about_check_out(w);
    if (in && out) return Intent::kStayDates;
    if (in) return Intent::kCheckIn;
    if (out) return Intent::kCheckOut;
  }
  if (w.any({"noches", "nights"})) return Intent::kNights;  // singular "de noche" is a time of day
  if (w.any({"fechas", "fecha", "dates", "date", "dias", "days"}) || (w.any({"cuando", "when"}) && about_booking(w)) ||
      (w.any({"dia", "day"}) && about_booking(w)))
    return Intent::kStayDates;

  if (w.any({"tipo", "tipos", "type", "types", "kind", "categoria", "category", "clase", "class"})) return Intent::kRoomType;
  const bool where_staying = w.any({"donde", "where"}) && w.any(kStayVerbs);
  if ((w.any(kRoomWords) || where_staying) && w.only(kRoomWords, kStayVerbs, kRoomQuestionWords)) return Intent::kRoomUnit;
  return std::nullopt;
}

std::optional<std::string> detect_intent(const std::vector<std::string>& tokens) {
  const auto intent = classify_question(tokens);
  if (!intent) return std::nullopt;
  return std::string(intent_name(*intent));
}

}  // namespace mphb
