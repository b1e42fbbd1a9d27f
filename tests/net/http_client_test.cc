// net::HttpClient against an in-process HTTP(S) server on loopback (support/http_test_server.h),
// with a throwaway certificate authority made by openssl for the TLS cases. Waits between
// attempts go through a recording sleeper on a FakeClock unless a case needs the real one.
#include "net/http_client.h"

#include <cstdlib>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "core/time.h"
#include "support/http_test_server.h"
#include "support/process.h"

namespace freshwatch::net {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestServer;
using testing::ServerReply;
using testing::ServerRequest;

ServerReply ok(std::string body = "ok") { return {.status = 200, .body = std::move(body)}; }

// Sets (or, with nullopt, removes) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class HttpClientTest : public ::testing::Test {
 protected:
  // Loopback servers are reached directly whatever proxy the machine may have configured.
  void SetUp() override {
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                             "no_proxy", "NO_PROXY"})
      env_.push_back(std::make_unique<ScopedEnv>(name, std::nullopt));
  }

  ClientOptions options() {
    ClientOptions o;
    o.service = "the test server";
    o.timeout = 30s;
    o.clock = &clock_;
    o.sleeper = [this](core::Duration d, std::stop_token stop) {
      std::lock_guard lock(mutex_);
      waits_.push_back(d);
      clock_.advance(d);
      return !stop.stop_requested();
    };
    return o;
  }
  std::vector<core::Duration> waits() {
    std::lock_guard lock(mutex_);
    return waits_;
  }

  static Request get(std::string url) {
    Request r;
    r.url = std::move(url);
    return r;
  }

  core::FakeClock clock_{*core::parse_timestamp("2015-10-21T07:27:00Z")};
  std::mutex mutex_;
  std::vector<core::Duration> waits_;
  std::vector<std::unique_ptr<ScopedEnv>> env_;
};

// Certificates for the whole suite: openssl runs once.
class Tls : public HttpClientTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    certs_ = new testing::TestCertificates(testing::make_test_certificates(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  void SetUp() override {
    HttpClientTest::SetUp();
    if (!certs_->error.empty()) GTEST_SKIP() << "cannot make test certificates: " << certs_->error;
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestCertificates* certs_ = nullptr;
};

TEST_F(HttpClientTest, SendsMethodHeadersAndBodyAndReturnsTheResponse) {
  HttpTestServer server([](const ServerRequest& r) {
    return ServerReply{
        .status = r.method == "PUT" ? 201 : 404,
        .headers = {{"X-Echo", r.header("x-custom")}, {"Content-Type", "text/plain"}},
        .body = r.method + " " + r.target + " " + r.body};
  });
  HttpClient client(options());
  Request put = get(server.url("/things/1?a=b"));
  put.method = "PUT";
  put.headers = {{"X-Custom", "value 1"}, {"Content-Type", "application/json"}};
  put.body = R"({"x":1})";
  auto r = client.send(put);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"(PUT /things/1?a=b {"x":1})");
  EXPECT_EQ(r->header("x-echo"), "value 1");
  EXPECT_EQ(r->header("CONTENT-TYPE"), "text/plain");
  EXPECT_FALSE(r->header("Retry-After"));
  EXPECT_EQ(r->attempts, 1);
  const auto seen = server.requests().at(0);
  EXPECT_EQ(seen.header("User-Agent"), "freshwatch/0.1");
  EXPECT_EQ(seen.header("Content-Type"), "application/json");

  // A status the caller maps itself is a response, not an error.
  Request del = get(server.url("/things/2"));
  del.method = "DELETE";
  auto missing = client.send(del);
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "DELETE /things/2 ");
}

TEST_F(HttpClientTest, SuccessiveRequestsReuseOneConnection) {
  HttpTestServer server([](const ServerRequest&) { return ok(); });
  HttpClient client(options());
  ASSERT_TRUE(client.send(get(server.url("/a"))));
  ASSERT_TRUE(client.send(get(server.url("/b"))));
  EXPECT_EQ(server.connections(), 1);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection, requests[1].connection);
  EXPECT_EQ(client.stats().connections, 1);
  EXPECT_EQ(client.stats().attempts, 2);
}

