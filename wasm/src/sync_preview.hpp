// The dry run of a Sync All (SPEC §3–§5): what the sync would write, decided by the very planners the
// sync runs (accommodations plan, bookings session), reported per accommodation type, unit and booking
// with the fields that change. A sans-I/O state machine like the sync's own session; the host (Node, a
// browser worker, the native driver) feeds it what MotoPress answers and never writes anything.
//
//   preview(tenant, now, stored)
//   accommodations(types, units)   → must come first: the complete lists, as the sync's stage 1
//   bookings_page(bytes)           → {unknown_units}: fetch those, resolve_units, then the same page again
//   resolve_units(results)         → units fetched by id, or gone (placeholders), as the sync resolves them
//   reconcile(total)               → {complete, confirm}: bookings to GET before calling them gone
//   confirm(id, status, body)      → gone or kept, as the sync decides
//   diff()                         → the report (any time; "complete" says whether reconcile ran)
//
// A call out of order is an error value (wrong_call); nothing is guessed.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bookings_sync_session.hpp"
#include "diagnostics.hpp"
#include "json_document.hpp"
#include "tenant_context.hpp"

namespace mphb {

class SyncPreview {
 public:
  // stored: {"accommodation_types": {"<id>": {hash, is_active, is_placeholder, row?}},
  //          "accommodation_units": {"<id>": {hash, is_active, is_placeholder, mphb_type_id, row?}},
  //          "bookings": {"<id>": {hash, kind, is_active, row?, rooms?}}}
  // row: the stored row's columns (as the core names them); rooms: a reservation's junction rows. Without
  // them an update is still reported, without its changed fields.
  SyncPreview(std::string tenant_id, std::string now, std::string_view stored);

  // → {counts, warnings, errors}. Errors: the lists cannot be trusted and the sync would write nothing;
  // the preview stops there too (later calls answer wrong_call).
  std::string accommodations(std::string_view types, std::string_view units);
  // → {unknown_units: [{mphb_accommodation_id, mphb_type_id, path}], counts, warnings, errors}
  std::string bookings_page(std::string_view bytes);
  // results as the sync's resolve_units takes them. → {counts, warnings, errors}
  std::string resolve_units(std::string_view results);
  // → {complete, seen, total, confirm: [ids]}
  std::string reconcile(int64_t total);
  // → {decision: "gone"|"keep", warnings, errors}
  std::string confirm(int64_t booking_id, int http_status, std::string_view body);
  // → {tenant_id, now, complete, counts, accommodation_types: [...], accommodation_units: [...],
  //    bookings: [...], warnings, errors}; entries sorted by MotoPress id, each {…, outcome: create |
  //    update | unchanged | cancel | block | gone | placeholder | rejected, changed: [{field, old, new}] |
  //    null}. counts use the names of a sync run's counts.
  std::string diff() const;

 private:
  enum class Stage { kAccommodations, kBookings, kReconciled, kStopped };
  std::string wrong_call(const std::string& call, const std::string& expected);
  void add_unit_outcome(const json& row, const std::string& outcome);
  void add_type_outcome(const json& row, const std::string& outcome);
  void take_booking_outcomes(int64_t page, const json& plan);

  TenantContext tenant_;
  bool valid_ = false;
  Diagnostics diagnostics_;  // everything reported, for the diff
  Stage stage_ = Stage::kAccommodations;
  json stored_types_ = json::object(), stored_units_ = json::object(), stored_bookings_ = json::object();
  std::unique_ptr<BookingsSyncSession> session_;
  std::map<int64_t, json> types_, units_, bookings_;  // report entries by MotoPress id
  std::map<int64_t, std::string> unit_names_;
  json counts_ = json::object();
  json page_errors_ = json::array(), page_warnings_ = json::array();  // of booking pages, with their page
  int64_t pages_ = 0;
  bool complete_ = false;
};

}  // namespace mphb
