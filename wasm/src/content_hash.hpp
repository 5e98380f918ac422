// Rows that did not change are not written (I4): every row carries a hash of the content MotoPress owns.
// Times that depend on "now" (placeholder_since, upstream_gone_at) are left out, so an unchanged row
// hashes the same on every run.
#pragma once
#include <string>

#include "json_document.hpp"

namespace mphb {

// SHA-1 (hex) of the canonical JSON of a row, or of an array of rows, without the volatile fields.
std::string content_hash(const json& rows);

}  // namespace mphb
