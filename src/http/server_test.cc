#include "http/server.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <map>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "http/auth.h"
#include "http/static_files.h"
#include "http/synthetic.h"
#include "store/sqlite/sqlite_store.h"

namespace freshwatch::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

std::unique_ptr<store::Store> sqlite_memory_store() {
  return store::open_sqlite({.path = ":memory:"}).value();
}

const core::TimePoint kNow =
    std::chrono::time_point_cast<core::Duration>(date::sys_days(date::year(2026) / 11 / 26) + 10h);

// A blocking HTTP/1.1 client on one keep-alive connection.
class Client {
 public:
  explicit Client(int port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  }

  bhttp::response<bhttp::string_body> send(bhttp::request<bhttp::string_body> req,
                                           beast::error_code* error = nullptr) {
    req.version(11);
    req.set(bhttp::field::host, "127.0.0.1");
    req.prepare_payload();
    beast::error_code ec;
    bhttp::write(socket_, req, ec);
    bhttp::response<bhttp::string_body> res;
    if (!ec) bhttp::read(socket_, buffer_, res, ec);
    if (error) *error = ec;
    return res;
  }

  bhttp::response<bhttp::string_body> get(std::string target, std::string auth = "") {
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, target, 11);
    if (!auth.empty()) req.set(bhttp::field::authorization, auth);
    return send(std::move(req));
  }

  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : clock_(kNow) {
    snapshot_ = std::make_shared<const model::Snapshot>(synthetic_snapshot(300, kNow));
    token_ = "Bearer " + *create_token(*store_, "t", clock_);
  }

  std::unique_ptr<Server> start(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    auto server = std::make_unique<Server>(
        options,
        [this]() -> std::shared_ptr<const model::Snapshot> {
          std::unique_lock lock(mutex_);
          if (hold_) {
            entered_ = true;
            cv_.notify_all();
            cv_.wait(lock, [this] { return !hold_; });
          }
          return snapshot_;
        },
        *store_, clock_);
    auto port = server->start();
    EXPECT_TRUE(port) << port.error().message;
    port_ = *port;
    return server;
  }

  std::unique_ptr<store::Store> store_ = sqlite_memory_store();
  core::FakeClock clock_;
  std::shared_ptr<const model::Snapshot> snapshot_;
  std::string token_;
  int port_ = 0;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool hold_ = false;     // requests block inside the snapshot source while set
  bool entered_ = false;  // a request reached the snapshot source
};

TEST_F(ServerTest, ReportsTheBoundPortAndServesKeepAlive) {
  auto server = start();
  EXPECT_GT(port_, 0);
  Client client(port_);
  auto health = client.get("/healthz");
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_TRUE(health.keep_alive());
  auto summary = client.get("/api/v1/summary", token_);  // same connection
  EXPECT_EQ(summary.result_int(), 200);
  EXPECT_EQ(summary[bhttp::field::content_type], "application/json");
  EXPECT_FALSE(summary[bhttp::field::etag].empty());
  auto anonymous = client.get("/api/v1/summary");
  EXPECT_EQ(anonymous.result_int(), 401);
  EXPECT_EQ(anonymous[bhttp::field::content_type], "application/problem+json");

  bhttp::request<bhttp::string_body> head(bhttp::verb::head, "/api/v1/summary", 11);
  head.set(bhttp::field::authorization, token_);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(true);
  head.set(bhttp::field::host, "x");
  bhttp::write(client.socket(), head);
  beast::flat_buffer buffer;
  bhttp::read(client.socket(), buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get()[bhttp::field::content_length], std::to_string(summary.body().size()));
}

TEST_F(ServerTest, RejectsOversizedHeadersAndBodies) {
  ServerOptions options;
  options.max_header_bytes = 2048;
  options.max_body_bytes = 1024;
  auto server = start(options);
  {
    Client client(port_);
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/healthz", 11);
    req.set("X-Big", std::string(4096, 'x'));
    beast::error_code ec;
    auto res = client.send(std::move(req), &ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 431);
    EXPECT_FALSE(res.keep_alive());
  }
  {
    Client client(port_);
    bhttp::request<bhttp::string_body> req(bhttp::verb::post, "/api/v1/session", 11);
    req.set(bhttp::field::content_type, "application/json");
    req.body() = std::string(4096, ' ');
    beast::error_code ec;
    auto res = client.send(std::move(req), &ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 413);
  }
}

