// Loading an SOP definition from YAML files (docs/formats/sop.md).
#ifndef LIVESOP_SOP_LOADER_H_
#define LIVESOP_SOP_LOADER_H_

#include <cstddef>
#include <map>
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

// An SOP as text: its root file and every file it includes, so that a
// version can be stored and loaded again without the files on disk.
struct Bundle {
  // The root file's path, relative to its own folder: its name ("sop.yaml").
  std::string root;
  // Each file by its path relative to the root's folder, lexically normal
  // ("processes.yaml", "shared/forms.yaml", "../common/calendar.yaml"),
  // root included, with its content as read.
  std::map<std::string, std::string> files;

  friend bool operator==(const Bundle&, const Bundle&) = default;
};

// Reads the SOP at `root_path` and every file it includes, transitively,
// following includes as LoadDefinition does (a file whose YAML does not parse
// contributes its text but no includes). Problems with the content are left
// to LoadDefinitionFromBundle; only files that cannot be bundled fail:
// NotFound for a missing root or include, InvalidArgument for a directory, a
// file over `options.max_file_bytes`, a binary or non-UTF-8 file, or an
// include written so that it would not resolve inside the bundle (an
// absolute path). Every message names the file.
Result<Bundle> ReadBundle(const std::string& root_path,
                          const LoadOptions& options = {});

// Loads `bundle` as LoadDefinition loads the files on disk, resolving
// includes inside the bundle only: the Definition and diagnostics are the
// same as loading the root from its own folder (file names are the bundle's
// relative paths). An include the bundle does not hold is an
// `include-not-found` diagnostic naming it; a bundle without its root file is
// an `io-error` with `io_failure` set. Never throws.
LoadResult LoadDefinitionFromBundle(const Bundle& bundle,
                                    const LoadOptions& options = {});

// The bundle as one JSON object: {"format": 1, "root": ROOT, "files":
// {PATH: CONTENT, ...}}, compact, keys in order. Bytes that are not UTF-8
// (which ReadBundle refuses) are written as U+FFFD.
std::string BundleToJson(const Bundle& bundle);

// Parses BundleToJson's form. InvalidArgument, saying what is wrong, for
// text that is not JSON, another format, a missing or empty root, a root the
// files do not hold, a file path that is empty, absolute or not lexically
// normal, or content that is not a string.
Result<Bundle> BundleFromJson(const std::string& json);

// The SHA-256 of the bundle, as 64 lower-case hex digits: equal for bundles
// with the same root and the same files, byte for byte. It hashes a
// canonical serialisation, not the JSON: "livesop-sop-bundle-1\n", then the
// root and each path and content in path order, every one written as its
// length in decimal, ":", its bytes. Empty only when OpenSSL cannot compute
// SHA-256 at all (a broken installation).
std::string BundleDigest(const Bundle& bundle);

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_LOADER_H_
