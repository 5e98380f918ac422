// A guest's questions answered from their stay (stay_answer.hpp): the shared fixture table
// (tests/fixtures/guest_questions.json, also run by jest through WASM), then the parts one by one —
// normalisation, language, intent priorities, the off-topic veto — and robustness and determinism.
//
// JSON_NOEXCEPTION applies here too: parse with allow_exceptions=false, check types before get<T>().
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "question_intent.hpp"
#include "question_text.hpp"
#include "stay_answer.hpp"

namespace {

using json = nlohmann::json;

const std::vector<std::string>& all_intents() {
  static const std::vector<std::string> kIntents = {"bed_type",   "view",      "size",     "capacity",  "nights",
                                                    "room_count", "guests",    "check_in", "check_out", "stay_dates",
                                                    "status",     "room_type", "room_unit"};
  return kIntents;
}

std::string read_file(const std::string& path) {
  std::string bytes;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return bytes;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) bytes.append(buffer, n);
  std::fclose(file);
  return bytes;
}

const json& fixture() {
  static const json kFixture =
      json::parse(read_file(std::string(MPHB_FIXTURES_DIR) + "/guest_questions.json"), nullptr, /*allow_exceptions=*/false);
  return kFixture;
}

const json& fixture_stay(const std::string& name) {
  static const json kNull;
  const json& f = fixture();
  if (!f.is_object() || !f.contains("stays") || !f["stays"].is_object() || !f["stays"].contains(name)) return kNull;
  return f["stays"][name];
}

