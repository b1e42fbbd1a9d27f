#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/intrusive/list.hpp>

#include "core/log.h"
#include "http/json_writer.h"

namespace freshwatch::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

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

  // Declared before the workers: connections still queued in their io_contexts unregister on
  // destruction.
  std::mutex mutex;
  std::condition_variable idle_cv;
  std::size_t live = 0;  // GUARDED_BY(mutex); connections not yet destroyed
  std::atomic<bool> stopping{false};

  class Connection;
  using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
  using ConnectionHook =
      boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;
  using ConnectionList =
      boost::intrusive::list<Connection, boost::intrusive::base_hook<ConnectionHook>,
                             boost::intrusive::constant_time_size<false>>;

  // One I/O thread: its io_context, its connections, and the timer that closes the ones past
  // their deadline.
  struct Worker {
    ConnectionList connections;  // only touched on this worker's thread (or after it ended)
    asio::io_context ioc{1};
    asio::steady_timer sweep{ioc};
    std::chrono::steady_clock::duration sweep_every{};

    void arm_sweep();
  };
  std::vector<std::unique_ptr<Worker>> workers;
  std::size_t next_worker = 0;  // on the listener's thread only

  asio::io_context listener_ioc{1};
  std::optional<tcp::acceptor> acceptor;
  asio::steady_timer accept_retry{listener_ioc};
  std::vector<std::thread> threads;
  int port = 0;
  bool started = false;
  bool stopped = false;

  Impl(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {
    const int n = std::max(1, options.threads);
    // The sweep's period bounds how late a connection past its deadline is closed.
    auto shortest = std::min(steady(options.idle_timeout), steady(options.request_timeout));
    auto every = std::clamp<std::chrono::steady_clock::duration>(
        shortest / 8, std::chrono::milliseconds(5), std::chrono::seconds(1));
    for (int i = 0; i < n; ++i) {
      workers.push_back(std::make_unique<Worker>());
      workers.back()->sweep_every = every;
    }
  }

  void accept();
  void accept_ready();
  void accept_later();  // after a failure
  // Runs `f(connection)` for every connection, each on its worker's thread.
  template <typename F>
  void for_each_connection(F f);
};