TEST_F(ServerTest, BadListenAddressesAreErrors) {
  auto store = sqlite_memory_store();
  for (std::string listen : {"nonsense", "127.0.0.1:99999", "::1:80"}) {
    ServerOptions o;
    o.listen = listen;
    Server server(o, [] { return nullptr; }, *store, clock_);
    auto r = server.start();
    ASSERT_FALSE(r) << listen;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  auto first = start();
  ServerOptions o;
  o.listen = "127.0.0.1:" + std::to_string(port_);
  Server second(o, [] { return nullptr; }, *store, clock_);
  auto r = second.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST_F(ServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  auto server = start();
  Client idle(port_);
  ASSERT_EQ(idle.get("/healthz").result_int(), 200);

  {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  auto in_flight = std::async(std::launch::async, [this] {
    Client client(port_);
    return client.get("/api/v1/summary", token_);
  });
  {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(cv_.wait_for(lock, 30s, [this] { return entered_; }));
  }
  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  // The stopping server no longer accepts and has closed the idle connection...
  for (int i = 0; i < 200; ++i) {
    beast::error_code ec;
    asio::io_context ioc;
    tcp::socket probe(ioc);
    probe.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)), ec);
    if (ec) break;
    std::this_thread::sleep_for(10ms);  // waiting for the listener to close, not timing
  }
  beast::error_code ec;
  bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/healthz", 11);
  idle.send(std::move(req), &ec);
  EXPECT_TRUE(ec) << "an idle keep-alive connection is closed on stop";
  // ...while the in-flight request is still being answered.
  EXPECT_EQ(stopped.wait_for(0s), std::future_status::timeout);
  {
    std::lock_guard lock(mutex_);
    hold_ = false;
  }
  cv_.notify_all();
  auto res = in_flight.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  stopped.get();
}

TEST_F(ServerTest, BuiltFilesAreImmutableAndEveryAssetPageIsARoute) {
  static const EmbeddedFile kFiles[] = {
      {"/_app/index-3f2a1b.js", "text/javascript", "console.log(1)", "", "\"js\"", ""},
      {"/favicon.svg", "image/svg+xml", "<svg/>", "", "\"svg\"", ""},
      {"/index.html", "text/html; charset=utf-8", "<!doctype html><div id=root></div>", "",
       "\"index\"", ""},
  };
  ServerOptions options;
  options.api.web_files = std::span<const EmbeddedFile>(kFiles);
  auto server = start(options);
  Client client(port_);

  auto js = client.get("/_app/index-3f2a1b.js");
  EXPECT_EQ(js.result_int(), 200);
  EXPECT_EQ(js.body(), "console.log(1)");
  EXPECT_EQ(js[bhttp::field::cache_control], "public, max-age=31536000, immutable");
  auto icon = client.get("/favicon.svg");
  EXPECT_EQ(icon.result_int(), 200);
  EXPECT_EQ(icon[bhttp::field::cache_control], "no-cache");

  // Asset pages share no prefix with the build's files: any key opens the UI, even one that
  // ends like a script or names a built file.
  for (std::string route : {"/", "/assets/wh%3Adb.public.orders", "/assets/bi%3Areports.daily.js",
                            "/assets/x.css", "/assets/index-3f2a1b.js", "/browse/wh%3Adb",
                            "/assets/wh:db.public.orders.map"}) {
    auto page = client.get(route);
    EXPECT_EQ(page.result_int(), 200) << route;
    EXPECT_EQ(page.body(), "<!doctype html><div id=root></div>") << route;
    EXPECT_EQ(page[bhttp::field::cache_control], "no-cache") << route;
  }
  // A missing build file is a 404, never the UI's HTML.
  for (std::string missing : {"/_app/index-000000.js", "/_app/style.css", "/favicon.ico"}) {
    auto res = client.get(missing);
    EXPECT_EQ(res.result_int(), 404) << missing;
    EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json") << missing;
  }
  server->stop();
}

