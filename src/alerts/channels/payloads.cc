#include "alerts/channels/payloads.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/json.h"
#include "core/time.h"
#include "model/status.h"

namespace freshwatch::alerts::channels {
namespace {

using core::json_string;

std::string_view root_name(const Notification& n) {
  return n.incident.root.name.empty() ? std::string_view(n.incident.root.key)
                                      : std::string_view(n.incident.root.name);
}

std::string_view headline_prefix(EventType type) {
  switch (type) {
    case EventType::kOpened: return "Opened";
    case EventType::kUpdated: return "Updated";
    case EventType::kResolved: return "Resolved";
    case EventType::kReminder: return "Still open";
  }
  return "";
}

// "raw.orders is error", "raw.orders is fresh again", "raw.orders cannot be checked".
std::string state_phrase(const Notification& n) {
  if (n.event.type == EventType::kResolved) return fmt::format("{} is fresh again", root_name(n));
  if (n.incident.kind == IncidentKind::kUnknown)
    return fmt::format("{} cannot be checked", root_name(n));
  return fmt::format("{} is {}", root_name(n), model::to_string(n.event.status));
}

std::string timestamp_or_null(const std::optional<core::TimePoint>& t) {
  return t ? json_string(core::format_timestamp(*t)) : std::string("null");
}

std::size_t impacted_count(const Notification& n) {
  return std::max(n.incident.impacted.size(), n.event.impacted_count);
}

// Slack's mrkdwn gives &, < and > meaning; its docs ask for these three to be escaped.
std::string slack_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

// At most `max` bytes, cut before a UTF-8 continuation byte, with "…" when cut.
std::string truncate_utf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  constexpr std::string_view kEllipsis = "\u2026";
  std::size_t end = max - kEllipsis.size();
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return fmt::format("{}{}", text.substr(0, end), kEllipsis);
}

std::string shown_impacted(const Notification& n, std::string_view separator, bool slack) {
  std::string out;
  const auto& keys = n.incident.impacted;
  for (std::size_t i = 0; i < keys.size() && i < kImpactedShown; ++i) {
    if (i) out += separator;
    out += slack ? fmt::format("`{}`", slack_escape(keys[i])) : keys[i];
  }
  std::size_t count = impacted_count(n);
  std::size_t shown = std::min(keys.size(), kImpactedShown);
  if (count > shown) out += fmt::format("{}and {} more", shown ? separator : "", count - shown);
  return out;
}

// The root's facts as (label, value) pairs, in the order chat cards show them.
std::vector<std::pair<std::string, std::string>> root_facts(const Notification& n) {
  const RootState& root = n.incident.root;
  std::vector<std::pair<std::string, std::string>> facts;
  facts.emplace_back("Status", std::string(model::to_string(n.event.status)));
  if (!root.reason.empty()) facts.emplace_back("Reason", root.reason);
  facts.emplace_back("Last changed",
                     root.changed_at ? core::format_timestamp(*root.changed_at) : "never seen");
  facts.emplace_back("Owner", root.owner.empty() ? "none" : root.owner);
  facts.emplace_back("Impacted", fmt::format("{}", impacted_count(n)));
  facts.emplace_back("Incident", n.incident.id);
  return facts;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

EmailContent email_content(const Notification& n) {
  EmailContent mail;
  mail.subject = summary_line(n);
  std::string headline = fmt::format("{}: {}", headline_prefix(n.event.type), state_phrase(n));
  mail.text = fmt::format("{}\n\n{}\n\n", headline, n.incident.root.key);
  std::string rows;
  for (const auto& [label, value] : root_facts(n)) {
    mail.text += fmt::format("{}: {}\n", label, value);
    rows += fmt::format("<tr><th align=\"left\">{}</th><td>{}</td></tr>", html_escape(label),
                        html_escape(value));
  }
  std::string impacted_html;
  if (!n.incident.impacted.empty()) {
    mail.text += fmt::format("\nImpacted ({}):\n", impacted_count(n));
    impacted_html = fmt::format("<p>Impacted ({}):</p><ul>", impacted_count(n));
    for (const auto& key : n.incident.impacted) {
      mail.text += fmt::format("  - {}\n", key);
      impacted_html += fmt::format("<li><code>{}</code></li>", html_escape(key));
    }
    impacted_html += "</ul>";
  }
  std::string link_html;
  if (!n.url.empty()) {
    mail.text += fmt::format("\nOpen in freshwatch: {}\n", n.url);
    link_html = fmt::format("<p><a href=\"{}\">Open in freshwatch</a></p>", html_escape(n.url));
  }
  mail.html = fmt::format(
      "<!DOCTYPE "
      "html><html><body><h2>{}</h2><p><code>{}</code></p><table>{}</table>{}{}</body></html>",
      html_escape(headline), html_escape(n.incident.root.key), rows, impacted_html, link_html);
  return mail;
}

std::string summary_line(const Notification& n) {
  std::string line =
      fmt::format("[freshwatch] {}: {}", headline_prefix(n.event.type), state_phrase(n));
  if (n.event.type != EventType::kResolved && !n.incident.root.reason.empty())
    line += fmt::format(" ({})", n.incident.root.reason);
  if (std::size_t count = impacted_count(n)) line += fmt::format(", {} impacted", count);
  return line;
}

std::string slack_payload(const Notification& n) {
  // Slack: header text is plain_text of at most 150 characters; section fields at most 10 and
  // 2000 characters each; a button's url at most 3000.
  std::string header =
      truncate_utf8(fmt::format("{}: {}", headline_prefix(n.event.type), state_phrase(n)), 150);
  std::string fields;
  for (const auto& [label, value] : root_facts(n)) {
    if (!fields.empty()) fields += ',';
    fields += fmt::format(
        R"({{"type":"mrkdwn","text":{}}})",
        json_string(truncate_utf8(fmt::format("*{}:*\n{}", label, slack_escape(value)), 2000)));
  }
  std::string blocks =
      fmt::format(R"({{"type":"header","text":{{"type":"plain_text","text":{},"emoji":true}}}},)"
                  R"({{"type":"section","text":{{"type":"mrkdwn","text":{}}},"fields":[{}]}})",
                  json_string(header),
                  json_string(fmt::format("*{}* `{}`", slack_escape(root_name(n)),
                                          slack_escape(n.incident.root.key))),
                  fields);
  if (impacted_count(n) > 0) {
    blocks += fmt::format(
        R"(,{{"type":"section","text":{{"type":"mrkdwn","text":{}}}}})",
        json_string(truncate_utf8(
            fmt::format("*Impacted ({}):* {}", impacted_count(n), shown_impacted(n, ", ", true)),
            3000)));
  }
  if (!n.url.empty()) {
    blocks += fmt::format(
        R"(,{{"type":"actions","elements":[{{"type":"button","text":{{"type":"plain_text","text":"Open in freshwatch"}},"url":{},"action_id":"freshwatch_open_asset"}}]}})",
        json_string(n.url));
  }
  std::string text = slack_escape(summary_line(n));
  if (!n.url.empty()) text += fmt::format(" <{}|open>", n.url);
  return fmt::format(R"({{"text":{},"blocks":[{}]}})", json_string(text), blocks);
}

std::string teams_payload(const Notification& n) {
  std::string facts;
  for (const auto& [label, value] : root_facts(n)) {
    if (!facts.empty()) facts += ',';
    facts += fmt::format(R"({{"title":{},"value":{}}})", json_string(label), json_string(value));
  }
  std::string color = n.event.type == EventType::kResolved     ? "Good"
                      : n.event.status == model::Status::kWarn ? "Warning"
                                                               : "Attention";
  std::string body = fmt::format(
      R"({{"type":"TextBlock","size":"Large","weight":"Bolder","wrap":true,"color":{},"text":{}}},)"
      R"({{"type":"TextBlock","isSubtle":true,"wrap":true,"text":{}}},)"
      R"({{"type":"FactSet","facts":[{}]}})",
      json_string(color),
      json_string(fmt::format("{}: {}", headline_prefix(n.event.type), state_phrase(n))),
      json_string(n.incident.root.key), facts);
  if (impacted_count(n) > 0) {
    body += fmt::format(R"(,{{"type":"TextBlock","wrap":true,"text":{}}})",
                        json_string(fmt::format("Impacted ({}): {}", impacted_count(n),
                                                shown_impacted(n, ", ", false))));
  }
  std::string actions;
  if (!n.url.empty()) {
    actions = fmt::format(
        R"(,"actions":[{{"type":"Action.OpenUrl","title":"Open in freshwatch","url":{}}}])",
        json_string(n.url));
  }
  return fmt::format(
      R"({{"type":"message","summary":{},"attachments":[{{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,)"
      R"("content":{{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4",)"
      R"("msteams":{{"width":"Full"}},"body":[{}]{}}}}}]}})",
      json_string(summary_line(n)), body, actions);
}

std::string_view pagerduty_severity(model::Status status) {
  switch (status) {
    case model::Status::kError: return "critical";
    case model::Status::kWarn: return "warning";
    case model::Status::kUnknown: return "error";
    case model::Status::kFresh: return "info";
  }
  return "error";
}

std::string pagerduty_payload(const Notification& n, std::string_view routing_key) {
  if (n.event.type == EventType::kResolved) {
    return fmt::format(R"({{"routing_key":{},"event_action":"resolve","dedup_key":{}}})",
                       json_string(routing_key), json_string(n.incident.id));
  }
  const RootState& root = n.incident.root;
  std::string impacted;
  for (const auto& key : n.incident.impacted) {
    if (!impacted.empty()) impacted += ',';
    impacted += json_string(key);
  }
  std::string links;
  if (!n.url.empty()) {
    links = fmt::format(R"(,"client_url":{},"links":[{{"href":{},"text":"Open in freshwatch"}}])",
                        json_string(n.url), json_string(n.url));
  }
  return fmt::format(
      R"({{"routing_key":{},"event_action":"trigger","dedup_key":{},)"
      R"("payload":{{"summary":{},"source":{},"severity":"{}","timestamp":{},"component":{},)"
      R"("group":{},"class":"{}","custom_details":{{"event":"{}","status":"{}","reason":{},)"
      R"("changed_at":{},"owner":{},"impacted_count":{},"impacted":[{}],"opened_at":{}}}}},)"
      R"("client":"freshwatch"{}}})",
      json_string(routing_key), json_string(n.incident.id),
      json_string(truncate_utf8(summary_line(n), kPagerDutySummaryMax)), json_string(root.key),
      pagerduty_severity(n.event.status), json_string(core::format_timestamp(n.event.at)),
      json_string(root_name(n)), json_string(root.owner), to_string(n.incident.kind),
      to_string(n.event.type), model::to_string(n.event.status), json_string(root.reason),
      timestamp_or_null(root.changed_at), json_string(root.owner), impacted_count(n), impacted,
      json_string(core::format_timestamp(n.incident.opened_at)), links);
}

std::string webhook_payload(const Notification& n, core::TimePoint sent_at) {
  const Incident& incident = n.incident;
  const RootState& root = incident.root;
  std::string keys;
  for (const auto& key : incident.impacted) {
    if (!keys.empty()) keys += ',';
    keys += json_string(key);
  }
  return fmt::format(
      R"({{"event":"{}","id":{},"occurred_at":{},"incident":{{"id":{},"status":"{}","kind":"{}",)"
      R"("root":{{"key":{},"name":{},"status":"{}","changed_at":{},"reason":{},"owner":{}}},)"
      R"("impacted":{{"count":{},"keys":[{}]}},"opened_at":{},"resolved_at":{},"url":{}}},)"
      R"("sent_at":{}}})",
      to_string(n.event.type), json_string(n.delivery_id),
      json_string(core::format_timestamp(n.event.at)), json_string(incident.id),
      incident.open() ? "open" : "resolved", to_string(incident.kind), json_string(root.key),
      json_string(root.name), model::to_string(n.event.status), timestamp_or_null(root.changed_at),
      json_string(root.reason), json_string(root.owner), impacted_count(n), keys,
      json_string(core::format_timestamp(incident.opened_at)),
      timestamp_or_null(incident.resolved_at),
      n.url.empty() ? std::string("null") : json_string(n.url),
      json_string(core::format_timestamp(sent_at)));
}

std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds,
                              std::string_view body) {
  std::string message = fmt::format("{}.{}", unix_seconds, body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  std::string out = fmt::format("t={},v1=", unix_seconds);
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

}  // namespace freshwatch::alerts::channels
