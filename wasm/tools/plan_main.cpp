// Native driver of the core for parity tests and fuzzing repros: the same offline plan as the WASM
// build's planOffline, printed to stdout.
// Usage: mphb_plan_native --tenant-id UUID --now ISO [--types F] [--units F] [--bookings F]
// Exit: 0 plan without errors, 1 plan with errors, 2 usage or unreadable file.
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "../src/offline_plan.hpp"

namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
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
