#include "fleet_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "diagnostics.hpp"
#include "json_document.hpp"
#include "plan_json.hpp"
#include "utc_time.hpp"

namespace mphb {
namespace {

constexpr int64_t kStaleAfterIntervals = 3;

// Codes after which retrying cannot help until someone acts: the job goes to its dead letter at once. (A
// credential that does not decrypt may be the worker's wrong key, not the tenant's: retried, elsewhere too.)
const std::set<std::string> kDeadAtOnce = {"motopress_unauthorized"};
// Codes that mean there is nothing to sync: the tenant or its active integration is gone since the enqueue.
const std::set<std::string> kNothingToDo = {"unknown_tenant", "no_integration", "integration_inactive"};
// A handed-back tenant is due again this long after: once the job queue has settled the job (an exclusive
// queue refuses a new job while the old one is still active).
constexpr int64_t kHandBackSeconds = 5;

// Reads `input[key]` as an ISO-8601 UTC time; absent or null → nullopt (an error when required).
std::optional<int64_t> read_time(const json& object, const char* key, const std::string& path, bool required, Diagnostics& d) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) {
    if (required) d.error("missing_field", path, std::string(key) + " is required (ISO-8601 UTC, e.g. 2026-12-01T10:00:00.000Z)");
    return std::nullopt;
  }
  const auto ms = object[key].is_string() ? parse_utc_ms(object[key].get<std::string>()) : std::nullopt;
  if (!ms) d.error("invalid_date", path, std::string(key) + " must be ISO-8601 UTC (e.g. 2026-12-01T10:00:00.000Z)");
  return ms;
}

std::string string_or(const json& object, const char* key, const std::string& fallback = "") {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : fallback;
}

bool bool_or(const json& object, const char* key, bool fallback) {
  return object.is_object() && object.contains(key) && object[key].is_boolean() ? object[key].get<bool>() : fallback;
}

std::optional<int64_t> int_or_null(const json& object, const char* key, const std::string& path, Diagnostics& d) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return std::nullopt;
  if (!object[key].is_number()) {
    d.error("wrong_type", path, std::string(key) + " must be a number or null");
    return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(object[key].get<double>()));
}

// A stable spread in [0, span) from the tenant id (FNV-1a), for deferrals that should not all end at once.
int64_t jitter(const std::string& tenant_id, int64_t span) {
  uint32_t h = 2166136261u;
  for (unsigned char c : tenant_id) h = (h ^ c) * 16777619u;
  return span > 0 ? static_cast<int64_t>(h % static_cast<uint32_t>(span)) : 0;
}

std::optional<json> parse_input(std::string_view input, Diagnostics& d) {
  auto doc = parse_json_document(input, "input", d);
  if (doc && !doc->is_object()) {
    d.error("wrong_type", "input", "the input must be a JSON object");
    return std::nullopt;
  }
  return doc;
}

std::string finish(json out, const Diagnostics& d, const std::string& tenant_id) {
  out["warnings"] = diagnostics_json(d.warnings(), tenant_id);
  out["errors"] = diagnostics_json(d.errors(), tenant_id);
  return dump_plan(out);
}

// percentile_cont: linear interpolation between the closest ranks of the sorted values.
json percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return nullptr;
  const double rank = p * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank)), hi = static_cast<size_t>(std::ceil(rank));
  const double value = sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
  return std::round(value * 1000.0) / 1000.0;
}

}  // namespace

