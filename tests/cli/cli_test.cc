// Runs the real freshwatch binary against the generated demo warehouse.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>

#include "support/process.h"
#include "support/sqlite_file.h"

namespace freshwatch {
namespace {

using testing::CommandResult;
using testing::run_command;

const std::string kBinary = FRESHWATCH_BINARY;

CommandResult fw(std::vector<std::string> args) {
  args.insert(args.begin(), kBinary);
  return run_command(args);
}

// stdout only (stderr discarded), for output a program parses.
CommandResult fw_stdout(const std::string& args) {
  return run_command({"/bin/sh", "-c", kBinary + " " + args + " 2>/dev/null"});
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Waits for a running process to write `text` into its log (real time: the process is real).
bool wait_for_log(const std::filesystem::path& log, const std::string& text, int occurrences = 1,
                  std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto content = read_file(log);
    int found = 0;
    for (auto pos = content.find(text); pos != std::string::npos; pos = content.find(text, pos + 1))
      ++found;
    if (found >= occurrences) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

long long count_rows(const std::filesystem::path& db, const std::string& table) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_stmt* stmt = nullptr;
  long long n = -1;
  if (sqlite3_prepare_v2(handle, ("SELECT count(*) FROM " + table).c_str(), -1, &stmt, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return n;
}

// One demo directory for the whole suite (generating it takes a moment).
class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    demo_ = new CommandResult(fw({"demo", "--dir", (dir_->path() / "demo").string(), "--no-serve"}));
  }
  static void TearDownTestSuite() {
    delete demo_;
    delete dir_;
  }
  static std::string config() { return (dir_->path() / "demo" / "freshwatch.yml").string(); }

  static testing::TempDir* dir_;
  static CommandResult* demo_;
};
testing::TempDir* Cli::dir_ = nullptr;
CommandResult* Cli::demo_ = nullptr;

TEST_F(Cli, DemoWithoutServingShowsEveryStatus) {
  ASSERT_EQ(demo_->exit_code, 0) << demo_->output;
  for (const char* text : {"\nfresh ", "\nwarn ", "\nerror ", "\nunknown ", "68 assets:",
                           "no column _loaded_at in sales.discounts", "no such table",
                           "'n/a' is not a timestamp", "\nerror    looker:dashboard/3 ",
                           "oldest data from demo:finance.payroll_summary",
                           "\nfresh    looker:dashboard/1 "})
    EXPECT_NE(demo_->output.find(text), std::string::npos) << text << "\n" << demo_->output;
  EXPECT_EQ(demo_->output.find("\x1b["), std::string::npos) << "no colour when not on a terminal";
  const auto store = dir_->path() / "demo" / "freshwatch.db";
  EXPECT_GT(count_rows(store, "daily_rollup"), 1000) << "90 days of synthetic history";
  EXPECT_EQ(count_rows(store, "users"), 1);
}

TEST_F(Cli, CheckExitCodesFollowFailOn) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  const Case cases[] = {
      {{}, 1},                                                     // errors exist; default error
      {{"--select", "demo:marketing.campaigns"}, 0},               // fresh
      {{"--select", "demo:marketing.leads"}, 0},                   // warn < error
      {{"--select", "demo:marketing.leads", "--fail-on", "warn"}, 1},
      {{"--select", "demo:sales.discounts", "--fail-on", "warn"}, 0},  // unknown < warn
      {{"--select", "demo:sales.discounts", "--fail-on", "unknown"}, 1},
      {{"--select", "demo:staging.old_backfill"}, 1},
      {{"--select", "tag:daily", "--fail-on", "error"}, 1},        // a missed deadline
      // Judged a year later, the fresh table is stale too.
      {{"--select", "demo:marketing.campaigns", "--as-of", "2099-01-01T00:00:00Z"}, 1},
      {{"--select", ""}, 2},
      {{"--as-of", "yesterday-ish"}, 2},
      {{"--fail-on", "sometimes"}, 2},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"check", "--config", config()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = fw(args);
    std::string shown;
    for (const auto& a : c.args) shown += a + " ";
    EXPECT_EQ(r.exit_code, c.exit_code) << shown << "\n" << r.output;
  }
  const auto missing = fw({"check", "--config", (dir_->path() / "nope.yml").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("no configuration file"), std::string::npos);
}

TEST_F(Cli, CheckJsonHasTheDocumentedShape) {
  const auto r = fw_stdout("check --format json --config " + config());
  ASSERT_EQ(r.exit_code, 1) << r.output;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.output).get(doc), simdjson::SUCCESS) << r.output;
  EXPECT_TRUE(doc["failed"].get_bool().value());
  EXPECT_EQ(std::string_view(doc["fail_on"].get_string().value()), "error");
  // The demo's BI layer is served only while the demo runs: its assets are judged from the
  // state last collected, unknown because the connection fails now.
  EXPECT_EQ(doc["summary"]["total"].get_uint64().value(), 68u);
  simdjson::dom::array assets = doc["assets"].get_array().value();
  ASSERT_EQ(assets.size(), 68u);
  bool saw_fresh = false, saw_unknown = false;
  for (simdjson::dom::element a : assets) {
    for (const char* field : {"key", "name", "status", "changed_at", "age_seconds", "signal",
                              "policy", "reason", "error"})
      EXPECT_EQ(a[field].error(), simdjson::SUCCESS) << field;
    const std::string_view key = a["key"].get_string().value();
    const std::string_view status = a["status"].get_string().value();
    if (key == "demo:marketing.campaigns") {
      saw_fresh = true;
      EXPECT_EQ(status, "fresh");
      EXPECT_TRUE(a["changed_at"].is_string());
      EXPECT_TRUE(a["age_seconds"].is_int64() || a["age_seconds"].is_uint64());
      EXPECT_EQ(std::string_view(a["signal"].get_string().value()), "max(_loaded_at)");
      EXPECT_TRUE(a["error"].is_null());
    }
    if (key == "demo:staging.tmp_import") {
      saw_unknown = true;
      EXPECT_EQ(status, "unknown");
      EXPECT_TRUE(a["changed_at"].is_null());
      EXPECT_TRUE(a["age_seconds"].is_null());
      EXPECT_EQ(std::string_view(a["error"].get_string().value()),
                "no column _loaded_at in staging.tmp_import");
    }
  }
  EXPECT_TRUE(saw_fresh);
  EXPECT_TRUE(saw_unknown);
}

TEST_F(Cli, ValidateReportsEveryProblemWithItsPosition) {
  const auto ok = fw({"validate", "--config", config()});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("ok (3 connections, 3 policies)"), std::string::npos) << ok.output;

