// Test helpers: the shared dbt test data and small files on disk.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace freshwatch::connectors::dbt::testing {

// A v12 manifest of one model (model.shop.a) over one source (source.shop.raw.t).
inline constexpr std::string_view kManifest = R"({
  "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
               "project_name": "shop", "adapter_type": "postgres"},
  "nodes": {"model.shop.a": {"unique_id": "model.shop.a", "resource_type": "model", "package_name": "shop",
             "name": "a", "original_file_path": "models/a.sql", "database": "db", "schema": "s",
             "alias": "a", "depends_on": {"nodes": ["source.shop.raw.t"]}}},
  "sources": {"source.shop.raw.t": {"unique_id": "source.shop.raw.t", "resource_type": "source",
              "package_name": "shop", "name": "t", "source_name": "raw", "original_file_path": "models/s.yml",
              "database": "db", "schema": "raw", "identifier": "t"}}
})";

inline std::filesystem::path testdata() {
  std::filesystem::path p = FRESHWATCH_TESTDATA_DIR;
  p /= "dbt";
  return std::filesystem::is_directory(p) ? p : std::filesystem::path();
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace freshwatch::connectors::dbt::testing

#define FRESHWATCH_NEED_DBT_TESTDATA()                                                     \
  if (::freshwatch::connectors::dbt::testing::testdata().empty())                          \
  GTEST_SKIP() << "../shared/testdata/dbt is absent; the tests on real dbt artifacts need it"
