// MIME types from file content, through libmagic: the one place that calls
// it. Used by the file store (for what Put returns) and by Inspect (to choose
// the library that reads a file).
#ifndef LIVESOP_ASSETS_INTERNAL_MIME_H_
#define LIVESOP_ASSETS_INTERNAL_MIME_H_

#include <string>

#include "core/status.h"

namespace livesop::assets::internal {

// The MIME type of the file at `path` ("image/png", "text/plain"), from its
// bytes only: the name and extension are never consulted, so a PNG renamed
// "x.jpg" is still image/png. "application/octet-stream" when no rule
// matches. Fails with Internal when libmagic cannot load its database or
// read the file. Thread-safe: one libmagic handle, loaded on first use and
// used under a lock, since a handle must not be shared unguarded.
Result<std::string> DetectMimeType(const std::string& path);

}  // namespace livesop::assets::internal

#endif  // LIVESOP_ASSETS_INTERNAL_MIME_H_
