#include "cli/why_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/time.h"
#include "lineage/graph.h"

namespace freshwatch::cli {

namespace {

std::string paint(model::Status s, bool color) {
  const std::string_view text = model::to_string(s);
  if (!color) return std::string(text);
  const char* code = s == model::Status::kFresh ? "32" : s == model::Status::kWarn ? "33"
                     : s == model::Status::kError ? "31" : "90";
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

std::string age(const model::AssetState& a) {
  return a.evaluation.age ? core::format_age(*a.evaluation.age) : std::string("-");
}

// "demo:sales.invoices is error: changed 4 d ago; error after 2 d (table)"
std::string line(const model::AssetState& a, bool color) {
  std::string out = fmt::format("{} is {}", a.asset.key, paint(a.evaluation.status, color));
  if (!a.evaluation.reason.empty()) out += fmt::format(": {}", a.evaluation.reason);
  if (!a.evaluation.error.empty() && a.evaluation.reason.find(a.evaluation.error) == std::string::npos)
    out += fmt::format(" ({})", a.evaluation.error);
  if (a.evaluation.age && a.evaluation.reason.find("ago") == std::string::npos)
    out += fmt::format(", changed {} ago", core::format_age(*a.evaluation.age));
  return out + fmt::format(" [{}]", model::to_string(a.asset.kind));
}

}  // namespace

Result<std::string> render_why(const model::Snapshot& snap, std::string_view key, bool color) {
  const model::AssetState* asset = snap.find(key);
  if (!asset)
    return fail(ErrorCode::kNotFound,
                "no asset '{}'; `freshwatch check` lists the assets and their keys", key);
  std::string out = line(*asset, color) + "\n";
  if (asset->root_causes.empty()) {
    const bool stale = asset->evaluation.status == model::Status::kWarn ||
                       asset->evaluation.status == model::Status::kError;
    out += stale ? "nothing upstream is stale: this asset is the root cause of its own status\n"
                 : "nothing upstream is stale\n";
    return out;
  }
  std::vector<std::string> keys;
  keys.reserve(snap.assets.size());
  for (const auto& a : snap.assets) keys.push_back(a.asset.key);
  const lineage::Graph graph(keys, snap.edges);
  const auto from = graph.find(asset->asset.key);
  std::vector<lineage::NodeId> targets;
  for (const auto& k : asset->root_causes)
    if (auto t = graph.find(k)) targets.push_back(*t);
  out += fmt::format("impacted: {} root cause{} upstream\n", targets.size(),
                     targets.size() == 1 ? "" : "s");
  if (!from) return out;
  const auto paths = graph.paths(*from, targets);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto* cause = snap.find(graph.key(targets[i]));
    out += fmt::format("\nroot cause {}: {}\n", i + 1, cause ? line(*cause, color) : graph.key(targets[i]));
    std::size_t width = 0;
    for (auto n : paths[i]) width = std::max(width, graph.key(n).size());
    for (std::size_t h = 0; h < paths[i].size(); ++h) {
      const auto& k = graph.key(paths[i][h]);
      const auto* s = snap.find(k);
      out += fmt::format("  {} {:<{}}  {:<7}  {}\n", h == 0 ? " " : "\u2190", k, width,
                         s ? paint(s->evaluation.status, color) : std::string("missing"),
                         s ? age(*s) : std::string("-"));
    }
  }
  return out;
}

}  // namespace freshwatch::cli
