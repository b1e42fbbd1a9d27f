#include "core/cron.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <vector>

namespace freshwatch::core {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using LocalMinutes = date::local_time<minutes>;

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"SUN", "MON", "TUE", "WED",
                                                           "THU", "FRI", "SAT"};
// The most days each month can have (February in a leap year).
constexpr std::array<unsigned, 13> kMaxDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

struct FieldSpec {
  std::string_view name;
  int min;
  int max;       // largest value accepted as written (7 for day-of-week)
  int star_max;  // largest value `*` covers (6 for day-of-week)
  const std::string_view* names;  // names for values names_base.., or null
  int names_count;
  int names_base;
};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, 59, nullptr, 0, 0},
    {"hour", 0, 23, 23, nullptr, 0, 0},
    {"day-of-month", 1, 31, 31, nullptr, 0, 0},
    {"month", 1, 12, 12, kMonthNames.data(), 12, 1},
    {"day-of-week", 0, 7, 6, kWeekdayNames.data(), 7, 0},
};

struct Macro {
  std::string_view name;
  std::string_view expansion;
};
constexpr Macro kMacros[] = {
    {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"},  {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

Result<int> parse_value(std::string_view s, const FieldSpec& f) {
  if (s.empty()) return fail(ErrorCode::kInvalidArgument, "{}: a value is missing", f.name);
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    int v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
      return fail(ErrorCode::kInvalidArgument, "{}: '{}' is not a number", f.name, s);
    if (v < f.min || v > f.max)
      return fail(ErrorCode::kInvalidArgument, "{}: {} is out of range {}-{}", f.name, v, f.min,
                  f.max);
    return v;
  }
  for (int i = 0; i < f.names_count; ++i)
    if (iequals(s, f.names[i])) return f.names_base + i;
  if (f.names)
    return fail(ErrorCode::kInvalidArgument, "{}: unknown name '{}'; use {} or {}-{}", f.name, s,
                f.names_count == 12 ? "JAN..DEC" : "SUN..SAT", f.min, f.max);
  return fail(ErrorCode::kInvalidArgument, "{}: '{}' is not a number", f.name, s);
}

// Parses one field into a bit mask (bit v set for value v).
Result<std::uint64_t> parse_field(std::string_view text, const FieldSpec& f) {
  std::uint64_t mask = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos
                                                                               : comma - start);
    if (item.empty())
      return fail(ErrorCode::kInvalidArgument, "{}: empty list item in '{}'", f.name, text);
    std::string_view base = item, step_text;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      base = item.substr(0, slash);
      step_text = item.substr(slash + 1);
      if (step_text.empty())
        return fail(ErrorCode::kInvalidArgument, "{}: '{}' has no step after '/'", f.name, item);
    }
    int lo = 0, hi = 0, step = 1;
    if (base == "*") {
      lo = f.min;
      hi = f.star_max;
    } else if (auto dash = base.find('-'); dash != std::string_view::npos) {
      auto a = parse_value(base.substr(0, dash), f);
      if (!a) return std::unexpected(a.error());
      auto b = parse_value(base.substr(dash + 1), f);
      if (!b) return std::unexpected(b.error());
      lo = *a;
      hi = *b;
      if (lo > hi)
        return fail(ErrorCode::kInvalidArgument,
                    "{}: range '{}' runs backwards; write the smaller value first", f.name, base);
    } else {
      auto a = parse_value(base, f);
      if (!a) return std::unexpected(a.error());
      lo = *a;
      hi = step_text.empty() ? *a : f.star_max;
    }
    if (!step_text.empty()) {
      auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (ec != std::errc() || end != step_text.data() + step_text.size() || step <= 0)
        return fail(ErrorCode::kInvalidArgument, "{}: step '{}' must be a positive number",
                    f.name, step_text);
    }
    for (int v = lo; v <= hi; v += step) mask |= std::uint64_t{1} << v;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return mask;
}

// The smallest set bit >= from, or -1.
int next_bit(std::uint64_t mask, int from) {
  if (from > 63) return -1;
  mask &= ~std::uint64_t{0} << from;
  return mask ? std::countr_zero(mask) : -1;
}

// The largest set bit <= from, or -1.
int prev_bit(std::uint64_t mask, int from) {
  if (from < 0) return -1;
  if (from < 63) mask &= (std::uint64_t{2} << from) - 1;
  return mask ? 63 - std::countl_zero(mask) : -1;
}

