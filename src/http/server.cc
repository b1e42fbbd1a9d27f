#include "http/server.h"

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/log.h"
#include "http/json_writer.h"

namespace freshwatch::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A response body that is a view into shared memory (a cached body, a static file): written
// straight from there, never copied.
struct ViewBody {
  struct value_type {
    std::shared_ptr<const void> owner;
    std::string_view data;
  };

  static std::uint64_t size(const value_type& v) { return v.data.size(); }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const bhttp::header<isRequest, Fields>&, const value_type& v) : value_(v) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (done_ || value_.data.empty()) return boost::none;
      done_ = true;
      return {{const_buffers_type(value_.data.data(), value_.data.size()), false}};
    }

   private:
    const value_type& value_;
    bool done_ = false;
  };
};

std::chrono::steady_clock::duration steady(core::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

}  // namespace

ServerOptions ServerOptions::from_config(const config::ServerConfig& config) {
  ServerOptions o;
  o.listen = config.listen;
  o.request_timeout = config.request_timeout;
  o.max_body_bytes = config.max_body_bytes;
  o.api.session_ttl = config.session_ttl;
  o.api.secure_cookies = config.cookie_secure;
  o.threads = config.threads > 0
                  ? config.threads
                  : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  return o;
}

Result<std::pair<std::string, int>> parse_listen(std::string_view listen) {
  std::string_view host, port;
  if (listen.starts_with("[")) {
    std::size_t close = listen.find(']');
    if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
      return fail(ErrorCode::kInvalidArgument,
                  "listen address '{}' is not HOST:PORT (IPv6 hosts go in brackets: [::1]:8080)",
                  listen);
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    std::size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos)
      return fail(ErrorCode::kInvalidArgument,
                  "listen address '{}' is not HOST:PORT, for example 127.0.0.1:8080", listen);
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return fail(ErrorCode::kInvalidArgument,
                  "listen address '{}': put IPv6 hosts in brackets, for example [::1]:8080", listen);
  }
  int p = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p < 0 || p > 65535)
    return fail(ErrorCode::kInvalidArgument, "listen address '{}': the port must be 0..65535",
                listen);
  return std::pair{host.empty() ? std::string("0.0.0.0") : std::string(host), p};
}

int wait_for_termination_signal() {
  asio::io_context ioc;
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const beast::error_code&, int sig) { received = sig; });
  ioc.run();
  return received;
}

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<Api> api;  // when serving freshwatch's Api
  Handler handler;

  // Declared before the io_context: connections still queued in it unregister on destruction.
  std::mutex mutex;
  std::condition_variable idle_cv;
  class Connection;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;  // GUARDED_BY(mutex)
  std::atomic<bool> stopping{false};

  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  int port = 0;
  bool started = false;
  bool stopped = false;

  Impl(ServerOptions o, Handler h)
      : options(std::move(o)), handler(std::move(h)), ioc(std::max(1, options.threads)) {}

  void accept();
};

class Server::Impl::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, Impl& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) client_address_ = peer.address().to_string();
  }

  ~Connection() {
    std::lock_guard lock(server_.mutex);
    server_.live.erase(this);
    if (server_.live.empty()) server_.idle_cv.notify_all();
  }

  void start() {
    {
      std::lock_guard lock(server_.mutex);
      server_.live.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // Called on the connection's strand when the server stops: an idle connection closes now, a
  // busy one after its response.
  void on_stop(bool force) {
    if (!busy_ || force) close();
  }

  void post_stop(bool force) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), force] { self->on_stop(force); });
  }

 private:
  void read() {
    if (server_.stopping) return close();
    busy_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(steady(server_.options.idle_timeout));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_error(ec);
    busy_ = true;
    stream_.expires_after(steady(server_.options.request_timeout));
    if (parser_->is_done()) return handle();
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->on_error(ec);
                        self->handle();
                      });
  }

  void on_error(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == bhttp::error::partial_message) {
      return close();
    }
    if (&ec.category() == &bhttp::make_error_code(bhttp::error::body_limit).category()) {
      int status = 400;
      std::string detail = "the request could not be read as HTTP/1.1: " + ec.message();
      if (ec == bhttp::error::body_limit) {
        status = 413;
        detail = fmt::format("the request body is larger than {} bytes",
                             server_.options.max_body_bytes);
      } else if (ec == bhttp::error::header_limit) {
        status = 431;
        detail = fmt::format("the request headers are larger than {} bytes",
                             server_.options.max_header_bytes);
      }
      busy_ = true;
      JsonWriter w;
      w.begin_object()
          .key("type").string("about:blank")
          .key("title").string(status == 413   ? "Content Too Large"
                               : status == 431 ? "Request Header Fields Too Large"
                                               : "Bad Request")
          .key("status").number(status)
          .key("detail").string(detail)
          .end_object();
      std::string body = w.take();
      auto owned = std::make_shared<const std::string>(std::move(body));
      res_ = {};
      res_.version(11);
      res_.result(static_cast<bhttp::status>(status));
      res_.set(bhttp::field::content_type, "application/problem+json");
      res_.set(bhttp::field::server, "freshwatch");
      res_.body() = {owned, *owned};
      res_.keep_alive(false);
      res_.prepare_payload();
      return write(true);
    }
    spdlog::debug("connection error: {}", ec.message());
    close();
  }

  void handle() {
    const auto& req = parser_->get();
    Request r;
    r.method = req.method_string();
    r.target = req.target();
    r.body = req.body();
    r.cookie = req[bhttp::field::cookie];
    r.authorization = req[bhttp::field::authorization];
    r.if_none_match = req[bhttp::field::if_none_match];
    r.accept_encoding = req[bhttp::field::accept_encoding];
    r.content_type = req[bhttp::field::content_type];
    r.client_address = client_address_;
    Response out = server_.handler(r);

    res_ = {};
    res_.version(req.version());
    res_.result(static_cast<bhttp::status>(out.status));
    res_.set(bhttp::field::server, "freshwatch");
    if (!out.content_type.empty()) res_.set(bhttp::field::content_type, out.content_type);
    for (const auto& [name, value] : out.headers) res_.insert(name, value);
    bool keep = req.keep_alive() && !server_.stopping;
    res_.keep_alive(keep);
    bool head = req.method() == bhttp::verb::head;
    if (out.status == 204 || out.status == 304) {
      res_.body() = {};
    } else if (head) {
      res_.content_length(out.body.size());
      res_.body() = {};
    } else {
      res_.body() = {std::move(out.owner), out.body};
      res_.content_length(out.body.size());
    }
    write(!keep);
  }

  void write(bool close_after) {
    stream_.expires_after(steady(server_.options.request_timeout));
    bhttp::async_write(stream_, res_,
                       [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                         self->res_.body() = {};
                         if (ec || close_after || self->server_.stopping) return self->close();
                         self->read();
                       });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<ViewBody> res_;
  bool busy_ = false;  // a request is being read (after its header) or answered
  std::string client_address_;
};

