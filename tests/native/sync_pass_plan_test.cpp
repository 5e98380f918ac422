// Which pass a Sync All makes, and the cursor it leaves (issue 11, B2).
#include "sync_pass_plan.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace {

using json = nlohmann::json;

inline json decide(const json& input) { return json::parse(mphb::decide_sync_pass_json(input.dump()), nullptr, false); }
inline json settle(const json& input) { return json::parse(mphb::settle_sync_pass_json(input.dump()), nullptr, false); }

inline json cursor(const char* filters, int runs = 0, const char* after = "2026-11-30 10:00:00") {
  return {{"modified_after", after}, {"incremental_runs", runs}, {"filters", filters}};
}

inline json base(json c) {
  return {{"tenant_id", "t-1"}, {"requested", "auto"}, {"now", "2026-11-30T12:00:00.000Z"},
          {"cursor", c},        {"full_every", 24},    {"overlap_seconds", 600}};
}

TEST(SyncPassPlan, FirstRunIsFull) {
  const json out = decide(base(nullptr));
  EXPECT_EQ(out["pass"], "full");
  EXPECT_EQ(out["reason"], "no_cursor");
  EXPECT_TRUE(out["errors"].empty());
}

TEST(SyncPassPlan, RequestedFullWinsOverACursor) {
  json in = base(cursor("working"));
  in["requested"] = "full";
  EXPECT_EQ(decide(in)["reason"], "requested");
}

TEST(SyncPassPlan, UnknownFiltersAreProbedWithADateNoBookingCanHave) {
  const json out = decide(base(cursor("unknown")));
  ASSERT_EQ(out["pass"], "probe");
  EXPECT_EQ(out["query"]["filter[date_query][0][after]"], "2999-01-01 00:00:00");
  EXPECT_EQ(out["query"]["per_page"], "1");
}

TEST(SyncPassPlan, TheProbeAnswerDecides) {
  json in = base(cursor("unknown"));
  in["probe"] = {{"status", 200}, {"total", 0}};
  json out = decide(in);
  EXPECT_EQ(out["pass"], "incremental");
  EXPECT_EQ(out["filters"], "working");

  in["probe"] = {{"status", 403}, {"total", nullptr}};
  out = decide(in);
  EXPECT_EQ(out["pass"], "full");
  EXPECT_EQ(out["filters"], "refused");
  ASSERT_EQ(out["warnings"].size(), 1u);
  EXPECT_EQ(out["warnings"][0]["code"], "incremental_unavailable");
  EXPECT_EQ(out["warnings"][0]["tenant_id"], "t-1");

  in["probe"] = {{"status", 200}, {"total", 5000}};
  out = decide(in);
  EXPECT_EQ(out["pass"], "full");
  EXPECT_EQ(out["filters"], "ignored");

  in["probe"] = {{"status", 200}, {"total", nullptr}};
  out = decide(in);
  EXPECT_EQ(out["pass"], "full");
  EXPECT_EQ(out["reason"], "probe_inconclusive");
  EXPECT_EQ(out["filters"], "unknown");
}

TEST(SyncPassPlan, IncrementalQueryStartsAnOverlapBeforeTheCursorAndIncludesTrash) {
  const json out = decide(base(cursor("working", 3, "2026-11-30 00:05:00")));
  ASSERT_EQ(out["pass"], "incremental");
  const json& q = out["query"];
  EXPECT_EQ(q["filter[date_query][0][after]"], "2026-11-29 23:55:00");  // 600 s earlier, across midnight
  EXPECT_EQ(q["filter[date_query][0][column]"], "post_modified_gmt");
  EXPECT_EQ(q["filter[post_status][0]"], "any");
  EXPECT_EQ(q["filter[post_status][1]"], "trash");
}

TEST(SyncPassPlan, EveryNthRunIsFull) {
  EXPECT_EQ(decide(base(cursor("working", 22)))["pass"], "incremental");
  const json out = decide(base(cursor("working", 23)));
  EXPECT_EQ(out["pass"], "full");
  EXPECT_EQ(out["reason"], "full_every");
}

