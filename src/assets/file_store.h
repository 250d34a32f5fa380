// Content-addressed storage of uploaded files (briefs, designs, videos): each
// file is kept once under the store's root, named by the SHA-256 of its
// bytes, so the same design attached to two requests is one file and a
// reference to it (the digest) says exactly which bytes were checked.
//
// Layout under the root (a workspace's `files/`):
//   sha256/ab/cdef...   the file whose digest is "abcdef..." (64 hex digits:
//                       two name the folder, sixty-two the file), read-only
// Nothing else is kept: the name a file was uploaded under and its MIME type
// are returned by Put for the caller to record with its own data.
//
// docs/assets.md describes the store, its limits and its guarantees.
#ifndef LIVESOP_ASSETS_FILE_STORE_H_
#define LIVESOP_ASSETS_FILE_STORE_H_

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace livesop::assets {

struct FileStoreOptions {
  // Files larger than this many bytes are refused with ResourceExhausted.
  // Default 200 MiB: above a 90-second 1080p reel at a high bitrate, and
  // small enough that a stray raw video export is caught at upload rather
  // than filling the disk. Raising it costs only disk space: files are
  // streamed, never held in memory.
  int64_t max_file_size = int64_t{200} * 1024 * 1024;
};

// What Put stored.
struct StoredFile {
  std::string sha256;  // 64 lower-case hex digits: the file's id
  int64_t size = 0;    // bytes
  // Detected from the content with libmagic ("image/png"), never from the
  // name; "application/octet-stream" when nothing matched.
  std::string mime;
  // SafeFileName of the original name; of the path's last component when
  // PutFile is given no name.
  std::string safe_name;
  // True when the store already held these bytes and wrote nothing.
  bool already_stored = false;
};

// A name that is safe to show and to offer as a download name, made from
// the name a file was uploaded under: the last path component (of '/' or
// '\\' paths), without control and bidirectional-override characters or the
// characters Windows forbids (replaced by '_'), without leading dots and
// trailing dots or spaces, not a reserved device name ("CON", "NUL.txt" get
// a leading '_'), at most 120 bytes of UTF-8 with its extension kept when
// shortened. Letters of any script are kept. Never empty: "file" when
// nothing is left.
std::string SafeFileName(std::string_view original_name);

// True when `sha256` is 64 lower-case hexadecimal digits.
bool IsSha256Hex(std::string_view sha256);

// The store. Copies share one store. Every method is safe to call from many
// threads at once, and from several processes on the same root: a file is
// written to a temporary file in its final folder, flushed to disk and
// renamed into place, so a reader never sees part of a file and concurrent
// Puts of the same bytes leave one complete copy.
class FileStore {
 public:
  // Opens the store rooted at `root`, creating the folder when it does not
  // exist. Fails with InvalidArgument when `root` is empty or
  // `options.max_file_size` is not positive, and with the system's error
  // (PermissionDenied, Internal) when the folder cannot be made.
  static Result<FileStore> Open(const std::string& root,
                                FileStoreOptions options = {});

  // Stores the file at `path` as uploaded under `original_name`, reading it
  // in chunks. When the store already holds the same bytes nothing is
  // written. Fails with NotFound when `path` does not exist,
  // InvalidArgument when it is not a regular file, ResourceExhausted
  // (naming the file, its size and the limit) when it is larger than
  // `max_file_size`, Aborted when the file changed while it was being
  // stored (try again), and the system's error when reading or writing
  // fails; on failure nothing is left in the store.
  Result<StoredFile> PutFile(const std::string& path,
                             std::string_view original_name) const;

  // As PutFile, for bytes already in memory.
  Result<StoredFile> PutBytes(std::string_view bytes,
                              std::string_view original_name) const;

  // The path of the stored file `sha256`. Fails with InvalidArgument when
  // `sha256` is not 64 lower-case hex digits (so no id can name a path
  // outside the root) and NotFound when the store does not hold it.
  Result<std::string> Path(std::string_view sha256) const;

  // The stored file `sha256`, open for binary reading. Fails as Path does.
  Result<std::ifstream> OpenFile(std::string_view sha256) const;

  // True when the store holds `sha256` (false for a malformed id).
  bool Contains(std::string_view sha256) const;

  // The root folder, as given to Open.
  const std::string& root() const;
  // The options given to Open.
  const FileStoreOptions& options() const;

 private:
  struct State;
  explicit FileStore(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace livesop::assets

#endif  // LIVESOP_ASSETS_FILE_STORE_H_
