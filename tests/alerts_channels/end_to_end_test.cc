// Alerts end to end, through `freshwatch serve`: an SQLite warehouse whose orders table was last
// loaded three days ago, a dbt model built from it and an exposure over the model. One incident
// opens at the table, with the model and the exposure as its impact, and each channel (a signed
// webhook, Slack) gets one notification. The process is killed (SIGKILL) while a receiver is
// still answering; after a restart every channel has its notification, and a repeat carries the
// id of the first: the receiver can tell each notification once. When the table is loaded
// again, each channel gets one resolve.
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/clock.h"
#include "core/time.h"
#include "support/http_test_server.h"
#include "support/process.h"

namespace freshwatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::ServerReply;
using testing::ServerRequest;

const std::string kBinary = FRESHWATCH_BINARY;

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void sql(const fs::path& db, const std::string& statements) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(h, statements.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(h);
}

struct Received {
  std::string path, delivery_id, body;
};

TEST(AlertsEndToEnd, OneIncidentAtTheRootOneNoticePerChannelAndNoneLostToAKill) {
  testing::TempDir dir;
  const auto now = core::SystemClock().now();
  sql(dir / "warehouse.db",
      fmt::format(R"(
    CREATE TABLE orders (id INTEGER, _loaded_at TEXT);
    INSERT INTO orders VALUES (1, '{}');
    CREATE TABLE fct_orders (id INTEGER, _loaded_at TEXT);
    INSERT INTO fct_orders VALUES (1, '{}');)",
                  core::format_timestamp(now - 72h), core::format_timestamp(now - 1h)));
  fs::create_directories(dir / "dbt");
  const std::string meta = fmt::format(
      R"("dbt_version": "1.8.0", "generated_at": "{}", "invocation_id": "00000000-0000-4000-8000-000000000002")",
      core::format_timestamp(now - 1h));
  write_file(dir / "dbt/manifest.json", fmt::format(R"({{
    "metadata": {{"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", {},
                 "project_name": "shop", "adapter_type": "sqlite"}},
    "nodes": {{"model.shop.fct_orders": {{"unique_id": "model.shop.fct_orders", "resource_type": "model",
      "package_name": "shop", "name": "fct_orders", "original_file_path": "models/fct_orders.sql",
      "database": null, "schema": "main", "alias": "fct_orders", "config": {{"materialized": "table"}},
      "depends_on": {{"nodes": ["source.shop.raw.orders"], "macros": []}}}}}},
    "sources": {{"source.shop.raw.orders": {{"unique_id": "source.shop.raw.orders", "resource_type": "source",
      "package_name": "shop", "name": "orders", "source_name": "raw", "original_file_path": "models/sources.yml",
      "database": null, "schema": "main", "identifier": "orders", "depends_on": {{"nodes": []}}}}}},
    "exposures": {{"exposure.shop.revenue": {{"unique_id": "exposure.shop.revenue", "resource_type": "exposure",
      "package_name": "shop", "name": "revenue", "label": "Revenue", "type": "dashboard",
      "original_file_path": "models/exposures.yml", "owner": {{"name": "Finance"}},
      "depends_on": {{"nodes": ["model.shop.fct_orders"]}}}}}}}})",
                                                    meta));

  std::mutex mutex;
  std::vector<Received> received;
  std::atomic<bool> slow{true};
  testing::HttpTestServer receiver([&](const ServerRequest& r) {
    const std::string id = r.header("X-Freshwatch-Delivery");
    {
      std::lock_guard lock(mutex);
      received.push_back({r.target, id, r.body});
    }
    // The first answer comes late: the process is killed while it waits for it.
    if (slow.exchange(false)) return ServerReply{.status = 200, .body = "ok", .delay = 4s};
    return ServerReply{.status = 200, .body = "ok"};
  });

  const int port = testing::free_port();
  write_file(dir / "freshwatch.yml",
             fmt::format(R"(timezone: UTC
store: {{sqlite: freshwatch.db}}
server: {{listen: "127.0.0.1:{}"}}
connections:
  - name: wh
    type: sqlite
    path: warehouse.db
    loaded_at_field: _loaded_at
    schedule: "* * * * *"
    jitter: 0s
  - name: dbt
    type: dbt
    artifacts: dbt
    schedule: "* * * * *"
    jitter: 0s
policies:
  - select: "*"
    warn_after: {{count: 1, period: day}}
    error_after: {{count: 2, period: day}}
alerts:
  public_url: https://freshwatch.example.com
  channels:
    - {{name: hooks, type: webhook, url: "{}", secret: s3cret}}
    - {{name: chat, type: slack, url: "{}"}}
  routes:
    - {{select: "*", channels: [hooks, chat]}}
)",
                         port, receiver.url("/hook"), receiver.url("/slack")));
  const std::vector<std::string> serve = {kBinary, "serve", "--config",
                                          (dir / "freshwatch.yml").string()};
  auto count = [&] {
    std::lock_guard lock(mutex);
    return received.size();
  };
  auto wait_for = [&](std::size_t n, std::chrono::seconds limit) {
    for (auto until = std::chrono::steady_clock::now() + limit;
         count() < n && std::chrono::steady_clock::now() < until;)
      std::this_thread::sleep_for(50ms);
    return count() >= n;
  };
  {
    testing::ChildProcess first(serve, dir / "serve-1.log");
    ASSERT_TRUE(wait_for(1, 60s)) << "no notification arrived: " << read_file(dir / "serve-1.log");
    first.stop(SIGKILL, 0);  // while the first receiver is still answering
  }
  testing::ChildProcess second(serve, dir / "serve-2.log");
  ASSERT_TRUE(wait_for(2, 60s));
  std::this_thread::sleep_for(3s);  // anything else would arrive by now
  const std::size_t before_load = count();

  // The table is loaded again: at the next collection (within a minute) the incident resolves,
  // one notice per channel.
  sql(dir / "warehouse.db", fmt::format("UPDATE orders SET _loaded_at = '{}'",
                                        core::format_timestamp(core::SystemClock().now())));
  ASSERT_TRUE(wait_for(before_load + 2, 90s)) << "no resolve notices";
  std::this_thread::sleep_for(2s);
  second.stop(SIGTERM);

  std::unique_lock lock(mutex);
  std::map<std::string, std::string> body_of;           // webhook delivery id -> body
  std::map<std::string, std::set<std::string>> events;  // path -> events told
  std::size_t slack = 0;
  for (const auto& r : received) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.body);
    if (r.path == "/slack") {
      ++slack;
      events[r.path].insert(r.body.find("fresh again") != std::string::npos ? "resolved" : "told");
      continue;
    }
    ASSERT_EQ(r.path, "/hook");
    ASSERT_FALSE(r.delivery_id.empty()) << r.body;
    const std::string event{std::string_view(doc["event"])};
    events[r.path].insert(event);
    // A repeat (after the kill) carries the same id as the first: the receiver can tell.
    if (body_of.contains(r.delivery_id)) {
      simdjson::dom::parser first;
      EXPECT_EQ(std::string_view(first.parse(body_of[r.delivery_id])["event"]), event);
    }
    body_of[r.delivery_id] = r.body;
    EXPECT_EQ(std::string_view(doc["incident"]["root"]["key"]), "wh:main.orders") << r.body;
    EXPECT_EQ(std::int64_t(doc["incident"]["impacted"]["count"]), 2) << r.body;
    EXPECT_NE(r.body.find("dbt:exposure.shop.revenue"), std::string::npos) << r.body;
  }
  EXPECT_EQ(events["/hook"], (std::set<std::string>{"incident.opened", "incident.resolved"}));
  EXPECT_EQ(body_of.size(), 2u) << "one incident: one opening and one resolve to the webhook";
  EXPECT_EQ(events["/slack"], (std::set<std::string>{"told", "resolved"}));
  EXPECT_GE(slack, 2u);
  EXPECT_LE(slack, 3u) << "at most one repeat, of the delivery the kill interrupted";
  simdjson::dom::parser id_parser;
  const std::string incident_id{
      std::string_view(id_parser.parse(body_of.begin()->second)["incident"]["id"])};
  received.clear();
  lock.unlock();

  // The commands read the same store and channels.
  const std::string config = " --config " + (dir / "freshwatch.yml").string();
  const auto list = testing::run_command(
      {"/bin/sh", "-c", kBinary + " incidents list --state any" + config + " 2>&1"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(incident_id), std::string::npos) << list.output;
  const auto ack = testing::run_command(
      {"/bin/sh", "-c", kBinary + " incidents ack '" + incident_id + "'" + config + " 2>&1"});
  EXPECT_EQ(ack.exit_code, 0) << ack.output;
  const auto unknown =
      testing::run_command({"/bin/sh", "-c", kBinary + " incidents ack nope" + config + " 2>&1"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  const auto test =
      testing::run_command({"/bin/sh", "-c", kBinary + " alerts test hooks" + config + " 2>&1"});
  EXPECT_EQ(test.exit_code, 0) << test.output;
  EXPECT_NE(test.output.find("answered 200"), std::string::npos) << test.output;
  EXPECT_EQ(count(), 1u);
}

}  // namespace
}  // namespace freshwatch
