// A MotoPress export is a JSON array of records as the API returns a page, or an array of such pages.
// This walks the records with their JSON paths and reports shape errors.
#pragma once
#include <functional>
#include <string>

#include "diagnostics.hpp"
#include "json_document.hpp"

namespace mphb {

// Calls visit(record, path) for each object record. Non-object records and a non-array root are
// errors (code not_a_collection / wrong_type); a WordPress error object saved as the file is named as such.
void for_each_record(const json& document, const std::string& root, Diagnostics& diagnostics,
                     const std::function<void(const json&, const std::string&)>& visit);

}  // namespace mphb