// The instant a local wall-clock minute fires at (see the header for the DST rules).
TimePoint to_instant(LocalMinutes local, const date::time_zone* tz) {
  if (!tz) return TimePoint(local.time_since_epoch());
  const auto info = tz->get_info(date::local_seconds(local.time_since_epoch()));
  if (info.result == date::local_info::nonexistent)
    return TimePoint(info.second.begin.time_since_epoch());
  // Unique, or ambiguous: `first` is the earlier of the two readings.
  return TimePoint(local.time_since_epoch() - info.first.offset);
}

LocalMinutes to_local(TimePoint t, const date::time_zone* tz) {
  if (!tz) return LocalMinutes(std::chrono::floor<minutes>(t.time_since_epoch()));
  return std::chrono::floor<minutes>(tz->to_local(t));
}

constexpr int kSearchYears = 10;

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view text) {
  auto wrap = [&](const Error& e) {
    return std::unexpected(Error{e.code, fmt::format("cron '{}': {}", text, e.message)});
  };
  std::string_view expr = text;
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.front()))) expr.remove_prefix(1);
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back()))) expr.remove_suffix(1);
  if (expr.starts_with('@')) {
    const Macro* found = nullptr;
    for (const auto& m : kMacros)
      if (iequals(expr, m.name)) found = &m;
    if (!found)
      return wrap(Error{ErrorCode::kInvalidArgument,
                        "unknown shortcut; use @hourly, @daily, @weekly, @monthly or @yearly"});
    expr = found->expansion;
  }

  std::vector<std::string_view> fields;
  for (std::size_t i = 0; i < expr.size();) {
    while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
    std::size_t j = i;
    while (j < expr.size() && !std::isspace(static_cast<unsigned char>(expr[j]))) ++j;
    if (j > i) fields.push_back(expr.substr(i, j - i));
    i = j;
  }
  if (fields.size() != 5)
    return wrap(Error{ErrorCode::kInvalidArgument,
                      fmt::format("expected 5 fields (minute hour day-of-month month "
                                  "day-of-week), found {}",
                                  fields.size())});

  CronSchedule s;
  s.text_ = std::string(text);
  std::uint64_t masks[5];
  for (int i = 0; i < 5; ++i) {
    auto m = parse_field(fields[i], kFields[i]);
    if (!m) return wrap(m.error());
    masks[i] = *m;
  }
  s.minutes_ = masks[0];
  s.hours_ = static_cast<std::uint32_t>(masks[1]);
  s.days_ = static_cast<std::uint32_t>(masks[2]);
  s.months_ = static_cast<std::uint32_t>(masks[3]);
  std::uint64_t dow = masks[4];
  if (dow & (std::uint64_t{1} << 7)) dow = (dow | 1) & ~(std::uint64_t{1} << 7);
  s.weekdays_ = static_cast<std::uint32_t>(dow);
  s.days_restricted_ = !fields[2].starts_with('*');
  s.weekdays_restricted_ = !fields[4].starts_with('*');

  // With the day of the week unrestricted, the day of the month alone must be able to occur.
  if (!s.weekdays_restricted_) {
    bool possible = false;
    for (int mo = 1; mo <= 12 && !possible; ++mo)
      if ((s.months_ >> mo & 1) && next_bit(s.days_, 1) >= 1 &&
          next_bit(s.days_, 1) <= static_cast<int>(kMaxDays[mo]))
        possible = true;
    if (!possible)
      return wrap(Error{ErrorCode::kInvalidArgument,
                        fmt::format("day-of-month '{}' never occurs in month '{}'", fields[2],
                                    fields[3])});
  }
  return s;
}

bool CronSchedule::day_matches(const date::year_month_day& ymd) const {
  const bool dom = days_ >> static_cast<unsigned>(ymd.day()) & 1;
  const bool dow = weekdays_ >> date::weekday(ymd).c_encoding() & 1;
  if (days_restricted_ && weekdays_restricted_) return dom || dow;
  return dom && dow;
}

bool CronSchedule::matches_local(LocalMinutes local) const {
  const auto day = std::chrono::floor<days>(local);
  const date::year_month_day ymd{day};
  const auto tod = local - day;
  const auto h = std::chrono::duration_cast<hours>(tod).count();
  const auto m = (tod - hours(h)).count();
  return (months_ >> static_cast<unsigned>(ymd.month()) & 1) && day_matches(ymd) &&
         (hours_ >> h & 1) && (minutes_ >> m & 1);
}

