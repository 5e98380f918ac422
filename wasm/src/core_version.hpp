// The core's version, reported by the bindings and the CLI so a plan names what produced it.
#pragma once

namespace mphb {

constexpr const char* kCoreVersion = "0.1.0";

}  // namespace mphb