// object[key] without operator[]'s precondition on a const json: null when absent.
const json& member(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string text_of(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string str(const json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

// Runs the entry point and checks the shape every result has, whatever the input.
json ask_bytes(std::string_view stay, std::string_view question) {
  const std::string bytes = mphb::answer_question_json(stay, question);
  const json out = json::parse(bytes, nullptr, false);
  EXPECT_FALSE(out.is_discarded()) << "output is not JSON: " << bytes.substr(0, 300);
  if (out.is_discarded()) return json::object();
  EXPECT_TRUE(out.is_object());
  const std::set<std::string> keys = {"answered", "intent", "language", "answer", "facts", "context", "errors"};
  for (const auto& key : keys) EXPECT_TRUE(out.contains(key)) << "missing " << key << ": " << bytes;
  EXPECT_EQ(out.size(), keys.size()) << bytes;
  if (!out.is_object() || out.size() != keys.size()) return json::object();
  EXPECT_TRUE(out["answered"].is_boolean());
  EXPECT_TRUE(out["intent"].is_null() || out["intent"].is_string());
  EXPECT_TRUE(out["language"] == "es" || out["language"] == "en") << out["language"];
  EXPECT_TRUE(out["answer"].is_null() || out["answer"].is_string());
  EXPECT_EQ(out["answered"] == true, out["answer"].is_string()) << bytes;
  EXPECT_TRUE(out["facts"].is_object());
  EXPECT_TRUE(out["context"].is_string());
  EXPECT_TRUE(out["errors"].is_array());
  if (out["errors"].is_array() && !out["errors"].empty()) {
    EXPECT_EQ(out["answered"], false) << bytes;
    EXPECT_TRUE(out["intent"].is_null()) << bytes;
    EXPECT_EQ(out["facts"], json::object()) << bytes;
    for (const auto& e : out["errors"]) {
      EXPECT_FALSE(str(e, "code").empty()) << e;
      EXPECT_FALSE(str(e, "path").empty()) << e;
      EXPECT_FALSE(str(e, "message").empty()) << e;
    }
  }
  return out;
}

json ask(const json& stay, std::string_view question) { return ask_bytes(stay.dump(), question); }

std::optional<std::string> intent_of(const std::string& question) {
  return mphb::detect_intent(mphb::question_tokens(mphb::normalize_question(question)));
}

// ---- The shared table --------------------------------------------------------------------------------

TEST(GuestQuestionsFixture, CoversEveryIntentInBothLanguages) {
  const json& f = fixture();
  ASSERT_TRUE(f.is_object()) << "cannot read " << MPHB_FIXTURES_DIR << "/guest_questions.json";
  ASSERT_TRUE(f.contains("cases") && f["cases"].is_array());
  const json& cases = f["cases"];
  EXPECT_GE(cases.size(), 60u);
  std::map<std::string, std::set<std::string>> languages;  // answered intents → languages
  std::set<std::string> multi_room_intents;
  size_t answerable = 0, unanswerable = 0, missing_data = 0;
  for (const auto& c : cases) {
    const std::string intent = str(c, "intent");
    if (c.contains("answered") && c["answered"] == true) {
      ++answerable;
      languages[intent].insert(str(c, "language"));
      if (str(c, "stay") == "multi") multi_room_intents.insert(intent);
    } else if (intent.empty()) {
      ++unanswerable;
    } else {
      ++missing_data;
    }
  }
  EXPECT_GE(answerable, 45u);
  EXPECT_GE(unanswerable, 8u);
  EXPECT_GE(missing_data, 3u);
  for (const auto& intent : all_intents()) {
    EXPECT_EQ(languages[intent], (std::set<std::string>{"en", "es"})) << intent;
  }
  for (const char* intent : {"room_unit", "room_type", "room_count", "bed_type", "size", "view", "capacity"}) {
    EXPECT_TRUE(multi_room_intents.count(intent)) << "no multi-room case for " << intent;
  }
}

TEST(GuestQuestionsFixture, EveryCaseGivesTheExpectedResult) {
  const json& f = fixture();
  ASSERT_TRUE(f.is_object() && f.contains("cases") && f["cases"].is_array());
  for (const auto& c : f["cases"]) {
    const std::string question = str(c, "question");
    const std::string stay_name = str(c, "stay");
    SCOPED_TRACE("question \"" + question + "\" on stay \"" + stay_name + "\"");
    const json& stay = fixture_stay(stay_name);
    ASSERT_TRUE(stay.is_object()) << "unknown stay " << stay_name;
    const json out = ask(stay, question);
    if (!out.contains("answered")) continue;

    EXPECT_EQ(out["language"], member(c, "language"));
    EXPECT_EQ(out["intent"], member(c, "intent"));
    EXPECT_EQ(out["answered"], member(c, "answered")) << out["answer"];
    EXPECT_EQ(out["facts"], member(c, "facts"));
    const std::string answer = str(out, "answer");
    for (const auto& part : member(c, "answer_contains")) {
      EXPECT_NE(answer.find(text_of(part)), std::string::npos) << "answer: " << answer << "\nlacks: " << part;
    }
    for (const char* forbidden : {"sin asignar", "unassigned", "Unassigned", "null"}) {
      EXPECT_EQ(answer.find(forbidden), std::string::npos) << answer;
    }
    const std::string context = str(out, "context");
    for (const auto& part : member(c, "context_contains")) {
      EXPECT_NE(context.find(text_of(part)), std::string::npos) << "context lacks " << part;
    }
    for (const auto& room : member(stay, "rooms")) {
      EXPECT_NE(context.find(str(room, "unit_name")), std::string::npos) << "context lacks a room";
    }
    if (member(c, "error_code").is_string()) {
      ASSERT_EQ(out["errors"].size(), 1u) << out["errors"];
      EXPECT_EQ(member(out["errors"][0], "code"), member(c, "error_code"));
      EXPECT_EQ(member(out["errors"][0], "path"), "question");
    } else {
      EXPECT_EQ(out["errors"], json::array());
    }
  }
}

TEST(GuestQuestionsFixture, AnswersAreByteIdenticalAcrossRuns) {
  const json& f = fixture();
  ASSERT_TRUE(f.is_object() && f.contains("cases") && f["cases"].is_array());
  for (const auto& c : f["cases"]) {
    const std::string stay = fixture_stay(str(c, "stay")).dump();
    const std::string question = str(c, "question");
    const std::string first = mphb::answer_question_json(stay, question);
    EXPECT_EQ(first, mphb::answer_question_json(stay, question)) << question;
    EXPECT_EQ(first, mphb::answer_question_json(std::string(stay), std::string(question))) << question;
  }
}

// ---- Normalisation --------------------------------------------------------------------------------------

TEST(GuestQuestionText, FoldsCaseAndSpanishAccents) {
  EXPECT_EQ(mphb::normalize_question("¿Qué HABITACIÓN tengo?"), "que habitacion tengo");
  EXPECT_EQ(mphb::normalize_question("á é í ó ú ü ñ"), "a e i o u u n");
  EXPECT_EQ(mphb::normalize_question("ÁÉÍÓÚÜÑ"), "aeiouun");
  EXPECT_EQ(mphb::normalize_question("ÀÈÌÒÙ ÂÊÎÔÛ ÇÝ"), "aeiou aeiou cy");
  EXPECT_EQ(mphb::normalize_question("TAMAÑO Niños CAMPIÑA"), "tamano ninos campina");
  EXPECT_EQ(mphb::normalize_question("Straße Ærø"), "strasse aero");
}

TEST(GuestQuestionText, PunctuationAndSymbolsSeparateWords) {
  EXPECT_EQ(mphb::normalize_question("¿¡check-in/check-out?!"), "check in check out");
  EXPECT_EQ(mphb::normalize_question("what's (the) \"view\"; size: m², ok."), "what s the view size m2 ok");
  EXPECT_EQ(mphb::normalize_question("«Hola» — “qué” tal… ‘bien’"), "hola que tal bien");
  EXPECT_EQ(mphb::normalize_question("  \t\r\n habitación \n\n 2  "), "habitacion 2");
  EXPECT_EQ(mphb::normalize_question("room 😊 please"), "room please");
  EXPECT_EQ(mphb::normalize_question("¿¿??"), "");
  EXPECT_EQ(mphb::normalize_question(""), "");
}

TEST(GuestQuestionText, KeepsOtherScriptsAsWords) {
  EXPECT_EQ(mphb::normalize_question("Lumbung 海景?"), "lumbung 海景");
  EXPECT_EQ(mphb::question_tokens("lumbung 海景"), (std::vector<std::string>{"lumbung", "海景"}));
}

TEST(GuestQuestionText, InvalidBytesAndControlsAreSeparators) {
  EXPECT_EQ(mphb::normalize_question("hab\xFFita\xC3"), "hab ita");
  EXPECT_EQ(mphb::normalize_question("a\x01"
                                     "b\x7F"
                                     "c"),
            "a b c");
  EXPECT_EQ(mphb::normalize_question(std::string("room\0number", 11)), "room number");
  EXPECT_EQ(mphb::normalize_question("\xED\xA0\x80x\xC0\xAFy\xF4\x90\x80\x80z"), "x y z");  // surrogate, overlong, >U+10FFFF
  EXPECT_TRUE(mphb::is_valid_utf8("¿Qué habitación? 海景 😊"));
  EXPECT_FALSE(mphb::is_valid_utf8("\xFF"));
  EXPECT_FALSE(mphb::is_valid_utf8("\xC3"));
  EXPECT_FALSE(mphb::is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(mphb::is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(mphb::is_valid_utf8("\xF4\x90\x80\x80"));
}

TEST(GuestQuestionText, Tokens) {
  EXPECT_EQ(mphb::question_tokens("que habitacion tengo"), (std::vector<std::string>{"que", "habitacion", "tengo"}));
  EXPECT_TRUE(mphb::question_tokens("").empty());
  EXPECT_EQ(mphb::question_tokens("  a  b "), (std::vector<std::string>{"a", "b"}));
}

// ---- Language -------------------------------------------------------------------------------------------

TEST(GuestQuestionLanguage, DetectsSpanishAndEnglish) {
  EXPECT_EQ(mphb::detect_language("Which room am I in?"), "en");
  EXPECT_EQ(mphb::detect_language("What time is checkin"), "en");
  EXPECT_EQ(mphb::detect_language("HOW MANY ROOMS DID I BOOK"), "en");
  EXPECT_EQ(mphb::detect_language("que habitacion tengo"), "es");
  EXPECT_EQ(mphb::detect_language("¿Cuántas noches?"), "es");
}

TEST(GuestQuestionLanguage, MarksAndAccentsCountForSpanish) {
  EXPECT_EQ(mphb::detect_language("¿Qué room tengo?"), "es");
  EXPECT_EQ(mphb::detect_language("¿room?"), "es");  // "¿" against "room"
  EXPECT_EQ(mphb::detect_language("habitación"), "es");
}

TEST(GuestQuestionLanguage, TiesAndNoMarkersAreSpanish) {
  EXPECT_EQ(mphb::detect_language(""), "es");
  EXPECT_EQ(mphb::detect_language("checkin"), "es");
  EXPECT_EQ(mphb::detect_language("asdf qwerty"), "es");
  EXPECT_EQ(mphb::detect_language("room habitacion"), "es");
  EXPECT_EQ(mphb::detect_language("\xFF\xFE"), "es");
}

// ---- Intents ----------------------------------------------------------------------------------------------

TEST(GuestQuestionIntent, NamesAreTheContract) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(mphb::Intent::kRoomUnit); ++i) {
    names.insert(mphb::intent_name(static_cast<mphb::Intent>(i)));
  }
  EXPECT_EQ(names, std::set<std::string>(all_intents().begin(), all_intents().end()));
}

TEST(GuestQuestionIntent, SpecificWordsWinOverTheRoom) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"¿Qué tipo de cama?", "bed_type"},
      {"¿Qué tipo de habitación tengo?", "room_type"},
      {"How many people fit in my room?", "capacity"},
      {"How many rooms did I book?", "room_count"},
      {"¿Cuántas camas tiene mi habitación?", "bed_type"},
      {"What size is the bed?", "bed_type"},
      {"Which room has the ocean view?", "view"},
      {"¿Cuántos metros tiene la habitación?", "size"},
      {"¿Cuántas noches en la habitación?", "nights"},
      {"¿Cuántas personas hay en mi habitación?", "guests"},
      {"¿Para cuántas personas es la reserva?", "guests"},
      {"How many people can stay in the room?", "capacity"},
      {"What time is check-in for my room?", "check_in"},
      {"¿A qué hora tengo que dejar la habitación?", "check_out"},
      {"¿Está confirmada mi habitación?", "status"},
      {"What type of room is it?", "room_type"},
      {"¿Qué tipo reservé?", "room_type"},
  };
  for (const auto& [question, intent] : cases) EXPECT_EQ(intent_of(question), intent) << question;
}