void Server::Impl::accept() {
  acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor->is_open()) return;
    if (!ec) {
      std::make_shared<Connection>(std::move(socket), *this)->start();
    } else if (ec != asio::error::operation_aborted) {
      spdlog::warn("accepting a connection failed: {}", ec.message());
    }
    accept();
  });
}

Server::Server(ServerOptions options, SnapshotSource snapshots, store::Store& store,
               const core::Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), Handler{})) {
  impl_->api = std::make_unique<Api>(impl_->options.api, std::move(snapshots), store, clock);
  impl_->handler = [api = impl_->api.get()](const Request& r) { return api->handle(r); };
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() { stop(); }

Result<int> Server::start() {
  if (impl_->started) return impl_->port;
  auto listen = parse_listen(impl_->options.listen);
  if (!listen) return std::unexpected(listen.error());
  auto& [host, port] = *listen;
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty())
    return fail(ErrorCode::kInvalidArgument, "cannot resolve listen host '{}': {}", host,
                ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto& acc = impl_->acceptor.emplace(impl_->ioc);
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    impl_->acceptor.reset();
    return fail(ErrorCode::kUnavailable, "cannot listen on {}: {}{}", impl_->options.listen,
                ec.message(),
                ec == asio::error::address_in_use ? " (another process uses this port; pick "
                                                    "another with --listen HOST:PORT)"
                                                  : "");
  }
  impl_->port = acc.local_endpoint().port();
  impl_->started = true;
  impl_->accept();
  int n = std::max(1, impl_->options.threads);
  for (int i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  const std::string& name = impl_->options.name;
  spdlog::info("serving {}{}on http://{}:{}", name, name.empty() ? "" : " ", host, impl_->port);
  return impl_->port;
}

void Server::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.stopping = true;
  asio::post(s.ioc, [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
  });
  // Idle connections close now; busy ones close after their response.
  {
    std::vector<std::shared_ptr<Impl::Connection>> conns;
    {
      std::lock_guard lock(s.mutex);
      for (auto& [ptr, weak] : s.live)
        if (auto c = weak.lock()) conns.push_back(std::move(c));
    }
    for (auto& c : conns) c->post_stop(false);
  }
  {
    std::unique_lock lock(s.mutex);
    s.idle_cv.wait_for(lock, s.options.shutdown_grace, [&s] { return s.live.empty(); });
  }
  {
    std::vector<std::shared_ptr<Impl::Connection>> conns;
    {
      std::lock_guard lock(s.mutex);
      for (auto& [ptr, weak] : s.live)
        if (auto c = weak.lock()) conns.push_back(std::move(c));
    }
    for (auto& c : conns) c->post_stop(true);
  }
  {
    std::unique_lock lock(s.mutex);
    s.idle_cv.wait_for(lock, std::chrono::seconds(2), [&s] { return s.live.empty(); });
  }
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  spdlog::info("{} stopped", s.options.name.empty() ? "server" : s.options.name);
}

int Server::port() const { return impl_->port; }
Api& Server::api() { return *impl_->api; }

}  // namespace freshwatch::http
