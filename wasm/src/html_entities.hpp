// Titles saved by other tools hold HTML entities (&amp;, &#8211;); the database keeps plain text.
#pragma once
#include <string>
#include <string_view>

namespace mphb {

// Decodes numeric (&#8211; &#x2013;) and common named entities; unknown entities are kept verbatim.
// Always returns valid UTF-8 when given valid UTF-8 (invalid code points become U+FFFD).
std::string decode_html_entities(std::string_view text);

// Trims ASCII white space at both ends.
std::string_view trim(std::string_view text);

}  // namespace mphb