TEST(GuestQuestionIntent, RoomNumberIsTheRoomButNumberOfRoomsCounts) {
  EXPECT_EQ(intent_of("¿Cuál es el número de habitación?"), "room_unit");
  EXPECT_EQ(intent_of("room number?"), "room_unit");
  EXPECT_EQ(intent_of("número de habitaciones"), "room_count");
  EXPECT_EQ(intent_of("number of rooms"), "room_count");
  EXPECT_EQ(intent_of("number of guests"), "guests");
}

TEST(GuestQuestionIntent, CheckInCheckOutAndDates) {
  for (const char* q : {"checkin", "CHECK-IN", "check in", "hora de entrada", "¿Cuándo es mi llegada?", "arrival time",
                        "What time can I arrive?", "¿A qué hora puedo entrar?"}) {
    EXPECT_EQ(intent_of(q), "check_in") << q;
  }
  for (const char* q :
       {"checkout", "check-out", "check out time", "salida", "departure", "When do I leave?", "¿Qué día salgo?"}) {
    EXPECT_EQ(intent_of(q), "check_out") << q;
  }
  for (const char* q : {"When do I arrive and leave?", "fechas de entrada y salida", "dates", "¿Qué días?", "When is my booking?",
                        "¿Cuál es la fecha de mi reserva?"}) {
    EXPECT_EQ(intent_of(q), "stay_dates") << q;
  }
  for (const char* q :
       {"how many nights", "noches", "duración de la estancia", "How long is my stay?", "¿Cuánto tiempo me quedo?"}) {
    EXPECT_EQ(intent_of(q), "nights") << q;
  }
}

