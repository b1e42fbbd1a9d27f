#include "connectors/dbt/dbt_cloud.h"

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

#include "connectors/dbt/artifacts.h"
#include "net/http_client.h"
#include "net/url.h"

namespace freshwatch::connectors::dbt {

namespace {

net::ClientOptions http_options(std::chrono::milliseconds timeout) {
  net::ClientOptions o;
  o.service = "dbt Cloud";
  o.timeout = timeout;
  o.connect_timeout = std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(10));
  o.user_agent = "freshwatch";
  o.sends_credentials = true;
  o.follow_redirects = true;
  o.max_redirects = 5;
  return o;
}

class CloudSource final : public ArtifactSource {
 public:
  CloudSource(const config::ConnectionConfig& c, const DbtCloudOptions& o)
      : base_(o.base_url),
        account_(o.account_id),
        job_(o.job_id),
        token_(o.token),
        http_(http_options(
            std::max(std::chrono::milliseconds(1),
                     std::chrono::duration_cast<std::chrono::milliseconds>(c.timeout)))) {
    while (base_.ends_with('/')) base_.pop_back();
  }

  Result<std::string> version(std::stop_token stop) override {
    const std::string url = fmt::format(
        "{}/api/v2/accounts/{}/runs/?job_definition_id={}&status=10&order_by=-finished_at&limit=1",
        base_, account_, job_);
    auto r = get(url, stop);
    if (!r) return std::unexpected(r.error());
    if (r->status == 404)
      return fail(ErrorCode::kNotFound,
                  "dbt Cloud has no account {} (HTTP 404 from {}); check account_id and base_url",
                  account_, base_);
    if (auto bad = check(*r, "listing the job's runs"); !bad) return std::unexpected(bad.error());
    auto run = parse_latest_run(r->body);
    if (!run) {
      if (run.error().code == ErrorCode::kNotFound)
        return fail(ErrorCode::kNotFound, "dbt Cloud job {} has no successful run yet (account {})",
                    job_, account_);
      return std::unexpected(run.error());
    }
    run_id_ = run->first;
    return fmt::format("{}@{}", run->first, run->second);
  }

  Result<RawArtifacts> fetch(std::stop_token stop) override {
    if (run_id_.empty()) return fail(ErrorCode::kInternal, "no dbt Cloud run chosen");
    RawArtifacts raw;
    auto manifest = artifact("manifest.json", stop);
    if (!manifest) return std::unexpected(manifest.error());
    if (!*manifest)
      return fail(ErrorCode::kNotFound, "dbt Cloud run {} of job {} has no manifest.json", run_id_,
                  job_);
    raw.manifest = std::move(**manifest);
    for (auto [name, out] : {std::pair{"run_results.json", &raw.run_results},
                             std::pair{"sources.json", &raw.sources}}) {
      auto a = artifact(name, stop);
      if (!a) return std::unexpected(a.error());
      *out = std::move(*a);
    }
    return raw;
  }

  std::string describe() const override {
    return fmt::format("dbt Cloud account {} job {}", account_, job_);
  }

 private:
  // The artifact, or empty when the run does not have it (404).
  Result<std::optional<ArtifactText>> artifact(const char* path, std::stop_token stop) {
    auto r = get(
        fmt::format("{}/api/v2/accounts/{}/runs/{}/artifacts/{}", base_, account_, run_id_, path),
        stop);
    if (!r) return std::unexpected(r.error());
    if (r->status == 404) return std::optional<ArtifactText>();
    if (auto bad = check(*r, fmt::format("fetching {} of run {}", path, run_id_)); !bad)
      return std::unexpected(bad.error());
    ArtifactText text;
    text.size = r->body.size();
    text.buffer = std::move(r->body);
    text.buffer.append(kJsonPadding, '\0');
    return std::optional<ArtifactText>(std::move(text));
  }

  Result<void> check(const net::Response& r, std::string_view what) const {
    if (r.status == 401 || r.status == 403)
      return fail(ErrorCode::kPermissionDenied,
                  "the dbt Cloud token was refused (HTTP {} while {}); create a service token "
                  "with at least read access to account {} and set `token`",
                  r.status, what, account_);
    if (r.status == 404)
      return fail(ErrorCode::kNotFound, "dbt Cloud answered 404 Not Found while {}", what);
    if (r.status == 429 || r.status >= 500)
      return fail(ErrorCode::kUnavailable, "dbt Cloud answered HTTP {} while {}; will retry",
                  r.status, what);
    if (r.status < 200 || r.status >= 300)
      return fail(ErrorCode::kUnavailable, "dbt Cloud answered HTTP {} while {}", r.status, what);
    return {};
  }

