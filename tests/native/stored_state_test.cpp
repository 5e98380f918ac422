// The stored state read from text (a SAX pass, no document) must read exactly what the document reader
// reads: the same rows, and the same errors (as a set: the document visits keys in sorted order).
#include "stored_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "json_document.hpp"

namespace {

using mphb::Diagnostics;
using mphb::StoredRows;

struct Read {
  StoredRows rows;
  std::vector<std::string> errors;  // "code@path", sorted
};

std::vector<std::string> errors_of(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& e : d.errors()) out.push_back(e.code + "@" + e.path);
  std::sort(out.begin(), out.end());
  return out;
}

Read by_document(const std::string& text) {
  Diagnostics d;
  Read r;
  if (auto doc = mphb::parse_json_document(text, "stored", d)) r.rows = mphb::read_stored_rows(*doc, "stored", d);
  r.errors = errors_of(d);
  return r;
}

Read by_text(const std::string& text) {
  Diagnostics d;
  Read r;
  r.rows = mphb::read_stored_rows_text(text, "stored", d);
  r.errors = errors_of(d);
  return r;
}

void expect_same(const std::string& text) {
  const Read a = by_document(text);
  const Read b = by_text(text);
  EXPECT_EQ(a.errors, b.errors) << text;
  ASSERT_EQ(a.rows.size(), b.rows.size()) << text;
  for (const auto& [id, row] : a.rows) {
    auto it = b.rows.find(id);
    ASSERT_NE(it, b.rows.end()) << id << " in " << text;
    EXPECT_EQ(row.hash, it->second.hash) << text;
    EXPECT_EQ(row.kind, it->second.kind) << text;
    EXPECT_EQ(row.is_active, it->second.is_active) << text;
    EXPECT_EQ(row.is_placeholder, it->second.is_placeholder) << text;
  }
}

TEST(StoredStateText, ReadsWhatTheDocumentReaderReads) {
  for (const std::string text : {
           R"({})",
           R"(null)",
           R"({"12": {"hash": "abc", "kind": "reservation", "is_active": true}})",
           R"({"12": {"hash": "gone:abc", "kind": "block", "is_active": false}, "7": {"hash": "x", "is_placeholder": true}})",
           R"({"12": {"hash": 5, "kind": null, "is_active": "yes", "extra": {"nested": [1, {"hash": "no"}]}}})",
           R"({"0": {"hash": "a"}, "-3": {}, "x1": {}, "": {}, "12345678901234567": {}, "9": [], "8": "s", "6": null})",
           R"([{"hash": "a"}])",
           R"("text")",
           R"(42)",
           R"({"5": {"hash": "a"}, "5": {"hash": "b"}})",
           R"({"1": {"kind": "reservation", "hash": "h", "is_active": true, "is_active": false}})",
           R"({"1": {"hash": "h")",
           R"({"1": )",
           R"(not json)",
           "",
           R"({"1": {"hash": "\u00e9\n"}})",
       }) {
    expect_same(text);
  }
}

TEST(StoredStateText, TooDeepAndInvalidUtf8AreReportedAsByTheDocumentReader) {
  std::string deep = "{\"1\": {\"hash\": ";
  for (int i = 0; i < 80; ++i) deep += "[";
  expect_same(deep);
  expect_same(std::string("{\"1\": {\"hash\": \"\xff\"}}"));
}

TEST(StoredStateText, RandomStatesReadTheSame) {
  std::mt19937 random(11);
  const std::vector<std::string> kinds = {"reservation", "block", ""};
  for (int round = 0; round < 200; ++round) {
    std::string text = "{";
    const int n = static_cast<int>(random() % 30);
    for (int i = 0; i < n; ++i) {
      if (i) text += ",";
      text += "\"" + std::to_string(1 + random() % 40) + "\": {";
      text += "\"hash\": \"h" + std::to_string(random() % 1000) + "\"";
      if (random() % 2) text += ", \"kind\": \"" + kinds[random() % kinds.size()] + "\"";
      if (random() % 2) text += std::string(", \"is_active\": ") + (random() % 2 ? "true" : "false");
      if (random() % 4 == 0) text += ", \"other\": {\"a\": [1, 2, {\"b\": null}]}";
      text += "}";
    }
    text += "}";
    expect_same(text);
  }
}

}  // namespace
