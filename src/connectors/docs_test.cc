// docs/configuration.md shows every connection type's keys as its folder declares them. Each
// table sits between `<!-- keys: NAME -->` and `<!-- /keys -->`; this test renders them from the
// declarations and fails on any difference. FRESHWATCH_UPDATE_DOCS=1 rewrites the file instead.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/section.h"
#include "connectors/connector.h"
#include "connectors/selection.h"

namespace freshwatch::connectors {
namespace {

const std::string kDocs = std::string(FRESHWATCH_SOURCE_DIR) + "/docs/configuration.md";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every block the documentation must carry, by name.
std::vector<std::pair<std::string, std::string>> expected_blocks() {
  register_all();
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("common", config::key_table(config::common_connection_keys()));
  for (const auto* type : config::connection_types(false))
    out.emplace_back("type:" + type->name, config::key_table(type->keys));
  out.emplace_back("tables", config::key_table(table_keys()));
  return out;
}

TEST(ConfigurationDocs, KeyTablesMatchTheDeclarations) {
  std::string docs = read(kDocs);
  ASSERT_FALSE(docs.empty()) << kDocs;
  bool changed = false;
  for (const auto& [name, table] : expected_blocks()) {
    const std::string open = fmt::format("<!-- keys: {} -->\n", name);
    const auto start = docs.find(open);
    if (start == std::string::npos) {
      ADD_FAILURE() << "docs/configuration.md has no block " << open
                    << "put it where the keys are described, with this table:\n"
                    << table << "<!-- /keys -->";
      continue;
    }
    const auto body = start + open.size();
    const auto end = docs.find("<!-- /keys -->", body);
    ASSERT_NE(end, std::string::npos) << "unclosed block " << open;
    if (docs.compare(body, end - body, table) == 0) continue;
    changed = true;
    if (std::getenv("FRESHWATCH_UPDATE_DOCS")) {
      docs.replace(body, end - body, table);
    } else {
      ADD_FAILURE() << "docs/configuration.md's " << name
                    << " keys differ from their declarations; run this test with "
                       "FRESHWATCH_UPDATE_DOCS=1 to rewrite them. Expected:\n"
                    << table;
    }
  }
  if (changed && std::getenv("FRESHWATCH_UPDATE_DOCS")) std::ofstream(kDocs) << docs;
}

TEST(ConfigurationDocs, EveryDocumentedTypeHasASection) {
  const std::string docs = read(kDocs);
  register_all();
  for (const auto* type : config::connection_types(false)) {
    EXPECT_NE(docs.find(fmt::format("### `type: {}`", type->name)), std::string::npos)
        << type->name;
    for (const auto& alias : type->aliases)
      EXPECT_NE(docs.find(fmt::format("`type: {}`", alias)), std::string::npos) << alias;
  }
}

}  // namespace
}  // namespace freshwatch::connectors
