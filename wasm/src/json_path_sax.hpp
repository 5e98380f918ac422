// The JSON path and depth of a nlohmann SAX parse: every parse of untrusted bytes reports where it
// stopped (invalid_json, invalid_utf8, too_deep) the same way, whatever the handler builds.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.hpp"
#include "json_document.hpp"

namespace mphb {

// Wraps a nlohmann SAX handler (the DOM builder, or a streaming mapper) to track the current path and depth. Returning false from
// a SAX callback stops the parse, which is how the depth limit is enforced without recursion or throwing.
template <class Inner>
class PathTrackingSax {
 public:
  PathTrackingSax(Inner& inner, std::string root) : dom_(inner), root_(std::move(root)) {}

  bool null() { return scalar(dom_.null()); }
  bool boolean(bool v) { return scalar(dom_.boolean(v)); }
  bool number_integer(json::number_integer_t v) { return scalar(dom_.number_integer(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(dom_.number_unsigned(v)); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return scalar(dom_.number_float(v, s)); }
  bool string(json::string_t& v) { return scalar(dom_.string(v)); }
  bool binary(json::binary_t& v) { return scalar(dom_.binary(v)); }

  bool start_object(std::size_t n) { return open(false) && dom_.start_object(n); }
  bool start_array(std::size_t n) { return open(true) && dom_.start_array(n); }
  bool key(json::string_t& k) {
    if (!frames_.empty()) frames_.back().key = k;
    return dom_.key(k);
  }
  bool end_object() { return close(dom_.end_object()); }
  bool end_array() { return close(dom_.end_array()); }

  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& ex) {
    failed_ = true;
    std::string what = ex.what();
    code_ = what.find("UTF-8") != std::string::npos ? "invalid_utf8" : "invalid_json";
    // nlohmann quotes the raw input in its message, which may be invalid UTF-8: keep only printable ASCII.
    message_ = "malformed JSON at byte " + std::to_string(position) +
               (token.empty() ? "" : " near '" + printable(token, 40) + "'") + ": " + printable(strip_prefix(what), 300);
    path_ = current_path();
    return false;
  }

  bool too_deep() const { return too_deep_; }
  bool failed() const { return failed_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& path() const { return path_; }

 private:
  struct Frame {
    bool is_array;
    size_t index = 0;
    std::string key;
  };

  bool scalar(bool ok) {
    advance();
    return ok;
  }
  bool open(bool is_array) {
    if (frames_.size() >= kMaxJsonDepth) {
      too_deep_ = true;
      path_ = current_path();
      return false;
    }
    frames_.push_back({is_array, 0, {}});
    return true;
  }
  bool close(bool ok) {
    if (!frames_.empty()) frames_.pop_back();
    advance();
    return ok;
  }
  // A value just finished: the enclosing array moves to its next index.
  // In an object, the key is done with: an error after it (", }" or EOF) belongs to the object itself.
  void advance() {
    if (frames_.empty()) return;
    if (frames_.back().is_array) {
      frames_.back().index++;
    } else {
      frames_.back().key.clear();
    }
  }
  std::string current_path() const {
    std::string p = root_;
    for (const auto& f : frames_) {
      if (f.is_array) {
        p += "[" + std::to_string(f.index) + "]";
      } else if (!f.key.empty()) {
        p += "." + f.key;
      }
    }
    return p;
  }
  static std::string strip_prefix(const std::string& what) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." → after ": "
    auto pos = what.find("error while parsing");
    if (pos == std::string::npos) pos = what.find("syntax error");
    return pos == std::string::npos ? what : what.substr(pos);
  }
  static std::string printable(const std::string& text, size_t limit) {
    std::string out;
    for (unsigned char c : text) {
      if (out.size() >= limit) break;
      out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return out;
  }

  Inner& dom_;
  std::string root_;
  std::vector<Frame> frames_;
  bool too_deep_ = false;
  bool failed_ = false;
  std::string code_, message_, path_;
};

// Runs nlohmann's SAX parser over bytes into `inner`; false after adding the one error (code invalid_json,
// invalid_utf8 or too_deep, path starting with root_name) when the bytes are not JSON within the depth limit.
template <class Inner>
bool sax_parse_tracked(std::string_view bytes, const std::string& root_name, Inner& inner, Diagnostics& diagnostics) {
  PathTrackingSax<Inner> sax(inner, root_name);
  const bool ok = json::sax_parse(bytes.begin(), bytes.end(), &sax, nlohmann::detail::input_format_t::json, true);
  if (sax.too_deep()) {
    diagnostics.error("too_deep", sax.path(), "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return false;
  }
  if (!ok || sax.failed()) {
    diagnostics.error(sax.failed() ? sax.code() : "invalid_json", sax.failed() ? sax.path() : root_name,
                      sax.failed() ? sax.message() : "malformed JSON");
    return false;
  }
  return true;
}

}  // namespace mphb