TEST(SyncPassPlan, RefusedOrIgnoredFiltersMeanFullPassesWithOneWarning) {
  for (const char* verdict : {"refused", "ignored"}) {
    const json out = decide(base(cursor(verdict)));
    EXPECT_EQ(out["pass"], "full") << verdict;
    EXPECT_EQ(out["warnings"].size(), 1u) << verdict;
  }
}

TEST(SyncPassPlan, BadInputIsAnErrorNamingTheFieldAndTheTenant) {
  json in = base(cursor("working"));
  in["now"] = "yesterday";
  in["cursor"]["modified_after"] = "2026-13-01 00:00:00";
  in["full_every"] = 0;
  const json out = decide(in);
  EXPECT_EQ(out["pass"], "full");
  std::set<std::string> paths;
  for (const auto& e : out["errors"]) {
    paths.insert(e["path"].get<std::string>());
    EXPECT_EQ(e["tenant_id"], "t-1");
  }
  EXPECT_EQ(paths, (std::set<std::string>{"now", "cursor.modified_after", "full_every"}));
  EXPECT_EQ(decide(json("not an object"))["errors"][0]["path"], "input");
  EXPECT_EQ(json::parse(mphb::decide_sync_pass_json("{\"requested\":"), nullptr, false)["errors"][0]["code"], "invalid_json");
  // A time with an offset is refused: post_modified_gmt needs UTC.
  in = base(nullptr);
  in["now"] = "2026-11-30T12:00:00+02:00";
  EXPECT_EQ(decide(in)["errors"][0]["path"], "now");
}

TEST(SyncPassPlan, ACompletePassAdvancesTheCursorToItsStart) {
  json out = settle({{"pass", "incremental"},
                     {"started_at", "2026-11-30T12:00:07.250Z"},
                     {"complete", true},
                     {"cursor", cursor("working", 4)},
                     {"filters", "working"}});
  EXPECT_EQ(out["cursor"]["modified_after"], "2026-11-30 12:00:07");
  EXPECT_EQ(out["cursor"]["incremental_runs"], 5);
  out = settle({{"pass", "full"},
                {"started_at", "2026-11-30T12:00:00Z"},
                {"complete", true},
                {"cursor", nullptr},
                {"filters", "unknown"}});
  EXPECT_EQ(out["cursor"]["modified_after"], "2026-11-30 12:00:00");
  EXPECT_EQ(out["cursor"]["incremental_runs"], 0);
  EXPECT_EQ(out["cursor"]["filters"], "unknown");
}

TEST(SyncPassPlan, AnIncompletePassKeepsTheOldCursor) {
  json out = settle({{"pass", "incremental"},
                     {"started_at", "2026-11-30T12:00:00Z"},
                     {"complete", false},
                     {"cursor", cursor("working", 4)},
                     {"filters", "working"}});
  EXPECT_EQ(out["cursor"]["modified_after"], "2026-11-30 10:00:00");
  EXPECT_EQ(out["cursor"]["incremental_runs"], 5);
  EXPECT_EQ(out["warnings"][0]["code"], "cursor_kept");
  out = settle({{"pass", "full"},
                {"started_at", "2026-11-30T12:00:00Z"},
                {"complete", false},
                {"cursor", nullptr},
                {"filters", "refused"}});
  EXPECT_TRUE(out["cursor"]["modified_after"].is_null());
  EXPECT_EQ(out["cursor"]["filters"], "refused");
}

}  // namespace

namespace {

TEST(SyncPassPlan, AFullPassWithUnknownFiltersAsksTheProbeAndSettleRecordsTheVerdict) {
  const json out = decide(base(nullptr));
  ASSERT_EQ(out["pass"], "full");
  EXPECT_EQ(out["probe"]["filter[date_query][0][after]"], "2999-01-01 00:00:00");
  EXPECT_TRUE(decide(base(cursor("working")))["probe"].is_null());
  const json settled = settle({{"pass", "full"},
                               {"started_at", "2026-11-30T12:00:00Z"},
                               {"complete", true},
                               {"cursor", nullptr},
                               {"filters", "unknown"},
                               {"probe", {{"status", 200}, {"total", 0}}}});
  EXPECT_EQ(settled["cursor"]["filters"], "working");
  // The next run is incremental at once.
  EXPECT_EQ(decide(base(settled["cursor"]))["pass"], "incremental");
}

}  // namespace
