#include "content_hash.hpp"

#include "json_text.hpp"
#include "sha1.hpp"

namespace mphb {
namespace {

// Canonical text in chunks of a few KB into SHA-1.
class HashStream {
 public:
  std::string& text() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= 4096) flush();
  }
  std::string finish_hex() {
    flush();
    return sha1_.finish_hex();
  }

 private:
  void flush() {
    sha1_.update(buffer_);
    buffer_.clear();
  }
  Sha1 sha1_;
  std::string buffer_;
};

// Writes what nlohmann's dump(-1, ' ', false, replace) writes; `strip` drops the volatile keys of an
// object (top-level objects and objects inside top-level arrays only, as the hash always did).
void write(const json& value, bool strip, HashStream& out) {
  std::string& t = out.text();
  switch (value.type()) {
    case json::value_t::array: {
      t += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) t += ',';
        first = false;
        write(item, strip, out);
      }
      out.text() += ']';
      break;
    }
    case json::value_t::object: {
      t += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (strip && is_volatile_row_key(key)) continue;
        std::string& u = out.text();
        if (!first) u += ',';
        first = false;
        append_json_string(u, key);
        u += ':';
        write(item, false, out);
      }
      out.text() += '}';
      break;
    }
    case json::value_t::string: append_json_string(t, value.get_ref<const std::string&>()); break;
    case json::value_t::number_integer: append_json_int(t, value.get<int64_t>()); break;
    case json::value_t::null: t += "null"; break;
    case json::value_t::boolean: t += value.get<bool>() ? "true" : "false"; break;
    default: t += value.dump(-1, ' ', false, json::error_handler_t::replace); break;  // unsigned, float: nlohmann's digits
  }
  out.maybe_flush();
}

}  // namespace

bool is_volatile_row_key(const std::string& key) {
  return key == "placeholder_since" || key == "upstream_gone_at" || key == "content_hash";
}

std::string content_hash(const json& rows) {
  HashStream out;
  write(rows, true, out);
  return out.finish_hex();
}

}  // namespace mphb
