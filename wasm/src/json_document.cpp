#include "json_document.hpp"

#include "json_path_sax.hpp"

namespace mphb {

std::optional<json> parse_json_document(std::string_view bytes, const std::string& root_name, Diagnostics& diagnostics) {
  json result;
  nlohmann::detail::json_sax_dom_parser<json> dom(result, false);
  if (!sax_parse_tracked(bytes, root_name, dom, diagnostics)) return std::nullopt;
  return result;
}

}  // namespace mphb