  Result<net::Response> get(const std::string& url, std::stop_token stop) {
    net::Request request;
    request.url = url;
    request.headers = {{"Authorization", "Token " + token_}, {"Accept", "application/json"}};
    return http_.send(std::move(request), stop);
  }

  std::string base_, account_, job_, token_;
  net::HttpClient http_;
  std::string run_id_;
};

}  // namespace

Result<std::pair<std::string, std::string>> parse_latest_run(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS)
    return fail(ErrorCode::kParse, "dbt Cloud's runs list is not JSON");
  simdjson::dom::array data;
  if (doc["data"].get_array().get(data) != simdjson::SUCCESS)
    return fail(ErrorCode::kParse, "dbt Cloud's runs list has no 'data' array");
  for (auto run : data) {
    std::string id;
    std::int64_t n = 0;
    std::string_view s;
    if (run["id"].get_int64().get(n) == simdjson::SUCCESS)
      id = std::to_string(n);
    else if (run["id"].get_string().get(s) == simdjson::SUCCESS)
      id = std::string(s);
    if (id.empty()) return fail(ErrorCode::kParse, "a run in dbt Cloud's runs list has no 'id'");
    std::string finished;
    if (run["finished_at"].get_string().get(s) == simdjson::SUCCESS) finished = std::string(s);
    return std::pair{id, finished};
  }
  return fail(ErrorCode::kNotFound, "no run");
}

std::unique_ptr<ArtifactSource> make_cloud_source(const config::ConnectionConfig& connection,
                                                  const DbtCloudOptions& options) {
  return std::make_unique<CloudSource>(connection, options);
}

Result<std::unique_ptr<Connector>> make_dbt_cloud_connector(const config::ConnectionConfig& c,
                                                            const DbtCloudOptions& o) {
  if (o.account_id.empty() || o.job_id.empty() || o.token.empty())
    return fail(ErrorCode::kInvalidArgument,
                "connection '{}': dbt_cloud needs account_id, job_id and token", c.name);
  return make_connector(c, make_cloud_source(c, o));
}

namespace {

DbtCloudOptions parse_dbt_cloud(config::Section& s) {
  DbtCloudOptions o;
  for (std::string_view key : {"account_id", "job_id"}) {
    auto v = s.string(key);
    if (!v) continue;
    if (v->find_first_not_of("0123456789") != std::string::npos)
      s.problem(key, fmt::format("{}: expected a number, not '{}'", key, *v),
                "copy it from the dbt Cloud URL: .../deploy/<account_id>/projects/.../jobs/<job_id>");
    (key == "account_id" ? o.account_id : o.job_id) = *v;
  }
  if (auto v = s.string("token")) o.token = *v;
  if (auto v = s.string("base_url")) {
    auto url = net::parse_url(*v);
    if (!v->starts_with("https://") && !v->starts_with("http://"))
      s.problem("base_url", fmt::format("base_url: '{}' is not an http(s) URL", *v),
                "write https://cloud.getdbt.com or your region's access URL");
    else if (auto plain = url ? net::check_credentials_transport(*url, true) : Result<void>{};
             !plain)
      s.problem("base_url", fmt::format("base_url: {}", plain.error().message),
                "the service token would cross the network unencrypted");
    while (v->ends_with('/')) v->pop_back();
    o.base_url = *v;
  }
  return o;
}

}  // namespace

void register_cloud() {
  register_type<DbtCloudOptions>(
      {.name = "dbt_cloud",
       .title = "dbt Cloud",
       .keys = {{"account_id", "number", true, false, "",
                 "The dbt Cloud account (in URLs: `/deploy/<account_id>/...`)", "12345"},
                {"job_id", "number", true, false, "",
                 "The job whose latest successful run is read", "67890"},
                {"token", "string", true, true, "",
                 "A service token with read access (`${DBT_CLOUD_TOKEN}`)", "${DBT_CLOUD_TOKEN}"},
                {"base_url", "URL", false, false, "`https://cloud.getdbt.com`",
                 "Your region's access URL, e.g. `https://emea.dbt.com`", "https://emea.dbt.com"}},
       .required_hint =
           "account_id: 12345, job_id: 67890, token: ${DBT_CLOUD_TOKEN} (a service token)"},
      parse_dbt_cloud, make_dbt_cloud_connector);
}

}  // namespace freshwatch::connectors::dbt
