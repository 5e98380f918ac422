// libFuzzer target: any bytes, as any of the three exports, must give a well-formed plan (never a
// crash, a sanitizer report or an abort). Build: CC=clang CXX=clang++ cmake -S . -B build/fuzz -DMPHB_FUZZ=ON
// Run:   build/fuzz/mphb_plan_fuzzer -max_total_time=60 examples/seaside-hotel/
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "offline_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mphb::OfflinePlanInput input;
  input.tenant_id = "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11";
  input.now = "2026-11-28T10:00:00Z";
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks the slot, so one corpus exercises all three mappers and their combination.
  const uint8_t selector = size > 0 ? data[0] % 4 : 0;
  if (selector == 0 || selector == 3) input.bookings = bytes;
  if (selector == 1 || selector == 3) input.accommodations = bytes;
  if (selector == 2 || selector == 3) input.accommodation_types = bytes;
  const std::string plan = mphb::build_offline_plan_json(input);
  const auto parsed = nlohmann::json::parse(plan, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("errors")) std::abort();
  return 0;
}
