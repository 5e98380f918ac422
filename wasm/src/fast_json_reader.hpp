// A validating JSON reader for the common case, straight from the bytes to a SAX-like handler, several
// times faster than nlohmann's lexer. It accepts exactly what nlohmann accepts or gives up (returns
// false): on any syntax error, invalid UTF-8, a byte-order mark, nesting beyond kMaxJsonDepth, or a
// number nlohmann would read differently or refuse. The caller then parses the same bytes with nlohmann
// (sax_parse_tracked), which reports the error exactly as before, or reads what this reader declined.
//
// Handler: null(), boolean(bool), number_integer(int64_t), number_unsigned(uint64_t), number_float(double),
// string_value(std::string_view), key(std::string_view), start_object(), end_object(), start_array(),
// end_array(). Views are valid only during the call.
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "json_document.hpp"
#include "json_text.hpp"

namespace mphb {

template <class Handler>
class FastJsonReader {
 public:
  FastJsonReader(std::string_view bytes, Handler& handler) : p_(bytes.data()), end_(bytes.data() + bytes.size()), h_(handler) {}

  bool read() {
    size_t depth = 0;
    bool is_array[kMaxJsonDepth];
    skip_space();
    if (p_ == end_) return false;
    for (;;) {
      // A value starts here.
      skip_space();
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '{' || c == '[') {
        if (depth >= kMaxJsonDepth) return false;
        const bool array = c == '[';
        ++p_;
        if (array) {
          h_.start_array();
        } else {
          h_.start_object();
        }
        skip_space();
        if (p_ < end_ && *p_ == (array ? ']' : '}')) {
          ++p_;
          if (array) {
            h_.end_array();
          } else {
            h_.end_object();
          }
        } else {
          is_array[depth++] = array;
          if (!array && !read_key()) return false;
          continue;
        }
      } else if (c == '"') {
        std::string_view s;
        if (!read_string(s)) return false;
        h_.string_value(s);
      } else if (c == 't') {
        if (!literal("true", 4)) return false;
        h_.boolean(true);
      } else if (c == 'f') {
        if (!literal("false", 5)) return false;
        h_.boolean(false);
      } else if (c == 'n') {
        if (!literal("null", 4)) return false;
        h_.null();
      } else if (!read_number()) {
        return false;
      }
      // A value ended: close containers until a separator.
      for (;;) {
        skip_space();
        if (depth == 0) return p_ == end_;
        if (p_ == end_) return false;
        const char d = *p_;
        if (d == ',') {
          ++p_;
          if (!is_array[depth - 1] && !read_key()) return false;
          break;
        }
        if (d == (is_array[depth - 1] ? ']' : '}')) {
          ++p_;
          --depth;
          if (is_array[depth]) {
            h_.end_array();
          } else {
            h_.end_object();
          }
          continue;
        }
        return false;
      }
    }
  }

 private:
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(const char* word, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  bool read_key() {
    skip_space();
    if (p_ == end_ || *p_ != '"') return false;
    std::string_view k;
    if (!read_string(k)) return false;
    h_.key(k);
    skip_space();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool read_number() {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    } else {
      return false;
    }
    bool is_float = false;
    const char* dot = nullptr;
    if (p_ < end_ && *p_ == '.') {
      dot = p_;
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
      is_float = true;
    }
    const bool has_exponent = p_ < end_ && (*p_ == 'e' || *p_ == 'E');
    if (has_exponent) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
      is_float = true;
    }
    const size_t length = static_cast<size_t>(p_ - start);
    if (!is_float && length - (negative ? 1 : 0) <= 18) {
      uint64_t v = 0;
      for (const char* q = start + (negative ? 1 : 0); q < p_; ++q) v = v * 10 + static_cast<uint64_t>(*q - '0');
      if (negative) {
        h_.number_integer(-static_cast<int64_t>(v));
      } else {
        h_.number_unsigned(v);
      }
      return true;
    }
    // Prices ("901.5"): at most 15 digits and no exponent are exact as an integer and a power of ten, so
    // one IEEE division gives the correctly rounded value, the same double strtod gives (Clinger's fast
    // path); strtod is slow in WebAssembly (128-bit long double arithmetic).
    if (dot && !has_exponent && length - (negative ? 1 : 0) - 1 <= 15) {
      static const double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
      uint64_t m = 0;
      for (const char* q = start + (negative ? 1 : 0); q < p_; ++q) {
        if (q != dot) m = m * 10 + static_cast<uint64_t>(*q - '0');
      }
      const double v = static_cast<double>(m) / kPow10[p_ - dot - 1];
      h_.number_float(negative ? -v : v);
      return true;
    }
    // As nlohmann's lexer: strtoull / strtoll unless out of range, else strtod; a non-finite double is an error.
    char buffer[64];
    if (length >= sizeof buffer) return false;
    std::memcpy(buffer, start, length);
    buffer[length] = '\0';
    char* stop = nullptr;
    if (!is_float) {
      errno = 0;
      if (!negative) {
        const unsigned long long x = std::strtoull(buffer, &stop, 10);
        if (errno == 0 && static_cast<uint64_t>(x) == x) {
          h_.number_unsigned(static_cast<uint64_t>(x));
          return true;
        }
      } else {
        const long long x = std::strtoll(buffer, &stop, 10);
        if (errno == 0 && static_cast<int64_t>(x) == x) {
          h_.number_integer(static_cast<int64_t>(x));
          return true;
        }
      }
    }
    const double d = std::strtod(buffer, &stop);
    if (stop != buffer + length || !std::isfinite(d)) return false;
    h_.number_float(d);
    return true;
  }

