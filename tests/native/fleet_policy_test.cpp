// Fleet decisions (issue 14): before and after a job's run, a host's backoff, the fleet report.
#include "fleet_policy.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace {

using json = nlohmann::json;

inline json start(const json& in) { return json::parse(mphb::decide_fleet_job_start_json(in.dump()), nullptr, false); }
inline json end(const json& in) { return json::parse(mphb::decide_fleet_job_end_json(in.dump()), nullptr, false); }
inline json backoff(const json& in) { return json::parse(mphb::decide_host_backoff_json(in.dump()), nullptr, false); }
inline json report(const json& in) { return json::parse(mphb::build_fleet_report_json(in.dump()), nullptr, false); }

const char* kNow = "2026-12-01T12:00:00.000Z";

TEST(FleetJobStart, APausedTenantIsSkippedWhateverItsHost) {
  const json out =
      start({{"tenant_id", "t"}, {"now", kNow}, {"paused", true}, {"host_backoff_until", "2026-12-01T13:00:00.000Z"}});
  EXPECT_EQ(out["action"], "skip");
  EXPECT_EQ(out["code"], "paused");
}

TEST(FleetJobStart, ABackedOffHostDefersUntilItsEndSpreadByTenant) {
  std::set<int64_t> spread;
  for (int i = 0; i < 50; ++i) {
    const json out =
        start({{"tenant_id", "tenant-" + std::to_string(i)}, {"now", kNow}, {"host_backoff_until", "2026-12-01T12:01:00.500Z"}});
    ASSERT_EQ(out["action"], "defer");
    ASSERT_EQ(out["code"], "host_backoff");
    const int64_t s = out["due_in_seconds"].get<int64_t>();
    EXPECT_GE(s, 61);  // 60.5 s rounded up
    EXPECT_LT(s, 71);
    spread.insert(s);
  }
  EXPECT_GT(spread.size(), 5u);
  // The same tenant always gets the same answer.
  const json in = {{"tenant_id", "tenant-7"}, {"now", kNow}, {"host_backoff_until", "2026-12-01T12:01:00.500Z"}};
  EXPECT_EQ(start(in), start(in));
}

TEST(FleetJobStart, ABackoffInThePastIsNoBackoff) {
  EXPECT_EQ(start({{"tenant_id", "t"}, {"now", kNow}, {"host_backoff_until", "2026-12-01T11:59:59.000Z"}})["action"],
            "take_slot");
}

TEST(FleetJobStart, SlotThenRunOrDefer) {
  EXPECT_EQ(start({{"tenant_id", "t"}, {"now", kNow}})["action"], "take_slot");
  EXPECT_EQ(start({{"tenant_id", "t"}, {"now", kNow}, {"slot", "taken"}})["action"], "run");
  const json busy = start({{"tenant_id", "t"}, {"now", kNow}, {"slot", "none"}});
  EXPECT_EQ(busy["action"], "defer");
  EXPECT_EQ(busy["code"], "host_busy");
  EXPECT_GE(busy["due_in_seconds"].get<int64_t>(), 15);
  EXPECT_LT(busy["due_in_seconds"].get<int64_t>(), 30);
}

TEST(FleetJobStart, ARepairIsNeverDroppedOrPaused) {
  const json paused = start({{"tenant_id", "t"}, {"job", "repair"}, {"now", kNow}, {"paused", true}});
  EXPECT_EQ(paused["action"], "take_slot");
  const json backoff =
      start({{"tenant_id", "t"}, {"job", "repair"}, {"now", kNow}, {"host_backoff_until", "2026-12-01T12:05:00.000Z"}});
  EXPECT_EQ(backoff["action"], "defer");
  EXPECT_EQ(backoff["queue_status"], "failed");  // the queue retries it with backoff
  EXPECT_TRUE(backoff["due_in_seconds"].is_null());
  const json busy = start({{"tenant_id", "t"}, {"job", "repair"}, {"now", kNow}, {"slot", "none"}});
  EXPECT_EQ(busy["queue_status"], "failed");
  const json scheduled = start({{"tenant_id", "t"}, {"now", kNow}, {"slot", "none"}});
  EXPECT_EQ(scheduled["queue_status"], "completed");
  EXPECT_FALSE(start({{"tenant_id", "t"}, {"job", "backup"}, {"now", kNow}})["errors"].empty());
}

