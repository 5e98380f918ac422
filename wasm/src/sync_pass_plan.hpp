// Which pass a Sync All makes over /bookings, and where the next one starts (issue 11, SPEC §6 B2).
//
// A full pass lists every booking and may reconcile (mark gone what MotoPress no longer has). An
// incremental pass lists only bookings modified since the cursor — `filter[date_query]` on
// post_modified_gmt, with `filter[post_status]` any + trash so cancellations and trashing are never
// missed (FIELD-NOTES) — and never reconciles. Bookings deleted for good are only seen by a full pass,
// so one runs every `full_every`-th run, on request, and whenever filters do not work for the key.
//
//   decide(input)  → {pass: "full"|"incremental"|"probe", reason, query, filters, probe, warnings, errors}
//                    probe: a query to ask during a full pass while the filters' verdict is unknown
//   settle(input)  → {cursor} to store with the run's end (advanced only after a complete pass)
#pragma once
#include <string>
#include <string_view>

namespace mphb {

// input: {"tenant_id"?, "requested": "auto"|"full", "now": ISO-8601 UTC, "cursor": null | {"modified_after": "YYYY-MM-DD
// HH:MM:SS" (GMT) | null, "incremental_runs": n, "filters": "unknown"|"working"|"refused"|"ignored"},
// "full_every": n ≥ 1, "overlap_seconds": n ≥ 0, "probe": null | {"status": HTTP status, "total": X-WP-Total}}.
// "probe" is the answer to the probe query a previous decide asked for ("pass": "probe").
std::string decide_sync_pass_json(std::string_view input);

// input: {"tenant_id"?, "pass": "full"|"incremental", "started_at": ISO-8601 UTC (when the pass began, by our clock),
// "complete": bool (every page mapped, no drift), "cursor": as above or null, "filters": verdict,
// "probe"?: the answer {status, total} to decide's probe query}.
std::string settle_sync_pass_json(std::string_view input);

}  // namespace mphb
