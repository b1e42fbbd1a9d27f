// dbt Cloud as a source of dbt artifacts (connection type `dbt_cloud`), through the
// Administrative API v2 with a service token:
//   GET {base_url}/api/v2/accounts/{account_id}/runs/?job_definition_id={job_id}&status=10
//       &order_by=-finished_at&limit=1
//     → {"data": [{"id": 123, "status": 10, "finished_at": "...", ...}], ...}: the job's
//       latest successful run (status 10 = success)
//   GET {base_url}/api/v2/accounts/{account_id}/runs/{run_id}/artifacts/{path}
//     → the artifact itself (manifest.json, run_results.json, sources.json)
// Requests go through one net::HttpClient per source (net/http_client.h), so successive
// requests reuse a connection. Every request sends `Authorization: Token <token>` and
// `Accept: application/json`, and each attempt is bounded by the connection's `timeout`
// (connecting by at most 10 s of it). Redirects are followed, to https only; the token is not
// forwarded to another host. 429, 503 and 504 are retried (Retry-After honoured); the token is
// refused over plain http except to a loopback address.
//
// Errors, in plain words: 401/403 → "the dbt Cloud token was refused" (kPermissionDenied);
// 404 on the runs list → the account or job does not exist; a job without a successful run →
// kNotFound; 5xx (and 429 after the retries) and refused connections → kUnavailable; a timeout
// → kTimeout ("did not answer within N ms"). run_results.json and sources.json may be absent
// (404) from a run; manifest.json may not.
//
// Thread contract: one source per connection; not used by two threads at once.
#pragma once

#include <memory>

#include "config/config.h"
#include "connectors/connector.h"
#include "connectors/dbt/dbt_connector.h"
#include "core/result.h"

namespace freshwatch::connectors::dbt {

struct DbtCloudOptions {
  std::string account_id;  // digits
  std::string job_id;      // digits
  std::string token;       // a service token
  std::string base_url = "https://cloud.getdbt.com";  // no trailing slash
};

std::unique_ptr<ArtifactSource> make_cloud_source(const config::ConnectionConfig& connection,
                                                  const DbtCloudOptions& options);

Result<std::unique_ptr<Connector>> make_dbt_cloud_connector(
    const config::ConnectionConfig& connection, const DbtCloudOptions& options);

// Registers the type "dbt_cloud" (register_dbt() calls it).
void register_cloud();

// The latest run from a runs-list response body: (run id, finished_at); kNotFound when the list
// is empty, kParse when the body is not the documented shape.
Result<std::pair<std::string, std::string>> parse_latest_run(std::string_view body);

}  // namespace freshwatch::connectors::dbt
