#include "connectors/dbt/dbt_connector.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "connectors/dbt/artifacts.h"
#include "connectors/dbt/collection.h"
#include "connectors/dbt/dbt_cloud.h"
#include "core/time.h"

namespace freshwatch::connectors::dbt {

Result<ArtifactText> read_artifact(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int e = errno;
    if (e == ENOENT) return fail(ErrorCode::kNotFound, "{} does not exist", path);
    return fail(e == EACCES ? ErrorCode::kPermissionDenied : ErrorCode::kUnavailable,
                "cannot open {}: {}", path, std::strerror(e));
  }
  ArtifactText text;
  char chunk[1 << 16];
  struct stat st{};
  if (::fstat(::fileno(file.get()), &st) == 0 && st.st_size > 0)
    text.buffer.reserve(static_cast<std::size_t>(st.st_size) + kJsonPadding);
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0;)
    text.buffer.append(chunk, n);
  if (std::ferror(file.get()))
    return fail(ErrorCode::kUnavailable, "cannot read {}: {}", path, std::strerror(errno));
  text.size = text.buffer.size();
  text.buffer.append(kJsonPadding, '\0');
  return text;
}

void ArtifactText::release_front(std::size_t bytes) {
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(buffer.data());
  const auto first = (start + page - 1) / page * page;
  const auto end = (start + std::min(bytes, size)) / page * page;
  if (end > first) ::madvise(reinterpret_cast<void*>(first), end - first, MADV_DONTNEED);
}

namespace {

constexpr const char* kFiles[] = {"manifest.json", "run_results.json", "sources.json",
                                  "freshness.json"};

class FolderSource final : public ArtifactSource {
 public:
  explicit FolderSource(std::string path) : path_(std::move(path)) {}

  Result<std::string> version(std::stop_token) override {
    std::string v;
    for (const char* name : kFiles) {
      struct stat st{};
      const std::string file = fmt::format("{}/{}", path_, name);
      if (::stat(file.c_str(), &st) != 0) {
        v += fmt::format("{}:-;", name);
        continue;
      }
      v += fmt::format("{}:{}:{}.{};", name, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    }
    return v;
  }

  Result<RawArtifacts> fetch(std::stop_token) override {
    RawArtifacts raw;
    auto manifest = read_artifact(fmt::format("{}/manifest.json", path_));
    if (!manifest) {
      if (manifest.error().code == ErrorCode::kNotFound)
        return fail(ErrorCode::kNotFound,
                    "{}/manifest.json does not exist; point `artifacts` at a dbt target/ folder "
                    "(run dbt compile, run or build there first)",
                    path_);
      return std::unexpected(manifest.error());
    }
    raw.manifest = std::move(*manifest);
    auto optional = [&](const char* name, std::optional<ArtifactText>& out) -> Result<void> {
      auto text = read_artifact(fmt::format("{}/{}", path_, name));
      if (text) out = std::move(*text);
      else if (text.error().code != ErrorCode::kNotFound) return std::unexpected(text.error());
      return {};
    };
    if (auto ok = optional("run_results.json", raw.run_results); !ok) return std::unexpected(ok.error());
    if (auto ok = optional("sources.json", raw.sources); !ok) return std::unexpected(ok.error());
    if (auto ok = optional("freshness.json", raw.freshness); !ok) return std::unexpected(ok.error());
    return raw;
  }

  std::string describe() const override { return path_; }

 private:
  std::string path_;
};

// The manifest's text is given back as it is read past (the other artifacts are small).
Result<Artifacts> parse_all(RawArtifacts& raw) {
  Artifacts a;
  auto manifest = parse_manifest_padded(
      raw.manifest.json(), [&](std::size_t bytes) { raw.manifest.release_front(bytes); });
  if (!manifest) return std::unexpected(manifest.error());
  a.manifest = std::move(*manifest);
  if (raw.run_results) {
    auto r = parse_run_results_padded(raw.run_results->json());
    if (!r) return std::unexpected(r.error());
    a.run_results = std::move(*r);
  }
  if (raw.sources) {
    auto r = parse_freshness_padded(raw.sources->json());
    if (!r) return std::unexpected(r.error());
    a.sources = std::move(*r);
  }
  if (raw.freshness) {
    auto r = parse_freshness_padded(raw.freshness->json());
    if (!r) return std::unexpected(r.error().with_context("freshness.json"));
    a.freshness = std::move(*r);
  }
  return a;
}

class DbtConnector final : public Connector {
 public:
  DbtConnector(const config::ConnectionConfig& connection, std::unique_ptr<ArtifactSource> source)
      : name_(connection.name),
        owner_(connection.owner),
        tags_(connection.tags),
        source_(std::move(source)) {}