TEST(GuestQuestionIntent, PlacesDirectionsAndGreetings) {
  EXPECT_EQ(intent_of("Buenas noches, ¿qué habitación tengo?"), "room_unit");
  EXPECT_EQ(intent_of("Buenos días, ¿a qué hora es la salida?"), "check_out");
  EXPECT_EQ(intent_of("Good morning! Which room am I in?"), "room_unit");
  EXPECT_EQ(intent_of("¿Dónde es el check-in?"), std::nullopt);   // a place, not a time
  EXPECT_EQ(intent_of("¿Puedo llegar de noche?"), std::nullopt);  // "de noche" is a time of day
  EXPECT_EQ(intent_of("¿Cómo llego al hotel?"), std::nullopt);    // directions
}

TEST(GuestQuestionIntent, OtherTopicsVetoEveryRule) {
  for (const char* q : {"Is breakfast included in my room?",
                        "¿Cuánto cuesta la habitación?",
                        "How much is the room?",
                        "Does my room have wifi?",
                        "¿Cuál es la clave del wi-fi de mi habitación?",
                        "¿La habitación tiene aire acondicionado?",
                        "Can I bring my dog to the room?",
                        "Is there a pool view room?",
                        "Room service?",
                        "¿Hay parqueadero para mi reserva?",
                        "What time is breakfast on check-out day?",
                        "Can I pay at check-in?",
                        "¿Puedo cancelar mi reserva?",
                        "Can I change my room?",
                        "late check-out",
                        "¿Me pueden limpiar la habitación?",
                        "Can I get an extra bed?",
                        "airport taxi at check-out",
                        "¿Cuántas toallas hay en el cuarto?",
                        "¿Dónde está el gimnasio?",
                        "spa",
                        "¿Hay piscina?"}) {
    EXPECT_EQ(intent_of(q), std::nullopt) << q;
  }
}

