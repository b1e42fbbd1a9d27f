#include "core/time.h"

#include <cctype>
#include <charconv>
#include <sstream>

namespace freshwatch::core {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

Result<TimePoint> parse_timestamp(std::string_view text, const date::time_zone* naive_zone) {
  auto bad = [&] {
    return fail(ErrorCode::kParse,
                "'{}' is not a timestamp; expected ISO 8601 such as 2024-01-31T06:00:00Z", text);
  };
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return bad();
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)))
    return bad();
  date::year_month_day ymd{date::year{to_int(s.substr(0, 4))},
                           date::month{static_cast<unsigned>(to_int(s.substr(5, 2)))},
                           date::day{static_cast<unsigned>(to_int(s.substr(8, 2)))}};
  if (!ymd.ok()) return bad();
  Duration time_of_day{0};
  std::size_t pos = 10;
  std::optional<std::chrono::minutes> offset;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return bad();
    ++pos;
    if (s.size() < pos + 5 || s[pos + 2] != ':') return bad();
    auto hh = s.substr(pos, 2), mm = s.substr(pos + 3, 2);
    if (!all_digits(hh) || !all_digits(mm)) return bad();
    int h = to_int(hh), m = to_int(mm), sec = 0;
    pos += 5;
    std::int64_t micros = 0;
    if (pos < s.size() && s[pos] == ':') {
      auto ss = s.substr(pos + 1, 2);
      if (!all_digits(ss)) return bad();
      sec = to_int(ss);
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int digits = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          if (digits < 6) micros = micros * 10 + (s[pos] - '0'), ++digits;
          ++pos;
        }
        if (digits == 0) return bad();
        while (digits < 6) micros *= 10, ++digits;
      }
    }
    if (h > 23 || m > 59 || sec > 60) return bad();
    time_of_day = std::chrono::hours(h) + std::chrono::minutes(m) + std::chrono::seconds(sec) +
                  Duration(micros);
    // Skip a space before the zone, as PostgreSQL's text output has none but others do.
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos < s.size()) {
      char c = s[pos];
      if (c == 'Z' || c == 'z') {
        offset = std::chrono::minutes(0);
        ++pos;
      } else if (c == '+' || c == '-') {
        auto rest = s.substr(pos + 1);
        int oh = 0, om = 0;
        if (rest.size() >= 2 && all_digits(rest.substr(0, 2))) {
          oh = to_int(rest.substr(0, 2));
          rest.remove_prefix(2);
          if (!rest.empty() && rest[0] == ':') rest.remove_prefix(1);
          if (rest.size() >= 2 && all_digits(rest.substr(0, 2))) {
            om = to_int(rest.substr(0, 2));
            rest.remove_prefix(2);
          }
        } else {
          return bad();
        }
        offset = std::chrono::minutes((c == '-' ? -1 : 1) * (oh * 60 + om));
        pos = s.size() - rest.size();
      } else if (s.substr(pos) == "UTC") {
        offset = std::chrono::minutes(0);
        pos = s.size();
      }
    }
    if (pos != s.size()) return bad();
  }
  auto local = date::local_days(ymd) + time_of_day;
  if (offset) return TimePoint(local.time_since_epoch() - *offset);
  if (!naive_zone) return TimePoint(local.time_since_epoch());
  try {
    auto sys = naive_zone->to_sys(date::local_time<Duration>(local.time_since_epoch()),
                                  date::choose::earliest);
    return std::chrono::time_point_cast<Duration>(sys);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kParse, "'{}' does not exist in {}: {}", text, naive_zone->name(),
                e.what());
  }
}

std::string format_timestamp(TimePoint t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  if (secs == t) return date::format("%FT%TZ", secs);
  return date::format("%FT%TZ", t);
}

Result<Duration> parse_duration(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorCode::kInvalidArgument,
                "'{}' is not a duration; write a number and a unit, such as 90s, 30m, 12h, 1d, 2w",
                text);
  };
  if (text.empty()) return bad();
  Duration total{0};
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), n);
    if (ec != std::errc() || end == text.data() + text.size()) return bad();
    pos = end - text.data();
    char unit = text[pos++];
    switch (unit) {
      case 's': total += std::chrono::seconds(n); break;
      case 'm': total += std::chrono::minutes(n); break;
      case 'h': total += std::chrono::hours(n); break;
      case 'd': total += std::chrono::days(n); break;
      case 'w': total += std::chrono::weeks(n); break;
      default: return bad();
    }
  }
  return total;
}

std::string format_age(Duration d) {
  using namespace std::chrono;
  const bool negative = d.count() < 0;
  if (negative) d = -d;
  auto s = duration_cast<seconds>(d).count();
  std::string out;
  if (s < 60) {
    out = fmt::format("{} s", s);
  } else if (s < 3600) {
    out = fmt::format("{} min", s / 60);
  } else if (s < 86400) {
    auto h = s / 3600, m = (s % 3600) / 60;
    out = m ? fmt::format("{} h {} min", h, m) : fmt::format("{} h", h);
  } else {
    auto days = s / 86400, h = (s % 86400) / 3600;
    out = h && days < 10 ? fmt::format("{} d {} h", days, h) : fmt::format("{} d", days);
  }
  return negative ? "in " + out : out;
}

Result<const date::time_zone*> find_zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return fail(ErrorCode::kInvalidArgument,
                "unknown time zone '{}'; use an IANA name such as UTC or Europe/Berlin", name);
  }
}

}  // namespace freshwatch::core
