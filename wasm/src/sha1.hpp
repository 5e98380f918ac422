// SHA-1 (FIPS 180-4), for UUID v5 (RFC 9562) and content hashes. Not used for anything security-related.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mphb {

// Incremental: content hashes stream canonical JSON in pieces, never concatenated first.
class Sha1 {
 public:
  void update(const char* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  std::array<uint8_t, 20> finish();
  std::string finish_hex();  // lower-case, 40 characters

 private:
  void block(const uint8_t* p);

  uint32_t h_[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  uint8_t buffer_[64] = {};
  size_t buffered_ = 0;
  uint64_t length_ = 0;
};

std::array<uint8_t, 20> sha1(std::string_view data);

}  // namespace mphb
