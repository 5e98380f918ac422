// The whole exported surface of the core, and the only file that includes an Emscripten header.
// Large inputs arrive as (pointer, length) into linear memory written by the JS side with
// TextEncoder.encodeInto (no per-byte copies); results return as a view of a buffer owned here,
// valid until the next call.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>

#include "../src/accommodations_sync_plan.hpp"
#include "../src/bookings_sync_session.hpp"
#include "../src/core_version.hpp"
#include "../src/fleet_policy.hpp"
#include "../src/guest_login.hpp"
#include "../src/guest_stay.hpp"
#include "../src/legacy_adoption.hpp"
#include "../src/offline_plan.hpp"
#include "../src/stay_answer.hpp"
#include "../src/sync_pass_plan.hpp"
#include "../src/sync_preview.hpp"

namespace {

std::string g_result;  // the last result; JS copies it out (TextDecoder) before calling again

std::optional<std::string_view> input_view(uintptr_t ptr, int64_t len) {
  if (len < 0) return std::nullopt;  // "not given"
  return std::string_view(reinterpret_cast<const char*>(ptr), static_cast<size_t>(len));
}

emscripten::val result_view() {
  return emscripten::val(emscripten::typed_memory_view(g_result.size(), reinterpret_cast<const uint8_t*>(g_result.data())));
}

// Lengths of -1 mean the input was not given (distinct from an empty, hence malformed, input).
emscripten::val plan_offline(std::string tenant_id, std::string now, uintptr_t types_ptr, double types_len, uintptr_t units_ptr,
                             double units_len, uintptr_t bookings_ptr, double bookings_len) {
  mphb::OfflinePlanInput input;
  input.tenant_id = std::move(tenant_id);
  input.now = std::move(now);
  input.accommodation_types = input_view(types_ptr, static_cast<int64_t>(types_len));
  input.accommodations = input_view(units_ptr, static_cast<int64_t>(units_len));
  input.bookings = input_view(bookings_ptr, static_cast<int64_t>(bookings_len));
  g_result = mphb::build_offline_plan_json(input);
  return result_view();
}

std::string core_version() { return mphb::kCoreVersion; }

emscripten::val plan_accommodations(std::string tenant_id, std::string now, uintptr_t types_ptr, double types_len,
                                    uintptr_t units_ptr, double units_len, std::string current) {
  mphb::AccommodationsSyncInput input;
  input.tenant_id = std::move(tenant_id);
  input.now = std::move(now);
  input.accommodation_types = input_view(types_ptr, static_cast<int64_t>(types_len)).value_or("");
  input.accommodations = input_view(units_ptr, static_cast<int64_t>(units_len)).value_or("");
  input.current = current;
  g_result = mphb::plan_accommodations_sync_json(input);
  return result_view();
}

// The guest's side: stay, answers, login. Bytes in, one buffer out.
emscripten::val guest_stay(uintptr_t ptr, double len) {
  g_result = mphb::build_guest_stay_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

emscripten::val answer_question(uintptr_t stay_ptr, double stay_len, uintptr_t question_ptr, double question_len) {
  g_result = mphb::answer_question_json(input_view(stay_ptr, static_cast<int64_t>(stay_len)).value_or(""),
                                        input_view(question_ptr, static_cast<int64_t>(question_len)).value_or(""));
  return result_view();
}

emscripten::val guest_login_request(uintptr_t ptr, double len) {
  g_result = mphb::read_guest_login_request_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

emscripten::val guest_login_decision(uintptr_t request_ptr, double request_len, uintptr_t candidates_ptr, double candidates_len,
                                     std::string now) {
  g_result = mphb::decide_guest_login_json(input_view(request_ptr, static_cast<int64_t>(request_len)).value_or(""),
                                           input_view(candidates_ptr, static_cast<int64_t>(candidates_len)).value_or(""), now);
  return result_view();
}

emscripten::val guest_access(uintptr_t stay_ptr, double stay_len, std::string now) {
  g_result = mphb::decide_guest_access_json(input_view(stay_ptr, static_cast<int64_t>(stay_len)).value_or(""), now);
  return result_view();
}

// Which pass a Sync All makes over /bookings, and the cursor it leaves.
emscripten::val sync_pass_decision(uintptr_t ptr, double len) {
  g_result = mphb::decide_sync_pass_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

emscripten::val sync_pass_settlement(uintptr_t ptr, double len) {
  g_result = mphb::settle_sync_pass_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

// Fleet sync: a job before and after its run, a host's backoff, the fleet report.
emscripten::val fleet_job_start(uintptr_t ptr, double len) {
  g_result = mphb::decide_fleet_job_start_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

emscripten::val fleet_job_end(uintptr_t ptr, double len) {
  g_result = mphb::decide_fleet_job_end_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

emscripten::val host_backoff(uintptr_t ptr, double len) {
  g_result = mphb::decide_host_backoff_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

emscripten::val fleet_report(uintptr_t ptr, double len) {
  g_result = mphb::build_fleet_report_json(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
  return result_view();
}

// Adoption of an old-sync database: legacy rows against the upstream truth.
emscripten::val plan_legacy_adoption(std::string tenant_id, std::string now, uintptr_t legacy_ptr, double legacy_len,
                                     uintptr_t units_ptr, double units_len, uintptr_t bookings_ptr, double bookings_len,
                                     uintptr_t confirm_ptr, double confirm_len) {
  mphb::LegacyAdoptionInput input;
  input.tenant_id = std::move(tenant_id);
  input.now = std::move(now);
  input.legacy = input_view(legacy_ptr, static_cast<int64_t>(legacy_len)).value_or("");
  input.accommodations = input_view(units_ptr, static_cast<int64_t>(units_len)).value_or("");
  input.bookings = input_view(bookings_ptr, static_cast<int64_t>(bookings_len)).value_or("");
  input.confirmations = input_view(confirm_ptr, static_cast<int64_t>(confirm_len)).value_or("");
  g_result = mphb::plan_legacy_adoption_json(input);
  return result_view();
}

// The reservations stage as an object the host drives page by page (see bookings_sync_session.hpp).
class BookingsSync {
 public:
  BookingsSync(std::string tenant_id, std::string now, std::string known_units, std::string known_types, std::string stored)
      : session_(std::move(tenant_id), std::move(now), known_units, known_types, stored) {}
  std::string initErrors() const { return session_.init_errors(); }
  emscripten::val planPage(uintptr_t ptr, double len) {
    g_result = session_.plan_page(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
    return result_view();
  }
  emscripten::val readPage(uintptr_t ptr, double len) {
    g_result = session_.read_page(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
    return result_view();
  }
  emscripten::val planReadPage(double page, uintptr_t ptr, double len) {
    g_result = session_.plan_read_page(static_cast<int64_t>(page), input_view(ptr, static_cast<int64_t>(len)).value_or(""));
    return result_view();
  }
  std::string resolveUnits(std::string results) { return session_.resolve_units(results); }
  emscripten::val reconcile(double total, uintptr_t ptr, double len) const {
    g_result = session_.reconcile(static_cast<int64_t>(total), input_view(ptr, static_cast<int64_t>(len)).value_or(""));
    return result_view();
  }
  std::string confirm(double booking_id, int http_status, std::string body) const {
    return session_.confirm(static_cast<int64_t>(booking_id), http_status, body);
  }

 private:
  mphb::BookingsSyncSession session_;
};

class SyncPreview {
 public:
  SyncPreview(std::string tenant_id, std::string now, uintptr_t ptr, double len)
      : preview_(std::move(tenant_id), std::move(now), input_view(ptr, static_cast<int64_t>(len)).value_or("")) {}
  emscripten::val accommodations(uintptr_t types_ptr, double types_len, uintptr_t units_ptr, double units_len) {
    g_result = preview_.accommodations(input_view(types_ptr, static_cast<int64_t>(types_len)).value_or(""),
                                       input_view(units_ptr, static_cast<int64_t>(units_len)).value_or(""));
    return result_view();
  }
  emscripten::val bookingsPage(uintptr_t ptr, double len) {
    g_result = preview_.bookings_page(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
    return result_view();
  }
  emscripten::val resolveUnits(uintptr_t ptr, double len) {
    g_result = preview_.resolve_units(input_view(ptr, static_cast<int64_t>(len)).value_or(""));
    return result_view();
  }
  emscripten::val reconcile(double total) {
    g_result = preview_.reconcile(static_cast<int64_t>(total));
    return result_view();
  }
  emscripten::val confirm(double booking_id, int http_status, uintptr_t ptr, double len) {
    g_result =
        preview_.confirm(static_cast<int64_t>(booking_id), http_status, input_view(ptr, static_cast<int64_t>(len)).value_or(""));
    return result_view();
  }
  emscripten::val diff() {
    g_result = preview_.diff();
    return result_view();
  }

 private:
  mphb::SyncPreview preview_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(mphb_core) {
  emscripten::function("version", &core_version);
  emscripten::function("planOffline", &plan_offline);
  emscripten::function("planAccommodations", &plan_accommodations);
  emscripten::function("guestStay", &guest_stay);
  emscripten::function("answerQuestion", &answer_question);
  emscripten::function("guestLoginRequest", &guest_login_request);
  emscripten::function("guestLoginDecision", &guest_login_decision);
  emscripten::function("guestAccess", &guest_access);
  emscripten::function("planLegacyAdoption", &plan_legacy_adoption);
  emscripten::function("syncPassDecision", &sync_pass_decision);
  emscripten::function("syncPassSettlement", &sync_pass_settlement);
  emscripten::function("fleetJobStart", &fleet_job_start);
  emscripten::function("fleetJobEnd", &fleet_job_end);
  emscripten::function("hostBackoff", &host_backoff);
  emscripten::function("fleetReport", &fleet_report);
  emscripten::class_<BookingsSync>("BookingsSync")
      .constructor<std::string, std::string, std::string, std::string, std::string>()
      .function("initErrors", &BookingsSync::initErrors)
      .function("planPage", &BookingsSync::planPage)
      .function("readPage", &BookingsSync::readPage)
      .function("planReadPage", &BookingsSync::planReadPage)
      .function("resolveUnits", &BookingsSync::resolveUnits)
      .function("reconcile", &BookingsSync::reconcile)
      .function("confirm", &BookingsSync::confirm);
  emscripten::class_<SyncPreview>("SyncPreview")
      .constructor<std::string, std::string, uintptr_t, double>()
      .function("accommodations", &SyncPreview::accommodations)
      .function("bookingsPage", &SyncPreview::bookingsPage)
      .function("resolveUnits", &SyncPreview::resolveUnits)
      .function("reconcile", &SyncPreview::reconcile)
      .function("confirm", &SyncPreview::confirm)
      .function("diff", &SyncPreview::diff);
}