  testing::TempDir dir;
  const auto bad = dir / "freshwatch.yml";
  std::ofstream(bad) << "timezone: Europe/Berlin\n"
                        "connections:\n"
                        "  - name: wh\n"
                        "    type: sqlite\n"
                        "    path: w.db\n"
                        "    schedul: \"*/5 * * * *\"\n"
                        "policies:\n"
                        "  - select: \"tag:daily\"\n"
                        "    warn_after: {count: 12, period: fortnight}\n";
  const auto r = fw({"validate", "--config", bad.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(bad.string() + ":6:5:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("schedule"), std::string::npos) << "did you mean";
  EXPECT_NE(r.output.find(bad.string() + ":9:"), std::string::npos) << r.output;
  // check and collect refuse the same file with the same exit code.
  EXPECT_EQ(fw({"check", "--config", bad.string()}).exit_code, 2);
  EXPECT_EQ(fw({"collect", "--config", bad.string()}).exit_code, 2);
}

TEST_F(Cli, HelpAndUsage) {
  for (const char* sub : {"check", "collect", "validate", "serve", "demo"}) {
    const auto r = fw({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.output.find(sub == std::string("demo") ? "--dir" : "--config"), std::string::npos)
        << sub;
  }
  EXPECT_EQ(fw({}).exit_code, 2);
  EXPECT_EQ(fw({"frobnicate"}).exit_code, 2);
}

// A configuration over the demo warehouse with its own, empty store and a fast schedule.
std::filesystem::path serve_config(const testing::TempDir& dir, const std::filesystem::path& demo,
                                   int port = testing::free_port()) {
  auto text = read_file(demo / "freshwatch.yml");
  auto replace = [&](const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
  };
  replace("sqlite: freshwatch.db", "sqlite: " + (dir / "store.db").string());
  replace("path: warehouse.db", "path: " + (demo / "warehouse.db").string());
  for (const char* schema : {"sales", "marketing", "finance", "ops", "staging"})
    replace(std::string("schemas/") + schema + ".db", (demo / "schemas" / (std::string(schema) + ".db")).string());
  replace("listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:" + std::to_string(port) + "\"");
  const auto path = dir / "freshwatch.yml";
  std::ofstream(path) << text;
  return path;
}

TEST_F(Cli, ServeStopsGracefullyOnSigterm) {
  testing::TempDir dir;
  const int port = testing::free_port();
  const auto cfg = serve_config(dir, dir_->path() / "demo", port);
  const auto log = dir / "serve.log";
  testing::ChildProcess serve({kBinary, "serve", "--config", cfg.string()}, log);
  ASSERT_TRUE(wait_for_log(log, "collected 'demo'")) << read_file(log);
  EXPECT_TRUE(testing::wait_for_port(port)) << "the HTTP server listens on server.listen";
  const int status = serve.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status)) << read_file(log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_file(log);
  EXPECT_NE(read_file(log).find("stopped"), std::string::npos);
  EXPECT_GE(count_rows(dir / "store.db", "connection_runs"), 1);
}

TEST_F(Cli, KillDuringServeLosesNothingCommitted) {
  testing::TempDir dir;
  const auto cfg = serve_config(dir, dir_->path() / "demo");
  const auto log = dir / "serve.log";
  long long runs = 0, assets = 0;
  {
    testing::ChildProcess serve({kBinary, "serve", "--config", cfg.string()}, log);
    ASSERT_TRUE(wait_for_log(log, "collected 'demo'")) << read_file(log);
    serve.stop(SIGKILL);
    runs = count_rows(dir / "store.db", "connection_runs");
    assets = count_rows(dir / "store.db", "assets");
    EXPECT_GE(runs, 1);
    EXPECT_GE(assets, 40);
  }
  // The next start reads what was committed and carries on from it.
  const auto log2 = dir / "serve2.log";
  testing::ChildProcess serve({kBinary, "serve", "--config", cfg.string()}, log2);
  ASSERT_TRUE(wait_for_log(log2, "loaded 47 assets")) << read_file(log2);
  EXPECT_EQ(serve.stop(SIGTERM), 0);
  EXPECT_GE(count_rows(dir / "store.db", "connection_runs"), runs);
  EXPECT_EQ(count_rows(dir / "store.db", "assets"), assets);
  // A check against the same store still works after the crash.
  EXPECT_EQ(fw({"check", "--config", cfg.string(), "--select", "demo:marketing.campaigns"}).exit_code, 0);
}

}  // namespace
}  // namespace freshwatch

namespace freshwatch {
namespace {

TEST(CliWhy, ExplainsAnAssetAndRejectsUnknownKeys) {
  testing::TempDir dir;
  ASSERT_EQ(fw({"demo", "--dir", (dir / "demo").string(), "--no-serve"}).exit_code, 0);
  const auto cfg = (dir / "demo" / "freshwatch.yml").string();
  const auto r = fw({"why", "--config", cfg, "demo:staging.tmp_import"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("demo:staging.tmp_import is unknown"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no column _loaded_at"), std::string::npos) << r.output;
  const auto missing = fw({"why", "--config", cfg, "orders"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("did you mean: "), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("demo:sales.orders"), std::string::npos) << missing.output;
  // The demo's dashboard: the path to each stale table at its root.
  const auto dashboard = fw({"why", "--config", cfg, "dbt:exposure.shop.revenue_dashboard"});
  EXPECT_EQ(dashboard.exit_code, 0) << dashboard.output;
  EXPECT_NE(dashboard.output.find("root cause 1: demo:sales.invoices is error"), std::string::npos)
      << dashboard.output;
}

// What a connection reports beside its assets, in `check`'s JSON and table.
TEST(CliConnections, CheckShowsConnectionWarningsAndErrors) {
  testing::TempDir dir;
  ASSERT_EQ(fw({"demo", "--dir", (dir / "demo").string(), "--no-serve"}).exit_code, 0);
  const auto cfg = (dir / "demo" / "freshwatch.yml").string();
  const auto manifest = dir / "demo" / "dbt" / "target" / "manifest.json";
  const std::string good = read_file(manifest);
  simdjson::dom::parser parser;
  // The dbt connection of one `check --format json`.
  auto dbt_connection = [&](std::string& output) -> simdjson::dom::element {
    output = fw_stdout("check --format json --config " + cfg).output;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(output).get(doc), simdjson::SUCCESS) << output;
    simdjson::dom::array connections = doc["connections"].get_array().value();
    for (simdjson::dom::element c : connections)
      if (std::string_view(c["name"].get_string().value()) == "dbt") return c;
    ADD_FAILURE() << "no dbt connection in " << output;
    return doc;
  };
  std::string out;
  {
    auto dbt = dbt_connection(out);
    EXPECT_TRUE(dbt["error"].is_null()) << out;
    EXPECT_EQ(dbt["warnings"].get_array().value().size(), 0u) << out;
  }
  // Artifacts from a newer dbt: read, and said so on the connection.
  {
    std::string newer = good;
    const std::string from = "dbt/manifest/v12.json";
    const auto pos = newer.find(from);
    ASSERT_NE(pos, std::string::npos);
    newer.replace(pos, from.size(), "dbt/manifest/v99.json");
    std::ofstream(manifest) << newer;
  }
  {
    auto dbt = dbt_connection(out);
    EXPECT_TRUE(dbt["error"].is_null()) << out;
    auto warnings = dbt["warnings"].get_array().value();
    ASSERT_EQ(warnings.size(), 1u) << out;
    EXPECT_EQ(std::string_view(warnings.at(0).get_string().value()),
              "manifest.json has schema manifest v99, newer than the newest known (v12); what is "
              "understood was read");
    EXPECT_GT(dbt["asset_count"].get_uint64().value(), 0u);
    const auto table = fw_stdout("check --config " + cfg).output;
    EXPECT_NE(table.find("connection dbt warning: manifest.json has schema manifest v99"),
              std::string::npos)
        << table;
  }
  // Truncated: a one-shot check has no earlier state of its own to serve, so the connection
  // fails with the reason (`serve` keeps serving its last good state with a warning instead).
  std::filesystem::resize_file(manifest, good.size() / 2);
  {
    auto dbt = dbt_connection(out);
    ASSERT_TRUE(dbt["error"].is_string()) << out;
    EXPECT_NE(std::string_view(dbt["error"].get_string().value()).find("manifest.json is not valid JSON"),
              std::string_view::npos)
        << out;
    EXPECT_EQ(dbt["warnings"].get_array().value().size(), 0u) << out;
  }
}

#define FFFD "\xEF\xBF\xBD"

// Table names, values and driver messages may hold bytes that are not UTF-8: `check --format
// json` writes them as U+FFFD, keeps valid multi-byte UTF-8, and stays strict JSON.
TEST(CliJson, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  testing::TempDir dir;
  testing::sqlite_exec(dir / "warehouse.db",
                       "CREATE TABLE \"t\xFF\xFE\" (_loaded_at TEXT);"
                       "INSERT INTO \"t\xFF\xFE\" VALUES ('2026-01-01T00:00:00Z');"
                       "CREATE TABLE \"gr\xC3\xBC\xC3\x9F\" (_loaded_at TEXT);"
                       "INSERT INTO \"gr\xC3\xBC\xC3\x9F\" VALUES ('2026-01-01T00:00:00Z');"
                       "CREATE TABLE \"s\xED\xA0\x80\" (_loaded_at TEXT);"
                       "CREATE TABLE \"no_column\xFF\" (x INTEGER);"
                       "CREATE TABLE odd (_loaded_at TEXT);"
                       "INSERT INTO odd VALUES ('n/a \xFF\xFE');");
  const auto cfg = dir / "freshwatch.yml";
  std::ofstream(cfg) << "store:\n  sqlite: " << (dir / "store.db").string()
                     << "\nconnections:\n  - name: wh\n    type: sqlite\n    path: "
                     << (dir / "warehouse.db").string() << "\n    loaded_at_field: _loaded_at\n";
  const auto r = fw_stdout("check --format json --config " + cfg.string());
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.output;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.output).get(doc), simdjson::SUCCESS) << r.output;
  std::map<std::string, std::string> error_of;  // key -> error ("" when none)
  simdjson::dom::array assets = doc["assets"].get_array().value();
  for (simdjson::dom::element a : assets) {
    std::string_view error;
    if (!a["error"].is_null()) error = a["error"].get_string().value();
    error_of[std::string(a["key"].get_string().value())] = error;
  }
  for (const char* key : {"wh:main.t" FFFD FFFD, "wh:main.gr\xC3\xBC\xC3\x9F",
                          "wh:main.s" FFFD FFFD FFFD, "wh:main.no_column" FFFD, "wh:main.odd"})
    EXPECT_TRUE(error_of.contains(key)) << key << "\n" << r.output;
  EXPECT_NE(error_of["wh:main.no_column" FFFD].find("no column _loaded_at in main.no_column" FFFD),
            std::string::npos)
      << r.output;
  EXPECT_NE(error_of["wh:main.odd"].find("'n/a " FFFD FFFD "'"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace freshwatch
