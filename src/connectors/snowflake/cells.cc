#include "connectors/snowflake/cells.h"

#include <cctype>
#include <charconv>

#include <simdjson.h>

#include <fmt/format.h>

#include "core/time.h"

namespace freshwatch::connectors::snowflake {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string string_field(simdjson::dom::object object, std::string_view key) {
  std::string_view v;
  if (object[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  return {};
}

Result<std::vector<Row>> read_rows(simdjson::dom::array data) {
  std::vector<Row> rows;
  rows.reserve(data.size());
  for (simdjson::dom::element row : data) {
    simdjson::dom::array cells;
    if (row.get_array().get(cells) != simdjson::SUCCESS)
      return fail(ErrorCode::kParse, "Snowflake returned a row that is not a list");
    Row out;
    out.reserve(cells.size());
    for (simdjson::dom::element cell : cells) {
      std::string_view text;
      if (cell.is_null())
        out.emplace_back(std::nullopt);
      else if (cell.get_string().get(text) == simdjson::SUCCESS)
        out.emplace_back(std::string(text));
      else
        out.emplace_back(simdjson::minify(cell));  // not expected in jsonv2; kept readable
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

}  // namespace

int ResultSet::column(std::string_view name) const {
  const std::string wanted = upper(name);
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (upper(columns[i].name) == wanted) return static_cast<int>(i);
  return -1;
}

Result<ResultSet> parse_result_set(std::string_view body, bool data_only) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
    return fail(ErrorCode::kParse, "Snowflake returned a result that is not a JSON object");
  ResultSet rs;
  rs.statement_handle = string_field(root, "statementHandle");
  simdjson::dom::object meta;
  if (root["resultSetMetaData"].get_object().get(meta) == simdjson::SUCCESS) {
    simdjson::dom::array row_type;
    if (meta["rowType"].get_array().get(row_type) == simdjson::SUCCESS) {
      for (simdjson::dom::element t : row_type) {
        simdjson::dom::object col;
        if (t.get_object().get(col) != simdjson::SUCCESS) continue;
        Column c{string_field(col, "name"), lower(string_field(col, "type")), 0};
        std::int64_t scale = 0;
        if (col["scale"].get_int64().get(scale) == simdjson::SUCCESS) c.scale = static_cast<int>(scale);
        rs.columns.push_back(std::move(c));
      }
    }
    simdjson::dom::array partitions;
    if (meta["partitionInfo"].get_array().get(partitions) == simdjson::SUCCESS && partitions.size() > 0)
      rs.partitions = partitions.size();
  } else if (!data_only) {
    return fail(ErrorCode::kParse, "Snowflake returned a result without resultSetMetaData");
  }
  simdjson::dom::array data;
  if (root["data"].get_array().get(data) == simdjson::SUCCESS) {
    auto rows = read_rows(data);
    if (!rows) return std::unexpected(rows.error());
    rs.rows = std::move(*rows);
  }
  for (const auto& row : rs.rows)
    if (!rs.columns.empty() && row.size() != rs.columns.size())
      return fail(ErrorCode::kParse, "Snowflake returned a row of {} cells for {} columns",
                  row.size(), rs.columns.size());
  return rs;
}

Result<StatementStatus> parse_status(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
    return fail(ErrorCode::kParse, "Snowflake's answer is not a JSON object");
  return StatementStatus{string_field(root, "code"), string_field(root, "sqlState"),
                         string_field(root, "message"), string_field(root, "statementHandle")};
}

Result<core::TimePoint> decode_epoch_seconds(std::string_view cell) {
  std::string_view s = cell;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  bool ok = !whole.empty() && ec == std::errc() && end == whole.data() + whole.size() &&
            fraction.size() <= 9 && seconds < 400'000'000'000LL;
  std::int64_t micros = 0;
  for (std::size_t i = 0; ok && i < fraction.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(fraction[i]))) ok = false;
    else if (i < 6) micros = micros * 10 + (fraction[i] - '0');
  }
  if (!ok)
    return fail(ErrorCode::kParse, "'{}' is not seconds since the epoch as Snowflake writes them",
                cell);
  for (std::size_t i = fraction.size(); i < 6; ++i) micros *= 10;
  std::int64_t total = seconds * 1'000'000 + micros;
  if (negative) total = -total;
  return core::TimePoint(core::Duration(total));
}

Result<ZonedInstant> decode_timestamp_tz(std::string_view cell) {
  const auto space = cell.find(' ');
  if (space == std::string_view::npos)
    return fail(ErrorCode::kParse,
                "'{}' is not a TIMESTAMP_TZ as Snowflake writes it (seconds, a space, an offset)",
                cell);
  auto instant = decode_epoch_seconds(cell.substr(0, space));
  if (!instant) return std::unexpected(instant.error());
  std::string_view tz = cell.substr(space + 1);
  int encoded = 0;
  auto [end, ec] = std::from_chars(tz.data(), tz.data() + tz.size(), encoded);
  if (ec != std::errc() || end != tz.data() + tz.size() || encoded < 0 || encoded > 2880)
    return fail(ErrorCode::kParse, "'{}': the time zone part '{}' is not an offset Snowflake writes",
                cell, tz);
  return ZonedInstant{*instant, encoded - 1440};
}

Result<core::TimePoint> decode_timestamp_ntz(std::string_view cell, const date::time_zone* zone) {
  auto wall = decode_epoch_seconds(cell);
  if (!wall) return std::unexpected(wall.error());
  if (!zone) return *wall;
  try {
    const date::local_time<core::Duration> local(wall->time_since_epoch());
    return date::zoned_time<core::Duration>(zone, local, date::choose::earliest).get_sys_time();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kParse, "'{}' cannot be read in {}: {}", cell, zone->name(), e.what());
  }
}

Result<core::TimePoint> decode_date(std::string_view cell, const date::time_zone* zone) {
  std::int64_t days = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), days);
  if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size() ||
      days > 100'000'000 || days < -100'000'000)
    return fail(ErrorCode::kParse, "'{}' is not a DATE as Snowflake writes it (days since 1970-01-01)",
                cell);
  const core::TimePoint midnight{std::chrono::duration_cast<core::Duration>(std::chrono::days(days))};
  if (!zone) return midnight;
  try {
    const date::local_time<core::Duration> local(midnight.time_since_epoch());
    return date::zoned_time<core::Duration>(zone, local, date::choose::earliest).get_sys_time();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kParse, "'{}' cannot be read in {}: {}", cell, zone->name(), e.what());
  }
}

