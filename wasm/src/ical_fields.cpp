#include "ical_fields.hpp"

#include <vector>

#include "html_entities.hpp"

namespace mphb {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      lines.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  return lines;
}

// Last path segment of a URL, without query or fragment: ".../details/HMABCD1234?x=1" → "HMABCD1234".
std::string last_url_segment(std::string_view url) {
  const size_t cut = url.find_first_of("?#");
  if (cut != std::string_view::npos) url = url.substr(0, cut);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  const size_t slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

}  // namespace

std::string unquote_ical_text(std::string_view raw) {
  std::string_view s = trim(raw);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[i + 1];
      if (n == 'n' || n == 'N') {
        out.push_back('\n');
        ++i;
        continue;
      }
      if (n == '"' || n == ',' || n == ';' || n == '\\') {
        out.push_back(n);
        ++i;
        continue;
      }
    }
    if (s[i] == '\r') continue;
    out.push_back(s[i]);
  }
  return std::string(trim(out));
}

IcalDescription parse_ical_description(std::string_view description) {
  IcalDescription result;
  for (std::string_view line : split_lines(description)) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string label = lower_ascii(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    // Values are sometimes quoted again inside the (already unquoted) description: "HM777".
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = trim(value.substr(1, value.size() - 2));
    if (value.empty()) continue;
    if (contains(label, "reservation url") || contains(label, "booking url")) {
      result.reservation_url = std::string(value);
      std::string code = last_url_segment(value);
      if (!code.empty() && !result.reservation_code) result.reservation_code = code;
    } else if (contains(label, "reservation code") || contains(label, "confirmation code") || contains(label, "reservation id") ||
               contains(label, "booking id")) {
      result.reservation_code = std::string(value);
    } else if (contains(label, "phone")) {
      if (auto last4 = phone_last_4_digits(value)) result.phone_last_4 = last4;
    }
  }
  return result;
}

std::optional<std::string> channel_from_prodid(std::string_view prodid) {
  const std::string p = lower_ascii(unquote_ical_text(prodid));
  if (p.empty()) return std::nullopt;
  if (contains(p, "airbnb")) return std::string("airbnb");
  if (contains(p, "booking.com")) return std::string("booking.com");
  if (contains(p, "vrbo") || contains(p, "homeaway")) return std::string("vrbo");
  if (contains(p, "expedia")) return std::string("expedia");
  if (contains(p, "tripadvisor")) return std::string("tripadvisor");
  if (contains(p, "google")) return std::string("google");
  // "-//Org Name//Product//EN": the organisation is the part after the first "//".
  const size_t first = p.find("//");
  if (first != std::string::npos) {
    const size_t second = p.find("//", first + 2);
    std::string_view org =
        std::string_view(p).substr(first + 2, second == std::string::npos ? std::string::npos : second - first - 2);
    org = trim(org);
    if (org.empty()) return std::nullopt;
    return std::string(org);
  }
  for (char c : p) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return std::string(trim(p));
  }
  return std::nullopt;
}

std::optional<std::string> phone_last_4_digits(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.size() < 4) return std::nullopt;
  return digits.substr(digits.size() - 4);
}

bool summary_says_unavailable(std::string_view summary) {
  const std::string s = lower_ascii(summary);
  return contains(s, "not available") || contains(s, "unavailable") || contains(s, "blocked") || contains(s, "closed");
}

bool summary_says_reserved(std::string_view summary) {
  const std::string s = lower_ascii(summary);
  return contains(s, "reserved") || contains(s, "booked") || contains(s, "reservation");
}

}  // namespace mphb
