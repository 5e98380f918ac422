#include "accommodations_mapper.hpp"

#include "collection_reader.hpp"
#include "field_reader.hpp"
#include "row_ids.hpp"

namespace mphb {
namespace {

// WordPress post statuses: only a trashed post is gone; drafts and private posts still exist upstream.
bool post_is_active(const std::string& status) { return status != "trash"; }

void keep_last(MappedRecords& out, int64_t id, json row, const std::string& path, Diagnostics& diagnostics) {
  if (out.rows.count(id)) {
    diagnostics.warn("duplicate_id", path + ".id", "id " + std::to_string(id) + " appears more than once; the last one is kept");
  }
  out.rows[id] = std::move(row);
  out.paths[id] = path;
}

}  // namespace

MappedRecords map_accommodation_types(const json& document, const std::string& root, const TenantContext& tenant,
                                      Diagnostics& diagnostics) {
  MappedRecords rows;
  for_each_record(document, root, diagnostics, [&](const json& record, const std::string& path) {
    const size_t errors_before = diagnostics.error_count();
    FieldReader r(record, path, diagnostics);
    auto id = r.id("id", Presence::kRequired);
    auto title = r.title("title");
    auto status = r.text("status");
    auto excerpt = r.text("excerpt");
    auto description = r.text("description");
    auto adults = r.count("adults", 0);
    auto children = r.count("children", 0);
    auto total_capacity = r.count("total_capacity", 0);
    auto base_adults = r.count("base_adults", 0);
    auto base_children = r.count("base_children", 0);
    auto bed_type = r.text("bed_type");
    auto size = r.decimal("size", Presence::kOptional);
    auto view = r.text("view");
    if (diagnostics.error_count() != errors_before || !id) return;
    if (title->empty())
      diagnostics.warn("missing_title", r.path_of("title"), "accommodation type " + std::to_string(*id) + " has no title");
    json row = {
        {"id", accommodation_type_row_id(tenant.tenant_id, *id)},
        {"tenant_id", tenant.tenant_id},
        {"mphb_type_id", *id},
        {"name", nullable(*title)},
        {"status", nullable(*status)},
        {"excerpt", nullable(*excerpt)},
        {"description", nullable(*description)},
        {"adults", *adults},
        {"children", *children},
        {"total_capacity", *total_capacity},
        {"base_adults", *base_adults},
        {"base_children", *base_children},
        {"bed_type", nullable(*bed_type)},
        {"size", size ? json(*size) : json(nullptr)},
        {"view", nullable(*view)},
        {"is_active", post_is_active(*status)},
        {"is_placeholder", false},
        {"placeholder_since", nullptr},
    };
    keep_last(rows, *id, std::move(row), path, diagnostics);
  });
  return rows;
}

MappedRecords map_accommodation_units(const json& document, const std::string& root, const TenantContext& tenant,
                                      Diagnostics& diagnostics) {
  MappedRecords rows;
  for_each_record(document, root, diagnostics, [&](const json& record, const std::string& path) {
    const size_t errors_before = diagnostics.error_count();
    FieldReader r(record, path, diagnostics);
    auto id = r.id("id", Presence::kRequired);
    auto type_id = r.id("accommodation_type_id", Presence::kRequired);
    auto title = r.title("title");
    auto status = r.text("status");
    auto excerpt = r.text("excerpt");
    if (diagnostics.error_count() != errors_before || !id || !type_id) return;
    json row = {
        {"id", accommodation_unit_row_id(tenant.tenant_id, *id)},
        {"tenant_id", tenant.tenant_id},
        {"mphb_accommodation_id", *id},
        {"mphb_type_id", *type_id},
        {"accommodation_type_id", accommodation_type_row_id(tenant.tenant_id, *type_id)},
        {"name", title->empty() ? json("Accommodation #" + std::to_string(*id)) : json(*title)},
        {"status", nullable(*status)},
        {"excerpt", nullable(*excerpt)},
        {"is_active", post_is_active(*status)},
        {"is_placeholder", false},
        {"placeholder_since", nullptr},
    };
    keep_last(rows, *id, std::move(row), path, diagnostics);
  });
  return rows;
}

json placeholder_type_row(const TenantContext& tenant, int64_t mphb_type_id) {
  return {
      {"id", accommodation_type_row_id(tenant.tenant_id, mphb_type_id)},
      {"tenant_id", tenant.tenant_id},
      {"mphb_type_id", mphb_type_id},
      {"name", "Unknown accommodation type #" + std::to_string(mphb_type_id)},
      {"status", "placeholder"},
      {"excerpt", nullptr},
      {"description", nullptr},
      {"adults", 0},
      {"children", 0},
      {"total_capacity", 0},
      {"base_adults", 0},
      {"base_children", 0},
      {"bed_type", nullptr},
      {"size", nullptr},
      {"view", nullptr},
      {"is_active", false},
      {"is_placeholder", true},
      {"placeholder_since", tenant.now},
  };
}

json placeholder_unit_row(const TenantContext& tenant, int64_t mphb_accommodation_id, int64_t mphb_type_id) {
  return {
      {"id", accommodation_unit_row_id(tenant.tenant_id, mphb_accommodation_id)},
      {"tenant_id", tenant.tenant_id},
      {"mphb_accommodation_id", mphb_accommodation_id},
      {"mphb_type_id", mphb_type_id},
      {"accommodation_type_id", accommodation_type_row_id(tenant.tenant_id, mphb_type_id)},
      {"name", "Unknown accommodation #" + std::to_string(mphb_accommodation_id)},
      {"status", "placeholder"},
      {"excerpt", nullptr},
      {"is_active", false},
      {"is_placeholder", true},
      {"placeholder_since", tenant.now},
  };
}

}  // namespace mphb
