// Loading an SOP definition from YAML files (docs/formats/sop.md).
#ifndef LIVESOP_SOP_LOADER_H_
#define LIVESOP_SOP_LOADER_H_

#include <cstddef>
#include <string>

#include "core/diagnostic.h"
#include "core/status.h"
#include "sop/model.h"

namespace livesop::sop {

struct LoadOptions {
  // Files larger than this are refused with `file-too-large`. Default 8 MiB:
  // the largest real SOP is a few hundred KiB, and yaml-cpp holds the whole
  // document in memory.
  size_t max_file_bytes = size_t{8} * 1024 * 1024;
  // Includes nested deeper than this are refused. Default 16.
  int max_include_depth = 16;
  // Definitions with more elements (maps read) than this are refused with
  // `too-many-elements`. Default 200,000: real SOPs have a few thousand, and
  // the limit stops YAML aliases from expanding a small file into a huge
  // model.
  int max_elements = 200000;
};

// What the loader produced: the merged definition and every problem found
// while reading it (syntax, unknown keys, wrong types, missing keys, include
// problems). The definition holds whatever could be read, so later checks can
// still run and report more at once.
struct LoadResult {
  Definition definition;
  DiagnosticList diagnostics;
  // True when a file could not be read at all (missing, unreadable, too
  // large): `livesop check` exits 2 instead of 1.
  bool io_failure = false;
};

// Loads `path` and its includes. Never throws; never fails as a Status: all
// problems are diagnostics.
LoadResult LoadDefinition(const std::string& path,
                          const LoadOptions& options = {});

// Loads a definition from YAML text, as if it were the file `name`. Includes
// are resolved relative to the current directory. For tests and fuzzing.
LoadResult LoadDefinitionFromString(const std::string& text,
                                    const std::string& name,
                                    const LoadOptions& options = {});

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_LOADER_H_
