// Stage "reservations" of a sync (SPEC §3 steps 3–4) as a sans-I/O state machine: the host feeds it
// pages and fetch results, it answers with write plans and what to fetch next. It never does I/O.
//
//   session(tenant, now, known units, stored bookings | null)
//   plan_page(bytes)         → rows to write for the page (changed only), or the unknown units to fetch
//                              first; a reservation never waits for a later step to get its room
//   read_page(bytes)         → with stored null ("per page"): the page is read once and held; the answer
//   plan_read_page(n, rows)     names its bookings, so the host reads only their stored rows, and the
//                              held page is planned against them: memory stays flat however many
//                              bookings the tenant has. Pages may be read ahead of being planned.
//   resolve_units(results)   → unit rows to write before the page: fetched ones, or flagged
//                              placeholders for units MotoPress no longer has
//   reconcile(total, active) → after a complete pass: stored bookings the pass did not return
//   confirm(id, status, body)→ whether GET /bookings/{id} confirms the booking is gone
//
// A call in the wrong mode (plan_page per page, read_page with the whole stored state) or for a page that
// is not held is an error value (wrong_call), never a guess.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "booking_rows_text.hpp"
#include "bookings_mapper.hpp"
#include "stored_state.hpp"
#include "tenant_context.hpp"

namespace mphb {

// What the session decided for one booking of a planned page, kept only when asked (record_outcomes):
// the dry-run preview reports it.
struct BookingOutcome {
  int64_t id = 0;
  std::string decision;                  // "created" | "updated" | "unchanged" | "rejected"
  std::string kind;                      // "reservation" | "block"; empty when rejected
  std::string previous_kind;             // the stored kind, when updated
  std::string path;                      // where the record stands in its page (bookings[i])
  std::optional<MappedBooking> booking;  // absent when rejected
};

class BookingsSyncSession {
 public:
  // known_units: {"<mphb_accommodation_id>": <mphb_type_id>, …}; known_types: [<mphb_type_id>, …];
  // stored: {"<booking id>": {"hash": "…", "kind": "reservation"|"block", "is_active": bool}} (is_active
  // false for bookings already marked gone): the tenant's whole stored state, for plan_page; or "null":
  // stored rows come per page, with plan_read_page.
  BookingsSyncSession(std::string tenant_id, std::string now, std::string_view known_units, std::string_view known_types,
                      std::string_view stored);

  // Errors in the session's own inputs (bad tenant id, bad state JSON), as a JSON array; "[]" when fine.
  std::string init_errors() const;

  // {reservations, reservation_accommodations, calendar_blocks, delete_reservations, delete_blocks,
  //  unknown_units: [{mphb_accommodation_id, mphb_type_id, path}], counts, warnings, errors}. When
  // unknown_units is not empty nothing else is planned: resolve them, then plan the same page again.
  // counts: {blocks_written, cancelled, created, duplicates, records, unchanged, updated, without_id};
  // cancelled: reservations written by this plan whose mapped status is "cancelled"; duplicates are
  // records whose id an earlier page of the session held (pages drift while paging): they are not planned
  // again. without_id: records without a usable id. The page is read once, streamed, never as a document.
  std::string plan_page(std::string_view bytes);

  // Per-page mode. → {"page": n, "ids": [booking ids whose stored rows plan_read_page needs],
  // "unknown_units": [], "errors": []}; or, when the page names units the database lacks, {"page": null,
  // "ids": [], "unknown_units": [{mphb_accommodation_id, mphb_type_id, path}], "errors": []}: nothing is
  // held; resolve them, then read the same page again. Pages are read in page order.
  std::string read_page(std::string_view bytes);

  // Per-page mode: plans held page n against `stored`, the stored rows of (some of) its ids in the shape
  // of the constructor's `stored` (rows of other ids are ignored; an id without a row is new). The page
  // is released. → the plan plan_page would give.
  std::string plan_read_page(int64_t page, std::string_view stored);

  // results: [{"id": <unit id>, "status": <HTTP status>, "body": <JSON or null>}, …] for the units
  // plan_page asked for. → {accommodation_types, accommodation_units, counts: {units_created,
  // types_created, placeholders}, warnings, errors}: rows to write (each with content_hash) before
  // planning the page again.
  std::string resolve_units(std::string_view results);

  // total: X-WP-Total of the pass. active: per-page mode, the ids of the tenant's stored bookings not
  // marked gone, as a JSON array (ignored with the whole stored state, which the session holds).
  // → {complete, seen, total, confirm: [ids to GET /bookings/{id}], errors}. confirm is empty unless the
  // pass is complete (seen ≥ total, no page failed to map, none left unplanned).
  std::string reconcile(int64_t total, std::string_view active = "") const;

  // → {"decision": "gone"|"keep", "mark": {status, upstream_gone_at}?, warnings, errors}
  std::string confirm(int64_t booking_id, int http_status, std::string_view body) const;

  // From now on, keep what is decided for each booking of every page planned (a dry run's report).
  void record_outcomes() { record_outcomes_ = true; }
  // The outcomes kept since the last call, in page order.
  std::vector<BookingOutcome> take_outcomes();
  const TenantContext& tenant() const { return tenant_; }

 private:
  TenantContext tenant_;
  bool valid_ = false;
  Diagnostics init_diagnostics_;
  UnitTypeIndex units_;
  std::set<int64_t> types_;
  // A page read and held until its stored rows come (per-page mode).
  struct ReadPage {
    std::map<int64_t, MappedBooking> bookings;
    Diagnostics diagnostics;
    int64_t records = 0, duplicates = 0, without_id = 0;
    std::map<int64_t, std::string> paths;                   // with record_outcomes: each booking's path
    std::vector<std::pair<int64_t, std::string>> rejected;  // with record_outcomes: ids rejected, and where
  };
  // Reads a page into read_pages_ and returns its number; 0 when units must be resolved first (`unknown`).
  int64_t read_into(std::string_view bytes, std::map<int64_t, UnitReference>& unknown);
  std::string plan_held(ReadPage& page, StoredRows& stored);
  std::string invalid_plan(const std::string& code, const std::string& path, const std::string& message) const;

  bool per_page_ = false;
  StoredRows stored_;  // the whole stored state; per page: empty
  std::map<int64_t, ReadPage> read_pages_;
  int64_t pages_read_ = 0;
  std::set<int64_t> seen_;
  std::set<int64_t> retry_ids_;                    // ids of a page answered with unknown_units: not duplicates when planned again
  std::map<int64_t, int64_t> pending_unit_types_;  // unit id → type the bookings name, while being resolved
  std::set<int64_t> unplaceable_units_;            // gone upstream and no type known: bookings on them are rejected
  bool had_page_errors_ = false;
  BookingRowsText rows_text_;  // kept across pages: it caches row ids that repeat
  bool record_outcomes_ = false;
  std::vector<BookingOutcome> outcomes_;
};

}  // namespace mphb