  bool hex4(uint32_t& out) {
    if (end_ - p_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = p_[i];
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
      v = v * 16 + d;
    }
    p_ += 4;
    out = v;
    return true;
  }

  // One well-formed UTF-8 sequence (RFC 3629, as nlohmann's lexer checks), appended to scratch_.
  bool utf8_sequence() {
    const auto c = static_cast<uint8_t>(*p_);
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<size_t>(end_ - p_) < len) return false;
    const auto c1 = static_cast<uint8_t>(p_[1]);
    if (c1 < lo || c1 > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      const auto ck = static_cast<uint8_t>(p_[k]);
      if (ck < 0x80 || ck > 0xBF) return false;
    }
    scratch_.append(p_, len);
    p_ += len;
    return true;
  }

  // Skips eight bytes at a time while none of them is '"', '\\', a control character or non-ASCII (each
  // test finds whether any byte matches, exactly: no SIMD needed). Strings are most of a page's bytes;
  // the byte loop after it finds where the run ends.
  void skip_plain_words() {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    while (end_ - p_ >= 8) {
      uint64_t w;
      std::memcpy(&w, p_, 8);
      const uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
      const uint64_t special = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | ((w - kOnes * 0x20) & ~w) | w;
      if (special & kHigh) return;
      p_ += 8;
    }
  }

  // At the opening quote. Plain ASCII strings are viewed in place; others are decoded into scratch_.
  bool read_string(std::string_view& out) {
    ++p_;
    const char* start = p_;
    skip_plain_words();
    while (p_ < end_) {
      const auto c = static_cast<uint8_t>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) break;
      ++p_;
    }
    scratch_.assign(start, static_cast<size_t>(p_ - start));
    while (p_ < end_) {
      const auto c = static_cast<uint8_t>(*p_);
      if (c == '"') {
        ++p_;
        out = scratch_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        if (!utf8_sequence()) return false;
        continue;
      }
      if (c != '\\') {
        // A run of plain ASCII is appended at once (per-character appends are slow in WebAssembly).
        const char* run = p_;
        while (p_ < end_ && static_cast<uint8_t>(*p_) >= 0x20 && static_cast<uint8_t>(*p_) < 0x80 && *p_ != '"' && *p_ != '\\')
          ++p_;
        scratch_.append(run, static_cast<size_t>(p_ - run));
        continue;
      }
      ++p_;
      if (p_ == end_) return false;
      const char e = *p_++;
      switch (e) {
        case '"': scratch_ += '"'; break;
        case '\\': scratch_ += '\\'; break;
        case '/': scratch_ += '/'; break;
        case 'b': scratch_ += '\b'; break;
        case 'f': scratch_ += '\f'; break;
        case 'n': scratch_ += '\n'; break;
        case 'r': scratch_ += '\r'; break;
        case 't': scratch_ += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(scratch_, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  const char* p_;
  const char* end_;
  Handler& h_;
  std::string scratch_;
};

template <class Handler>
bool fast_json_read(std::string_view bytes, Handler& handler) {
  return FastJsonReader<Handler>(bytes, handler).read();
}

}  // namespace mphb