std::string decide_fleet_job_start_json(std::string_view input) {
  Diagnostics d;
  const auto doc = parse_input(input, d);
  const json in = doc.value_or(json::object());
  const std::string tenant_id = string_or(in, "tenant_id");
  const std::string job = string_or(in, "job", "sync_all");
  if (job != "sync_all" && job != "repair") d.error("invalid_value", "job", "job must be sync_all or repair");
  const auto now = read_time(in, "now", "now", true, d);
  const auto until = read_time(in, "host_backoff_until", "host_backoff_until", false, d);
  const std::string slot = string_or(in, "slot");
  if (in.contains("slot") && !in["slot"].is_null() && slot != "taken" && slot != "none") {
    d.error("invalid_value", "slot", "slot must be null, \"taken\" or \"none\"");
  }
  // A scheduled sync that cannot start is due again through its schedule (no retry spent); a repair, asked
  // for once, is retried by the queue instead (its backoff), so it is never dropped.
  const auto defer = [&job](const char* code, int64_t seconds) {
    if (job == "repair")
      return json{{"action", "defer"}, {"code", code}, {"queue_status", "failed"}, {"due_in_seconds", nullptr}};
    return json{{"action", "defer"}, {"code", code}, {"queue_status", "completed"}, {"due_in_seconds", seconds}};
  };
  json out = {{"action", "skip"}, {"code", "invalid_input"}, {"queue_status", "failed"}, {"due_in_seconds", nullptr}};
  if (d.error_count() == 0) {
    if (job == "sync_all" && bool_or(in, "paused", false)) {
      out = {{"action", "skip"}, {"code", "paused"}, {"queue_status", "completed"}, {"due_in_seconds", nullptr}};
    } else if (until && *until > *now) {
      // Due again when the host's backoff ends, spread over 10 s so its tenants do not all return at once.
      out = defer("host_backoff", (*until - *now + 999) / 1000 + jitter(tenant_id, 10));
    } else if (slot == "none") {
      out = defer("host_busy", 15 + jitter(tenant_id, 15));
    } else if (slot == "taken") {
      out = {{"action", "run"}, {"code", nullptr}, {"queue_status", nullptr}, {"due_in_seconds", nullptr}};
    } else {
      out = {{"action", "take_slot"}, {"code", nullptr}, {"queue_status", nullptr}, {"due_in_seconds", nullptr}};
    }
  }
  return finish(out, d, tenant_id);
}

std::string decide_fleet_job_end_json(std::string_view input) {
  Diagnostics d;
  const auto doc = parse_input(input, d);
  const json in = doc.value_or(json::object());
  if (in.contains("error_code") && !in["error_code"].is_null() && !in["error_code"].is_string()) {
    d.error("wrong_type", "error_code", "error_code must be a string or null");
  }
  const bool succeeded = !in.contains("error_code") || in["error_code"].is_null();
  const std::string code = string_or(in, "error_code", "internal_error");
  const bool stopping = bool_or(in, "stopping", false);
  const std::string job = string_or(in, "job", "sync_all");
  if (job != "sync_all" && job != "repair") d.error("invalid_value", "job", "job must be sync_all or repair");
  std::string outcome;
  if (succeeded) {
    outcome = "completed";
  } else if (kNothingToDo.count(code) > 0 || (code == "already_running" && job == "sync_all")) {
    // No tenant any more; or another run keeps it fresh. A repair was asked for: it waits its turn (retried).
    outcome = "skipped";
  } else if (code == "interrupted" && stopping && job == "sync_all") {
    outcome = "handed_back";  // stopped at a page boundary by this worker's shutdown: due again, no retry spent
  } else if (kDeadAtOnce.count(code) > 0) {
    outcome = "deadletter";
  } else {
    outcome = "failed";
  }
  const std::string queue_status = outcome == "failed" || outcome == "deadletter" ? outcome : "completed";
  json out = {{"outcome", outcome}, {"queue_status", queue_status}, {"due_in_seconds", nullptr}};
  if (outcome == "handed_back") out["due_in_seconds"] = kHandBackSeconds;
  return finish(out, d, string_or(in, "tenant_id"));
}

