#include "eventlog/internal/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace livesop::eventlog::internal {

Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path) {
  // open() first, rather than gzopen(), so that errno reliably tells a
  // missing file from an unreadable one.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    std::string message = "cannot open " + path + ": " + std::strerror(error);
    if (error == ENOENT || error == ENOTDIR) {
      return NotFoundError(std::move(message));
    }
    return UnavailableError(std::move(message));
  }
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return InvalidArgumentError("cannot read " + path +
                                ": it is a directory, not a log file");
  }
  gzFile file = ::gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return ResourceExhaustedError("cannot read " + path + ": out of memory");
  }
  // Larger than zlib's 8 KiB default: fewer read calls on big logs. A
  // quarter of the XES readers' 256 KiB requests: zlib reads a plain file
  // straight into the caller's buffer only when what remains of a request,
  // once the bytes left in its own output buffer (twice this size) are
  // copied, is at least that output buffer; otherwise every later read
  // goes through that buffer too, one more copy of the whole file.
  ::gzbuffer(file, 64 * 1024);
  return std::unique_ptr<InputFile>(new InputFile(path, file));
}

InputFile::~InputFile() { ::gzclose(file_); }

Result<size_t> InputFile::Read(char* buffer, size_t size) {
  const unsigned chunk = size > static_cast<size_t>(INT_MAX)
                             ? INT_MAX
                             : static_cast<unsigned>(size);
  const int n = ::gzread(file_, buffer, chunk);
  if (n >= 0) return static_cast<size_t>(n);
  int code = Z_OK;
  const char* what = ::gzerror(file_, &code);
  if (code == Z_ERRNO) {
    return UnavailableError("cannot read " + path_ + ": " +
                            std::strerror(errno));
  }
  return InvalidArgumentError(path_ + ": corrupt gzip data: " +
                              std::string(what != nullptr ? what : "?"));
}

Result<size_t> MemoryInput::Read(char* buffer, size_t size) {
  const size_t n = std::min(size, data_.size());
  std::memcpy(buffer, data_.data(), n);
  data_.remove_prefix(n);
  return n;
}

}  // namespace livesop::eventlog::internal