TEST(GuestQuestionIntent, RoomAloneAnswersOnlyPlainRoomQuestions) {
  for (const char* q : {"Which room am I in?", "¿En qué habitación estoy?", "¿Dónde me alojo?", "Where am I staying?", "My room?",
                        "Can you tell me which room I'm in, please?", "¿Me recuerdas mi habitación?"}) {
    EXPECT_EQ(intent_of(q), "room_unit") << q;
  }
  for (const char* q :
       {"Does my room have a balcony?", "Is my room ready?", "Can I see my room?", "¿Mi habitación tiene vistas al mar?"}) {
    EXPECT_NE(intent_of(q), "room_unit") << q;
  }
  EXPECT_EQ(intent_of("hello"), std::nullopt);
  EXPECT_EQ(intent_of(""), std::nullopt);
}

// ---- Answers from odd stays ---------------------------------------------------------------------------

json small_stay() {
  json stay = fixture_stay("single");
  return stay.is_object() ? stay : json::object({{"rooms", json::array()}});
}

TEST(GuestQuestionAnswer, ContextStatesTheStayAndNothingMore) {
  const json out = ask(small_stay(), "hola");
  EXPECT_EQ(out["context"],
            "Hotel: Villa Kembang Canggu\n"
            "Guest: Ana Pérez\n"
            "Booking: 2432 (status: active)\n"
            "Check-in: 2026-11-10 14:00\n"
            "Check-out: 2026-11-13 12:00\n"
            "Nights: 3\n"
            "Guests: 2 adults, 0 children\n"
            "Rooms (1):\n"
            "1. Bungalow 2 — type: Bungalow Kembang; bed: King; size: 28 m²; view: Garden; capacity: 3; "
            "2 adults, 0 children");
  const json missing = ask(fixture_stay("missing"), "hola");
  const std::string context = str(missing, "context");
  for (const char* part :
       {"Hotel: unknown", "Guest: unknown", "Booking: 77 (status: cancelled)", "Check-in: 2026-03-01\n", "Check-out: unknown\n",
        "Nights: unknown", "1. Villa Teratai — type: unknown; bed: unknown; size: unknown; view: unknown; capacity: unknown",
        "2. Villa Melati — type: Villa Dua Kamar; bed: Twin; size: unknown"}) {
    EXPECT_NE(context.find(part), std::string::npos) << part << "\n" << context;
  }
}

