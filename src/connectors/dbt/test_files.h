// Test helpers: the shared dbt test data and small files on disk.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace freshwatch::connectors::dbt::testing {

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