  Result<Collection> collect(const CollectContext& context) override {
    auto version = source_->version(context.stop);
    if (!version) return stale(version.error());
    if (last_good_ && *version == last_version_) return *last_good_;

    auto raw = source_->fetch(context.stop);
    if (!raw) return stale(raw.error());
    auto artifacts = parse_all(*raw);
    { RawArtifacts text = std::move(*raw); }  // the files' text is not needed past parsing
    if (!artifacts) return stale(artifacts.error());

    Built built = build_collection(
        *artifacts, BuildOptions{.connection = name_,
                                 .owner = owner_,
                                 .tags = tags_,
                                 .now = context.clock.now(),
                                 .previous = &context.previous});
    if (!built.problems.empty() && last_good_) {
      return stale(Error{ErrorCode::kParse,
                         fmt::format("{} ({} problem{})", built.problems.front(),
                                     built.problems.size(), built.problems.size() == 1 ? "" : "s")});
    }
    last_version_ = std::move(*version);
    last_good_ = std::move(built.collection);
    read_at_ = context.clock.now();
    return *last_good_;
  }

 private:
  // The last good collection with the problem as its first warning, or the problem as an Error
  // when nothing good was read yet.
  Result<Collection> stale(const Error& problem) {
    if (!last_good_) return std::unexpected(problem.with_context(source_->describe()));
    Collection c = *last_good_;
    c.warnings.insert(c.warnings.begin(),
                      fmt::format("stale artifacts: {}; serving the state read at {}",
                                  problem.message, core::format_timestamp(read_at_)));
    return c;
  }

  std::string name_;
  std::string owner_;
  std::vector<std::string> tags_;
  std::unique_ptr<ArtifactSource> source_;
  std::string last_version_;
  std::optional<Collection> last_good_;
  core::TimePoint read_at_{};
};

}  // namespace

std::unique_ptr<ArtifactSource> make_folder_source(std::string path) {
  return std::make_unique<FolderSource>(std::move(path));
}

std::unique_ptr<Connector> make_connector(const config::ConnectionConfig& connection,
                                          std::unique_ptr<ArtifactSource> source) {
  return std::make_unique<DbtConnector>(connection, std::move(source));
}

Result<std::unique_ptr<Connector>> make_dbt_connector(const config::ConnectionConfig& connection,
                                                     const DbtOptions& options) {
  if (options.artifacts.empty())
    return fail(ErrorCode::kInvalidArgument,
                "connection '{}': a dbt connection needs `artifacts`, the dbt target/ folder",
                connection.name);
  return make_connector(connection, make_folder_source(options.artifacts));
}

}  // namespace freshwatch::connectors::dbt

namespace freshwatch::connectors {

void register_dbt() {
  register_type<dbt::DbtOptions>(
      {.name = "dbt",
       .title = "dbt",
       .keys = {{"artifacts", "path", true, false, "",
                 "The dbt `target/` folder holding `manifest.json`, `run_results.json` and "
                 "`sources.json`",
                 "target"}},
       .required_hint = "artifacts: target, the folder holding manifest.json"},
      [](config::Section& s) {
        dbt::DbtOptions o;
        if (auto v = s.path("artifacts")) o.artifacts = *v;
        return o;
      },
      dbt::make_dbt_connector);
  dbt::register_cloud();
}

}  // namespace freshwatch::connectors
