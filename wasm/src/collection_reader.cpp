#include "collection_reader.hpp"

#include "field_reader.hpp"

namespace mphb {
namespace {

void visit_page(const json& page, const std::string& path, Diagnostics& diagnostics,
                const std::function<void(const json&, const std::string&)>& visit) {
  size_t i = 0;
  for (const auto& record : page) {
    const std::string record_path = path + "[" + std::to_string(i++) + "]";
    if (!record.is_object()) {
      diagnostics.error("wrong_type", record_path, std::string("a record must be an object, got ") + json_type_name(record));
      continue;
    }
    visit(record, record_path);
  }
}

}  // namespace

void for_each_record(const json& document, const std::string& root, Diagnostics& diagnostics,
                     const std::function<void(const json&, const std::string&)>& visit) {
  if (!document.is_array()) {
    if (document.is_object() && document.contains("code") && document.contains("message")) {
      const json& code = document["code"];
      diagnostics.error("not_a_collection", root,
                        "expected an array of records, got a WordPress error object" +
                            (code.is_string() ? " (" + code.get<std::string>() + ")" : std::string()));
    } else {
      diagnostics.error("not_a_collection", root, std::string("expected an array of records, got ") + json_type_name(document));
    }
    return;
  }
  // An array whose elements are all arrays is a list of pages; otherwise it is one page.
  bool all_pages = !document.empty();
  for (const auto& element : document) all_pages = all_pages && element.is_array();
  if (all_pages) {
    size_t p = 0;
    for (const auto& page : document) visit_page(page, root + "[" + std::to_string(p++) + "]", diagnostics, visit);
  } else {
    visit_page(document, root, diagnostics, visit);
  }
}

}  // namespace mphb
