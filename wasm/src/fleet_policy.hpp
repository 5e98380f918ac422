// Fleet sync decisions (issue 14, docs/fleet.md): what a worker does with a job before and after its
// run, how long a whole MotoPress host is backed off, and the fleet's health report — staleness, queue
// figures, lag percentiles. The host gathers the facts (database, queue, clock) and applies the answers.
//
//   decide_fleet_job_start_json(input) → {action: "skip"|"defer"|"take_slot"|"run", code, queue_status, due_in_seconds}
//   decide_fleet_job_end_json(input)   → {outcome, queue_status, due_in_seconds}
//   decide_host_backoff_json(input)    → {back_off_seconds: n | null}
//   build_fleet_report_json(input)     → the document of `mphb-sync fleet status --json`
// Every answer also carries {warnings, errors}; bad input is an error value naming its path, never a throw.
#pragma once
#include <string>
#include <string_view>

namespace mphb {

// input: {"tenant_id", "job": "sync_all" (default) | "repair", "now": ISO-8601 UTC, "paused": bool,
// "host_backoff_until": ISO-8601 UTC | null, "slot": null (not tried yet) | "taken" | "none" (all of the host's
// slots stayed busy)} → {action, code, queue_status: what the queue records when the job does not run
// (completed | failed: a repair is retried by the queue, never dropped), due_in_seconds: when a deferred
// scheduled sync is due again}. Deferrals spread by a jitter taken from the tenant id (the core has no randomness).
std::string decide_fleet_job_start_json(std::string_view input);

// input: {"tenant_id"?, "job": "sync_all" (default) | "repair", "error_code": the run's error code | null (it
// succeeded), "stopping": bool (this worker is shutting down)}. A repair that meets another run (already_running)
// is retried — it was asked for — where a scheduled sync is skipped (the other run keeps the tenant fresh). outcome: completed |
// skipped | handed_back | failed | deadletter; queue_status: what the job queue records (completed | failed → retried with
// backoff, then dead-lettered | deadletter at once); due_in_seconds: 0 when the tenant is due again at once (handed back), else
// null.
std::string decide_fleet_job_end_json(std::string_view input);

// input: {"status": HTTP status | null, "retry_in_ms": the client's wait before its retry | null, "min_seconds",
// "max_seconds"}. 429 and 503 back the whole host off for the Retry-After asked, within [min, max].
std::string decide_host_backoff_json(std::string_view input);

// input: {"now", "queue_ready": bool, "lag_window_seconds": n,
//   "tenants": [{"tenant_id", "slug", "enabled": bool|null, "interval_seconds": n|null, "created_at", "last_success_at": …|null,
//                "failures": n, "last_error_code": s|null}],
//   "jobs": [{"tenant_id", "queue": "sync_all"|"repair", "state": "created"|"retry"|"active", "later": bool}],
//   "dead_letters": [{"tenant_id", "queue", "count": n}] (not yet answered by a later success), "lags": [seconds due → started,
//   …]}
// → {generated_at, queue_ready, queue (sync_all's figures), repair_queue, lag_seconds, totals, tenants: [{…, state,
// repair_state, dead_letters (both queues), stale, …}]}
// A scheduled tenant is stale when its last success (never: its creation) is older than 3 × its interval — once
// the fleet runs (queue_ready: a worker created the queue); before that no schedule is a promise.
std::string build_fleet_report_json(std::string_view input);

}  // namespace mphb
