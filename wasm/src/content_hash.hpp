// Rows that did not change are not written (I4): every row carries a hash of the content MotoPress owns.
// Times that depend on "now" (placeholder_since, upstream_gone_at) are left out, so an unchanged row
// hashes the same on every run.
//
// The hash is SHA-1 (hex) of the canonical JSON text nlohmann's compact dump writes for the row(s):
// databases hold these values, so the text must never change. It is streamed into SHA-1, never dumped.
#pragma once
#include <string>

#include "json_document.hpp"

namespace mphb {

// SHA-1 (hex) of the canonical JSON of a row, or of an array of rows, without the volatile fields (the
// keys of each top-level object, or of each object in top-level arrays, named above).
std::string content_hash(const json& rows);

// The volatile keys, for writers that stream canonical row text themselves.
bool is_volatile_row_key(const std::string& key);

}  // namespace mphb