Result<std::int64_t> decode_integer(std::string_view cell) {
  std::string_view s = cell;
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    if (s.substr(dot + 1).find_first_not_of('0') != std::string_view::npos)
      return fail(ErrorCode::kParse, "'{}' is not a whole number", cell);
    s = s.substr(0, dot);
  }
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return fail(ErrorCode::kParse, "'{}' is not a whole number", cell);
  return v;
}

Result<core::TimePoint> decode_time_cell(std::string_view cell, const Column& column,
                                         const date::time_zone* naive_zone, std::string* how) {
  const std::string zone_name = naive_zone ? std::string(naive_zone->name()) : "UTC";
  auto say = [&](std::string text) {
    if (how) *how = std::move(text);
  };
  const std::string& type = column.type;
  if (type == "timestamp_ltz") {
    say("TIMESTAMP_LTZ, an instant");
    return decode_epoch_seconds(cell);
  }
  if (type == "timestamp_tz") {
    auto z = decode_timestamp_tz(cell);
    if (!z) return std::unexpected(z.error());
    const int m = z->offset_minutes < 0 ? -z->offset_minutes : z->offset_minutes;
    say(fmt::format("TIMESTAMP_TZ, offset {}{:02}:{:02}", z->offset_minutes < 0 ? '-' : '+', m / 60,
                    m % 60));
    return z->instant;
  }
  if (type == "timestamp_ntz") {
    say(fmt::format("TIMESTAMP_NTZ, without a time zone, read in {}", zone_name));
    return decode_timestamp_ntz(cell, naive_zone);
  }
  if (type == "date") {
    say(fmt::format("DATE, midnight in {}", zone_name));
    return decode_date(cell, naive_zone);
  }
  if (type == "text") {
    say(fmt::format("text read as ISO 8601; without an offset in {}", zone_name));
    return core::parse_timestamp(cell, naive_zone);
  }
  return fail(ErrorCode::kInvalidArgument,
              "column {} is of type {}, not a date or time; loaded_at_field must be a "
              "TIMESTAMP_NTZ/LTZ/TZ, DATE or ISO 8601 text column",
              column.name, upper(type.empty() ? "unknown" : type));
}

}  // namespace freshwatch::connectors::snowflake
