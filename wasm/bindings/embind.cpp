// The whole exported surface of the core, and the only file that includes an Emscripten header.
// Large inputs arrive as (pointer, length) into linear memory written by the JS side with
// TextEncoder.encodeInto (no per-byte copies); results return as a view of a buffer owned here,
// valid until the next call.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>

#include "../src/core_version.hpp"
#include "../src/offline_plan.hpp"

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
emscripten::val plan_offline(std::string tenant_id, std::string now, uintptr_t types_ptr, double types_len,
                             uintptr_t units_ptr, double units_len, uintptr_t bookings_ptr, double bookings_len) {
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

}  // namespace

EMSCRIPTEN_BINDINGS(mphb_core) {
  emscripten::function("version", &core_version);
  emscripten::function("planOffline", &plan_offline);
}
