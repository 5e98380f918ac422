// Native driver of the core for parity tests and fuzzing repros, two modes:
//
//   mphb_plan_native --tenant-id UUID --now ISO [--types F] [--units F] [--bookings F]
//     The same offline plan as the WASM build's planOffline, printed to stdout.
//     Exit: 0 plan without errors, 1 plan with errors, 2 usage or unreadable file.
//
//   mphb_plan_native --preview TRANSCRIPT_FILE
//     Replays a preview transcript (tests/js/support/preview_transcript.js records one from a real
//     `sync-all --dry-run`) through mphb::SyncPreview in the order js/preview_driver.js drives it, and
//     prints diff() to stdout with no trailing newline: the WASM core must print the same bytes.
//     The transcript: {tenant_id, now, stored, accommodation_types, accommodations, pages: [text],
//     units: {"<id>": {status, body}}, bookings: {"<id>": {status, body: text}}, total: int|null}.
//     Units or bookings the core asks for that it does not hold answer 404.
//     Exit: 0 diff without errors, 1 diff with errors (or the preview stopped: the reason on stderr),
//     2 usage, an unreadable file or a transcript of the wrong shape (the reason on stderr).
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../src/offline_plan.hpp"
#include "../src/sync_preview.hpp"

namespace {

using nlohmann::json;

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

int run_offline_plan(int argc, char** argv) {
  mphb::OfflinePlanInput input;
  std::string files[3];
  bool given[3] = {false, false, false};
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "missing value for " << flag << "\n";
      return 2;
    }
    const std::string value = argv[++i];
    int slot = -1;
    if (flag == "--tenant-id") {
      input.tenant_id = value;
    } else if (flag == "--now") {
      input.now = value;
    } else if (flag == "--types") {
      slot = 0;
    } else if (flag == "--units") {
      slot = 1;
    } else if (flag == "--bookings") {
      slot = 2;
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
    if (slot >= 0) {
      if (!read_file(value, files[slot])) {
        std::cerr << value << ": cannot read\n";
        return 2;
      }
      given[slot] = true;
    }
  }
  if (given[0]) input.accommodation_types = files[0];
  if (given[1]) input.accommodations = files[1];
  if (given[2]) input.bookings = files[2];
  const std::string plan = mphb::build_offline_plan_json(input);
  std::cout << plan;
  const auto parsed = nlohmann::json::parse(plan, nullptr, false);
  return !parsed.is_discarded() && parsed["errors"].empty() ? 0 : 1;
}

// A transcript checked once, up front: the core is built without exceptions, so every access below
// relies on these checks (a wrong type would abort, not throw).
struct Transcript {
  std::string tenant_id, now, stored, accommodation_types, accommodations;
  std::vector<std::string> pages;
  json units = json::object();     // "<id>" → {status: int, body?}
  json bookings = json::object();  // "<id>" → {status: int, body: string}
  std::optional<int64_t> total;
};

// Fills `out` from the parsed document; on a wrong shape answers the field at fault (and why).
std::optional<std::string> read_transcript(const json& doc, Transcript& out) {
  if (!doc.is_object()) return std::string("the transcript must be a JSON object");
  const std::pair<const char*, std::string*> strings[] = {{"tenant_id", &out.tenant_id},
                                                          {"now", &out.now},
                                                          {"stored", &out.stored},
                                                          {"accommodation_types", &out.accommodation_types},
                                                          {"accommodations", &out.accommodations}};
  for (const auto& [key, target] : strings) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) return std::string(key) + " must be a string";
    *target = it->get<std::string>();
  }
  auto pages = doc.find("pages");
  if (pages == doc.end() || !pages->is_array()) return std::string("pages must be an array of strings");
  for (size_t i = 0; i < pages->size(); ++i) {
    if (!(*pages)[i].is_string()) return "pages[" + std::to_string(i) + "] must be a string";
    out.pages.push_back((*pages)[i].get<std::string>());
  }
  auto units = doc.find("units");
  if (units == doc.end() || !units->is_object()) return std::string("units must be an object");
  for (const auto& [id, unit] : units->items()) {
    if (!unit.is_object() || !unit.contains("status") || !unit["status"].is_number_integer()) {
      return "units." + id + " must be {status: integer, body}";
    }
  }
  out.units = *units;
  auto bookings = doc.find("bookings");
  if (bookings == doc.end() || !bookings->is_object()) return std::string("bookings must be an object");
  for (const auto& [id, booking] : bookings->items()) {
    if (!booking.is_object() || !booking.contains("status") || !booking["status"].is_number_integer() ||
        !booking.contains("body") || !booking["body"].is_string()) {
      return "bookings." + id + " must be {status: integer, body: string}";
    }
  }
  out.bookings = *bookings;
  auto total = doc.find("total");
  if (total == doc.end() || !(total->is_null() || total->is_number_integer()))
    return std::string("total must be an integer or null");
  if (total->is_number_integer()) out.total = total->get<int64_t>();
  return std::nullopt;
}

