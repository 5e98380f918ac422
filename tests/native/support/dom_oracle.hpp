// TEST-ONLY ORACLE: the DOM implementation of /bookings pages as it was before the streaming mapper
// (bookings_mapper.cpp, content_hash.cpp and BookingsSyncSession::plan_page at commit 300501d), kept
// verbatim but renamed, so parity tests can assert the new path writes byte-identical plans and hashes.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "bookings_mapper.hpp"
#include "stored_state.hpp"
#include "tenant_context.hpp"

namespace mphb_oracle {

using mphb::json;

std::string dom_content_hash(const json& rows);
mphb::MappedBookings dom_map_bookings(const json& document, const std::string& root, const mphb::TenantContext& tenant,
                                      const mphb::UnitTypeIndex& units, mphb::Diagnostics& diagnostics);

// The old session (plan_page and resolve_units only; reconcile and confirm did not change).
class DomBookingsSyncSession {
 public:
  DomBookingsSyncSession(std::string tenant_id, std::string now, std::string_view known_units, std::string_view known_types,
                         std::string_view stored);
  std::string init_errors() const;
  std::string plan_page(std::string_view bytes);
  std::string resolve_units(std::string_view results);
  size_t seen_count() const { return seen_.size(); }

 private:
  mphb::TenantContext tenant_;
  bool valid_ = false;
  mphb::Diagnostics init_diagnostics_;
  mphb::UnitTypeIndex units_;
  std::set<int64_t> types_;
  mphb::StoredRows stored_;
  std::set<int64_t> seen_;
  std::map<int64_t, int64_t> pending_unit_types_;
  std::set<int64_t> unplaceable_units_;
  bool had_page_errors_ = false;
};

}  // namespace mphb_oracle
