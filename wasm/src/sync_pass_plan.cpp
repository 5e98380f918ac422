#include "sync_pass_plan.hpp"

#include <cstdio>
#include <optional>

#include "calendar_date.hpp"
#include "diagnostics.hpp"
#include "json_document.hpp"
#include "plan_json.hpp"
#include "utc_time.hpp"

namespace mphb {
namespace {

// A query "after" a date that can never be reached: a site whose filters work answers X-WP-Total 0.
constexpr const char* kProbeAfter = "2999-01-01 00:00:00";

// Seconds since 1970 of a UTC time (utc_time.hpp), else nullopt.
std::optional<int64_t> parse_gmt(const std::string& text) {
  const auto ms = parse_utc_ms(text);
  if (!ms) return std::nullopt;
  return *ms >= 0 ? *ms / 1000 : -((-*ms + 999) / 1000);
}

std::string format_gmt(int64_t seconds) { return format_gmt_seconds(seconds); }

// The bookings a pass lists: every status (trash too), modified after `after` (GMT).
json modified_since_query(const std::string& after) {
  return {{"filter[post_status][0]", "any"},
          {"filter[post_status][1]", "trash"},
          {"filter[date_query][0][column]", "post_modified_gmt"},
          {"filter[date_query][0][after]", after},
          {"orderby", "modified"},
          {"order", "asc"}};
}

struct Cursor {
  std::optional<std::string> modified_after;
  int64_t incremental_runs = 0;
  std::string filters = "unknown";
};

bool is_verdict(const std::string& v) { return v == "unknown" || v == "working" || v == "refused" || v == "ignored"; }

Cursor read_cursor(const json& input, Diagnostics& d) {
  Cursor c;
  if (!input.contains("cursor") || input["cursor"].is_null()) return c;
  const json& cursor = input["cursor"];
  if (!cursor.is_object()) {
    d.error("wrong_type", "cursor", "cursor must be an object or null");
    return c;
  }
  if (cursor.contains("modified_after") && !cursor["modified_after"].is_null()) {
    const json& m = cursor["modified_after"];
    if (!m.is_string() || !parse_gmt(m.get<std::string>())) {
      d.error("invalid_date", "cursor.modified_after", "modified_after must be \"YYYY-MM-DD HH:MM:SS\" (GMT)");
    } else {
      c.modified_after = format_gmt(*parse_gmt(m.get<std::string>()));
    }
  }
  if (cursor.contains("incremental_runs")) {
    const json& n = cursor["incremental_runs"];
    if (!n.is_number_integer() || n.get<int64_t>() < 0) {
      d.error("wrong_type", "cursor.incremental_runs", "incremental_runs must be an integer ≥ 0");
    } else {
      c.incremental_runs = n.get<int64_t>();
    }
  }
  if (cursor.contains("filters") && !cursor["filters"].is_null()) {
    const json& f = cursor["filters"];
    if (!f.is_string() || !is_verdict(f.get<std::string>())) {
      d.error("invalid_value", "cursor.filters", "filters must be one of unknown, working, refused, ignored");
    } else {
      c.filters = f.get<std::string>();
    }
  }
  return c;
}

int64_t read_count(const json& input, const char* key, int64_t fallback, int64_t minimum, Diagnostics& d) {
  if (!input.contains(key) || input[key].is_null()) return fallback;
  if (!input[key].is_number_integer() || input[key].get<int64_t>() < minimum) {
    d.error("wrong_type", key, std::string(key) + " must be an integer ≥ " + std::to_string(minimum));
    return fallback;
  }
  return input[key].get<int64_t>();
}

std::string tenant_of(const json& input) {
  return input.contains("tenant_id") && input["tenant_id"].is_string() ? input["tenant_id"].get<std::string>() : "";
}

std::string finish(json out, const Diagnostics& d, const std::string& tenant_id) {
  out["warnings"] = diagnostics_json(d.warnings(), tenant_id);
  out["errors"] = diagnostics_json(d.errors(), tenant_id);
  return dump_plan(out);
}

// The answer to the probe: 401/403 — the key's user cannot edit bookings, so filter[...] is refused;
// totals for an unreachable date — the site ignores filters (FIELD-NOTES: one production site did).
std::string probe_verdict(const json& probe, Diagnostics& d) {
  const int64_t status = probe.contains("status") && probe["status"].is_number_integer() ? probe["status"].get<int64_t>() : 0;
  const int64_t total = probe.contains("total") && probe["total"].is_number_integer() ? probe["total"].get<int64_t>() : -1;
  if (status == 401 || status == 403) return "refused";
  if (status == 200 && total == 0) return "working";
  if (status == 200 && total > 0) return "ignored";
  d.warn("probe_inconclusive", "probe",
         "the modified-since probe answered " + std::to_string(status) +
             " without totals; the next runs make full passes until it answers");
  return "unknown";
}

// The input object, or nullopt after an error (not JSON, too deep, not an object).
std::optional<json> read_input(std::string_view bytes, Diagnostics& d) {
  auto doc = parse_json_document(bytes, "input", d);
  if (doc && !doc->is_object()) {
    d.error("wrong_type", "input", "input must be an object");
    return std::nullopt;
  }
  return doc;
}

std::optional<int64_t> read_time(const json& input, const char* key, Diagnostics& d) {
  std::optional<int64_t> at;
  if (input.contains(key) && input[key].is_string()) at = parse_gmt(input[key].get<std::string>());
  if (!at) d.error("invalid_date", key, std::string(key) + " must be an ISO-8601 UTC time such as 2026-11-30T16:30:00Z");
  return at;
}

json probe_query() {
  json probe = modified_since_query(kProbeAfter);
  probe["per_page"] = "1";
  return probe;
}

}  // namespace

std::string decide_sync_pass_json(std::string_view bytes) {
  Diagnostics d;
  json out = {{"pass", "full"}, {"reason", "invalid_input"}, {"query", nullptr}, {"filters", "unknown"}};
  const auto doc = read_input(bytes, d);
  if (!doc) return finish(out, d, "");
  const json& input = *doc;
  const std::string requested =
      input.contains("requested") && input["requested"].is_string() ? input["requested"].get<std::string>() : "";
  if (requested != "auto" && requested != "full") d.error("invalid_value", "requested", "requested must be \"auto\" or \"full\"");
  const auto now = read_time(input, "now", d);
  const int64_t full_every = read_count(input, "full_every", 24, 1, d);
  const int64_t overlap = read_count(input, "overlap_seconds", 600, 0, d);
  Cursor cursor = read_cursor(input, d);
  if (d.error_count() > 0) return finish(out, d, tenant_of(input));

  if (input.contains("probe") && input["probe"].is_object()) {
    cursor.filters = probe_verdict(input["probe"], d);
    if (cursor.filters == "unknown") {
      out["reason"] = "probe_inconclusive";
      return finish(out, d, tenant_of(input));
    }
  }
  out["filters"] = cursor.filters;

  if (requested == "full") {
    out["reason"] = "requested";
  } else if (!cursor.modified_after) {
    out["reason"] = "no_cursor";  // first run, or the last complete pass is unknown
  } else if (cursor.filters == "refused") {
    out["reason"] = "filters_refused";
    d.warn("incremental_unavailable", "filters",
           "MotoPress refused filter[...] for this key (its WordPress user cannot edit bookings): every run makes a full pass; a "
           "key with edit rights makes re-syncs incremental");
  } else if (cursor.filters == "ignored") {
    out["reason"] = "filters_ignored";
    d.warn("incremental_unavailable", "filters", "this site ignores filter[date_query]: every run makes a full pass");
  } else if (cursor.incremental_runs + 1 >= full_every) {
    out["reason"] = "full_every";  // the safety net: bookings deleted for good are only seen by a full pass
  } else if (cursor.filters == "unknown") {
    out["pass"] = "probe";
    out["reason"] = "filters_unknown";
    out["query"] = probe_query();
  } else {
    out["pass"] = "incremental";
    out["reason"] = "cursor";
    out["query"] = modified_since_query(format_gmt(*parse_gmt(*cursor.modified_after) - overlap));
  }
  // A full pass while the filters are unknown also asks the probe (one request, answered to settle), so
  // the next run can already be incremental.
  out["probe"] = out["pass"] == "full" && cursor.filters == "unknown" ? probe_query() : json(nullptr);
  return finish(out, d, tenant_of(input));
}

std::string settle_sync_pass_json(std::string_view bytes) {
  Diagnostics d;
  json out = {{"cursor", nullptr}};
  const auto doc = read_input(bytes, d);
  if (!doc) return finish(out, d, "");
  const json& input = *doc;
  const std::string pass = input.contains("pass") && input["pass"].is_string() ? input["pass"].get<std::string>() : "";
  if (pass != "full" && pass != "incremental") d.error("invalid_value", "pass", "pass must be \"full\" or \"incremental\"");
  const auto started = read_time(input, "started_at", d);
  if (!input.contains("complete") || !input["complete"].is_boolean())
    d.error("wrong_type", "complete", "complete must be a boolean");
  Cursor cursor = read_cursor(input, d);
  if (input.contains("filters") && input["filters"].is_string() && is_verdict(input["filters"].get<std::string>())) {
    cursor.filters = input["filters"].get<std::string>();
  }
  if (input.contains("probe") && input["probe"].is_object()) cursor.filters = probe_verdict(input["probe"], d);
  if (d.error_count() > 0) return finish(out, d, tenant_of(input));
  const bool complete = input["complete"].get<bool>();
  json next = {{"modified_after", cursor.modified_after ? json(*cursor.modified_after) : json(nullptr)},
               {"incremental_runs", pass == "full" && complete ? 0 : cursor.incremental_runs + 1},
               {"filters", cursor.filters}};
  // Everything modified before the pass began is in the database only when the pass was complete;
  // otherwise the next run starts from the old cursor again (bookings written twice are unchanged rows).
  if (complete) next["modified_after"] = format_gmt(*started);
  if (!complete)
    d.warn("cursor_kept", "complete",
           "the pass was not complete (page errors or items moved between pages): the next run starts from the previous cursor");
  out["cursor"] = next;
  return finish(out, d, tenant_of(input));
}

}  // namespace mphb