std::optional<LocalMinutes> CronSchedule::next_local(LocalMinutes from) const {
  const date::year limit = date::year_month_day{std::chrono::floor<days>(from)}.year() +
                           date::years(kSearchYears);
  LocalMinutes t = from;
  while (true) {
    const auto day = std::chrono::floor<days>(t);
    const date::year_month_day ymd{day};
    if (ymd.year() > limit) return std::nullopt;
    const int mo = static_cast<int>(static_cast<unsigned>(ymd.month()));
    if (!(months_ >> mo & 1)) {
      const int next = next_bit(months_, mo + 1);
      t = next < 0 ? LocalMinutes(date::local_days((ymd.year() + date::years(1)) / 1 / 1))
                   : LocalMinutes(date::local_days(ymd.year() / next / 1));
      continue;
    }
    if (!day_matches(ymd)) {
      t = day + days(1);
      continue;
    }
    const auto tod = t - day;
    const int h = static_cast<int>(std::chrono::duration_cast<hours>(tod).count());
    const int m = static_cast<int>((tod - hours(h)).count());
    if (!(hours_ >> h & 1)) {
      const int next = next_bit(hours_, h + 1);
      t = next < 0 ? LocalMinutes(day + days(1)) : day + hours(next);
      continue;
    }
    if (!(minutes_ >> m & 1)) {
      const int next = next_bit(minutes_, m + 1);
      t = next < 0 ? day + hours(h + 1) : day + hours(h) + minutes(next);
      continue;
    }
    return t;
  }
}

std::optional<LocalMinutes> CronSchedule::prev_local(LocalMinutes from) const {
  const date::year limit = date::year_month_day{std::chrono::floor<days>(from)}.year() -
                           date::years(kSearchYears);
  LocalMinutes t = from;
  while (true) {
    const auto day = std::chrono::floor<days>(t);
    const date::year_month_day ymd{day};
    if (ymd.year() < limit) return std::nullopt;
    const int mo = static_cast<int>(static_cast<unsigned>(ymd.month()));
    if (!(months_ >> mo & 1)) {
      const int prev = prev_bit(months_, mo - 1);
      const auto last = prev < 0 ? (ymd.year() - date::years(1)) / date::December / date::last
                                 : ymd.year() / date::month(prev) / date::last;
      t = date::local_days(last) + hours(23) + minutes(59);
      continue;
    }
    if (!day_matches(ymd)) {
      t = day - minutes(1);
      continue;
    }
    const auto tod = t - day;
    const int h = static_cast<int>(std::chrono::duration_cast<hours>(tod).count());
    const int m = static_cast<int>((tod - hours(h)).count());
    if (!(hours_ >> h & 1)) {
      const int prev = prev_bit(hours_, h - 1);
      t = prev < 0 ? day - minutes(1) : day + hours(prev) + minutes(59);
      continue;
    }
    if (!(minutes_ >> m & 1)) {
      const int prev = prev_bit(minutes_, m - 1);
      t = prev < 0 ? day + hours(h) - minutes(1) : day + hours(h) + minutes(prev);
      continue;
    }
    return t;
  }
}

std::optional<TimePoint> CronSchedule::next_after(TimePoint t, const date::time_zone* tz) const {
  // Local minutes map to instants monotonically (earliest reading for repeated times, the end
  // of the gap for skipped ones), so the answer is the first matching local minute at or after
  // t's own local minute whose instant lies after t. Skipping is only needed inside a repeated
  // hour, where local minutes ahead of t already fired during the first pass.
  LocalMinutes from = to_local(t, tz);
  for (int guard = 0; guard < 100'000; ++guard) {
    auto local = next_local(from);
    if (!local) return std::nullopt;
    const TimePoint at = to_instant(*local, tz);
    if (at > t) return at;
    from = *local + minutes(1);
  }
  return std::nullopt;
}

std::optional<TimePoint> CronSchedule::latest_at_or_before(TimePoint t,
                                                           const date::time_zone* tz) const {
  // Start above t's local minute by as much as the clocks last went back: a repeated local
  // time ahead of t's reading may have fired (first pass) before t.
  LocalMinutes from = to_local(t, tz);
  if (tz) {
    const auto info = tz->get_info(date::sys_seconds(std::chrono::floor<std::chrono::seconds>(t)));
    const auto before = tz->get_info(info.begin - std::chrono::seconds(1));
    const auto delta = before.offset - info.offset;
    if (delta > std::chrono::seconds(0) && t < TimePoint(info.begin.time_since_epoch() + delta))
      from += std::chrono::ceil<minutes>(delta);
  }
  for (int guard = 0; guard < 100'000; ++guard) {
    auto local = prev_local(from);
    if (!local) return std::nullopt;
    const TimePoint at = to_instant(*local, tz);
    if (at <= t) return at;
    from = *local - minutes(1);
  }
  return std::nullopt;
}

}  // namespace freshwatch::core
