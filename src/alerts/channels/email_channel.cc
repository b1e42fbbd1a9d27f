#include "alerts/channels/email_channel.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include "alerts/channels/payloads.h"
#include "core/log.h"
#include "net/url.h"

namespace freshwatch::alerts::channels {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_mime* m) const { curl_mime_free(m); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
template <typename T>
using CurlPtr = std::unique_ptr<T, CurlDeleter>;

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// A header value as RFC 2047 encoded words when it is not plain printable ASCII.
std::string encode_header(std::string_view value) {
  bool plain =
      std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (plain) return std::string(value);
  // Encoded words are at most 75 characters: 45 bytes of text each, cut between characters.
  std::string out;
  std::size_t at = 0;
  while (at < value.size()) {
    std::size_t end = std::min(value.size(), at + 45);
    while (end < value.size() && end > at &&
           (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty()) out += "\r\n ";
    std::string chunk(value.substr(at, end - at));
    for (char& c : chunk)
      if (c == '\r' || c == '\n') c = ' ';
    out += fmt::format("=?UTF-8?B?{}?=", base64(chunk));
    at = end;
  }
  return out;
}

// "<warehouse=3Araw=2Eorders...@freshwatch>": the delivery id with every byte that is not a
// letter or digit written as "=XX", so it is a valid, unique dot-atom.
std::string message_id(std::string_view delivery_id) {
  std::string local;
  for (unsigned char c : delivery_id) {
    if (std::isalnum(c))
      local += static_cast<char>(c);
    else
      local += fmt::format("={:02X}", c);
  }
  return fmt::format("<{}@freshwatch>", local);
}

std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char ch : text) {
    if (ch == '\n') out += '\r';
    out += ch;
  }
  return out;
}

struct Progress {
  std::stop_token stop;
};

int on_progress(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Progress*>(data)->stop.stop_requested() ? 1 : 0;
}

class EmailChannel final : public Channel {
 public:
  EmailChannel(const config::ChannelConfig& config, ChannelOptions options)
      : config_(config), options_(std::move(options)) {
    clock_ = options_.clock ? options_.clock : &system_clock_;
  }

  const std::string& name() const override { return config_.name; }
  config::ChannelType type() const override { return config::ChannelType::kEmail; }

