// Errors and warnings are values: a stable code, a JSON path into the input, and a readable message.
#pragma once
#include <string>
#include <vector>

namespace mphb {

struct Diagnostic {
  std::string code;     // stable, machine-readable (e.g. "wrong_type", "placeholder_unit")
  std::string path;     // JSON path into the input, e.g. bookings[17].reserved_accommodations[0].accommodation
  std::string message;  // for people; never parsed by code
};

class Diagnostics {
 public:
  void error(std::string code, std::string path, std::string message) {
    errors_.push_back({std::move(code), std::move(path), std::move(message)});
  }
  void warn(std::string code, std::string path, std::string message) {
    warnings_.push_back({std::move(code), std::move(path), std::move(message)});
  }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  size_t error_count() const { return errors_.size(); }

 private:
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
};

}  // namespace mphb
