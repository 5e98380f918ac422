// The core's version, reported by the bindings and the CLI so a plan names what produced it. Defined once,
// in package.json: CMakeLists.txt reads it and passes it as MPHB_VERSION.
#pragma once

#ifndef MPHB_VERSION
#error "MPHB_VERSION is not defined: build with CMake (CMakeLists.txt reads it from package.json)"
#endif

namespace mphb {

constexpr const char* kCoreVersion = MPHB_VERSION;

}  // namespace mphb
