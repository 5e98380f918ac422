// Deterministic row ids: UUID v5 (RFC 9562) with the tenant's UUID as namespace and
// "<kind>:<motopress id>" as name, so two environments and two runs agree on every id.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mphb {

// Lower-case canonical form of a UUID in 8-4-4-4-12 hex form (any case), or nullopt.
std::optional<std::string> normalize_uuid(std::string_view text);

// UUID v5 of name within namespace_uuid (which must be canonical, as returned by normalize_uuid).
std::string uuid_v5(const std::string& namespace_uuid, std::string_view name);

}  // namespace mphb
