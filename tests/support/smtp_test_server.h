// An in-process SMTP server on 127.0.0.1 (bound to port 0) for tests of mail delivery: it speaks
// enough ESMTP (RFC 5321) for libcurl — EHLO, STARTTLS (RFC 3207) with a TestCertificates
// certificate, AUTH PLAIN (RFC 4954), MAIL, RCPT, DATA, RSET, NOOP, QUIT — and records every
// message it accepted, with whether it came over TLS and who authenticated.
//
// With `require_tls`, MAIL before STARTTLS is refused (530) and AUTH is offered only after it;
// with a `username`, MAIL before a successful AUTH is refused (530) and a wrong password is 535.
// `reject_rcpt` answers every RCPT with that reply (say "550 5.1.1 no such user").
//
// Thread contract: one thread per connection; messages() may be read from any thread. The
// destructor closes every connection and joins the threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/http_test_server.h"

namespace freshwatch::testing {

struct SmtpMessage {
  bool tls = false;
  std::string user;  // who authenticated, or empty
  std::string from;  // MAIL FROM's address, without brackets
  std::vector<std::string> to;
  std::string data;  // the message as sent, dot-unstuffed, CRLF line ends, without the final "."
};

struct SmtpServerOptions {
  const TestCertificates* tls = nullptr;  // offer STARTTLS with this certificate
  bool require_tls = false;
  std::string username, password;
  std::string reject_rcpt;
};

class SmtpTestServer {
 public:
  explicit SmtpTestServer(SmtpServerOptions options);
  ~SmtpTestServer();
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  int port() const;
  std::string url() const;  // "smtp://127.0.0.1:PORT"
  std::vector<SmtpMessage> messages() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace freshwatch::testing