TEST(FleetJobStart, BadInputIsAnErrorValueNamingTheField) {
  const json out = start({{"tenant_id", "t"}, {"now", "yesterday"}, {"slot", "maybe"}});
  EXPECT_EQ(out["action"], "skip");
  EXPECT_EQ(out["code"], "invalid_input");
  std::set<std::string> paths;
  for (const auto& e : out["errors"]) paths.insert(e["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"now", "slot"}));
  EXPECT_FALSE(start(json::array())["errors"].empty());
  EXPECT_FALSE(json::parse(mphb::decide_fleet_job_start_json("{not json"))["errors"].empty());
}

TEST(FleetJobEnd, TheOutcomeTable) {
  struct Case {
    json code;
    bool stopping;
    const char* outcome;
    const char* queue;
  };
  const Case cases[] = {
      {nullptr, false, "completed", "completed"},
      {"already_running", false, "skipped", "completed"},
      {"unknown_tenant", true, "skipped", "completed"},
      {"no_integration", false, "skipped", "completed"},
      {"integration_inactive", false, "skipped", "completed"},
      {"interrupted", true, "handed_back", "completed"},
      {"interrupted", false, "failed", "failed"},  // the queue's own signal (claim lost): retried
      {"motopress_unauthorized", false, "deadletter", "deadletter"},
      {"decrypt_failed", false, "failed", "failed"},  // maybe this worker's key: retried, elsewhere too
      {"bad_ciphertext", false, "failed", "failed"},
      {"motopress_error", false, "failed", "failed"},
      {"motopress_error", true, "failed", "failed"},
      {"database_error", false, "failed", "failed"},
      {"lock_lost", false, "failed", "failed"},
      {"accommodations_failed", false, "failed", "failed"},
      {"something_new", false, "failed", "failed"},
  };
  for (const auto& c : cases) {
    const json out = end({{"error_code", c.code}, {"stopping", c.stopping}});
    EXPECT_EQ(out["outcome"], c.outcome) << c.code.dump() << " stopping " << c.stopping;
    EXPECT_EQ(out["queue_status"], c.queue) << c.code.dump();
    EXPECT_EQ(out["due_in_seconds"], std::string(c.outcome) == "handed_back" ? json(5) : json(nullptr));
    EXPECT_TRUE(out["errors"].empty());
  }
  EXPECT_FALSE(end({{"error_code", 42}})["errors"].empty());
}

TEST(FleetJobEnd, ARepairThatMeetsAnotherRunWaitsItsTurn) {
  EXPECT_EQ(end({{"job", "repair"}, {"error_code", "already_running"}, {"stopping", false}})["outcome"], "failed");
  EXPECT_EQ(end({{"job", "sync_all"}, {"error_code", "already_running"}, {"stopping", false}})["outcome"], "skipped");
  EXPECT_EQ(end({{"job", "repair"}, {"error_code", nullptr}, {"stopping", false}})["outcome"], "completed");
  EXPECT_EQ(end({{"job", "repair"}, {"error_code", "interrupted"}, {"stopping", true}})["outcome"], "failed");
  EXPECT_EQ(end({{"job", "repair"}, {"error_code", "unknown_tenant"}, {"stopping", false}})["outcome"], "skipped");
  EXPECT_FALSE(end({{"job", "vacuum"}, {"error_code", nullptr}})["errors"].empty());
}

TEST(HostBackoff, OnlyTooManyRequestsAndUnavailableBackTheHostOff) {
  for (int status : {200, 404, 500, 502, 504, 401}) {
    EXPECT_TRUE(
        backoff({{"status", status}, {"retry_in_ms", 5000}, {"min_seconds", 60}, {"max_seconds", 900}})["back_off_seconds"]
            .is_null())
        << status;
  }
  EXPECT_TRUE(backoff({{"status", nullptr}, {"min_seconds", 60}, {"max_seconds", 900}})["back_off_seconds"].is_null());
  EXPECT_EQ(backoff({{"status", 429}, {"retry_in_ms", 5000}, {"min_seconds", 60}, {"max_seconds", 900}})["back_off_seconds"], 60);
  EXPECT_EQ(backoff({{"status", 503}, {"retry_in_ms", 120001}, {"min_seconds", 60}, {"max_seconds", 900}})["back_off_seconds"],
            121);
  EXPECT_EQ(backoff({{"status", 429}, {"retry_in_ms", 86400000}, {"min_seconds", 60}, {"max_seconds", 900}})["back_off_seconds"],
            900);
  EXPECT_FALSE(backoff({{"status", 429}, {"min_seconds", 10}, {"max_seconds", 5}})["errors"].empty());
}

json tenant(const char* id, bool enabled, json interval, json last_success, const char* created = "2026-12-01T09:00:00.000Z") {
  return {{"tenant_id", id},       {"slug", id},
          {"enabled", enabled},    {"interval_seconds", interval},
          {"created_at", created}, {"last_success_at", last_success},
          {"failures", 0},         {"last_error_code", nullptr}};
}

TEST(FleetReport, StaleMeansOlderThanThreeIntervalsAndOnlyForScheduledTenants) {
  const json out = report({{"now", kNow},
                           {"queue_ready", true},
                           {"tenants",
                            {tenant("fresh", true, 900, "2026-12-01T11:15:00.000Z"),         // 45 min = 3 × 15 min: not yet
                             tenant("stale", true, 900, "2026-12-01T11:14:59.000Z"),         // 45 min 1 s
                             tenant("paused", false, 900, "2026-12-01T01:00:00.000Z"),       // old, but nobody asked
                             tenant("unscheduled", false, nullptr, nullptr),                 // no schedule at all
                             tenant("new", true, 900, nullptr, "2026-12-01T11:50:00.000Z"),  // never synced, added 10 min ago
                             tenant("lost", true, 900, nullptr, "2026-12-01T11:00:00.000Z")}}});  // never synced, 1 h ago
  ASSERT_TRUE(out["errors"].empty()) << out["errors"].dump();
  std::map<std::string, bool> stale;
  for (const auto& t : out["tenants"]) stale[t["slug"].get<std::string>()] = t["stale"].get<bool>();
  EXPECT_EQ(stale,
            (std::map<std::string, bool>{
                {"fresh", false}, {"stale", true}, {"paused", false}, {"unscheduled", false}, {"new", false}, {"lost", true}}));
  EXPECT_EQ(out["totals"],
            json({{"tenants", 6}, {"scheduled", 4}, {"paused", 1}, {"stale", 2}, {"failing", 0}, {"with_dead_letters", 0}}));
  EXPECT_EQ(out["tenants"][0]["last_success_age_seconds"], 2700);
  EXPECT_EQ(out["generated_at"], kNow);
}

TEST(FleetReport, QueueFiguresPerTenantAndLagPercentiles) {
  json lags = json::array();
  for (int i = 1; i <= 100; ++i) lags.push_back(i);  // 1..100 s
  const json out =
      report({{"now", kNow},
              {"queue_ready", true},
              {"tenants", {tenant("a", true, 60, nullptr), tenant("b", true, 60, nullptr), tenant("c", true, 60, nullptr)}},
              {"jobs",
               {{{"tenant_id", "a"}, {"state", "active"}},
                {{"tenant_id", "b"}, {"state", "retry"}, {"later", true}},
                {{"tenant_id", "c"}, {"state", "created"}}}},
              {"dead_letters", {{{"tenant_id", "b"}, {"count", 2}}}},
              {"lags", lags}});
  ASSERT_TRUE(out["errors"].empty()) << out["errors"].dump();
  EXPECT_EQ(out["queue"], json({{"depth", 2}, {"running", 1}, {"retrying", 1}, {"deferred", 1}, {"dead_letters", 2}}));
  EXPECT_EQ(out["tenants"][0]["state"], "running");
  EXPECT_EQ(out["tenants"][1]["state"], "retrying");
  EXPECT_EQ(out["tenants"][1]["dead_letters"], 2);
  EXPECT_EQ(out["tenants"][2]["state"], "queued");
  EXPECT_DOUBLE_EQ(out["lag_seconds"]["p50"].get<double>(), 50.5);
  EXPECT_DOUBLE_EQ(out["lag_seconds"]["p99"].get<double>(), 99.01);
  EXPECT_EQ(out["lag_seconds"]["samples"], 100);
  EXPECT_EQ(out["totals"]["with_dead_letters"], 1);
  EXPECT_EQ(out["repair_queue"], json({{"depth", 0}, {"running", 0}, {"retrying", 0}, {"deferred", 0}, {"dead_letters", 0}}));
  EXPECT_EQ(out["tenants"][0]["repair_state"], "idle");
}

TEST(FleetReport, RepairJobsAreTheirOwnQueueAndTheirDeadLettersCountForTheTenant) {
  const json out =
      report({{"now", kNow},
              {"queue_ready", true},
              {"tenants", {tenant("a", true, 60, nullptr), tenant("b", true, 60, nullptr)}},
              {"jobs",
               {{{"tenant_id", "a"}, {"queue", "sync_all"}, {"state", "created"}},
                {{"tenant_id", "a"}, {"queue", "repair"}, {"state", "active"}},
                {{"tenant_id", "b"}, {"queue", "repair"}, {"state", "retry"}}}},
              {"dead_letters", {{{"tenant_id", "b"}, {"queue", "repair"}, {"count", 1}}, {{"tenant_id", "b"}, {"count", 1}}}}});
  ASSERT_TRUE(out["errors"].empty()) << out["errors"].dump();
  EXPECT_EQ(out["queue"], json({{"depth", 1}, {"running", 0}, {"retrying", 0}, {"deferred", 0}, {"dead_letters", 1}}));
  EXPECT_EQ(out["repair_queue"], json({{"depth", 1}, {"running", 1}, {"retrying", 1}, {"deferred", 0}, {"dead_letters", 1}}));
  EXPECT_EQ(out["tenants"][0]["state"], "queued");
  EXPECT_EQ(out["tenants"][0]["repair_state"], "running");
  EXPECT_EQ(out["tenants"][1]["state"], "idle");
  EXPECT_EQ(out["tenants"][1]["repair_state"], "retrying");
  EXPECT_EQ(out["tenants"][1]["dead_letters"], 2);
  EXPECT_FALSE(report({{"now", kNow},
                       {"tenants", json::array()},
                       {"jobs", {{{"tenant_id", "a"}, {"queue", "backup"}, {"state", "created"}}}}})["errors"]
                   .empty());
}

TEST(FleetReport, NothingIsStaleBeforeTheFleetRuns) {
  const json out = report(
      {{"now", kNow},
       {"queue_ready", false},
       {"tenants",
        {tenant("old", true, 900, "2026-11-01T00:00:00.000Z"), tenant("never", true, 60, nullptr, "2026-11-01T00:00:00.000Z")}}});
  ASSERT_TRUE(out["errors"].empty());
  EXPECT_EQ(out["tenants"][0]["stale"], false);
  EXPECT_EQ(out["tenants"][1]["stale"], false);
  EXPECT_EQ(out["totals"]["stale"], 0);
}

TEST(FleetReport, NoJobsNoLag) {
  const json out = report({{"now", kNow}, {"queue_ready", false}, {"tenants", json::array()}});
  EXPECT_TRUE(out["lag_seconds"]["p50"].is_null());
  EXPECT_TRUE(out["lag_seconds"]["p99"].is_null());
  EXPECT_EQ(out["lag_seconds"]["samples"], 0);
  EXPECT_EQ(out["queue_ready"], false);
}

TEST(FleetReport, BadFactsAreErrorsWithPaths) {
  const json out =
      report({{"now", kNow},
              {"tenants", {{{"tenant_id", "x"}, {"created_at", "2026-12-01T10:00:00+02:00"}, {"interval_seconds", "often"}}}},
              {"jobs", {{{"tenant_id", "x"}, {"state", "completed"}}}},
              {"lags", {"slow"}}});
  std::set<std::string> paths;
  for (const auto& e : out["errors"]) paths.insert(e["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"tenants[0].created_at", "tenants[0].interval_seconds", "jobs[0].state", "lags[0]"}));
}

}  // namespace