std::string decide_host_backoff_json(std::string_view input) {
  Diagnostics d;
  const auto doc = parse_input(input, d);
  const json in = doc.value_or(json::object());
  const auto status = int_or_null(in, "status", "status", d);
  const auto retry_in_ms = int_or_null(in, "retry_in_ms", "retry_in_ms", d);
  const auto min_seconds = int_or_null(in, "min_seconds", "min_seconds", d).value_or(60);
  const auto max_seconds = int_or_null(in, "max_seconds", "max_seconds", d).value_or(900);
  if (min_seconds < 1 || max_seconds < min_seconds) d.error("invalid_value", "max_seconds", "need 1 ≤ min_seconds ≤ max_seconds");
  json out = {{"back_off_seconds", nullptr}};
  if (d.error_count() == 0 && status && (*status == 429 || *status == 503)) {
    const int64_t asked = (std::max<int64_t>(0, retry_in_ms.value_or(0)) + 999) / 1000;
    out["back_off_seconds"] = std::min(max_seconds, std::max(min_seconds, asked));
  }
  return finish(out, d, "");
}

std::string build_fleet_report_json(std::string_view input) {
  Diagnostics d;
  const auto doc = parse_input(input, d);
  const json in = doc.value_or(json::object());
  const int64_t now = read_time(in, "now", "now", true, d).value_or(0);
  const bool queue_ready = bool_or(in, "queue_ready", false);

  struct JobState {
    std::string state = "idle";
    bool later = false;
  };
  // Per queue (sync_all, repair): each tenant's queued-or-running job, and the queue's figures.
  std::map<std::string, std::map<std::string, JobState>> by_queue;
  std::map<std::string, int64_t> dead_by_tenant;
  const auto empty_queue = [] {
    return json{{"depth", 0}, {"running", 0}, {"retrying", 0}, {"deferred", 0}, {"dead_letters", 0}};
  };
  json figures = {{"sync_all", empty_queue()}, {"repair", empty_queue()}};
  const auto add = [&figures](const std::string& queue, const char* key, int64_t n) {
    figures[queue][key] = figures[queue][key].get<int64_t>() + n;
  };
  const auto queue_of = [&d](const json& item, const std::string& path) {
    const std::string queue = string_or(item, "queue", "sync_all");
    if (queue == "sync_all" || queue == "repair") return queue;
    d.error("invalid_value", path, "queue must be sync_all or repair");
    return std::string();
  };
  const json jobs = in.contains("jobs") && in["jobs"].is_array() ? in["jobs"] : json::array();
  for (size_t i = 0; i < jobs.size(); ++i) {
    const std::string state = string_or(jobs[i], "state");
    const std::string where = "jobs[" + std::to_string(i) + "]";
    const std::string queue = queue_of(jobs[i], where + ".queue");
    if (queue.empty()) continue;
    JobState& job = by_queue[queue][string_or(jobs[i], "tenant_id")];
    if (state == "active") {
      job.state = "running";
      add(queue, "running", 1);
      continue;
    }
    if (state != "created" && state != "retry") {
      d.error("invalid_value", where + ".state", "a queued-or-running job's state is created, retry or active");
      continue;
    }
    job.state = state == "retry" ? "retrying" : "queued";
    job.later = bool_or(jobs[i], "later", false);
    add(queue, "depth", 1);
    if (state == "retry") add(queue, "retrying", 1);
    if (job.later) add(queue, "deferred", 1);
  }
  // Dead letters not yet answered by a later success of the tenant (the host leaves resolved ones out).
  const json dead = in.contains("dead_letters") && in["dead_letters"].is_array() ? in["dead_letters"] : json::array();
  for (size_t i = 0; i < dead.size(); ++i) {
    const std::string where = "dead_letters[" + std::to_string(i) + "]";
    const std::string queue = queue_of(dead[i], where + ".queue");
    const int64_t count = int_or_null(dead[i], "count", where + ".count", d).value_or(0);
    if (queue.empty()) continue;
    dead_by_tenant[string_or(dead[i], "tenant_id")] += count;
    add(queue, "dead_letters", count);
  }

  std::vector<double> lags;
  const json lag_input = in.contains("lags") && in["lags"].is_array() ? in["lags"] : json::array();
  for (size_t i = 0; i < lag_input.size(); ++i) {
    if (lag_input[i].is_number())
      lags.push_back(lag_input[i].get<double>());
    else
      d.error("wrong_type", "lags[" + std::to_string(i) + "]", "a lag is a number of seconds");
  }
  std::sort(lags.begin(), lags.end());

  json tenants = json::array();
  json totals = {{"tenants", 0}, {"scheduled", 0}, {"paused", 0}, {"stale", 0}, {"failing", 0}, {"with_dead_letters", 0}};
  const auto bump = [&totals](const char* key) { totals[key] = totals[key].get<int64_t>() + 1; };
  const json list = in.contains("tenants") && in["tenants"].is_array() ? in["tenants"] : json::array();
  for (size_t i = 0; i < list.size(); ++i) {
    const json& t = list[i];
    const std::string path = "tenants[" + std::to_string(i) + "]";
    const std::string tenant_id = string_or(t, "tenant_id");
    const bool enabled = bool_or(t, "enabled", false);
    const auto interval = int_or_null(t, "interval_seconds", path + ".interval_seconds", d);
    const auto created = read_time(t, "created_at", path + ".created_at", true, d);
    const auto success = read_time(t, "last_success_at", path + ".last_success_at", false, d);
    const int64_t failures = int_or_null(t, "failures", path + ".failures", d).value_or(0);
    const int64_t since = success.value_or(created.value_or(now));
    // Only a fleet that runs (its queue exists: a worker started) makes a schedule a promise to keep.
    const bool stale =
        queue_ready && enabled && interval && *interval > 0 && (now - since) > kStaleAfterIntervals * *interval * 1000;
    const JobState job = by_queue["sync_all"].count(tenant_id) ? by_queue["sync_all"][tenant_id] : JobState{};
    const JobState repair = by_queue["repair"].count(tenant_id) ? by_queue["repair"][tenant_id] : JobState{};
    const int64_t dead_letters = dead_by_tenant.count(tenant_id) ? dead_by_tenant[tenant_id] : 0;
    json row = {{"tenant_id", tenant_id},
                {"slug", string_or(t, "slug")},
                {"enabled", enabled},
                {"interval_seconds", interval ? json(*interval) : json(nullptr)},
                {"state", job.state},
                {"repair_state", repair.state},
                {"last_success_at", success ? json(format_iso_ms(*success)) : json(nullptr)},
                {"last_success_age_seconds",
                 success ? json(static_cast<int64_t>(std::llround((now - *success) / 1000.0))) : json(nullptr)},
                {"stale", stale},
                {"failures_24h", failures},
                {"last_error_code",
                 t.contains("last_error_code") && t["last_error_code"].is_string() ? t["last_error_code"] : json(nullptr)},
                {"dead_letters", dead_letters}};
    bump("tenants");
    if (enabled) bump("scheduled");
    if (interval && !enabled) bump("paused");
    if (stale) bump("stale");
    if (failures > 0) bump("failing");
    if (dead_letters > 0) bump("with_dead_letters");
    tenants.push_back(std::move(row));
  }

  json out = {{"generated_at", format_iso_ms(now)},
              {"queue_ready", queue_ready},
              {"queue", figures["sync_all"]},
              {"repair_queue", figures["repair"]},
              {"lag_seconds",
               {{"p50", percentile(lags, 0.5)},
                {"p99", percentile(lags, 0.99)},
                {"samples", static_cast<int64_t>(lags.size())},
                {"window_seconds", int_or_null(in, "lag_window_seconds", "lag_window_seconds", d).value_or(3600)}}},
              {"totals", totals},
              {"tenants", tenants}};
  return finish(out, d, "");
}

}  // namespace mphb