// Any handler can be served: it sees the request as sent and its response is written as given,
// by the same server (limits, keep-alive, HEAD).
TEST_F(ServerTest, ServesAnyHandler) {
  std::mutex seen_mutex;
  std::vector<std::string> seen;
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.max_body_bytes = 64;
  Server server(options, [&](const Request& r) {
    {
      std::lock_guard lock(seen_mutex);
      seen.push_back(fmt::format("{} {} [{}] [{}] [{}]", r.method, r.target, r.content_type,
                                 r.authorization, r.body));
    }
    Response out;
    out.status = r.target == "/missing" ? 404 : 200;
    out.set_body(r.target == "/sql" ? "SELECT 1" : "{\"ok\":true}",
                 r.target == "/sql" ? "text/plain" : "application/json");
    out.headers.emplace_back("X-Served-By", "handler");
    return out;
  });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  Client client(*port);

  bhttp::request<bhttp::string_body> login(bhttp::verb::post, "/api/4.0/login", 11);
  login.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
  login.body() = "client_id=a&client_secret=b";
  auto res = client.send(std::move(login));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), R"({"ok":true})");
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res["X-Served-By"], "handler");
  EXPECT_TRUE(res.keep_alive());

  auto sql = client.get("/sql", "token t");  // same connection
  EXPECT_EQ(sql.result_int(), 200);
  EXPECT_EQ(sql.body(), "SELECT 1");
  EXPECT_EQ(sql[bhttp::field::content_type], "text/plain");
  EXPECT_EQ(client.get("/missing").result_int(), 404);
  EXPECT_EQ(client.get("/healthz").body(), R"({"ok":true})") << "no Api routes behind a handler";

  bhttp::request<bhttp::string_body> big(bhttp::verb::post, "/big", 11);
  big.body() = std::string(100, 'x');
  Client other(*port);
  EXPECT_EQ(other.send(std::move(big)).result_int(), 413) << "the server's limits still apply";

  server.stop();
  std::lock_guard lock(seen_mutex);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "POST /api/4.0/login [application/x-www-form-urlencoded] [] "
                      "[client_id=a&client_secret=b]",
                      "GET /sql [] [token t] []", "GET /missing [] [] []",
                      "GET /healthz [] [] []"}));
}

// Waits up to `limit` for the server to close `socket` (end of stream or reset); false when it
// is still open then. Bytes the server sends before closing are read and dropped.
bool closed_within(tcp::socket& socket, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{socket.native_handle(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) return false;
    char byte[512];
    ssize_t n = ::recv(socket.native_handle(), byte, sizeof byte, 0);
    if (n <= 0) return true;
  }
}

