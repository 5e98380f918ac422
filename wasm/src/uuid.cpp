#include "uuid.hpp"

#include <array>
#include <cstdint>

#include "sha1.hpp"

namespace mphb {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> normalize_uuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::string out(36, '-');
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int v = hex_value(text[i]);
    if (v < 0) return std::nullopt;
    out[i] = "0123456789abcdef"[v];
  }
  return out;
}

std::string uuid_v5(const std::string& namespace_uuid, std::string_view name) {
  // Streamed into the hash (no concatenated copy): every planned row gets an id, so this runs per row.
  uint8_t ns[16];
  size_t n = 0;
  for (size_t i = 0; i + 1 < namespace_uuid.size() && n < 16; ++i) {
    if (namespace_uuid[i] == '-') continue;
    const int hi = hex_value(namespace_uuid[i]);
    const int lo = hex_value(namespace_uuid[i + 1]);
    ns[n++] = static_cast<uint8_t>((hi << 4) | lo);
    ++i;
  }
  Sha1 sha;
  sha.update(reinterpret_cast<const char*>(ns), n);
  sha.update(name);
  std::array<uint8_t, 20> h = sha.finish();
  h[6] = static_cast<uint8_t>((h[6] & 0x0F) | 0x50);
  h[8] = static_cast<uint8_t>((h[8] & 0x3F) | 0x80);
  static const char* kHex = "0123456789abcdef";
  std::string out(36, '-');
  size_t o = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++o;
    out[o++] = kHex[h[i] >> 4];
    out[o++] = kHex[h[i] & 0x0F];
  }
  return out;
}

}  // namespace mphb
