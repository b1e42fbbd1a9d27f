#include "http/static_files.h"

#include <algorithm>

namespace freshwatch::http {

// Defined in the generated embedded_web.cc and embedded_docs.cc, sorted by path.
extern const EmbeddedFile kEmbeddedWebFiles[];
extern const std::size_t kEmbeddedWebFilesCount;
extern const EmbeddedFile kEmbeddedDocFiles[];
extern const std::size_t kEmbeddedDocFilesCount;

std::span<const EmbeddedFile> web_files() { return {kEmbeddedWebFiles, kEmbeddedWebFilesCount}; }

const EmbeddedFile* find_web_file(std::string_view path) { return find_file(web_files(), path); }

const EmbeddedFile* find_file(std::span<const EmbeddedFile> files, std::string_view path) {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

const EmbeddedFile* openapi_document() {
  for (std::size_t i = 0; i < kEmbeddedDocFilesCount; ++i)
    if (kEmbeddedDocFiles[i].path == "/api/v1/openapi.yaml") return &kEmbeddedDocFiles[i];
  return nullptr;
}

}  // namespace freshwatch::http
