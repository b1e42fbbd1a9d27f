// MemoryStore: a store::Store held in memory, for tests and benchmarks of the HTTP layer (and
// anything else that needs a store without a file). Keeps users, tokens, sessions, intervals,
// day cells and observations; collection runs are recorded only as far as the HTTP layer reads
// them. Not for production: nothing survives the process.
//
// Thread contract: every method locks one mutex; safe from any thread.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>

#include "store/store.h"

namespace freshwatch::http {

class MemoryStore final : public store::Store {
 public:
  Result<void> save_run(const store::RunRecord& run) override {
    std::lock_guard lock(mutex_);
    for (const auto& o : run.observations) observations_.push_back(o);
    return {};
  }
  Result<void> record_statuses(std::span<const store::StatusRecord>, core::TimePoint) override {
    return {};
  }
  Result<std::vector<model::Asset>> assets() override { return std::vector<model::Asset>{}; }
  Result<std::vector<model::Edge>> edges() override { return std::vector<model::Edge>{}; }
  Result<std::vector<model::Observation>> latest_observations() override {
    return std::vector<model::Observation>{};
  }
  Result<std::vector<model::Observation>> observations(std::string_view key,
                                                       std::size_t limit) override {
    std::lock_guard lock(mutex_);
    std::vector<model::Observation> out;
    for (const auto& o : observations_)
      if (o.asset_key == key) out.push_back(o);
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.observed_at > b.observed_at; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }
  Result<std::vector<model::StatusInterval>> intervals(std::string_view key, core::TimePoint from,
                                                       core::TimePoint to) override {
    std::lock_guard lock(mutex_);
    std::vector<model::StatusInterval> out;
    for (const auto& i : intervals_)
      if (i.asset_key == key && i.from < to && (!i.to || *i.to > from)) out.push_back(i);
    return out;
  }
  Result<std::vector<model::StatusInterval>> open_intervals() override {
    return std::vector<model::StatusInterval>{};
  }
  Result<std::vector<std::pair<std::string, model::DayCell>>> history(date::sys_days from,
                                                                      date::sys_days to) override {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, model::DayCell>> out;
    for (const auto& [key, cells] : days_)
      for (const auto& c : cells)
        if (c.day >= from && c.day <= to) out.emplace_back(key, c);
    return out;
  }
  Result<std::vector<model::DayCell>> history(std::string_view key, date::sys_days from,
                                              date::sys_days to) override {
    std::lock_guard lock(mutex_);
    std::vector<model::DayCell> out;
    if (auto it = days_.find(std::string(key)); it != days_.end())
      for (const auto& c : it->second)
        if (c.day >= from && c.day <= to) out.push_back(c);
    return out;
  }
  Result<std::vector<store::ConnectionRun>> latest_runs() override {
    return std::vector<store::ConnectionRun>{};
  }
  Result<std::size_t> prune_observations(core::TimePoint) override { return 0; }

  Result<void> put_user(const store::User& user) override {
    std::lock_guard lock(mutex_);
    users_[user.name] = user;
    return {};
  }
  Result<std::optional<store::User>> find_user(std::string_view name) override {
    std::lock_guard lock(mutex_);
    ++reads_;
    auto it = users_.find(std::string(name));
    return it == users_.end() ? std::nullopt : std::optional(it->second);
  }
  Result<void> put_token(const store::ApiToken& token) override {
    std::lock_guard lock(mutex_);
    tokens_[token.token_hash] = token;
    return {};
  }
  Result<std::optional<store::ApiToken>> find_token(std::string_view hash) override {
    std::lock_guard lock(mutex_);
    ++reads_;
    auto it = tokens_.find(std::string(hash));
    return it == tokens_.end() ? std::nullopt : std::optional(it->second);
  }
  Result<void> put_session(const store::Session& session) override {
    std::lock_guard lock(mutex_);
    sessions_[session.id_hash] = session;
    return {};
  }
  Result<std::optional<store::Session>> find_session(std::string_view hash) override {
    std::lock_guard lock(mutex_);
    ++reads_;
    auto it = sessions_.find(std::string(hash));
    return it == sessions_.end() ? std::nullopt : std::optional(it->second);
  }
  Result<void> delete_session(std::string_view hash) override {
    std::lock_guard lock(mutex_);
    sessions_.erase(std::string(hash));
    return {};
  }

  // Test helpers.
  void add_interval(model::StatusInterval i) {
    std::lock_guard lock(mutex_);
    intervals_.push_back(std::move(i));
  }
  void add_day(const std::string& key, model::DayCell c) {
    std::lock_guard lock(mutex_);
    days_[key].push_back(c);
    std::sort(days_[key].begin(), days_[key].end(),
              [](const auto& a, const auto& b) { return a.day < b.day; });
  }
  void add_observation(model::Observation o) {
    std::lock_guard lock(mutex_);
    observations_.push_back(std::move(o));
  }
  std::size_t session_count() {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  // Credential lookups so far (users, tokens, sessions).
  std::size_t credential_reads() {
    std::lock_guard lock(mutex_);
    return reads_;
  }
  std::optional<store::ApiToken> any_token() {
    std::lock_guard lock(mutex_);
    if (tokens_.empty()) return std::nullopt;
    return tokens_.begin()->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, store::User> users_;
  std::map<std::string, store::ApiToken> tokens_;
  std::map<std::string, store::Session> sessions_;
  std::vector<model::StatusInterval> intervals_;
  std::map<std::string, std::vector<model::DayCell>> days_;
  std::vector<model::Observation> observations_;
  std::size_t reads_ = 0;
};

}  // namespace freshwatch::http