TEST_F(HttpClientTest, ConcurrentCallsTakeAHandleEachAndKeepTheirConnections) {
  std::atomic<int> in_flight{0}, most{0};
  HttpTestServer server([&](const ServerRequest&) {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(5ms);
    --in_flight;
    return ok();
  });
  HttpClient client(options());
  constexpr int kThreads = 4, kEach = 5;
  std::atomic<int> failures{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < kEach; ++i)
          if (auto r = client.send(get(server.url("/x"))); !r || r->status != 200) ++failures;
      });
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(server.requests().size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_LE(server.connections(), kThreads) << "one connection per handle, kept between requests";
  const int connections = server.connections();
  ASSERT_TRUE(client.send(get(server.url("/after"))));
  EXPECT_EQ(server.connections(), connections) << "a pooled connection is reused";
}

TEST_F(HttpClientTest, RetriesA429AfterItsRetryAfterSeconds) {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const ServerRequest&) {
    if (++calls == 1)
      return ServerReply{.status = 429, .headers = {{"Retry-After", "2"}}, .body = "slow down"};
    return ok("done");
  });
  HttpClient client(options());
  auto r = client.send(get(server.url("/limited")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->attempts, 2);
  ASSERT_EQ(waits().size(), 1u);
  EXPECT_GE(waits()[0], 2s);
  EXPECT_LE(waits()[0], 2s + options().retry.base);
  EXPECT_EQ(client.stats().retries, 1);
  EXPECT_EQ(server.connections(), 1) << "the retry reuses the connection";
}

TEST_F(HttpClientTest, RetryAfterAsAnHttpDate) {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const ServerRequest&) {
    if (++calls == 1)
      return ServerReply{.status = 503,
                         .headers = {{"Retry-After", "Wed, 21 Oct 2015 07:27:07 GMT"}}};
    return ok();
  });
  HttpClient client(options());
  auto r = client.send(get(server.url("/")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(waits().size(), 1u);
  EXPECT_GE(waits()[0], 7s);
  EXPECT_LE(waits()[0], 7s + options().retry.base);
}

TEST_F(HttpClientTest, Exhausted503RetriesReturnTheLastResponse) {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const ServerRequest&) {
    return ServerReply{.status = 503, .body = "busy " + std::to_string(++calls)};
  });
  auto o = options();
  o.retry.max_attempts = 3;
  o.retry.base = 100ms;
  o.retry.cap = 150ms;
  HttpClient client(o);
  auto r = client.send(get(server.url("/busy")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "busy 3");
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(server.requests().size(), 3u);
  const auto w = waits();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_LE(w[0], 100ms);  // full jitter up to base
  EXPECT_LE(w[1], 150ms);  // up to 2 * base, capped
  EXPECT_EQ(client.stats().retries, 2);

  // Retries off: one attempt.
  Request once = get(server.url("/busy"));
  once.retry = false;
  auto single = client.send(once);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->attempts, 1);
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(HttpClientTest, OnRetryChangesTheRequestBeforeEachNewAttempt) {
  std::atomic<int> calls{0};
  HttpTestServer server(
      [&](const ServerRequest&) { return ++calls < 3 ? ServerReply{.status = 504} : ok(); });
  HttpClient client(options());
  Request post = get(server.url("/api/v2/statements?requestId=r1"));
  post.method = "POST";
  post.body = "{}";
  std::vector<int> attempts;
  post.on_retry = [&](Request& r, int attempt) {
    attempts.push_back(attempt);
    if (!r.url.ends_with("&retry=true")) r.url += "&retry=true";
  };
  auto r = client.send(post);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(attempts, (std::vector<int>{2, 3}));
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].target, "/api/v2/statements?requestId=r1");
  EXPECT_EQ(seen[1].target, "/api/v2/statements?requestId=r1&retry=true");
  EXPECT_EQ(seen[2].body, "{}");
}

