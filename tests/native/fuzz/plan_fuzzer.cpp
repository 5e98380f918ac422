// libFuzzer target: any bytes, as any of the three exports or as a page of the bookings session, must give
// a well-formed plan (never a crash, a sanitizer report or an abort). Build: CC=clang CXX=clang++ cmake -S .
// -B build/fuzz -DMPHB_FUZZ=ON   Run: build/fuzz/mphb_plan_fuzzer -max_total_time=60 examples/seaside-hotel/
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "bookings_sync_session.hpp"
#include "offline_plan.hpp"
#include "sync_preview.hpp"

namespace {

constexpr const char* kTenant = "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11";
constexpr const char* kNow = "2026-11-28T10:00:00Z";

// A JSON object holding `key` ("errors" for plans, "complete" for reconcile's answer), or abort.
void require_object(const std::string& text, const char* key) {
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains(key)) std::abort();
}

void require_plan(const std::string& plan) { require_object(plan, "errors"); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks the slot, so one corpus exercises all three mappers, their combination, the
  // session's streaming page reader (planned twice: the second time every record is a duplicate; and read
  // ahead per page) and its stored-state readers.
  const uint8_t selector = size > 0 ? data[0] % 8 : 0;
  if (selector == 6 || selector == 7) {
    // The dry run: the bytes as its stored state (rows of any shape), or as a bookings page.
    mphb::SyncPreview preview(kTenant, kNow, selector == 6 ? bytes : std::string_view("{}"));
    require_object(preview.accommodations(R"([{"id": 12, "title": "Double"}])",
                                          R"([{"id": 5, "accommodation_type_id": 12, "title": "D1"}])"),
                   "errors");
    const std::string page =
        selector == 7 ? std::string(bytes) : R"([{"id": 5, "status": "confirmed"}, {"id": 6, "status": "cancelled"}])";
    const auto answer = nlohmann::json::parse(preview.bookings_page(page), nullptr, false);
    if (answer.is_discarded() || !answer.is_object() || !answer.contains("errors")) std::abort();
    if (answer.contains("unknown_units") && !answer["unknown_units"].empty()) {
      require_object(preview.resolve_units(R"([{"id": 999, "status": 404}])"), "errors");
      require_object(preview.bookings_page(page), "errors");
    }
    const auto reconciled = nlohmann::json::parse(preview.reconcile(1), nullptr, false);
    if (reconciled.is_discarded() || !reconciled.is_object()) std::abort();
    for (int64_t id : {int64_t{5}, int64_t{7}, int64_t{150}}) require_object(preview.confirm(id, 404, ""), "errors");
    require_object(preview.diff(), "errors");
    return 0;
  }
  if (selector == 5) {
    // The bytes as the stored state (read without a DOM): the session reports bad state, never crashes.
    mphb::BookingsSyncSession session(kTenant, kNow, R"({"5": 12})", "[12]", bytes);
    require_plan(session.plan_page(R"([{"id": 5, "status": "confirmed"}])"));
    require_object(session.reconcile(1), "complete");
    // …and as one page's stored rows, and as the active ids, of a per-page session.
    mphb::BookingsSyncSession per_page(kTenant, kNow, R"({"5": 12})", "[12]", "null");
    const auto read = nlohmann::json::parse(per_page.read_page(R"([{"id": 5, "status": "confirmed"}])"));
    require_plan(per_page.plan_read_page(read["page"].get<int64_t>(), bytes));
    require_object(per_page.reconcile(1, bytes), "complete");
    return 0;
  }
  if (selector == 4) {
    mphb::BookingsSyncSession session(kTenant, kNow, R"({"5": 12, "6": 12, "7": 14})", "[12, 14]", "{}");
    require_plan(session.plan_page(bytes));
    require_plan(session.plan_page(bytes));
    require_object(session.reconcile(1), "complete");
    // The same bytes read ahead by a per-page session, planned against no stored rows.
    mphb::BookingsSyncSession per_page(kTenant, kNow, R"({"5": 12, "6": 12, "7": 14})", "[12, 14]", "null");
    const auto read = nlohmann::json::parse(per_page.read_page(bytes), nullptr, false);
    if (read.is_discarded() || !read.is_object() || !read.contains("errors") || !read.contains("page")) std::abort();
    if (read["page"].is_number_integer()) require_plan(per_page.plan_read_page(read["page"].get<int64_t>(), "{}"));
    require_object(per_page.reconcile(1, "[]"), "complete");
    return 0;
  }
  mphb::OfflinePlanInput input;
  input.tenant_id = kTenant;
  input.now = kNow;
  if (selector == 0 || selector == 3) input.bookings = bytes;
  if (selector == 1 || selector == 3) input.accommodations = bytes;
  if (selector == 2 || selector == 3) input.accommodation_types = bytes;
  require_plan(mphb::build_offline_plan_json(input));
  return 0;
}