  Result<DeliveryOutcome> deliver(const Notification& notification, std::stop_token stop) override {
    CurlPtr<CURL> curl(curl_easy_init());
    if (!curl) return fail(ErrorCode::kInternal, "cannot create a curl handle");
    CURL* c = curl.get();
    EmailContent content = email_content(notification);

    CurlPtr<curl_slist> recipients;
    for (const auto& to : config_.to)
      recipients.reset(curl_slist_append(recipients.release(), fmt::format("<{}>", to).c_str()));
    auto sent = std::chrono::floor<std::chrono::seconds>(clock_->now());
    std::vector<std::string> header_lines = {
        fmt::format("Date: {:%a, %d %b %Y %H:%M:%S} +0000", sent),
        fmt::format("From: {}", config_.from),
        fmt::format("To: {}", fmt::join(config_.to, ", ")),
        fmt::format("Subject: {}", encode_header(content.subject)),
        fmt::format("Message-ID: {}", message_id(notification.delivery_id)),
        fmt::format("X-Freshwatch-Event: {}", to_string(notification.event.type)),
        fmt::format("X-Freshwatch-Delivery: {}", encode_header(notification.delivery_id)),
    };
    CurlPtr<curl_slist> headers;
    for (const auto& line : header_lines)
      headers.reset(curl_slist_append(headers.release(), line.c_str()));

    // libcurl makes the top level multipart/mixed unless the message's Content-Type says
    // otherwise; the HTML comes last, as the preferred part (RFC 2046 §5.1.4). Quoted-printable
    // wants CRLF line ends.
    headers.reset(curl_slist_append(headers.release(), "Content-Type: multipart/alternative"));
    std::string text = crlf(content.text);
    CurlPtr<curl_mime> mime(curl_mime_init(c));
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_data(part, text.data(), text.size());
    curl_mime_type(part, "text/plain; charset=utf-8");
    curl_mime_encoder(part, "quoted-printable");
    part = curl_mime_addpart(mime.get());
    curl_mime_data(part, content.html.data(), content.html.size());
    curl_mime_type(part, "text/html; charset=utf-8");
    curl_mime_encoder(part, "quoted-printable");

    char error[CURL_ERROR_SIZE] = {};
    Progress progress{stop};
    curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_USE_SSL, config_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
    if (!config_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, fmt::format("<{}>", config_.from).c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &progress);

    CURLcode code = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    std::string detail = redact(error[0] ? error : curl_easy_strerror(code));
    if (code == CURLE_OK) return DeliveryOutcome{.status = reply, .answer = "accepted"};
    if (code == CURLE_ABORTED_BY_CALLBACK)
      return fail(ErrorCode::kCancelled, "sending mail through channel {}: stopped", config_.name);
    if (reply >= 400) {
      return DeliveryOutcome{.status = reply, .answer = detail, .permanent = reply >= 500};
    }
    ErrorCode error_code = code == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout
                           : code == CURLE_USE_SSL_FAILED   ? ErrorCode::kPermissionDenied
                                                            : ErrorCode::kUnavailable;
    std::string hint = code == CURLE_USE_SSL_FAILED
                           ? " (the server does not offer STARTTLS; use smtps:// or, on a trusted "
                             "network, starttls: false)"
                       : code == CURLE_PEER_FAILED_VERIFICATION
                           ? " (set ca_file to trust a private certificate authority)"
                           : "";
    return fail(error_code, "cannot send mail through channel {} at {}: {}{}", config_.name,
                redact(config_.url), detail, hint);
  }

 private:
  std::string redact(std::string_view text) const {
    std::string out = core::redact_secrets(text);
    if (!config_.password.empty())
      for (std::size_t at = out.find(config_.password); at != std::string::npos;
           at = out.find(config_.password, at + 3))
        out.replace(at, config_.password.size(), "***");
    return out;
  }

  config::ChannelConfig config_;
  ChannelOptions options_;
  core::SystemClock system_clock_;
  const core::Clock* clock_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Channel>> make_email_channel(const config::ChannelConfig& config,
                                                    ChannelOptions options) {
  if (config.url.empty() || config.from.empty() || config.to.empty())
    return fail(ErrorCode::kInvalidArgument,
                "alert channel {}: type email needs `smtp` (or `url`), `from` and `to`",
                config.name);
  CurlPtr<CURLU> url(curl_url());
  char* scheme = nullptr;
  char* host = nullptr;
  if (curl_url_set(url.get(), CURLUPART_URL, config.url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(url.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    curl_free(scheme);
    return fail(
        ErrorCode::kInvalidArgument,
        "alert channel {}: `smtp` must be smtp://host[:port] or smtps://host[:port], not {}",
        config.name, core::redact_secrets(config.url));
  }
  std::string scheme_text = scheme, host_text = host;
  curl_free(scheme);
  curl_free(host);
  if (scheme_text != "smtp" && scheme_text != "smtps")
    return fail(ErrorCode::kInvalidArgument,
                "alert channel {}: `smtp` must start with smtp:// or smtps://", config.name);
  if (scheme_text == "smtp" && !config.starttls && !config.username.empty() &&
      !net::is_loopback_host(host_text))
    return fail(ErrorCode::kInvalidArgument,
                "alert channel {}: refusing to send the SMTP password in plain text to {}; set "
                "starttls: true or use smtps://",
                config.name, host_text);
  return std::make_unique<EmailChannel>(config, std::move(options));
}

}  // namespace freshwatch::alerts::channels