TEST_F(HttpClientTest, AStopRequestAbortsATransferMidBody) {
  std::promise<void> answering;
  HttpTestServer server([&](const ServerRequest&) {
    answering.set_value();
    return ServerReply{.body = std::string(1 << 20, 'x'), .stall_after = 1000};
  });
  auto o = options();
  o.timeout = std::chrono::minutes(5);
  HttpClient client(o);
  std::stop_source stop;
  std::chrono::steady_clock::time_point requested;
  std::jthread stopper([&] {
    answering.get_future().wait();
    std::this_thread::sleep_for(100ms);  // the first bytes of the body have arrived
    requested = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  auto r = client.send(get(server.url("/big")), stop.get_token());
  const auto took = std::chrono::steady_clock::now() - requested;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_NE(r.error().message.find("stopped on request"), std::string::npos) << r.error().message;
  EXPECT_LT(took, 5s) << "the transfer ends at the stop request, not at its timeout";

  // The handle goes on serving; the aborted connection is not reused.
  HttpTestServer other([](const ServerRequest&) { return ok(); });
  auto next = client.send(get(other.url("/")));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpClientTest, AStopRequestEndsTheWaitBeforeARetry) {
  std::promise<void> answered;
  std::atomic<bool> once{false};
  HttpTestServer server([&](const ServerRequest&) {
    if (!once.exchange(true)) answered.set_value();
    return ServerReply{.status = 503, .headers = {{"Retry-After", "120"}}};
  });
  auto o = options();
  o.sleeper = nullptr;  // the real one
  HttpClient client(o);
  std::stop_source stop;
  std::jthread stopper([&] {
    answered.get_future().wait();
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = client.send(get(server.url("/")), stop.get_token());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 60s);
  EXPECT_EQ(server.requests().size(), 1u);

  // Already stopped: nothing is sent.
  auto none = client.send(get(server.url("/")), stop.get_token());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpClientTest, TimeoutsAreKTimeout) {
  HttpTestServer server(
      [](const ServerRequest&) { return ServerReply{.body = "late", .delay = 5s}; });
  HttpClient client(options());
  Request r = get(server.url("/slow?token=SECRET"));
  r.timeout = 200ms;
  auto late = client.send(r);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kTimeout);
  EXPECT_NE(late.error().message.find("the test server did not answer within 200 ms"),
            std::string::npos)
      << late.error().message;
  EXPECT_EQ(late.error().message.find("SECRET"), std::string::npos) << late.error().message;
}

TEST_F(HttpClientTest, AUrlThatIsTheCredentialShowsOnlyItsHost) {
  HttpClient client(options());
  const int port = testing::free_port();
  Request r = get(fmt::format("http://127.0.0.1:{}/services/T0/B0/XXXXSECRETXXXX", port));
  r.method = "POST";
  r.url_is_secret = true;
  auto refused = client.send(r);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("SECRET"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("/services"), std::string::npos)
      << refused.error().message;

  // Stopped before it starts: the message names the URL too.
  std::stop_source stop;
  stop.request_stop();
  auto cancelled = client.send(r, stop.get_token());
  ASSERT_FALSE(cancelled);
  EXPECT_NE(cancelled.error().message.find(fmt::format("http://127.0.0.1:{}/***", port)),
            std::string::npos)
      << cancelled.error().message;
}

TEST_F(HttpClientTest, ConnectionFailuresAreUnavailableAndRedacted) {
  HttpClient client(options());
  const int port = testing::free_port();
  Request r = get(fmt::format(
      "http://user:SECRET@127.0.0.1:{}/x?token=SECRET&access_token=SECRET&page=2", port));
  r.headers = {{"Authorization", "Bearer SECRET"}};
  auto refused = client.send(r);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message.find("cannot reach the test server at"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("token=***"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("page=2"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("SECRET"), std::string::npos) << refused.error().message;

  auto bad = client.send(get("ftp://127.0.0.1/file?sig=SECRET"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message.find("SECRET"), std::string::npos) << bad.error().message;
}

TEST_F(HttpClientTest, NoSecretInAnyLogLine) {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_level(spdlog::level::trace);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  struct Restore {
    std::shared_ptr<spdlog::logger> logger;
    ~Restore() { spdlog::set_default_logger(logger); }
  } restore{previous};

  std::atomic<int> calls{0};
  HttpTestServer server([&](const ServerRequest& r) {
    EXPECT_EQ(r.header("Authorization"), "Bearer SECRET") << "the credential itself is sent";
    return ++calls < 3 ? ServerReply{.status = 429, .headers = {{"Retry-After", "1"}}} : ok();
  });
  HttpClient client(options());
  Request r = get(server.url("/hook?client_secret=SECRET&key=SECRET&sig=SECRET&x=1"));
  r.headers = {{"Authorization", "Bearer SECRET"}};
  auto sent = client.send(r);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->status, 200);
  auto failed = client.send(
      get(fmt::format("http://u:SECRET@127.0.0.1:{}/?token=SECRET", testing::free_port())));
  ASSERT_FALSE(failed);

  logger->flush();
  const std::string text = log.str();
  EXPECT_NE(text.find("HTTP 429"), std::string::npos) << text;  // retries are logged
  EXPECT_NE(text.find("client_secret=***"), std::string::npos) << text;
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
}

TEST_F(HttpClientTest, CredentialsAreNeverSentOverPlainHttpToANonLoopbackHost) {
  // Should the check ever fail, the request goes to this local proxy, never to 192.0.2.1.
  HttpTestServer proxy([](const ServerRequest&) { return ok("proxied"); });
  ScopedEnv http_proxy("http_proxy", proxy.url(""));
  const std::string expected =
      "refusing to send credentials over plain http to 192.0.2.1; use https:// (plain http is "
      "allowed only to loopback addresses)";

  HttpClient client(options());
  Request flagged = get("http://192.0.2.1/hook");
  flagged.sends_credentials = true;
  Request with_header = get("http://192.0.2.1/api");
  with_header.headers = {{"authorization", "Token SECRET"}};
  Request with_userinfo = get("http://user:SECRET@192.0.2.1/");
  for (const Request& r : {flagged, with_header, with_userinfo}) {
    auto refused = client.send(r);
    ASSERT_FALSE(refused) << r.url;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(refused.error().message, expected);
  }
  auto o = options();
  o.sends_credentials = true;
  HttpClient credentialed(o);
  auto refused = credentialed.send(get("http://192.0.2.1/"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, expected);
  // A retry may not change that either.
  ScopedEnv no_proxy("no_proxy", "127.0.0.1");
  std::atomic<int> calls{0};
  HttpTestServer local(
      [&](const ServerRequest&) { return ++calls == 1 ? ServerReply{.status = 503} : ok(); });
  Request moving = get(local.url("/"));
  moving.sends_credentials = true;
  moving.on_retry = [](Request& r, int) { r.url = "http://192.0.2.1/"; };
  auto moved = client.send(moving);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().message, expected);
  EXPECT_EQ(proxy.connections(), 0) << "refused before any connection";
  EXPECT_EQ(client.stats().attempts, 1);

  // Loopback over plain http is allowed, credentials and all.
  HttpTestServer server([](const ServerRequest& r) { return ok(r.header("Authorization")); });
  with_header.url = server.url("/api");
  auto allowed = client.send(with_header);
  ASSERT_TRUE(allowed) << allowed.error().message;
  EXPECT_EQ(allowed->body, "Token SECRET");
}

TEST_F(HttpClientTest, ProxiesComeFromTheEnvironment) {
  HttpTestServer proxy([](const ServerRequest& r) { return ok("via proxy for " + r.target); });
  ScopedEnv http_proxy("http_proxy", proxy.url(""));
  HttpClient client(options());
  auto r = client.send(get("http://freshwatch-proxy-test.invalid/path?q=1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "via proxy for http://freshwatch-proxy-test.invalid/path?q=1");
  EXPECT_EQ(proxy.requests().at(0).header("Host"), "freshwatch-proxy-test.invalid");

  // no_proxy: straight to the server, past a proxy that is not there.
  HttpTestServer server([](const ServerRequest& r) { return ok("direct " + r.target); });
  ScopedEnv dead_proxy("http_proxy", fmt::format("http://127.0.0.1:{}", testing::free_port()));
  ScopedEnv no_proxy("no_proxy", "127.0.0.1");
  auto direct = client.send(get(server.url("/d")));
  ASSERT_TRUE(direct) << direct.error().message;
  EXPECT_EQ(direct->body, "direct /d");
}

TEST_F(Tls, TrustsTheCertificateAuthorityOfCaFile) {
  HttpTestServer server([](const ServerRequest&) { return ok("secure"); }, certs_);
  auto o = options();
  o.ca_file = certs_->ca.string();
  HttpClient client(o);
  auto r = client.send(get(server.url("/a")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "secure");
  ASSERT_TRUE(client.send(get(server.url("/b"))));
  EXPECT_EQ(server.connections(), 1) << "one TLS connection for both requests";
}

TEST_F(Tls, RefusesAServerItCannotVerify) {
  HttpTestServer server([](const ServerRequest&) { return ok("secure"); }, certs_);
  HttpClient system_store(options());
  auto r = system_store.send(get(server.url("/?token=SECRET")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("TLS with the test server failed"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("ca_file"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
  EXPECT_TRUE(server.requests().empty());

  auto o = options();
  // A ca_file that is not there.
  o.ca_file = (dir_->path() / "missing.pem").string();
  HttpClient missing(o);
  auto unreadable = missing.send(get(server.url("/")));
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(unreadable.error().message.find("ca_file"), std::string::npos)
      << unreadable.error().message;
}

}  // namespace
}  // namespace freshwatch::net