TEST(GuestQuestionAnswer, RoomsFollowTheirPositionAndUnnamedRoomsAreNumbered) {
  json stay = small_stay();
  json first = stay["rooms"][0];
  json second = first, third = first;
  first["position"] = 2;
  first["unit_name"] = "C";
  second["position"] = 0;
  second["unit_name"] = "A";
  third["position"] = "1";  // not an integer: after the positioned rooms
  third["unit_name"] = nullptr;
  stay["rooms"] = json::array({first, "junk", third, second});
  const json out = ask(stay, "Which rooms are mine?");
  EXPECT_EQ(out["answer"],
            "You have 3 rooms: A (Bungalow Kembang), C (Bungalow Kembang) and room 3 "
            "(Bungalow Kembang, name not available).");
  EXPECT_EQ(out["facts"]["rooms"][2]["position"], nullptr);
  EXPECT_NE(str(out, "context").find("3. Room 3 (name unknown)"), std::string::npos) << out["context"];
}

TEST(GuestQuestionAnswer, NumbersAndTimesReadNaturally) {
  json stay = small_stay();
  stay["rooms"][0]["size_m2"] = 27.5;
  stay["rooms"][0]["capacity"] = 1;
  stay["check_in_time"] = "01:00:00";
  stay["nights"] = 1;
  stay["children"] = 1;
  stay["guests"] = 3;
  EXPECT_EQ(ask(stay, "¿Cuánto mide la habitación?")["answer"], "Tu habitación (Bungalow 2) mide 27,5 m².");
  EXPECT_EQ(ask(stay, "How big is the room?")["answer"], "Your room (Bungalow 2) is 27.5 m².");
  EXPECT_EQ(ask(stay, "¿Cuántas personas caben?")["answer"], "La capacidad de tu habitación (Bungalow 2) es de 1 persona.");
  EXPECT_EQ(ask(stay, "¿A qué hora es el check-in?")["answer"],
            "Tu check-in es el martes 10 de noviembre de 2026 a partir de la 01:00.");
  EXPECT_EQ(ask(stay, "What time is check-in?")["answer"], "Your check-in is on Tuesday, November 10, 2026, from 01:00.");
  EXPECT_EQ(ask(stay, "¿Cuántas noches?")["answer"],
            "Tu estancia es de 1 noche (del martes 10 de noviembre de 2026 al viernes 13 de noviembre de 2026).");
  EXPECT_EQ(ask(stay, "How many guests?")["answer"], "Your booking is for 3 guests (2 adults and 1 child).");
  EXPECT_EQ(ask(stay, "¿Cuántas personas somos?")["answer"], "Tu reserva es para 3 personas (2 adultos y 1 niño).");
}