tcp::endpoint local(int port) {
  return {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
}

Response text(std::string body) {
  Response out;
  out.set_body(std::move(body), "text/plain");
  return out;
}

TEST(ServerDeadlines, IdleConnectionsAndSlowRequestsAreClosedAtTheirDeadline) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.idle_timeout = 150ms;
  options.request_timeout = 300ms;
  Server server(options, [](const Request&) { return text("ok"); });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  using Clock = std::chrono::steady_clock;

  {  // Idle after a request: closed after idle_timeout, not before.
    Client client(*port);
    ASSERT_EQ(client.get("/").result_int(), 200);
    auto t0 = Clock::now();
    EXPECT_TRUE(closed_within(client.socket(), 5s));
    EXPECT_GE(Clock::now() - t0, 140ms);
  }
  {  // Requests keep a connection open for longer than idle_timeout.
    Client client(*port);
    for (int i = 0; i < 6; ++i) {
      ASSERT_EQ(client.get("/").result_int(), 200) << i;
      std::this_thread::sleep_for(50ms);
    }
  }
  {  // A header that never ends is idle time.
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(local(*port));
    asio::write(socket, asio::buffer(std::string_view("GET / HTTP/1.1\r\nHost: x\r\n")));
    auto t0 = Clock::now();
    EXPECT_TRUE(closed_within(socket, 5s));
    EXPECT_GE(Clock::now() - t0, 140ms);
  }
  {  // A body that stops coming: closed after request_timeout.
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(local(*port));
    asio::write(socket, asio::buffer(std::string_view(
                            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")));
    auto t0 = Clock::now();
    EXPECT_TRUE(closed_within(socket, 5s));
    EXPECT_GE(Clock::now() - t0, 290ms);
  }
  server.stop();
}

TEST(ServerProtocol, AnswersPipelinedRequestsInOrder) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  Server server(options, [](const Request& r) { return text(std::string(r.target)); });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(local(*port));
  asio::write(socket, asio::buffer(std::string_view(
                          "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                          "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                          "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  beast::flat_buffer buffer;
  for (std::string expected : {"/one", "/two", "/three"}) {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), expected);
    EXPECT_EQ(res.keep_alive(), expected != "/three");
  }
  EXPECT_TRUE(closed_within(socket, 5s));
  server.stop();
}

TEST(ServerProtocol, WritesTheHeaderAsHttp10OrHttp11AndOmitsBodiesWhereTheyHaveNone) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  Server server(options, [](const Request& r) {
    Response out = text("body");
    if (r.target == "/204") out.status = 204;
    if (r.target == "/304") out.status = 304;
    if (r.target == "/429") out.status = 429;
    out.headers.emplace_back("X-Extra", "1");
    return out;
  });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  asio::io_context ioc;
  auto exchange = [&](tcp::socket& socket, std::string_view request) {
    asio::write(socket, asio::buffer(request));
    std::string raw;
    beast::error_code ec;
    for (;;) {
      char chunk[4096];
      std::size_t n = socket.read_some(asio::buffer(chunk), ec);
      raw.append(chunk, n);
      if (ec || raw.find("\r\n\r\n") != std::string::npos) break;
    }
    return raw;
  };
  {
    tcp::socket socket(ioc);
    socket.connect(local(*port));
    EXPECT_EQ(exchange(socket, "GET /204 HTTP/1.1\r\nHost: x\r\n\r\n"),
              "HTTP/1.1 204 No Content\r\nServer: freshwatch\r\nContent-Type: text/plain\r\n"
              "X-Extra: 1\r\n\r\n");
    EXPECT_EQ(exchange(socket, "GET /304 HTTP/1.1\r\nHost: x\r\n\r\n"),
              "HTTP/1.1 304 Not Modified\r\nServer: freshwatch\r\nContent-Type: text/plain\r\n"
              "X-Extra: 1\r\n\r\n");
    EXPECT_EQ(exchange(socket, "HEAD /429 HTTP/1.1\r\nHost: x\r\n\r\n"),
              "HTTP/1.1 429 Too Many Requests\r\nServer: freshwatch\r\nContent-Type: text/plain\r\n"
              "X-Extra: 1\r\nContent-Length: 4\r\n\r\n");
    EXPECT_EQ(exchange(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
              "HTTP/1.1 200 OK\r\nServer: freshwatch\r\nContent-Type: text/plain\r\n"
              "X-Extra: 1\r\nContent-Length: 4\r\n\r\nbody");
  }
  {  // HTTP/1.0 keeps the connection only when asked to.
    tcp::socket socket(ioc);
    socket.connect(local(*port));
    EXPECT_EQ(exchange(socket, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
              "HTTP/1.0 200 OK\r\nServer: freshwatch\r\nContent-Type: text/plain\r\n"
              "X-Extra: 1\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\nbody");
    EXPECT_EQ(exchange(socket, "GET / HTTP/1.0\r\n\r\n"),
              "HTTP/1.0 200 OK\r\nServer: freshwatch\r\nContent-Type: text/plain\r\n"
              "X-Extra: 1\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbody");
    EXPECT_TRUE(closed_within(socket, 5s));
  }
  server.stop();
}

TEST(ServerProtocol, HandsTheHandlerTheFirstOfEachFieldWhateverItsCase) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  Server server(options, [](const Request& r) {
    return text(fmt::format("{}|{}|{}|{}|{}", r.authorization, r.cookie, r.accept_encoding,
                            r.if_none_match, r.content_type));
  });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(local(*port));
  asio::write(socket, asio::buffer(std::string_view(
                          "GET / HTTP/1.1\r\nHost: x\r\nAUTHORIZATION: first\r\n"
                          "Authorization: second\r\naccept-encoding: gzip\r\nCookie: a=1\r\n"
                          "If-None-Match: \"e\"\r\nContent-Type:\r\nContent-Type: late\r\n\r\n")));
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res);
  EXPECT_EQ(res.body(), "first|a=1|gzip|\"e\"|");
  server.stop();
}

TEST(ServerProtocol, WritesABodyLargerThanTheSocketBufferWhole) {
  auto big = std::make_shared<const std::string>(8 << 20, 'x');
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  Server server(options, [&](const Request&) {
    Response out;
    out.content_type = "application/octet-stream";
    out.owner = big;
    out.body = *big;
    return out;
  });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  Client client(*port);
  for (int i = 0; i < 2; ++i) {  // the connection is kept after the long write
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/", 11);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16 << 20);
    req.set(bhttp::field::host, "x");
    bhttp::write(client.socket(), req);
    beast::flat_buffer buffer;
    bhttp::read(client.socket(), buffer, parser);
    EXPECT_EQ(parser.get().result_int(), 200);
    EXPECT_EQ(parser.get().body().size(), big->size());
    EXPECT_TRUE(parser.get().body() == *big);
    EXPECT_TRUE(parser.get().keep_alive());
  }
  server.stop();
}

TEST(ServerThreads, ABurstOfConnectionsIsAcceptedAndEachOneAnswered) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  Server server(options, [](const Request& r) { return text(std::string(r.target)); });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  constexpr int kConnections = 300;
  asio::io_context ioc;
  std::vector<tcp::socket> sockets;
  for (int i = 0; i < kConnections; ++i) {
    sockets.emplace_back(ioc);
    sockets.back().connect(local(*port));
  }
  for (int i = 0; i < kConnections; ++i)
    asio::write(sockets[i], asio::buffer(fmt::format("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", i)));
  for (int i = 0; i < kConnections; ++i) {
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    beast::error_code ec;
    bhttp::read(sockets[i], buffer, res, ec);
    ASSERT_FALSE(ec) << i << ": " << ec.message();
    EXPECT_EQ(res.body(), "/" + std::to_string(i));
  }
  server.stop();
}

// Connections are spread over the I/O threads in turn, and a handler that blocks one thread
// neither stops the listener nor the other threads' connections.
TEST(ServerThreads, ConnectionsAreSpreadOverTheThreadsAndOneBlockedHandlerHoldsUpOnlyItsThread) {
  std::mutex mutex;
  std::condition_variable cv;
  bool blocked = false, release = false;
  std::map<std::string, std::thread::id> thread_of;  // request target -> thread that answered
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 3;
  Server server(options, [&](const Request& r) {
    std::unique_lock lock(mutex);
    thread_of[std::string(r.target)] = std::this_thread::get_id();
    if (r.target == "/block") {
      blocked = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    }
    return text("ok");
  });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;

  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 30; ++i) clients.push_back(std::make_unique<Client>(*port));
  for (int i = 0; i < 30; ++i)
    ASSERT_EQ(clients[i]->get("/" + std::to_string(i)).result_int(), 200) << i;
  std::map<std::thread::id, int> per_thread;
  for (int i = 0; i < 30; ++i) ++per_thread[thread_of["/" + std::to_string(i)]];
  ASSERT_EQ(per_thread.size(), 3u);
  for (auto& [id, n] : per_thread) EXPECT_EQ(n, 10);
  // Connection i is on the thread of connection i % 3.
  for (int i = 3; i < 30; ++i)
    EXPECT_EQ(thread_of["/" + std::to_string(i)], thread_of["/" + std::to_string(i % 3)]) << i;

  // The next connection would go to thread 0, which is about to be blocked: take it now.
  clients.push_back(std::make_unique<Client>(*port));
  ASSERT_EQ(clients[30]->get("/30").result_int(), 200);
  ASSERT_EQ(thread_of["/30"], thread_of["/0"]);

  auto held = std::async(std::launch::async, [&] { return clients[0]->get("/block").result_int(); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return blocked; }));
  }
  EXPECT_EQ(clients[1]->get("/other-thread").result_int(), 200);
  EXPECT_EQ(Client(*port).get("/new-connection").result_int(), 200) << "the listener still accepts";
  EXPECT_EQ(thread_of["/new-connection"], thread_of["/1"]);
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  EXPECT_EQ(held.get(), 200);
  EXPECT_EQ(clients[3]->get("/after").result_int(), 200);

  // stop() closes every idle connection at once rather than waiting out shutdown_grace.
  auto t0 = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  for (auto& c : clients) EXPECT_TRUE(closed_within(c->socket(), 5s));
}