class Server::Impl::Connection
    : public std::enable_shared_from_this<Connection>, public ConnectionHook {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(Socket&& socket, Impl& server, Worker& worker)
      : socket_(std::move(socket)), server_(server), worker_(worker) {
    beast::error_code ec;
    auto peer = socket_.remote_endpoint(ec);
    if (!ec) client_address_ = peer.address().to_string();
    // Responses are written whole (one gather write); Nagle would only delay the last segment.
    socket_.set_option(tcp::no_delay(true), ec);
    socket_.non_blocking(true, ec);  // for respond()'s immediate write
    std::lock_guard lock(server_.mutex);
    ++server_.live;
  }

  ~Connection() {
    std::lock_guard lock(server_.mutex);
    if (--server_.live == 0) server_.idle_cv.notify_all();
  }

  // On the worker's thread, once.
  void start() {
    worker_.connections.push_back(*this);
    read_next();
  }

  // On the worker's thread when the server stops: an idle connection closes now, a busy one
  // after its response.
  void on_stop(bool force) {
    if (!busy_ || force) close();
  }

  // On the worker's thread, from its sweep.
  void close_if_expired(Clock::time_point now) {
    if (deadline_ <= now) close();
  }

 private:
  void read_next() {
    if (server_.stopping) return close();
    busy_ = false;
    out_ = {};
    parser_.reset();
    fields_memory_.release();
    parser_.emplace(std::piecewise_construct, std::make_tuple(),
                    std::make_tuple(FieldsAllocator(&fields_memory_)));
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    deadline_ = Clock::now() + steady(server_.options.idle_timeout);
    parse();
  }

  // Parses what the buffer holds (a pipelined request may already be there), reading more
  // while the request is incomplete.
  void parse() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) break;
      if (ec) return on_error(ec);
      if (parser_->is_done()) return handle();
      if (!busy_ && parser_->is_header_done()) {
        busy_ = true;
        deadline_ = Clock::now() + steady(server_.options.request_timeout);
      }
      if (used == 0) break;
    }
    read_some();
  }

  void read_some() {
    std::size_t size = std::clamp<std::size_t>(buffer_.capacity() - buffer_.size(), 512, 65536);
    socket_.async_read_some(buffer_.prepare(size), [self = shared_from_this()](
                                                       beast::error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec == asio::error::eof) {
      if (!parser_->got_some()) return close();
      ec = {};
      parser_->put_eof(ec);
      if (ec) return on_error(ec);
      return parser_->is_done() ? handle() : close();
    }
    if (ec) return on_error(ec);
    buffer_.commit(n);
    parse();
  }

  void on_error(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::bad_descriptor || ec == asio::error::connection_reset ||
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
      out_ = {};
      out_.status = status;
      out_.set_body(w.take(), "application/problem+json");
      return respond(11, false, false);
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
    // One pass over the fields; the first of a repeated field counts (as req[name] would).
    unsigned seen = 0;
    auto take = [&seen](unsigned bit, std::string_view& to, std::string_view value) {
      if (seen & bit) return;
      seen |= bit;
      to = value;
    };
    for (const auto& f : req) {
      switch (f.name()) {
        case bhttp::field::cookie: take(1, r.cookie, f.value()); break;
        case bhttp::field::authorization: take(2, r.authorization, f.value()); break;
        case bhttp::field::if_none_match: take(4, r.if_none_match, f.value()); break;
        case bhttp::field::accept_encoding: take(8, r.accept_encoding, f.value()); break;
        case bhttp::field::content_type: take(16, r.content_type, f.value()); break;
        default: break;
      }
    }
    r.client_address = client_address_;
    out_ = server_.handler(r);
    respond(req.version(), req.keep_alive() && !server_.stopping,
            req.method() == bhttp::verb::head);
  }

  // Writes `out_` as the answer to an HTTP/`version` request: the header into `head_`, then
  // header and body in one gather write.
  void respond(unsigned version, bool keep, bool head) {
    const int status = out_.status;
    head_.clear();
    head_ += "HTTP/";
    head_ += static_cast<char>('0' + version / 10);
    head_ += '.';
    head_ += static_cast<char>('0' + version % 10);
    head_ += ' ';
    append_number(status);
    head_ += ' ';
    head_ += bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    head_ += "\r\nServer: freshwatch\r\n";
    if (!out_.content_type.empty()) append_field("Content-Type", out_.content_type);
    for (const auto& [name, value] : out_.headers) append_field(name, value);
    if (!keep) head_ += "Connection: close\r\n";
    else if (version < 11) head_ += "Connection: keep-alive\r\n";
    const bool no_body = status == 204 || status == 304;
    if (!no_body) {
      head_ += "Content-Length: ";
      append_number(out_.body.size());
      head_ += "\r\n";
    }
    head_ += "\r\n";
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::const_buffer()};
    if (!no_body && !head) buffers[1] = asio::buffer(out_.body.data(), out_.body.size());
    busy_ = true;
    // Most responses fit in the socket's send buffer: written here, with no completion to
    // queue. What does not fit is written asynchronously.
    beast::error_code ec;
    const std::size_t total = buffers[0].size() + buffers[1].size();
    const std::size_t sent = socket_.write_some(buffers, ec);
    if (!ec && sent == total) return written(keep);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return close();
    deadline_ = Clock::now() + steady(server_.options.request_timeout);
    beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
    rest.consume(ec ? 0 : sent);
    asio::async_write(socket_, rest,
                      [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->written(keep);
                      });
  }

  void written(bool keep) {
    if (!keep || server_.stopping) return close();
    read_next();
  }

  void append_number(std::uint64_t n) {
    char digits[20];
    auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    head_.append(digits, end);
  }

  void append_field(std::string_view name, std::string_view value) {
    head_ += name;
    head_ += ": ";
    head_ += value;
    head_ += "\r\n";
  }

  void close() {
    deadline_ = Clock::time_point::max();
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  Socket socket_;
  Impl& server_;
  Worker& worker_;
  beast::flat_buffer buffer_;
  // The request's fields live in a block the connection keeps (no allocation per field).
  using FieldsAllocator = std::pmr::polymorphic_allocator<char>;
  std::array<std::byte, 1024> fields_block_;
  std::pmr::monotonic_buffer_resource fields_memory_{fields_block_.data(), fields_block_.size()};
  std::optional<bhttp::request_parser<bhttp::string_body, FieldsAllocator>> parser_;
  Response out_;      // the response being written; keeps its body alive
  std::string head_;  // its status line and fields, reused from request to request
  Clock::time_point deadline_ = Clock::time_point::max();  // idle or request timeout
  bool busy_ = false;  // a request is being read (after its header) or answered
  std::string client_address_;
};