TEST(GuestQuestionAnswer, StatusSentences) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"active", "Your booking is confirmed."},
      {"pending_admin", "Your booking is pending the hotel's confirmation."},
      {"pending", "Your booking is pending your confirmation."},
      {"pending_payment", "Your booking is pending payment."},
      {"cancelled", "Your booking is cancelled."},
      {"inactive", "Your booking is no longer active."},
  };
  json stay = small_stay();
  for (const auto& [status, sentence] : cases) {
    stay["status"] = status;
    EXPECT_EQ(ask(stay, "What is my booking status?")["answer"], sentence) << status;
    EXPECT_FALSE(str(ask(stay, "¿Cuál es el estado de mi reserva?"), "answer").empty()) << status;
  }
  stay["status"] = "confirmed";  // not a stored status: unknown, never guessed
  const json out = ask(stay, "Is my booking confirmed?");
  EXPECT_EQ(out["answered"], false);
  EXPECT_EQ(out["intent"], "status");
  EXPECT_EQ(out["facts"], json({{"status", nullptr}}));
}

TEST(GuestQuestionAnswer, WrongTypesReadAsNull) {
  const json stay = {{"hotel_name", 5},
                     {"guest_name", json::array()},
                     {"booking_id", 1.5},
                     {"status", 3},
                     {"check_in_date", "2026-02-30"},
                     {"check_out_date", 20261113},
                     {"check_in_time", "25:00"},
                     {"check_out_time", "12h"},
                     {"nights", -3},
                     {"adults", "2"},
                     {"children", true},
                     {"guests", 1e30},
                     {"rooms", json::array({json::object({{"unit_name", 7},
                                                          {"type_name", json::object()},
                                                          {"bed_type", ""},
                                                          {"size_m2", -4},
                                                          {"view", "   "},
                                                          {"capacity", 2.5},
                                                          {"position", true}})})}};
  for (const char* q : {"Which room am I in?", "room type", "bed", "size", "view", "capacity", "check-in", "check-out", "dates",
                        "nights", "how many guests", "status"}) {
    const json out = ask(stay, q);
    EXPECT_EQ(out["answered"], false) << q << " → " << out["answer"];
    EXPECT_TRUE(out["intent"].is_string()) << q;
    EXPECT_EQ(out["errors"], json::array()) << q;
  }
  EXPECT_EQ(ask(stay, "how many rooms")["answer"], "You have 1 room: room 1.");
  EXPECT_NE(str(ask(stay, "x"), "context").find("Hotel: unknown"), std::string::npos);
}

TEST(GuestQuestionAnswer, NamesCannotBreakTheContextLines) {
  json stay = small_stay();
  stay["rooms"][0]["unit_name"] = "Bungalow\n2\tEast";
  stay["hotel_name"] = std::string(500, 'h');
  const json out = ask(stay, "Which room am I in?");
  EXPECT_EQ(out["answer"], "Your room is Bungalow 2 East (Bungalow Kembang).");
  const std::string context = str(out, "context");
  EXPECT_NE(context.find("1. Bungalow 2 East —"), std::string::npos) << context;
  EXPECT_EQ(context.find(std::string(201, 'h')), std::string::npos);
}

TEST(GuestQuestionAnswer, NoRoomsNoRoomAnswer) {
  json stay = small_stay();
  stay["rooms"] = json::array();
  for (const char* q : {"Which room am I in?", "How many rooms?", "bed type"}) {
    const json out = ask(stay, q);
    EXPECT_EQ(out["answered"], false) << q;
    EXPECT_EQ(out["errors"], json::array()) << q;
  }
  EXPECT_EQ(ask(stay, "How many rooms?")["facts"], json({{"room_count", 0}, {"rooms", json::array()}}));
  EXPECT_EQ(ask(stay, "check-in?")["answered"], true);
}

// ---- Bad input ------------------------------------------------------------------------------------------

void expect_only_error(const json& out, const std::string& code, const std::string& path) {
  ASSERT_TRUE(out.contains("errors") && out["errors"].is_array());
  ASSERT_EQ(out["errors"].size(), 1u) << out["errors"];
  EXPECT_EQ(out["errors"][0]["code"], code);
  EXPECT_EQ(out["errors"][0]["path"], path);
  EXPECT_EQ(out["answered"], false);
  EXPECT_EQ(out["answer"], nullptr);
}

