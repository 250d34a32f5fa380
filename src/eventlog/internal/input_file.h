// Reading a log file that may be gzip-compressed. Compression is recognised
// by the content (the gzip magic bytes), not the file name, so `log.xes.gz`,
// a renamed `log.xes` holding gzip data and a plain `log.xes` all read.
#ifndef LIVESOP_EVENTLOG_INTERNAL_INPUT_FILE_H_
#define LIVESOP_EVENTLOG_INTERNAL_INPUT_FILE_H_

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace livesop::eventlog::internal {

// Where a reader's bytes come from: a file, or memory (the fuzzers).
class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `size` bytes into `buffer`; returns how many, 0 at the end.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;

  // What error messages name as the input: the path of a file.
  virtual const std::string& path() const = 0;
};

class InputFile final : public ByteSource {
 public:
  // Opens `path`. Returns NotFound when it does not exist, InvalidArgument
  // when it is a directory, Unavailable when it cannot be opened for
  // another reason (permissions, too many open files); every message names
  // the path.
  static Result<std::unique_ptr<InputFile>> Open(const std::string& path);

  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to `size` decompressed bytes into `buffer`; returns how many,
  // 0 at the end of the file. Returns InvalidArgument when the gzip data is
  // corrupt or cut short, Unavailable when the file cannot be read.
  Result<size_t> Read(char* buffer, size_t size) override;

  const std::string& path() const override { return path_; }

 private:
  InputFile(std::string path, gzFile file)
      : path_(std::move(path)), file_(file) {}

  std::string path_;
  gzFile file_;
};

// Bytes held by the caller, read as they are (no gzip). `data` must outlive
// the source.
class MemoryInput final : public ByteSource {
 public:
  MemoryInput(std::string_view data, std::string name)
      : data_(data), name_(std::move(name)) {}

  Result<size_t> Read(char* buffer, size_t size) override;
  const std::string& path() const override { return name_; }

 private:
  std::string_view data_;
  std::string name_;
};

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_INPUT_FILE_H_