// The core's answers are its own JSON text; an unparsable one reads as an empty object.
json answer_of(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() ? doc : json::object();
}

bool has_items(const json& answer, const char* key) {
  auto it = answer.find(key);
  return it != answer.end() && it->is_array() && !it->empty();
}

// A transcript's key for a MotoPress id, as JavaScript's String(id) writes an integer.
std::optional<std::string> id_key(const json& id) {
  if (!id.is_number_integer()) return std::nullopt;
  return id.dump();
}

// GET /accommodations/{id} for each unit the page names, as PreviewDriver.page asks fetchUnit.
json unit_results(const json& unknown_units, const json& units) {
  json results = json::array();
  for (const auto& unit : unknown_units) {
    const json id = unit.is_object() ? unit.value("mphb_accommodation_id", json()) : json();
    const auto key = id_key(id);
    auto it = key ? units.find(*key) : units.end();
    json result = {{"id", id}, {"status", 404}};
    if (it != units.end()) {
      result["status"] = (*it)["status"];
      if (it->contains("body")) result["body"] = (*it)["body"];
    }
    results.push_back(std::move(result));
  }
  return results;
}

// Drives the preview as js/preview_driver.js does; answers why it stopped, or nullopt when it ran through.
std::optional<std::string> drive_preview(mphb::SyncPreview& preview, const Transcript& t) {
  if (has_items(answer_of(preview.accommodations(t.accommodation_types, t.accommodations)), "errors")) {
    return std::string("accommodations_failed");
  }
  for (const auto& page : t.pages) {
    json answer = answer_of(preview.bookings_page(page));
    if (!has_items(answer, "unknown_units")) continue;
    const json results = unit_results(answer["unknown_units"], t.units);
    if (has_items(answer_of(preview.resolve_units(results.dump(-1, ' ', false, json::error_handler_t::replace))), "errors")) {
      return std::string("unresolved_units");
    }
    if (has_items(answer_of(preview.bookings_page(page)), "unknown_units"))
      return std::string("unresolved_units: units still unknown after fetching them");
  }
  // The core decides whether the pass saw enough to reconcile, as in the sync; without a total, nothing to check.
  if (!t.total) return std::nullopt;
  const json reconcile = answer_of(preview.reconcile(*t.total));
  auto confirm = reconcile.find("confirm");
  if (confirm == reconcile.end() || !confirm->is_array()) return std::nullopt;
  for (const auto& id : *confirm) {
    const auto key = id_key(id);
    if (!key) continue;
    auto it = t.bookings.find(*key);
    if (it == t.bookings.end()) {
      preview.confirm(id.get<int64_t>(), 404, "");
    } else {
      preview.confirm(id.get<int64_t>(), (*it)["status"].get<int>(), (*it)["body"].get<std::string>());
    }
  }
  return std::nullopt;
}

int run_preview(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: mphb_plan_native --preview TRANSCRIPT_FILE\n";
    return 2;
  }
  const std::string path = argv[2];
  std::string text;
  if (!read_file(path, text)) {
    std::cerr << path << ": cannot read\n";
    return 2;
  }
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::cerr << path << ": not JSON\n";
    return 2;
  }
  Transcript transcript;
  if (const auto wrong = read_transcript(doc, transcript)) {
    std::cerr << path << ": " << *wrong << "\n";
    return 2;
  }
  mphb::SyncPreview preview(transcript.tenant_id, transcript.now, transcript.stored);
  const auto stopped = drive_preview(preview, transcript);
  const std::string diff = preview.diff();
  std::cout << diff;
  if (stopped) std::cerr << "preview stopped: " << *stopped << "\n";
  const json parsed = json::parse(diff, nullptr, /*allow_exceptions=*/false);
  const bool clean = parsed.is_object() && parsed.contains("errors") && parsed["errors"].is_array() && parsed["errors"].empty();
  return clean && !stopped ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--preview") return run_preview(argc, argv);
  return run_offline_plan(argc, argv);
}