TEST(GuestQuestionErrors, StaysThatAreNotStays) {
  for (const char* bytes : {"", "{", "[]", "null", "42", "\"stay\"", "[{\"rooms\": []}]", "\xFF", "{\"rooms\":[}"}) {
    const json out = ask_bytes(std::string_view(bytes), "Which room am I in?");
    expect_only_error(out, "invalid_stay", "stay");
    EXPECT_EQ(out["context"], "") << bytes;
    EXPECT_EQ(out["language"], "en") << bytes;  // the question itself was fine
  }
  for (const char* bytes : {"{}", "{\"rooms\": null}", "{\"rooms\": {}}", "{\"rooms\": \"[]\"}"}) {
    expect_only_error(ask_bytes(std::string_view(bytes), "¿Qué habitación tengo?"), "invalid_stay", "stay.rooms");
  }
  std::string deep(10000, '[');
  expect_only_error(ask_bytes(deep, "room"), "invalid_stay", "stay");
}

TEST(GuestQuestionErrors, QuestionsThatAreNotQuestions) {
  const std::string stay = small_stay().dump();
  for (const char* q : {"", "   ", "¿¿??", "...", "\x01\x02"}) {
    const json out = ask_bytes(stay, q);
    expect_only_error(out, "empty_question", "question");
    EXPECT_EQ(out["language"], "es");
    EXPECT_NE(str(out, "context").find("Bungalow 2"), std::string::npos);  // the stay was fine
  }
  expect_only_error(ask_bytes(stay, "\xC3\x28 room"), "invalid_utf8", "question");
  expect_only_error(ask_bytes(stay, "room \xED\xA0\x80"), "invalid_utf8", "question");
  expect_only_error(ask_bytes(stay, std::string(1001, 'a')), "question_too_long", "question");
  expect_only_error(ask_bytes(stay, std::string(10 * 1024, '\xFF')), "question_too_long", "question");
  std::string longest = "Which room am I in?";
  longest.resize(mphb::kMaxQuestionBytes, ' ');
  EXPECT_EQ(ask_bytes(stay, longest)["intent"], "room_unit");

  const json both = ask_bytes("[]", "");
  ASSERT_EQ(both["errors"].size(), 2u);
  EXPECT_EQ(both["errors"][0]["code"], "invalid_stay");
  EXPECT_EQ(both["errors"][1]["code"], "empty_question");
}

TEST(GuestQuestionErrors, RandomBytesNeverCrash) {
  std::mt19937 random(20261110);
  const std::string stay = small_stay().dump();
  const std::vector<std::string> words = {"habitación", "room", "¿",    "?",    "check", "in",  "cama", "wifi", "cuántas",
                                          "noches",     "海景", "\xFF", "\xC3", "\x00",  "how", "many", "type", "de"};
  for (int i = 0; i < 3000; ++i) {
    std::string question;
    const int length = static_cast<int>(random() % 40);
    for (int k = 0; k < length; ++k) {
      if (random() % 2 == 0) {
        question += static_cast<char>(random() % 256);
      } else {
        question += words[random() % words.size()] + " ";
      }
    }
    std::string mutated = stay;
    for (int k = 0; k < static_cast<int>(random() % 4); ++k) {
      mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
    }
    const json out = ask_bytes(i % 3 == 0 ? mutated : stay, question);
    ASSERT_TRUE(out.contains("answered")) << i;
  }
  // Questions of every length up to and past the limit.
  std::string question;
  for (int i = 0; i < 10 * 1024; i += 97) {
    question.append(97, static_cast<char>('a' + (i % 26)));
    ASSERT_TRUE(ask_bytes(stay, question).contains("answered"));
  }
}

}  // namespace
