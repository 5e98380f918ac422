// Stage "accommodations" of a sync (SPEC §3 step 2) through plan_accommodations_sync_json: the complete
// upstream lists against what the database holds, as rows to upsert and ids to mark inactive.
#include "accommodations_sync_plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "content_hash.hpp"
#include "row_ids.hpp"
#include "test_support.hpp"

namespace {

using namespace mphb_test;

struct SyncRequest {
  std::string tenant_id = kTenant;
  std::string now = kNow;
  std::string types = standard_types().dump();
  std::string units = standard_units().dump();
  std::string current = "{}";
};

std::string sync_bytes(const SyncRequest& r) {
  mphb::AccommodationsSyncInput input;
  input.tenant_id = r.tenant_id;
  input.now = r.now;
  input.accommodation_types = r.types;
  input.accommodations = r.units;
  input.current = r.current;
  return mphb::plan_accommodations_sync_json(input);
}

// The parsed plan; an empty object (and a test failure) when it is not a JSON object.
json sync_plan(const SyncRequest& r) {
  json doc = json::parse(sync_bytes(r), nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(doc.is_object()) << "plan is not a JSON object";
  return doc.is_object() ? doc : json::object();
}

json sync_plan(const json& types, const json& units, const json& current = json::object()) {
  SyncRequest r;
  r.types = types.dump();
  r.units = units.dump();
  r.current = current.dump();
  return sync_plan(r);
}

// What the host reports as stored after writing a plan: each row's hash and flags, by MotoPress id.
json current_from(const json& plan) {
  json current = {{"accommodation_types", json::object()}, {"accommodation_units", json::object()}};
  for (const auto& row : plan["accommodation_types"]) {
    current["accommodation_types"][std::to_string(row["mphb_type_id"].get<int64_t>())] = {
        {"hash", row["content_hash"]}, {"is_active", row["is_active"]}, {"is_placeholder", row["is_placeholder"]}};
  }
  for (const auto& row : plan["accommodation_units"]) {
    current["accommodation_units"][std::to_string(row["mphb_accommodation_id"].get<int64_t>())] = {
        {"hash", row["content_hash"]}, {"is_active", row["is_active"]}, {"is_placeholder", row["is_placeholder"]}};
  }
  return current;
}

json without_hash(json row) {
  row.erase("content_hash");
  return row;
}

void expect_no_writes(json& plan) {
  EXPECT_EQ(plan["accommodation_types"], json::array()) << plan["accommodation_types"].dump();
  EXPECT_EQ(plan["accommodation_units"], json::array()) << plan["accommodation_units"].dump();
  EXPECT_EQ(plan["deactivate_types"], json::array()) << plan["deactivate_types"].dump();
  EXPECT_EQ(plan["deactivate_units"], json::array()) << plan["deactivate_units"].dump();
}

void expect_counts(json& plan, int tc, int tu, int tn, int td, int uc, int uu, int un, int ud) {
  const json expected = {{"types_created", tc}, {"types_updated", tu}, {"types_unchanged", tn}, {"types_deactivated", td},
                         {"units_created", uc}, {"units_updated", uu}, {"units_unchanged", un}, {"units_deactivated", ud}};
  EXPECT_EQ(plan["counts"], expected) << plan["counts"].dump();
}

// ---- a first sync into an empty database -------------------------------------------------------------

TEST(AccommodationsSync, EmptyDatabasePlansEveryTypeAndUnitAsCreatedWithItsContentHash) {
  json plan = sync_plan(standard_types(), standard_units());
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  EXPECT_EQ(plan["warnings"], json::array()) << plan["warnings"].dump();
  ASSERT_EQ(plan["accommodation_types"].size(), 2u);
  ASSERT_EQ(plan["accommodation_units"].size(), 3u);
  EXPECT_EQ(plan["deactivate_types"], json::array());
  EXPECT_EQ(plan["deactivate_units"], json::array());
  expect_counts(plan, 2, 0, 0, 0, 3, 0, 0, 0);

  for (const auto& row : plan["accommodation_types"]) {
    ASSERT_TRUE(row.contains("content_hash"));
    EXPECT_EQ(row["content_hash"], mphb::content_hash(without_hash(row)));
    EXPECT_EQ(row["id"], mphb::accommodation_type_row_id(kTenant, row["mphb_type_id"].get<int64_t>()));
    EXPECT_EQ(row["tenant_id"], kTenant);
    EXPECT_EQ(row["is_placeholder"], false);
    EXPECT_EQ(row["is_active"], true);
  }
  for (const auto& row : plan["accommodation_units"]) {
    ASSERT_TRUE(row.contains("content_hash"));
    EXPECT_EQ(row["content_hash"], mphb::content_hash(without_hash(row)));
    EXPECT_EQ(row["id"], mphb::accommodation_unit_row_id(kTenant, row["mphb_accommodation_id"].get<int64_t>()));
    EXPECT_EQ(row["accommodation_type_id"], mphb::accommodation_type_row_id(kTenant, row["mphb_type_id"].get<int64_t>()));
    EXPECT_EQ(row["is_placeholder"], false);
  }
  EXPECT_EQ(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 7).size(), 1u);
  EXPECT_EQ(rows_where(plan["accommodation_types"], "name", "Suite").size(), 1u);
}

TEST(AccommodationsSync, NullCurrentStateSectionsMeanAnEmptyDatabase) {
  json plan =
      sync_plan(standard_types(), standard_units(), json{{"accommodation_types", nullptr}, {"accommodation_units", nullptr}});
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  expect_counts(plan, 2, 0, 0, 0, 3, 0, 0, 0);
}

TEST(AccommodationsSync, PagedInputPlansTheSameAsOneList) {
  const json paged_units = json::array({json::array({unit_record(5, 12, "Double 1"), unit_record(6, 12, "Double 2")}),
                                        json::array({unit_record(7, 14, "Suite 1")})});
  SyncRequest flat;
  SyncRequest paged;
  paged.units = paged_units.dump();
  EXPECT_EQ(sync_bytes(paged), sync_bytes(flat));
}

// ---- re-syncs --------------------------------------------------------------------------------------

TEST(AccommodationsSync, ResyncWithTheStoredHashesPlansNoWrites) {
  json first = sync_plan(standard_types(), standard_units());
  json second = sync_plan(standard_types(), standard_units(), current_from(first));
  EXPECT_EQ(second["errors"], json::array()) << second["errors"].dump();
  EXPECT_EQ(second["warnings"], json::array()) << second["warnings"].dump();
  expect_no_writes(second);
  expect_counts(second, 0, 0, 2, 0, 0, 0, 3, 0);
}

TEST(AccommodationsSync, ResyncAtAnotherTimeIsStillUnchanged) {
  json first = sync_plan(standard_types(), standard_units());
  SyncRequest later;
  later.now = "2027-03-01T08:30:00Z";
  later.current = current_from(first).dump();
  json second = sync_plan(later);
  expect_no_writes(second);
  expect_counts(second, 0, 0, 2, 0, 0, 0, 3, 0);
}

TEST(AccommodationsSync, ResyncWithRecordsInAnotherOrderIsUnchanged) {
  json first = sync_plan(standard_types(), standard_units());
  const json units = json::array({unit_record(7, 14, "Suite 1"), unit_record(5, 12, "Double 1"), unit_record(6, 12, "Double 2")});
  const json types = json::array({type_record(14, "Suite"), type_record(12, "Double Room")});
  json second = sync_plan(types, units, current_from(first));
  expect_no_writes(second);
}

TEST(AccommodationsSync, ChangedUnitTitleUpsertsExactlyThatUnit) {
  json first = sync_plan(standard_types(), standard_units());
  const json units =
      json::array({unit_record(5, 12, "Double 1"), unit_record(6, 12, "Double 2 (renovated)"), unit_record(7, 14, "Suite 1")});
  json second = sync_plan(standard_types(), units, current_from(first));
  EXPECT_EQ(second["errors"], json::array()) << second["errors"].dump();
  ASSERT_EQ(second["accommodation_units"].size(), 1u);
  const json row = second["accommodation_units"][0];
  EXPECT_EQ(row["mphb_accommodation_id"], 6);
  EXPECT_EQ(row["name"], "Double 2 (renovated)");
  EXPECT_EQ(row["content_hash"], mphb::content_hash(without_hash(row)));
  EXPECT_NE(row["content_hash"], first["accommodation_units"][1]["content_hash"]);
  EXPECT_EQ(second["accommodation_types"], json::array());
  EXPECT_EQ(second["deactivate_types"], json::array());
  EXPECT_EQ(second["deactivate_units"], json::array());
  expect_counts(second, 0, 0, 2, 0, 0, 1, 2, 0);
}

TEST(AccommodationsSync, ChangedTypeTitleUpsertsExactlyThatType) {
  json first = sync_plan(standard_types(), standard_units());
  const json types = json::array({type_record(12, "Double Room"), type_record(14, "Junior Suite")});
  json second = sync_plan(types, standard_units(), current_from(first));
  ASSERT_EQ(second["accommodation_types"].size(), 1u);
  EXPECT_EQ(second["accommodation_types"][0]["mphb_type_id"], 14);
  EXPECT_EQ(second["accommodation_types"][0]["name"], "Junior Suite");
  EXPECT_EQ(second["accommodation_units"], json::array());
  expect_counts(second, 0, 1, 1, 0, 0, 0, 3, 0);
}

TEST(AccommodationsSync, StoredRowWithAStaleHashIsUpdated) {
  json current = current_from(sync_plan(standard_types(), standard_units()));
  current["accommodation_units"]["5"]["hash"] = "0000000000000000000000000000000000000000";
  current["accommodation_units"]["6"].erase("hash");
  json plan = sync_plan(standard_types(), standard_units(), current);
  ASSERT_EQ(plan["accommodation_units"].size(), 2u);
  EXPECT_EQ(plan["accommodation_units"][0]["mphb_accommodation_id"], 5);
  EXPECT_EQ(plan["accommodation_units"][1]["mphb_accommodation_id"], 6);
  expect_counts(plan, 0, 0, 2, 0, 0, 2, 1, 0);
}

TEST(AccommodationsSync, UnitTrashedUpstreamIsUpdatedAsInactiveNotDeactivated) {
  json first = sync_plan(standard_types(), standard_units());
  json units = standard_units();
  units[2]["status"] = "trash";
  json second = sync_plan(standard_types(), units, current_from(first));
  ASSERT_EQ(second["accommodation_units"].size(), 1u);
  EXPECT_EQ(second["accommodation_units"][0]["mphb_accommodation_id"], 7);
  EXPECT_EQ(second["accommodation_units"][0]["is_active"], false);
  EXPECT_EQ(second["deactivate_units"], json::array());
}

// A row the host marked inactive (gone upstream) keeps its old hash in `current`; when MotoPress returns
// it again unchanged it must be upserted so that it becomes active again.
TEST(AccommodationsSync, StoredInactiveRowThatReappearsUpstreamIsUpsertedAgain) {
  json current = current_from(sync_plan(standard_types(), standard_units()));
  current["accommodation_units"]["7"]["is_active"] = false;
  current["accommodation_types"]["14"]["is_active"] = false;
  json plan = sync_plan(standard_types(), standard_units(), current);
  EXPECT_EQ(rows_where(plan["accommodation_units"], "mphb_accommodation_id", 7).size(), 1u) << plan["counts"].dump();
  EXPECT_EQ(rows_where(plan["accommodation_types"], "mphb_type_id", 14).size(), 1u) << plan["counts"].dump();
  EXPECT_EQ(plan["counts"]["units_updated"], 1);
  EXPECT_EQ(plan["counts"]["types_updated"], 1);
  EXPECT_EQ(plan["deactivate_units"], json::array());
}

// ---- rows gone upstream ---------------------------------------------------------------------------

TEST(AccommodationsSync, TypeAndUnitMissingUpstreamButActiveInTheDatabaseAreDeactivated) {
  json current = current_from(sync_plan(standard_types(), standard_units()));
  const json types = json::array({type_record(12, "Double Room")});
  const json units = json::array({unit_record(5, 12, "Double 1"), unit_record(6, 12, "Double 2")});
  json plan = sync_plan(types, units, current);
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  EXPECT_EQ(plan["deactivate_types"], json::array({14}));
  EXPECT_EQ(plan["deactivate_units"], json::array({7}));
  EXPECT_EQ(plan["accommodation_types"], json::array());
  EXPECT_EQ(plan["accommodation_units"], json::array());
  expect_counts(plan, 0, 0, 1, 1, 0, 0, 2, 1);
}

TEST(AccommodationsSync, RowsOnlyInTheDatabaseAreDeactivatedInIdOrder) {
  json current = current_from(sync_plan(standard_types(), standard_units()));
  current["accommodation_units"]["300"] = {{"hash", "h"}, {"is_active", true}};
  current["accommodation_units"]["41"] = {{"hash", "h"}, {"is_active", true}};
  json plan = sync_plan(standard_types(), standard_units(), current);
  EXPECT_EQ(plan["deactivate_units"], json::array({41, 300}));
}

TEST(AccommodationsSync, AlreadyInactiveRowMissingUpstreamIsNotDeactivatedAgain) {
  json current = current_from(sync_plan(standard_types(), standard_units()));
  current["accommodation_types"]["14"]["is_active"] = false;
  current["accommodation_units"]["7"]["is_active"] = false;
  const json types = json::array({type_record(12, "Double Room")});
  const json units = json::array({unit_record(5, 12, "Double 1"), unit_record(6, 12, "Double 2")});
  json plan = sync_plan(types, units, current);
  expect_no_writes(plan);
  expect_counts(plan, 0, 0, 1, 0, 0, 0, 2, 0);
}

TEST(AccommodationsSync, TypeGoneUpstreamButStillNamedByAUnitIsDeactivatedWithoutAPlaceholder) {
  json current = current_from(sync_plan(standard_types(), standard_units()));
  const json types = json::array({type_record(12, "Double Room")});
  json plan = sync_plan(types, standard_units(), current);
  EXPECT_EQ(plan["deactivate_types"], json::array({14}));
  EXPECT_EQ(plan["accommodation_types"], json::array());
  EXPECT_EQ(count_code(plan["warnings"], "placeholder_type"), 0u) << plan["warnings"].dump();
}

// ---- placeholder types ----------------------------------------------------------------------------

TEST(AccommodationsSync, UnitWhoseTypeIsNeitherUpstreamNorStoredGetsAPlaceholderTypeAndAWarning) {
  json units = standard_units();
  units.push_back(unit_record(8, 40, "Cabin 1"));
  json plan = sync_plan(standard_types(), units);
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  const auto placeholders = rows_where(plan["accommodation_types"], "mphb_type_id", 40);
  ASSERT_EQ(placeholders.size(), 1u);
  const json& type = placeholders[0];
  EXPECT_EQ(type["is_placeholder"], true);
  EXPECT_EQ(type["is_active"], false);
  EXPECT_EQ(type["placeholder_since"], kNow);
  EXPECT_EQ(type["id"], mphb::accommodation_type_row_id(kTenant, 40));
  EXPECT_EQ(type["content_hash"], mphb::content_hash(without_hash(type)));
  EXPECT_TRUE(has_diagnostic(plan["warnings"], "placeholder_type", "accommodations[3].accommodation_type_id"))
      << plan["warnings"].dump();
  EXPECT_EQ(count_code(plan["warnings"], "placeholder_type"), 1u);
  // The unit itself is real and points at the placeholder's row id.
  const auto unit = rows_where(plan["accommodation_units"], "mphb_accommodation_id", 8);
  ASSERT_EQ(unit.size(), 1u);
  EXPECT_EQ(unit[0]["is_placeholder"], false);
  EXPECT_EQ(unit[0]["accommodation_type_id"], type["id"]);
  EXPECT_EQ(plan["counts"]["types_created"], 3);
  EXPECT_EQ(plan["counts"]["units_created"], 4);
}

TEST(AccommodationsSync, TwoUnitsOfTheSameMissingTypeGetOnePlaceholder) {
  json units = standard_units();
  units.push_back(unit_record(8, 40, "Cabin 1"));
  units.push_back(unit_record(9, 40, "Cabin 2"));
  json plan = sync_plan(standard_types(), units);
  EXPECT_EQ(rows_where(plan["accommodation_types"], "mphb_type_id", 40).size(), 1u);
  EXPECT_EQ(plan["counts"]["types_created"], 3);
}

TEST(AccommodationsSync, UnitWhoseTypeIsOnlyStoredGetsNoPlaceholder) {
  json current = current_from(sync_plan(standard_types(), standard_units()));
  current["accommodation_types"]["40"] = {{"hash", "h40"}, {"is_active", true}, {"is_placeholder", false}};
  json units = standard_units();
  units.push_back(unit_record(8, 40, "Cabin 1"));
  json plan = sync_plan(standard_types(), units, current);
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  EXPECT_EQ(rows_where(plan["accommodation_types"], "mphb_type_id", 40).size(), 0u) << plan["accommodation_types"].dump();
  EXPECT_EQ(count_code(plan["warnings"], "placeholder_type"), 0u) << plan["warnings"].dump();
  ASSERT_EQ(plan["accommodation_units"].size(), 1u);
  EXPECT_EQ(plan["accommodation_units"][0]["mphb_accommodation_id"], 8);
}

TEST(AccommodationsSync, PlaceholderTypeWrittenOnceIsNotPlannedAgain) {
  json units = standard_units();
  units.push_back(unit_record(8, 40, "Cabin 1"));
  json first = sync_plan(standard_types(), units);
  SyncRequest later;
  later.now = "2027-01-01T00:00:00Z";
  later.units = units.dump();
  later.current = current_from(first).dump();
  json second = sync_plan(later);
  expect_no_writes(second);
  EXPECT_EQ(count_code(second["warnings"], "placeholder_type"), 0u);
}

// ---- errors: the host must write nothing -----------------------------------------------------------

TEST(AccommodationsSync, UnitWithoutTypeIsAnErrorAndNothingIsWrittenAtAll) {
  // Against a database where there would otherwise be a create, an update and a deactivation.
  json current = current_from(sync_plan(standard_types(), standard_units()));
  current["accommodation_units"]["50"] = {{"hash", "h"}, {"is_active", true}};
  current["accommodation_types"]["60"] = {{"hash", "h"}, {"is_active", true}};
  json untyped = unit_record(8, 12, "Double 3");
  untyped.erase("accommodation_type_id");
  const json units = json::array({unit_record(5, 12, "Double 1 renamed"), untyped, unit_record(6, 12, "Double 2"),
                                  unit_record(7, 14, "Suite 1"), unit_record(9, 14, "Suite 2")});
  const json types = json::array({type_record(12, "Double Room"), type_record(14, "Suite"), type_record(15, "Loft")});
  json plan = sync_plan(types, units, current);
  EXPECT_TRUE(has_diagnostic(plan["errors"], "missing_field", "accommodations[1].accommodation_type_id"))
      << plan["errors"].dump();
  expect_no_writes(plan);
}

TEST(AccommodationsSync, BadTypeRecordIsAnErrorAndNothingIsWritten) {
  json types = standard_types();
  types.push_back({{"id", "abc"}, {"title", "Broken"}});
  json plan = sync_plan(types, standard_units());
  EXPECT_FALSE(plan["errors"].empty());
  EXPECT_EQ(plan["errors"][0]["tenant_id"], kTenant);
  expect_no_writes(plan);
}

TEST(AccommodationsSync, NonObjectRecordIsAnErrorAndNothingIsWritten) {
  json units = standard_units();
  units.push_back(42);
  json plan = sync_plan(standard_types(), units, current_from(sync_plan(json::array(), json::array())));
  EXPECT_TRUE(has_diagnostic(plan["errors"], "wrong_type", "accommodations[3]")) << plan["errors"].dump();
  expect_no_writes(plan);
}

TEST(AccommodationsSync, MalformedOrTruncatedListIsAnErrorAndNothingIsDeactivated) {
  // A truncated list must not make every stored unit look gone.
  json current = current_from(sync_plan(standard_types(), standard_units()));
  SyncRequest r;
  r.units = standard_units().dump().substr(0, 40);
  r.current = current.dump();
  json plan = sync_plan(r);
  EXPECT_FALSE(plan["errors"].empty());
  expect_no_writes(plan);

  r.units = R"({"code":"rest_forbidden","message":"Sorry","data":{"status":401}})";
  plan = sync_plan(r);
  EXPECT_TRUE(has_diagnostic(plan["errors"], "not_a_collection", "accommodations")) << plan["errors"].dump();
  expect_no_writes(plan);
}

TEST(AccommodationsSync, MalformedCurrentStateIsAnErrorAndNothingIsWritten) {
  const std::vector<std::string> bad = {"",
                                        "{",
                                        "[]",
                                        "42",
                                        R"({"accommodation_units": []})",
                                        R"({"accommodation_units": {"abc": {"hash": "h"}}})",
                                        R"({"accommodation_types": {"0": {"hash": "h"}}})",
                                        R"({"accommodation_types": {"12": "h"}})"};
  for (const auto& current : bad) {
    SyncRequest r;
    r.current = current;
    json plan = sync_plan(r);
    EXPECT_FALSE(plan["errors"].empty()) << "current = " << current;
    expect_no_writes(plan);
  }
}

TEST(AccommodationsSync, InvalidTenantIdIsAnError) {
  SyncRequest r;
  r.tenant_id = "not-a-uuid";
  json plan = sync_plan(r);
  EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_tenant_id", "tenant_id")) << plan["errors"].dump();
  expect_no_writes(plan);
}

TEST(AccommodationsSync, InvalidNowIsAnError) {
  for (const std::string now : {"", "yesterday", "2026-13-40T99:00:00Z"}) {
    SyncRequest r;
    r.now = now;
    json plan = sync_plan(r);
    EXPECT_TRUE(has_diagnostic(plan["errors"], "invalid_now", "now")) << now << ": " << plan["errors"].dump();
    expect_no_writes(plan);
  }
}

TEST(AccommodationsSync, UpperCaseTenantIdIsNormalisedIntoRowIds) {
  SyncRequest r;
  r.tenant_id = "6F1C2B7E-3F7C-4D8E-9A51-2B7D6C1E0A11";
  json plan = sync_plan(r);
  EXPECT_EQ(plan["errors"], json::array()) << plan["errors"].dump();
  ASSERT_EQ(plan["accommodation_types"].size(), 2u);
  EXPECT_EQ(plan["accommodation_types"][0]["tenant_id"], kTenant);
  EXPECT_EQ(plan["accommodation_types"][0]["id"], mphb::accommodation_type_row_id(kTenant, 12));
}

TEST(AccommodationsSync, OtherTenantGetsItsOwnRowIds) {
  SyncRequest a;
  SyncRequest b;
  b.tenant_id = kOtherTenant;
  json pa = sync_plan(a);
  json pb = sync_plan(b);
  ASSERT_EQ(pa["accommodation_units"].size(), pb["accommodation_units"].size());
  EXPECT_NE(pa["accommodation_units"][0]["id"], pb["accommodation_units"][0]["id"]);
  EXPECT_EQ(pb["accommodation_units"][0]["tenant_id"], kOtherTenant);
}

// ---- determinism ----------------------------------------------------------------------------------

TEST(AccommodationsSync, SameInputGivesByteIdenticalOutput) {
  json units = standard_units();
  units.push_back(unit_record(8, 40, "Cabin 1"));
  SyncRequest r;
  r.units = units.dump();
  r.current = R"({"accommodation_units": {"99": {"hash": "h", "is_active": true}}})";
  const std::string first = sync_bytes(r);
  EXPECT_EQ(sync_bytes(r), first);
  EXPECT_EQ(sync_bytes(r), first);
}

TEST(AccommodationsSync, RecordOrderDoesNotChangeTheOutput) {
  SyncRequest forward;
  SyncRequest reversed;
  reversed.types = json::array({type_record(14, "Suite"), type_record(12, "Double Room")}).dump();
  reversed.units =
      json::array({unit_record(7, 14, "Suite 1"), unit_record(6, 12, "Double 2"), unit_record(5, 12, "Double 1")}).dump();
  EXPECT_EQ(sync_bytes(reversed), sync_bytes(forward));
}

}  // namespace
