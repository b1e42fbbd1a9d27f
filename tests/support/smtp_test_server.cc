#include "support/smtp_test_server.h"

#include <sys/socket.h>

#include <mutex>
#include <optional>
#include <thread>

#include <openssl/evp.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

namespace freshwatch::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string decode_base64(std::string_view text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return {};
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The address between < and > of "MAIL FROM:<a@b> SIZE=1".
std::string address_of(std::string_view line) {
  auto open = line.find('<'), close = line.find('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  return std::string(line.substr(open + 1, close - open - 1));
}

}  // namespace

struct SmtpTestServer::Impl {
  SmtpServerOptions options;
  std::optional<asio::ssl::context> tls;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  int port = 0;
  std::thread accepting;
  mutable std::mutex mutex;
  bool stopping = false;
  std::vector<int> open;
  std::vector<std::thread> threads;
  std::vector<SmtpMessage> messages;

  struct Session {
    Session(Impl& s, tcp::socket sock) : server(s), socket(std::move(sock)) {}
    Impl& server;
    tcp::socket socket;
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> secure;
    asio::streambuf buffer;

    std::string read_line() {
      if (secure)
        asio::read_until(*secure, buffer, "\r\n");
      else
        asio::read_until(socket, buffer, "\r\n");
      std::istream in(&buffer);
      std::string line;
      std::getline(in, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    void write(std::string_view reply) {
      std::string text = std::string(reply) + "\r\n";
      if (secure)
        asio::write(*secure, asio::buffer(text));
      else
        asio::write(socket, asio::buffer(text));
    }

    void run() {
      const SmtpServerOptions& o = server.options;
      SmtpMessage message;
      bool authenticated = false;
      write("220 127.0.0.1 ESMTP freshwatch-test");
      for (;;) {
        std::string line = read_line();
        std::string verb = upper(line.substr(0, line.find(' ')));
        if (verb == "EHLO" || verb == "HELO") {
          std::string reply = "250-127.0.0.1";
          if (server.tls && !secure) reply += "\r\n250-STARTTLS";
          if (secure || !o.require_tls) reply += "\r\n250-AUTH PLAIN";
          write(reply + "\r\n250 8BITMIME");
        } else if (verb == "STARTTLS" && server.tls && !secure) {
          write("220 2.0.0 ready to start TLS");
          secure = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket, *server.tls);
          secure->handshake(asio::ssl::stream_base::server);
          message.tls = true;
          authenticated = false;
        } else if (verb == "AUTH") {
          std::string rest = line.size() > 5 ? line.substr(5) : "";
          if (upper(rest.substr(0, 5)) != "PLAIN") {
            write("504 5.5.4 only PLAIN");
            continue;
          }
          std::string response = rest.size() > 6 ? rest.substr(6) : "";
          if (response.empty()) {
            write("334 ");
            response = read_line();
          }
          std::string plain = decode_base64(response);  // authzid \0 user \0 password
          auto first = plain.find('\0');
          auto second = first == std::string::npos ? first : plain.find('\0', first + 1);
          std::string user =
              second == std::string::npos ? "" : plain.substr(first + 1, second - first - 1);
          std::string password = second == std::string::npos ? "" : plain.substr(second + 1);
          if (user == o.username && password == o.password) {
            authenticated = true;
            message.user = user;
            write("235 2.7.0 authenticated");
          } else {
            write("535 5.7.8 authentication credentials invalid");
          }
        } else if (verb == "MAIL") {
          if (o.require_tls && !secure) {
            write("530 5.7.0 must issue a STARTTLS command first");
          } else if (!o.username.empty() && !authenticated) {
            write("530 5.7.0 authentication required");
          } else {
            message.from = address_of(line);
            message.to.clear();
            write("250 2.1.0 ok");
          }
        } else if (verb == "RCPT") {
          if (!o.reject_rcpt.empty()) {
            write(o.reject_rcpt);
          } else {
            message.to.push_back(address_of(line));
            write("250 2.1.5 ok");
          }
        } else if (verb == "DATA") {
          write("354 end data with <CR><LF>.<CR><LF>");
          std::string data;
          for (std::string l = read_line(); l != "."; l = read_line())
            data += (l.starts_with('.') ? l.substr(1) : l) + "\r\n";
          message.data = std::move(data);
          {
            std::lock_guard lock(server.mutex);
            server.messages.push_back(message);
          }
          write("250 2.0.0 queued");
        } else if (verb == "RSET" || verb == "NOOP") {
          write("250 2.0.0 ok");
        } else if (verb == "QUIT") {
          write("221 2.0.0 bye");
          return;
        } else {
          write("502 5.5.2 not implemented");
        }
      }
    }
  };

  void accept_loop() {
    for (;;) {
      tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      std::lock_guard lock(mutex);
      if (stopping) return;
      if (ec) continue;
      open.push_back(socket.native_handle());
      threads.emplace_back([this, s = std::move(socket)]() mutable {
        Session session(*this, std::move(s));
        try {
          session.run();
        } catch (const std::exception&) {
          // The client went away or the server is stopping.
        }
      });
    }
  }
};

SmtpTestServer::SmtpTestServer(SmtpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.tls) {
    impl_->tls.emplace(asio::ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(impl_->options.tls->cert.string());
    impl_->tls->use_private_key_file(impl_->options.tls->key.string(), asio::ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accepting = std::thread([this] { impl_->accept_loop(); });
}

SmtpTestServer::~SmtpTestServer() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    for (int fd : impl_->open) ::shutdown(fd, SHUT_RDWR);
  }
  impl_->accepting.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    threads = std::move(impl_->threads);
  }
  for (auto& t : threads) t.join();
}

int SmtpTestServer::port() const { return impl_->port; }

std::string SmtpTestServer::url() const {
  return "smtp://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<SmtpMessage> SmtpTestServer::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

}  // namespace freshwatch::testing
