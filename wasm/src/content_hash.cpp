#include "content_hash.hpp"

#include "sha1.hpp"

namespace mphb {
namespace {

json without_volatile(const json& value) {
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) out.push_back(without_volatile(v));
    return out;
  }
  if (!value.is_object()) return value;
  json out = value;
  out.erase("placeholder_since");
  out.erase("upstream_gone_at");
  out.erase("content_hash");
  return out;
}

}  // namespace

std::string content_hash(const json& rows) {
  const auto digest = sha1(without_volatile(rows).dump(-1, ' ', false, json::error_handler_t::replace));
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
  return out;
}

}  // namespace mphb
