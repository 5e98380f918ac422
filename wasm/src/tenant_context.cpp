#include "tenant_context.hpp"

#include "field_reader.hpp"
#include "uuid.hpp"

namespace mphb {

std::optional<TenantContext> read_tenant_context(const std::string& tenant_id, const std::string& now, Diagnostics& diagnostics) {
  const auto tenant = normalize_uuid(tenant_id);
  const auto when = normalize_utc_timestamp(now);
  if (!tenant)
    diagnostics.error("invalid_tenant_id", "tenant_id", "tenant_id must be a UUID like 00000000-0000-0000-0000-000000000000");
  if (!when) diagnostics.error("invalid_now", "now", "now must be an ISO-8601 timestamp like 2026-11-28T10:00:00Z");
  if (!tenant || !when) return std::nullopt;
  return TenantContext{*tenant, *when};
}

}  // namespace mphb
