// The API over loopback against `freshwatch demo` (generated warehouse, store, demo user):
// anonymous refusal, sign-in, summary, assets, detail, history, tree, Statuspage v2, sign-out,
// and SIGTERM letting a request in flight finish; and against `freshwatch serve` over a
// warehouse whose table names and values are not UTF-8.
#include <signal.h>
#include <sys/wait.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <fmt/format.h>

#include "http/encoding.h"
#include "support/process.h"
#include "support/sqlite_file.h"

namespace freshwatch {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Res = bhttp::response<bhttp::string_body>;

class Client {
 public:
  explicit Client(int port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  }
  Res send(bhttp::verb verb, const std::string& target, const std::string& body = "") {
    bhttp::request<bhttp::string_body> req(verb, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (!cookie_.empty()) req.set(bhttp::field::cookie, cookie_);
    if (!authorization_.empty()) req.set(bhttp::field::authorization, authorization_);
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    bhttp::write(socket_, req);
    Res res;
    bhttp::read(socket_, buffer_, res);
    return res;
  }
  void set_cookie(std::string c) { cookie_ = std::move(c); }
  void set_authorization(std::string a) { authorization_ = std::move(a); }
  tcp::socket& socket() { return socket_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::string cookie_;
  std::string authorization_;
};

// An asset key as a path segment: everything but [A-Za-z0-9._-] percent-encoded.
std::string percent_encode(std::string_view key) {
  std::string encoded;
  for (char ch : key) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-')
      encoded += ch;
    else
      encoded += fmt::format("%{:02X}", static_cast<unsigned char>(ch));
  }
  return encoded;
}

// Waits (real time: the process is real) until the server on `port` has published its first
// snapshot.
bool wait_until_ready(int port) {
  for (int i = 0; i < 1200; ++i) {
    Client c(port);
    if (c.send(bhttp::verb::get, "/readyz").result_int() == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

#ifdef FRESHWATCH_BINARY
// `freshwatch tokens create` with the configuration `cfg`: the new API token, or empty.
std::string create_token(const std::filesystem::path& cfg) {
  const auto created = testing::run_command(  // the token alone on stdout
      {"/bin/sh", "-c",
       std::string(FRESHWATCH_BINARY) + " tokens create -n test -c " + cfg.string() +
           " 2>/dev/null"});
  EXPECT_EQ(created.exit_code, 0) << created.output;
  return created.exit_code == 0 ? created.output.substr(0, created.output.find('\n')) : "";
}
#endif

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
  auto r = p.parse(simdjson::padded_string(body));
  EXPECT_FALSE(r.error()) << body;
  return r.value();
}

class DemoServer : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef FRESHWATCH_BINARY
    GTEST_SKIP() << "this build has no freshwatch binary (src/cli)";
#else
    port_ = testing::free_port();
    process_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{FRESHWATCH_BINARY, "demo", "--dir", (dir_ / "demo").string(),
                                 "--listen", "127.0.0.1:" + std::to_string(port_)},
        dir_ / "demo.log");
    ASSERT_TRUE(testing::wait_for_port(port_, 120'000)) << "freshwatch demo did not listen";
    ASSERT_TRUE(wait_until_ready(port_)) << "freshwatch demo never became ready";
#endif
  }

  std::string sign_in(Client& c) {
    Res res = c.send(bhttp::verb::post, "/api/v1/session", R"({"username":"demo","password":"demo"})");
    EXPECT_EQ(res.result_int(), 204) << res.body();
    std::string cookie(res[bhttp::field::set_cookie]);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    return cookie.substr(0, cookie.find(';'));
  }

  testing::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<testing::ChildProcess> process_;
  simdjson::dom::parser parser_;
};

TEST_F(DemoServer, SignInBrowseAndSignOut) {
  Client c(port_);
  EXPECT_EQ(c.send(bhttp::verb::get, "/healthz").result_int(), 200);
  Res anonymous = c.send(bhttp::verb::get, "/api/v1/summary");
  EXPECT_EQ(anonymous.result_int(), 401);
  EXPECT_EQ(anonymous[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(c.send(bhttp::verb::post, "/api/v1/session", R"({"username":"demo","password":"x"})")
                .result_int(), 401);
  EXPECT_EQ(c.send(bhttp::verb::get, "/").result_int(), 200) << "the UI shell loads anonymously";

  c.set_cookie(sign_in(c));
  Res who = c.send(bhttp::verb::get, "/api/v1/session");
  ASSERT_EQ(who.result_int(), 200);
  EXPECT_EQ(std::string_view(parse(parser_, who.body())["user"]), "demo");

  Res summary = c.send(bhttp::verb::get, "/api/v1/summary");
  ASSERT_EQ(summary.result_int(), 200);
  auto s = parse(parser_, summary.body());
  EXPECT_GT(int64_t(s["counts"]["total"]), 0);
  EXPECT_FALSE(std::string_view(s["message"]).empty());

  Res assets = c.send(bhttp::verb::get, "/api/v1/assets?leaves=true&sort=staleness&limit=5");
  ASSERT_EQ(assets.result_int(), 200);
  auto a = parse(parser_, assets.body());
  ASSERT_GT(a["items"].get_array().size(), 0u);
  std::string key(std::string_view(a["items"].at(0)["key"]));
  const std::string encoded = percent_encode(key);

  Res detail = c.send(bhttp::verb::get, "/api/v1/assets/" + encoded);
  ASSERT_EQ(detail.result_int(), 200) << detail.body();
  EXPECT_EQ(std::string_view(parse(parser_, detail.body())["asset"]["key"]), key);

  Res history = c.send(bhttp::verb::get, "/api/v1/assets/" + encoded + "/history?days=90");
  ASSERT_EQ(history.result_int(), 200) << history.body();
  EXPECT_EQ(parse(parser_, history.body())["days"].get_array().size(), 90u);

  Res tree = c.send(bhttp::verb::get, "/api/v1/tree");
  ASSERT_EQ(tree.result_int(), 200);
  EXPECT_GT(parse(parser_, tree.body())["nodes"].get_array().size(), 0u);
  EXPECT_EQ(c.send(bhttp::verb::get, "/api/v2/summary.json").result_int(), 200);
  EXPECT_EQ(c.send(bhttp::verb::get, "/api/v1/assets/nope%3Anothing").result_int(), 404);

  Res out = c.send(bhttp::verb::delete_, "/api/v1/session");
  EXPECT_EQ(out.result_int(), 204);
  EXPECT_EQ(c.send(bhttp::verb::get, "/api/v1/summary").result_int(), 401);
}

TEST_F(DemoServer, SigtermFinishesTheRequestInFlight) {
  Client c(port_);
  // A sign-in whose header has arrived but whose body is still on its way: in flight.
  std::string body = R"({"username":"demo","password":"demo"})";
  std::string head = fmt::format(
      "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: {}\r\n\r\n", body.size());
  asio::write(c.socket(), asio::buffer(head + body.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the server read the header
  ASSERT_EQ(::kill(process_->pid(), SIGTERM), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(process_->running()) << "the server must wait for the request in flight";
  asio::write(c.socket(), asio::buffer(body.substr(10)));
  Res res;
  beast::error_code ec;
  bhttp::read(c.socket(), c.buffer(), res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 204);
  EXPECT_FALSE(res.keep_alive());
  int status = process_->stop(SIGTERM, 30'000);
  EXPECT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

#define FFFD "\xEF\xBF\xBD"

// A warehouse whose table names, values and driver messages hold bytes that are not UTF-8: every
// document the API serves about it is strict JSON (simdjson validates UTF-8), with U+FFFD where
// the bytes were.
TEST(ApiUtf8, BytesThatAreNotUtf8BecomeReplacementCharacters) {
#ifndef FRESHWATCH_BINARY
  GTEST_SKIP() << "this build has no freshwatch binary (src/cli)";
#else
  testing::TempDir dir;
  testing::sqlite_exec(dir / "warehouse.db",
                       "CREATE TABLE \"t\xFF\xFE\" (_loaded_at TEXT);"
                       "INSERT INTO \"t\xFF\xFE\" VALUES ('2026-01-01T00:00:00Z');"
                       "CREATE TABLE \"gr\xC3\xBC\xC3\x9F\" (_loaded_at TEXT);"
                       "CREATE TABLE \"no_column\xED\xA0\x80\" (x INTEGER);"
                       "CREATE TABLE odd (_loaded_at TEXT);"
                       "INSERT INTO odd VALUES ('n/a \xFF\xFE');");
  const int port = testing::free_port();
  const auto cfg = dir / "freshwatch.yml";
  std::ofstream(cfg) << fmt::format(
      "store:\n  sqlite: {}\nserver:\n  listen: \"127.0.0.1:{}\"\nconnections:\n  - name: wh\n"
      "    type: sqlite\n    path: {}\n    loaded_at_field: _loaded_at\n",
      (dir / "store.db").string(), port, (dir / "warehouse.db").string());
  const std::string token = create_token(cfg);
  ASSERT_FALSE(token.empty());

  testing::ChildProcess serve({FRESHWATCH_BINARY, "serve", "--config", cfg.string()},
                              dir / "serve.log");
  ASSERT_TRUE(testing::wait_for_port(port, 120'000)) << "freshwatch serve did not listen";
  ASSERT_TRUE(wait_until_ready(port)) << "freshwatch serve never became ready";
  Client c(port);
  c.set_authorization("Bearer " + token);

  simdjson::dom::parser parser;
  auto get = [&](const std::string& target, int status = 200) {
    Res res = c.send(bhttp::verb::get, target);
    EXPECT_EQ(res.result_int(), status) << target << "\n" << res.body();
    auto doc = parser.parse(simdjson::padded_string(res.body()));
    EXPECT_EQ(doc.error(), simdjson::SUCCESS) << target << " is not strict JSON:\n" << res.body();
    return doc;
  };
  auto assets = get("/api/v1/assets?leaves=true&limit=1000");
  ASSERT_EQ(assets.error(), simdjson::SUCCESS);
  std::map<std::string, std::string> error_of;  // key -> error ("" when none)
  simdjson::dom::array items = assets["items"].get_array().value();
  for (simdjson::dom::element a : items) {
    std::string_view error;
    if (!a["error"].is_null()) error = a["error"].get_string().value();
    error_of[std::string(a["key"].get_string().value())] = error;
  }
  for (const char* key : {"wh:main.t" FFFD FFFD, "wh:main.gr\xC3\xBC\xC3\x9F",
                          "wh:main.no_column" FFFD FFFD FFFD, "wh:main.odd"})
    EXPECT_TRUE(error_of.contains(key)) << key;
  EXPECT_NE(error_of["wh:main.no_column" FFFD FFFD FFFD].find("in main.no_column" FFFD FFFD FFFD),
            std::string::npos);
  EXPECT_NE(error_of["wh:main.odd"].find("'n/a " FFFD FFFD "'"), std::string::npos);

  // The asset's own pages, by its stored key (the raw bytes, percent-encoded).
  const std::string odd_key = percent_encode("wh:main.t\xFF\xFE");
  auto detail = get("/api/v1/assets/" + odd_key);
  ASSERT_EQ(detail.error(), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(detail["asset"]["name"].get_string().value()), "t" FFFD FFFD);
  const std::vector<std::string> targets = {"/api/v1/summary",
                                            "/api/v1/tree",
                                            "/api/v1/assets?q=t",
                                            "/api/v1/assets?parent=wh%3Amain",
                                            "/api/v2/summary.json",
                                            "/api/v2/components.json",
                                            "/api/v1/assets/" + odd_key + "/history?days=3",
                                            "/api/v1/assets/" + odd_key + "/lineage"};
  for (const auto& target : targets) get(target);
  get("/api/v1/assets/wh%3Amain.nope%FF%C3", 404);
  EXPECT_EQ(serve.stop(SIGTERM), 0);
#endif
}

// The asset page shows the policy that judged the asset. Without the demo's policies nothing in
// freshwatch.yml selects demo:sales.orders, so its dbt source's freshness (warn after 12 h,
// error after 1 d) judges it, and the page must show those thresholds, not the default.
TEST(ApiPolicy, TheAssetPageShowsTheDbtPolicyThatJudged) {
#ifndef FRESHWATCH_BINARY
  GTEST_SKIP() << "this build has no freshwatch binary (src/cli)";
#else
  testing::TempDir dir;
  const auto demo = dir / "demo";
  const auto made =
      testing::run_command({FRESHWATCH_BINARY, "demo", "--dir", demo.string(), "--no-serve"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto cfg = demo / "freshwatch.yml";
  std::string config = (std::stringstream() << std::ifstream(cfg).rdbuf()).str();
  ASSERT_NE(config.find("\npolicies:"), std::string::npos) << config;
  config.erase(config.find("\npolicies:") + 1);
  const int port = testing::free_port();
  auto replace = [&](const std::string& from, const std::string& to) {
    ASSERT_NE(config.find(from), std::string::npos) << from << " in\n" << config;
    config.replace(config.find(from), from.size(), to);
  };
  replace("listen: \"127.0.0.1:8080\"", fmt::format("listen: \"127.0.0.1:{}\"", port));
  // A store of its own: without stored runs, serve collects every connection at once.
  replace("sqlite: freshwatch.db", "sqlite: " + (dir / "store.db").string());
  std::ofstream(cfg) << config;
  const std::string token = create_token(cfg);
  ASSERT_FALSE(token.empty());

  testing::ChildProcess serve({FRESHWATCH_BINARY, "serve", "--config", cfg.string()},
                              dir / "serve.log");
  ASSERT_TRUE(testing::wait_for_port(port, 120'000)) << "freshwatch serve did not listen";
  ASSERT_TRUE(wait_until_ready(port)) << "freshwatch serve never became ready";
  Client c(port);
  c.set_authorization("Bearer " + token);

  // Both connections have run once the table carries the dbt source's signal.
  simdjson::dom::parser parser;
  Res res;
  simdjson::dom::element doc;
  auto has_dbt_signal = [&] {
    res = c.send(bhttp::verb::get, "/api/v1/assets/demo%3Asales.orders");
    if (res.result_int() != 200) return false;
    doc = parse(parser, res.body());
    simdjson::dom::array observations = doc["observations"].get_array().value();
    for (simdjson::dom::element o : observations)
      if (std::string_view(o["signal"]) == "dbt_source_freshness") return true;
    return false;
  };
  for (int i = 0; i < 600 && !has_dbt_signal(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_EQ(std::string_view(doc["asset"]["policy"]), "dbt freshness") << "the evaluation's";
  auto policy = doc["policy"];
  EXPECT_EQ(std::string_view(policy["name"]), "dbt freshness") << res.body();
  EXPECT_TRUE(std::string_view(policy["origin"]).starts_with("dbt: ")) << res.body();
  EXPECT_EQ(std::string_view(policy["rule"]["type"]), "threshold") << res.body();
  EXPECT_EQ(int64_t(policy["rule"]["warn_after_seconds"]), 12 * 3600) << res.body();
  EXPECT_EQ(int64_t(policy["rule"]["error_after_seconds"]), 24 * 3600) << res.body();
  EXPECT_EQ(serve.stop(SIGTERM), 0);

  // Restarted on the same store, the first snapshot (from the store, before the dbt connection
  // runs again) judges and shows the table by the same policy.
  testing::ChildProcess again({FRESHWATCH_BINARY, "serve", "--config", cfg.string()},
                              dir / "serve2.log");
  ASSERT_TRUE(testing::wait_for_port(port, 120'000)) << "freshwatch serve did not listen";
  ASSERT_TRUE(wait_until_ready(port)) << "freshwatch serve never became ready";
  Client after(port);
  after.set_authorization("Bearer " + token);
  res = after.send(bhttp::verb::get, "/api/v1/assets/demo%3Asales.orders");
  ASSERT_EQ(res.result_int(), 200) << res.body();
  doc = parse(parser, res.body());
  EXPECT_EQ(std::string_view(doc["asset"]["policy"]), "dbt freshness") << res.body();
  EXPECT_EQ(std::string_view(doc["policy"]["name"]), "dbt freshness") << res.body();
  EXPECT_EQ(std::string_view(doc["policy"]["rule"]["type"]), "threshold") << res.body();
  EXPECT_EQ(again.stop(SIGTERM), 0);
#endif
}

}  // namespace
}  // namespace freshwatch
