#include "support/http_test_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "support/process.h"

namespace freshwatch::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string ServerRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return {};
}

TestCertificates make_test_certificates(const std::filesystem::path& dir) {
  TestCertificates out{dir / "ca.pem", dir / "server.pem", dir / "server.key", {}};
  const std::string d = dir.string();
  std::ofstream(dir / "san.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  const std::vector<std::vector<std::string>> steps = {
      {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out",
       d + "/ca.pem", "-days", "2", "-subj", "/CN=freshwatch test CA"},
      {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key", "-out",
       d + "/server.csr", "-subj", "/CN=127.0.0.1"},
      {"openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey",
       d + "/ca.key", "-CAcreateserial", "-out", d + "/server.pem", "-days", "2", "-extfile",
       d + "/san.cnf"},
  };
  for (const auto& step : steps) {
    auto r = run_command(step);
    if (r.exit_code != 0) {
      out.error = step[0] + " " + step[1] + ": " + r.output;
      break;
    }
  }
  return out;
}

struct HttpTestServer::Impl {
  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::optional<asio::ssl::context> tls;
  int port = 0;

  mutable std::mutex mutex;
  std::condition_variable stopped;
  bool stopping = false;                // guarded by mutex
  std::vector<int> open;                // native sockets of live connections; guarded by mutex
  std::vector<ServerRequest> requests;  // guarded by mutex
  int connections = 0;                  // guarded by mutex
  std::vector<std::thread> threads;     // guarded by mutex
  std::thread accepting;

  // Waits `d`, or until the server stops; false when it stops.
  bool wait(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !stopped.wait_for(lock, d, [&] { return stopping; });
  }
  void wait_for_stop() {
    std::unique_lock lock(mutex);
    stopped.wait(lock, [&] { return stopping; });
  }

  template <typename Stream>
  void serve(Stream& stream, int connection) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> request;
      beast::error_code ec;
      http::read(stream, buffer, request, ec);
      if (ec) return;
      ServerRequest r;
      r.method = std::string(request.method_string());
      r.target = std::string(request.target());
      for (const auto& field : request)
        r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      r.body = request.body();
      r.connection = connection;
      {
        std::lock_guard lock(mutex);
        requests.push_back(r);
      }
      ServerReply reply = handler(r);
      if (reply.delay.count() > 0 && !wait(reply.delay)) return;
      if (reply.stall_after) {
        std::string head = "HTTP/1.1 " + std::to_string(reply.status) +
                           " Stalling\r\nContent-Length: " + std::to_string(reply.body.size()) +
                           "\r\n";
        for (const auto& [n, v] : reply.headers) head += n + ": " + v + "\r\n";
        head += "\r\n" + reply.body.substr(0, *reply.stall_after);
        asio::write(stream, asio::buffer(head), ec);
        wait_for_stop();
        return;
      }
      http::response<http::string_body> response;
      response.version(request.version());
      response.result(static_cast<unsigned>(reply.status));
      for (const auto& [n, v] : reply.headers) response.set(n, v);
      response.body() = std::move(reply.body);
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      http::write(stream, response, ec);
      if (ec || !response.keep_alive()) return;
    }
  }

  void connection(tcp::socket socket, int id) {
    if (tls) {
      asio::ssl::stream<tcp::socket&> stream(socket, *tls);
      beast::error_code ec;
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) serve(stream, id);
    } else {
      serve(socket, id);
    }
    std::lock_guard lock(mutex);
    open.erase(std::remove(open.begin(), open.end(), socket.native_handle()), open.end());
    // The socket closes after its descriptor left `open`, so stop() never shuts down a reused one.
  }

  void accept_loop() {
    while (true) {
      tcp::socket socket(io);
      beast::error_code ec;
      acceptor.accept(socket, ec);
      std::lock_guard lock(mutex);
      if (stopping) return;
      if (ec) continue;
      const int id = connections++;
      open.push_back(socket.native_handle());
      threads.emplace_back(
          [this, s = std::move(socket), id]() mutable { connection(std::move(s), id); });
    }
  }
};

HttpTestServer::HttpTestServer(Handler handler, const TestCertificates* tls)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  if (tls) {
    impl_->tls.emplace(asio::ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(tls->cert.string());
    impl_->tls->use_private_key_file(tls->key.string(), asio::ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accepting = std::thread([this] { impl_->accept_loop(); });
}

HttpTestServer::~HttpTestServer() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    // Wakes the blocked accept() and every blocked read.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    for (int fd : impl_->open) ::shutdown(fd, SHUT_RDWR);
  }
  impl_->stopped.notify_all();
  impl_->accepting.join();
  {
    std::lock_guard lock(impl_->mutex);
    threads = std::move(impl_->threads);
  }
  for (auto& t : threads) t.join();
}

int HttpTestServer::port() const { return impl_->port; }

std::string HttpTestServer::url(std::string_view path) const {
  return (impl_->tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(impl_->port) +
         std::string(path);
}

int HttpTestServer::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

std::vector<ServerRequest> HttpTestServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace freshwatch::testing
