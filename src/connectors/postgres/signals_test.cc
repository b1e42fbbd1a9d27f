#include "connectors/postgres/signals.h"

#include "config/load.h"
#include "connectors/postgres/postgres_connector.h"

#include <gtest/gtest.h>

#include "config/load.h"
#include "connectors/postgres/connection.h"
#include "connectors/postgres/postgres_connector.h"
#include "core/time.h"

namespace freshwatch::connectors::postgres {
namespace {

using namespace std::chrono_literals;

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

TEST(QuoteIdent, KeepsCaseAndDoublesQuotes) {
  EXPECT_EQ(quote_ident("orders"), "\"orders\"");
  EXPECT_EQ(quote_ident("Orders"), "\"Orders\"");
  EXPECT_EQ(quote_ident("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
}

TEST(ColumnSql, FoldsPlainNamesAndKeepsQuotedOnes) {
  EXPECT_EQ(column_sql("_loaded_at"), "\"_loaded_at\"");
  EXPECT_EQ(column_sql("LoadedAt"), "\"loadedat\"");
  EXPECT_EQ(column_sql("\"LoadedAt\""), "\"LoadedAt\"");
  EXPECT_EQ(column_sql("\"a\"\"b\""), "\"a\"\"b\"");
  EXPECT_EQ(column_sql("loaded at"), "\"loaded at\"");
  EXPECT_EQ(column_sql("x\"; drop table t; --"), "\"x\"\"; drop table t; --\"");
}

TEST(ParseEpoch, ReadsExactMicroseconds) {
  EXPECT_EQ(parse_epoch_micros("1714543200.123456"), 1714543200123456);
  EXPECT_EQ(parse_epoch_micros("1714543200"), 1714543200000000);
  EXPECT_EQ(parse_epoch_micros("1714543200.5"), 1714543200500000);
  EXPECT_EQ(parse_epoch_micros("-1.5"), -1500000);
  EXPECT_EQ(parse_epoch_micros("Infinity"), std::nullopt);
  EXPECT_EQ(parse_epoch_micros("-Infinity"), std::nullopt);
  EXPECT_EQ(parse_epoch_micros(""), std::nullopt);
  EXPECT_EQ(parse_epoch_micros("12abc"), std::nullopt);
}

TEST(LoadedAtInstant, TimestamptzIsExactAndNaiveIsReadInTheZone) {
  const auto* berlin = *core::find_zone("Europe/Berlin");
  // 2024-05-01T06:00:00 as epoch.
  EXPECT_EQ(*loaded_at_instant("1714543200", "timestamp with time zone", berlin),
            at("2024-05-01T06:00:00Z"));
  EXPECT_EQ(*loaded_at_instant("1714543200", "timestamp without time zone", berlin),
            at("2024-05-01T04:00:00Z"));
  EXPECT_EQ(*loaded_at_instant("1714521600", "date", berlin), at("2024-04-30T22:00:00Z"));
  EXPECT_EQ(*loaded_at_instant("1714543200", "timestamp without time zone", nullptr),
            at("2024-05-01T06:00:00Z"));
  EXPECT_FALSE(loaded_at_instant("Infinity", "timestamp with time zone", berlin).has_value());
}

TEST(ConnectError, PlainWordsForEachFailure) {
  Endpoint e{"127.0.0.1", "5999", "analytics", "reader"};
  auto refused = connect_error(
      "connection to server at \"127.0.0.1\", port 5999 failed: Connection refused\n\tIs the "
      "server running on that host and accepting TCP/IP connections?\n",
      e, 10);
  EXPECT_EQ(refused.code, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.message,
            "could not connect to 127.0.0.1:5999: connection refused; check host and port in dsn");

  auto password = connect_error(
      "connection to server at \"127.0.0.1\", port 5999 failed: FATAL:  password authentication "
      "failed for user \"reader\"",
      e, 10);
  EXPECT_EQ(password.code, ErrorCode::kPermissionDenied);
  EXPECT_NE(password.message.find("password authentication failed"), std::string::npos);

  auto db = connect_error("FATAL:  database \"analytics\" does not exist", e, 10);
  EXPECT_EQ(db.code, ErrorCode::kNotFound);
  EXPECT_NE(db.message.find("database 'analytics' does not exist"), std::string::npos);

  auto timeout = connect_error("timeout expired", e, 7);
  EXPECT_EQ(timeout.code, ErrorCode::kTimeout);
  EXPECT_NE(timeout.message.find("within 7 s"), std::string::npos);

  auto other = connect_error(
      "connection to server at \"x\" failed: something odd password=hunter2", e, 10);
  EXPECT_EQ(other.message.find("hunter2"), std::string::npos);
}

TEST(TableError, NamesTheTableAndWhatToDo) {
  TableQuery q{"public.orders", "_loaded_at", "", "reader", 30};
  auto missing = table_error("42703", "column \"_loaded_at\" does not exist", q);
  EXPECT_NE(missing.find("public.orders has no column '_loaded_at'"), std::string::npos);
  auto denied = table_error("42501", "permission denied for table orders", q);
  EXPECT_NE(denied.find("permission denied to read public.orders as 'reader'"), std::string::npos);
  auto slow = table_error("57014", "canceling statement due to statement timeout", q);
  EXPECT_NE(slow.find("longer than 30 s"), std::string::npos);
  q.filter = "amount >";
  auto bad_filter = table_error("42601", "syntax error at end of input", q);
  EXPECT_NE(bad_filter.find("the filter 'amount >' does not work on public.orders"),
            std::string::npos);
}

// Metadata decisions, table-driven over the previous observation and the counters.
struct Case {
  const char* name;
  std::optional<std::int64_t> previous_changes;  // nullopt: no previous observation
  std::optional<const char*> previous_changed_at;
  const char* previous_signal;
  std::int64_t changes;
  std::optional<const char*> newest_commit;
  std::optional<const char*> want_changed_at;  // "now" for the collection time
  const char* want_signal;
  const char* want_evidence_part;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class DecideMetadata : public ::testing::TestWithParam<Case> {};

TEST_P(DecideMetadata, Decides) {
  const Case& c = GetParam();
  const core::TimePoint now = at("2024-05-02T12:00:00Z");
  model::Observation previous;
  previous.asset_key = "w:db.public.t";
  previous.observed_at = at("2024-05-02T11:45:00Z");
  previous.signal = c.previous_signal;
  if (c.previous_changes)
    previous.marker = fmt::format("n_tup_ins+n_tup_upd+n_tup_del={}", *c.previous_changes);
  if (c.previous_changed_at) previous.changed_at = at(*c.previous_changed_at);

  MetadataReading r;
  r.asset_key = "w:db.public.t";
  r.now = now;
  r.changes = c.changes;
  r.live_rows = 42;
  if (c.newest_commit) r.newest_commit = at(*c.newest_commit);
  r.previous = c.previous_changes ? &previous : nullptr;

  auto o = decide_metadata(r);
  EXPECT_EQ(o.signal, c.want_signal);
  if (!c.want_changed_at)
    EXPECT_EQ(o.changed_at, std::nullopt);
  else if (std::string_view(*c.want_changed_at) == "now")
    EXPECT_EQ(o.changed_at, now);
  else
    EXPECT_EQ(o.changed_at, at(*c.want_changed_at));
  EXPECT_NE(o.evidence.find(c.want_evidence_part), std::string::npos) << o.evidence;
  EXPECT_EQ(parse_marker(o.marker), c.changes);
  EXPECT_EQ(o.row_count, 42);
  EXPECT_EQ(o.observed_at, now);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, DecideMetadata,
    ::testing::Values(
        Case{"first_sight", std::nullopt, std::nullopt, "", 10, std::nullopt, std::nullopt,
             "pg_stat_user_tables", "first sight of the change counters"},
        Case{"first_sight_commit", std::nullopt, std::nullopt, "", 10, "2024-05-01T08:00:00Z",
             "2024-05-01T08:00:00Z", "commit_timestamp", "newest row committed at"},
        Case{"rose", 10, "2024-05-01T00:00:00Z", "pg_stat_user_tables", 12, std::nullopt, "now",
             "pg_stat_user_tables",
             "inserts+updates+deletes rose from 10 to 12 since 2024-05-02T11:45:00Z"},
        Case{"rose_commit_after_previous", 10, std::nullopt, "pg_stat_user_tables", 12,
             "2024-05-02T11:50:00Z", "2024-05-02T11:50:00Z", "commit_timestamp",
             "rose from 10 to 12"},
        Case{"rose_by_delete", 10, std::nullopt, "pg_stat_user_tables", 12,
             "2024-05-01T08:00:00Z", "now", "pg_stat_user_tables", "rose from 10 to 12"},
        Case{"unchanged_carries", 12, "2024-05-01T09:00:00Z", "commit_timestamp", 12,
             "2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z", "commit_timestamp",
             "last change seen at 2024-05-01T09:00:00Z"},
        Case{"unchanged_unknown", 12, std::nullopt, "pg_stat_user_tables", 12, std::nullopt,
             std::nullopt, "pg_stat_user_tables", "no inserts, updates or deletes since"},
        Case{"unchanged_unknown_commit", 12, std::nullopt, "pg_stat_user_tables", 12,
             "2024-04-01T00:00:00Z", "2024-04-01T00:00:00Z", "commit_timestamp",
             "no inserts, updates or deletes"},
        Case{"reset", 50, "2024-05-01T09:00:00Z", "pg_stat_user_tables", 3, std::nullopt,
             std::nullopt, "pg_stat_user_tables", "fell from 50 to 3"},
        Case{"reset_commit", 50, "2024-05-01T09:00:00Z", "pg_stat_user_tables", 3,
             "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z", "commit_timestamp",
             "fell from 50 to 3"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(DecideMetadata, UnreadableMarkerIsFirstSight) {
  model::Observation previous;
  previous.marker = "garbage";
  previous.observed_at = at("2024-05-02T11:00:00Z");
  MetadataReading r;
  r.changes = 5;
  r.now = at("2024-05-02T12:00:00Z");
  r.previous = &previous;
  r.commit_note = "track_commit_timestamp is off, so no commit timestamps";
  auto o = decide_metadata(r);
  EXPECT_EQ(o.changed_at, std::nullopt);
  EXPECT_NE(o.evidence.find("first sight"), std::string::npos);
  EXPECT_NE(o.evidence.find("track_commit_timestamp is off"), std::string::npos);
}

TEST(ParseEndpoint, BadDsnIsAClearErrorWithoutThePassword) {
  auto bad = parse_endpoint("host=x password=hunter2 nonsense");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message.find("hunter2"), std::string::npos);
  auto good = parse_endpoint("postgresql://u:pw@db.example.com:6543/analytics");
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->host, "db.example.com");
  EXPECT_EQ(good->port, "6543");
  EXPECT_EQ(good->database, "analytics");
  EXPECT_EQ(good->user, "u");
}

TEST(PostgresConnectorCreate, ChecksTheConfiguration) {
  config::ConnectionConfig c;
  c.name = "w";
  c.type = "postgres";
  PostgresOptions o;
  EXPECT_FALSE(PostgresConnector::create(c, o).has_value());  // no dsn
  o.dsn = "host=localhost dbname=x";
  o.selection.naive_timezone = "Mars/Olympus";
  EXPECT_FALSE(PostgresConnector::create(c, o).has_value());
  o.selection.naive_timezone = "Europe/Berlin";
  EXPECT_TRUE(PostgresConnector::create(c, o).has_value());

  // What a mode means is the loader's to check, where the keys are read.
  register_postgres();
  auto load = [](std::string_view keys) {
    return config::load_string(
        fmt::format("connections:\n  - {{name: w, type: postgres, dsn: 'host=x', {}}}\n", keys),
        "fw.yml");
  };
  EXPECT_FALSE(load("mode: sometimes").ok());
  auto no_field = load("mode: query");
  ASSERT_FALSE(no_field.ok());
  EXPECT_NE(no_field.problems[0].message.find("loaded_at_field"), std::string::npos);
  auto ok = load("mode: query, loaded_at_field: _loaded_at");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.config.connections[0].options_as<PostgresOptions>()->mode,
            PostgresOptions::Mode::kQuery);
}

TEST(PostgresConnectorCreate, RegistersItsType) {
  register_postgres();
  EXPECT_TRUE(has_type("postgres"));
}

}  // namespace
}  // namespace freshwatch::connectors::postgres