void Server::Impl::Worker::arm_sweep() {
  sweep.expires_after(sweep_every);
  sweep.async_wait([this](beast::error_code ec) {
    if (ec) return;
    const auto now = Connection::Clock::now();
    for (Connection& c : connections) c.close_if_expired(now);
    arm_sweep();
  });
}

template <typename F>
void Server::Impl::for_each_connection(F f) {
  for (auto& w : workers)
    asio::post(w->ioc, [worker = w.get(), f] {
      for (Connection& c : worker->connections) f(c);
    });
}

// The listener waits until connections are pending, then accepts all of them (one wake-up for
// a burst of connections), handing them to the workers in turn.
void Server::Impl::accept() {
  acceptor->async_wait(tcp::acceptor::wait_read, [this](beast::error_code ec) {
    if (stopping || !acceptor->is_open()) return;
    if (ec) {
      spdlog::warn("waiting for connections failed: {}", ec.message());
      return accept_later();
    }
    accept_ready();
  });
}

void Server::Impl::accept_later() {
  accept_retry.expires_after(std::chrono::milliseconds(100));
  accept_retry.async_wait([this](beast::error_code e) {
    if (!e && !stopping && acceptor->is_open()) accept();
  });
}

void Server::Impl::accept_ready() {
  for (;;) {
    Worker& worker = *workers[next_worker % workers.size()];
    beast::error_code ec;
    Socket socket = acceptor->accept(worker.ioc, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec == asio::error::connection_aborted) continue;  // the client gave up first
    if (ec) {
      // Out of file descriptors, for example: try again shortly rather than spin.
      spdlog::warn("accepting a connection failed: {}", ec.message());
      return accept_later();
    }
    ++next_worker;
    auto connection = std::make_shared<Connection>(std::move(socket), *this, worker);
    asio::post(worker.ioc, [connection = std::move(connection)] { connection->start(); });
  }
  accept();
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
  tcp::resolver resolver(impl_->listener_ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty())
    return fail(ErrorCode::kInvalidArgument, "cannot resolve listen host '{}': {}", host,
                ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto& acc = impl_->acceptor.emplace(impl_->listener_ioc);
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) acc.non_blocking(true, ec);
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
  for (auto& w : impl_->workers) {
    w->arm_sweep();
    impl_->threads.emplace_back([worker = w.get()] { worker->ioc.run(); });
  }
  impl_->threads.emplace_back([this] { impl_->listener_ioc.run(); });
  const std::string& name = impl_->options.name;
  spdlog::info("serving {}{}on http://{}:{}", name, name.empty() ? "" : " ", host, impl_->port);
  return impl_->port;
}

void Server::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.stopping = true;
  asio::post(s.listener_ioc, [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
    s.accept_retry.cancel();
  });
  // Idle connections close now; busy ones close after their response.
  s.for_each_connection([](Impl::Connection& c) { c.on_stop(false); });
  {
    std::unique_lock lock(s.mutex);
    s.idle_cv.wait_for(lock, s.options.shutdown_grace, [&s] { return s.live == 0; });
  }
  s.for_each_connection([](Impl::Connection& c) { c.on_stop(true); });
  {
    std::unique_lock lock(s.mutex);
    s.idle_cv.wait_for(lock, std::chrono::seconds(2), [&s] { return s.live == 0; });
  }
  s.listener_ioc.stop();
  for (auto& w : s.workers) w->ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  spdlog::info("{} stopped", s.options.name.empty() ? "server" : s.options.name);
}

int Server::port() const { return impl_->port; }
Api& Server::api() { return *impl_->api; }

}  // namespace freshwatch::http
