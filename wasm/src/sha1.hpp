// SHA-1 (FIPS 180-4), needed only for UUID v5 (RFC 9562). Not used for anything security-related.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace mphb {

std::array<uint8_t, 20> sha1(std::string_view data);

}  // namespace mphb
