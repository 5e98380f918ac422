// Parses untrusted bytes into a JSON DOM without exceptions, with a nesting limit, reporting the JSON
// path where parsing stopped. Any byte sequence yields either a document or a diagnostic.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "diagnostics.hpp"

namespace mphb {

using json = nlohmann::json;

constexpr size_t kMaxJsonDepth = 64;

// Returns the document, or nullopt after adding an error (code invalid_json, invalid_utf8 or too_deep)
// whose path starts with root_name.
std::optional<json> parse_json_document(std::string_view bytes, const std::string& root_name, Diagnostics& diagnostics);

}  // namespace mphb
