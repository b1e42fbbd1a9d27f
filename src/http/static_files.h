// Files embedded into the binary at build time: the web UI (every file under web/dist, when it
// was built) and the OpenAPI document. Each file carries its content type, its bytes, a
// precomputed gzip form (empty when gzip would not make it smaller) and a strong ETag.
//
// Thread contract: immutable static data.
#pragma once

#include <span>
#include <string_view>

namespace freshwatch::http {

// Where the UI's build puts its content-hashed files (vite's build.assetsDir); they are cached
// as immutable. Kept apart from the UI's own routes ("/assets/<key>" is an asset's page).
inline constexpr std::string_view kBuildFilesPrefix = "/_app/";

struct EmbeddedFile {
  std::string_view path;  // "/index.html", "/_app/index-3f2a1b.js"
  std::string_view content_type;
  std::string_view data;
  std::string_view gzip;
  std::string_view etag;
  std::string_view gzip_etag;
};

// The web UI; empty when web/dist did not exist at build time.
std::span<const EmbeddedFile> web_files();
// Binary search by path in `files` (sorted by path); nullptr when absent.
const EmbeddedFile* find_file(std::span<const EmbeddedFile> files, std::string_view path);
const EmbeddedFile* find_web_file(std::string_view path);
// docs/openapi.yaml.
const EmbeddedFile* openapi_document();

}  // namespace freshwatch::http