TEST(ServerOptions, FromConfig) {
  config::ServerConfig c;
  c.listen = "0.0.0.0:9000";
  c.session_ttl = 12h;
  ServerOptions defaults = ServerOptions::from_config(c);
  EXPECT_EQ(defaults.listen, "0.0.0.0:9000");
  EXPECT_EQ(defaults.api.session_ttl, 12h);
  EXPECT_FALSE(defaults.api.secure_cookies);
  EXPECT_GE(defaults.threads, 2);
  EXPECT_GE(defaults.threads, static_cast<int>(std::thread::hardware_concurrency()));
  c.cookie_secure = true;
  c.threads = 7;
  ServerOptions set = ServerOptions::from_config(c);
  EXPECT_TRUE(set.api.secure_cookies);
  EXPECT_EQ(set.threads, 7);
}

TEST_F(ServerTest, SecureCookieOptionMarksTheSessionCookie) {
  ASSERT_TRUE(add_user(*store_, "demo", "demo", PasswordCost::kMinimal));
  config::ServerConfig c;
  c.cookie_secure = true;
  auto server = start(ServerOptions::from_config(c));
  Client client(port_);
  bhttp::request<bhttp::string_body> req(bhttp::verb::post, "/api/v1/session", 11);
  req.set(bhttp::field::content_type, "application/json");
  req.body() = R"({"username":"demo","password":"demo"})";
  auto res = client.send(std::move(req));
  EXPECT_EQ(res.result_int(), 204);
  EXPECT_NE(std::string(res[bhttp::field::set_cookie]).find("; Secure"), std::string::npos);
  server->stop();
}

}  // namespace
}  // namespace freshwatch::http
