#include "assets/file_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "assets/internal/mime.h"
#include "assets/internal/units.h"

namespace livesop::assets {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = size_t{1} << 20;

Status ErrnoStatus(int error, const std::string& what) {
  std::string message = what + ": " + std::strerror(error);
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return NotFoundError(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError(std::move(message));
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return ResourceExhaustedError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error a deferred write may surface at close.
  int Close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (ctx_ != nullptr) EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void Update(const void* data, size_t size) {
    EVP_DigestUpdate(ctx_.get(), data, size);
  }
  std::string HexDigest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest.data(), &length);
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
      out += kHex[digest[i] >> 4];
      out += kHex[digest[i] & 0xf];
    }
    return out;
  }
  bool ok() const { return ctx_ != nullptr; }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

Status TooLarge(const std::string& name, int64_t size, int64_t limit) {
  return ResourceExhaustedError(
      name + " is " + internal::FormatBytes(size) + ", larger than the " +
      internal::FormatBytes(limit) +
      " the file store accepts; make it smaller (compress it, shorten it or "
      "lower its resolution) or share a link to it instead");
}

// Reads up to `size` bytes, retrying when interrupted. Returns the count
// read (0 at end of file) or -1 with errno set.
ssize_t ReadSome(int fd, char* buffer, size_t size) {
  ssize_t n;
  do {
    n = ::read(fd, buffer, size);
  } while (n < 0 && errno == EINTR);
  return n;
}

Status WriteAll(int fd, const char* data, size_t size,
                const std::string& what) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "cannot write " + what);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return OkStatus();
}

// Makes the rename of a file into `dir` survive a crash.
void SyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

// Where the pieces of one stored file come from: called with a buffer until
// it returns 0 (the end) or an error.
using Source = std::function<Result<size_t>(char* buffer, size_t size)>;

}  // namespace

struct FileStore::State {
  fs::path root;
  std::string root_text;
  FileStoreOptions options;

  fs::path BlobPath(const std::string& sha) const {
    return root / "sha256" / sha.substr(0, 2) / sha.substr(2);
  }

  // Writes the bytes `source` gives to the file for `sha`: to a temporary
  // file in its folder, checked against `sha` and `size`, flushed, made
  // read-only and renamed into place. A rename replaces atomically, so of
  // two writers of the same bytes the last one wins with identical content
  // and a reader never sees part of a file.
  Status WriteBlob(const std::string& sha, int64_t size, const Source& source,
                   const std::string& name) const {
    const fs::path target = BlobPath(sha);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      return ErrnoStatus(ec.value(),
                         "cannot make folder " + target.parent_path().string());
    }
    std::string temp = (target.parent_path() / ".tmp-XXXXXX").string();
    Fd out(::mkostemp(temp.data(), O_CLOEXEC));
    if (out.get() < 0) {
      return ErrnoStatus(errno, "cannot make a temporary file in " +
                                    target.parent_path().string());
    }
    auto fail = [&](Status status) {
      ::unlink(temp.c_str());
      return status;
    };
    Sha256 check;
    int64_t written = 0;
    std::vector<char> buffer(kChunk);
    while (true) {
      Result<size_t> n = source(buffer.data(), buffer.size());
      if (!n.ok()) return fail(n.status());
      if (*n == 0) break;
      check.Update(buffer.data(), *n);
      written += static_cast<int64_t>(*n);
      Status status = WriteAll(out.get(), buffer.data(), *n, temp);
      if (!status.ok()) return fail(status);
    }
    if (written != size || check.HexDigest() != sha) {
      return fail(AbortedError(
          name +
          " changed while it was being stored; store it again once "
          "whatever is writing it has finished"));
    }
    if (::fchmod(out.get(), 0444) != 0 || ::fsync(out.get()) != 0 ||
        out.Close() != 0) {
      return fail(ErrnoStatus(errno, "cannot write " + temp));
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      return fail(ErrnoStatus(errno, "cannot move " + temp + " into place"));
    }
    SyncDirectory(target.parent_path());
    return OkStatus();
  }

  // The stored file for `sha` when it is complete, that is when it exists
  // with the expected size (a file of another size, which only a damaged
  // disk or a hand edit makes, is written again).
  bool HasBlob(const std::string& sha, int64_t size) const {
    struct stat st {};
    return ::stat(BlobPath(sha).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           st.st_size == size;
  }

  Result<StoredFile> Finish(const std::string& sha, int64_t size,
                            std::string_view original_name,
                            bool already_stored) const {
    StoredFile out;
    out.sha256 = sha;
    out.size = size;
    out.safe_name = SafeFileName(original_name);
    out.already_stored = already_stored;
    LIVESOP_ASSIGN_OR_RETURN(out.mime,
                             internal::DetectMimeType(BlobPath(sha).string()));
    return out;
  }
};

std::string SafeFileName(std::string_view original_name) {
  // The last component of a Unix or Windows path.
  size_t slash = original_name.find_last_of("/\\");
  std::string_view base = slash == std::string_view::npos
                              ? original_name
                              : original_name.substr(slash + 1);

  std::string name;
  // Decodes UTF-8 by hand only to keep or drop whole characters; any
  // malformed byte becomes '_'.
  size_t i = 0;
  while (i < base.size()) {
    const auto lead = static_cast<unsigned char>(base[i]);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xe  ? 3
                    : (lead >> 3) == 0x1e ? 4
                                          : 0;
    bool valid = length > 0 && i + length <= base.size();
    uint32_t code = length == 1   ? lead
                    : length == 2 ? lead & 0x1f
                    : length == 3 ? lead & 0x0f
                                  : lead & 0x07;
    for (size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(base[i + k]);
      valid = (next & 0xc0) == 0x80;
      code = (code << 6) | (next & 0x3f);
    }
    if (valid && length > 1) {
      // Overlong forms and surrogates are malformed too.
      static const uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = code >= kMinimum[length] && code <= 0x10ffff &&
              !(code >= 0xd800 && code <= 0xdfff);
    }
    if (!valid) {
      name += '_';
      ++i;
      continue;
    }
    const bool control = code < 0x20 || code == 0x7f ||
                         (code >= 0x80 && code <= 0x9f) || code == 0xfeff;
    // Marks that reorder text make "evil\u202Egnp.exe" show as
    // "evilexe.png"; a name has no use for them.
    const bool bidi = code == 0x200e || code == 0x200f ||
                      (code >= 0x202a && code <= 0x202e) ||
                      (code >= 0x2066 && code <= 0x2069);
    if (!control && !bidi) {
      if (length == 1 &&
          std::strchr("<>:\"|?*", static_cast<char>(code)) != nullptr) {
        name += '_';
      } else {
        name.append(base.substr(i, length));
      }
    }
    i += length;
  }

  auto trim = [](std::string* s) {
    size_t start = s->find_first_not_of(". ");
    if (start == std::string::npos) {
      s->clear();
      return;
    }
    s->erase(0, start);
    s->erase(s->find_last_not_of(". ") + 1);
  };
  trim(&name);
  if (name.empty()) return "file";

  // Windows opens a device for these names, whatever the extension.
  std::string stem = name.substr(0, name.find('.'));
  std::transform(stem.begin(), stem.end(), stem.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  static const char* const kReserved[] = {"CON", "PRN", "AUX", "NUL"};
  bool reserved = std::any_of(std::begin(kReserved), std::end(kReserved),
                              [&](const char* r) { return stem == r; });
  if (stem.size() == 4 &&
      (stem.rfind("COM", 0) == 0 || stem.rfind("LPT", 0) == 0)) {
    reserved = reserved || (stem[3] >= '1' && stem[3] <= '9');
  }
  if (reserved) name.insert(0, "_");

  constexpr size_t kMaxBytes = 120;
  constexpr size_t kMaxExtension = 16;
  if (name.size() > kMaxBytes) {
    size_t dot = name.rfind('.');
    std::string extension;
    if (dot != std::string::npos && name.size() - dot <= kMaxExtension) {
      extension = name.substr(dot);
      name.erase(dot);
    }
    size_t cut = std::min(name.size(), kMaxBytes - extension.size());
    // Back up to the start of a character.
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80) {
      --cut;
    }
    name.erase(cut);
    name.erase(name.find_last_not_of(". ") + 1);
    if (name.empty()) name = "file";
    name += extension;
  }
  return name;
}

bool IsSha256Hex(std::string_view sha256) {
  return sha256.size() == 64 &&
         std::all_of(sha256.begin(), sha256.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

FileStore::FileStore(std::shared_ptr<const State> state)
    : state_(std::move(state)) {}

Result<FileStore> FileStore::Open(const std::string& root,
                                  FileStoreOptions options) {
  if (root.empty()) {
    return InvalidArgumentError("the file store needs a root folder");
  }
  if (options.max_file_size <= 0) {
    return InvalidArgumentError(
        "the file store's max_file_size must be more than zero");
  }
  auto state = std::make_shared<State>();
  state->root = fs::path(root).lexically_normal();
  state->root_text = root;
  state->options = options;
  std::error_code ec;
  fs::create_directories(state->root / "sha256", ec);
  if (ec) {
    return ErrnoStatus(ec.value(), "cannot make the file store folder " +
                                       (state->root / "sha256").string());
  }
  return FileStore(std::move(state));
}

Result<StoredFile> FileStore::PutFile(const std::string& path,
                                      std::string_view original_name) const {
  const State& s = *state_;
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return ErrnoStatus(errno, "cannot open " + path);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) {
    return ErrnoStatus(errno, "cannot read " + path);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError(path +
                                " is not a regular file; store files, not "
                                "folders or devices");
  }
  const std::string name =
      original_name.empty() ? path : std::string(original_name);
  if (st.st_size > s.options.max_file_size) {
    return TooLarge(name, st.st_size, s.options.max_file_size);
  }

  // The digest first, so that bytes the store holds are not copied again.
  Sha256 hash;
  if (!hash.ok()) return InternalError("OpenSSL cannot compute SHA-256");
  int64_t size = 0;
  std::vector<char> buffer(kChunk);
  while (true) {
    ssize_t n = ReadSome(in.get(), buffer.data(), buffer.size());
    if (n < 0) return ErrnoStatus(errno, "cannot read " + path);
    if (n == 0) break;
    size += n;
    if (size > s.options.max_file_size) {
      return TooLarge(name, size, s.options.max_file_size);
    }
    hash.Update(buffer.data(), static_cast<size_t>(n));
  }
  const std::string sha = hash.HexDigest();
  const std::string_view shown = original_name.empty() ? path : original_name;
  if (s.HasBlob(sha, size)) return s.Finish(sha, size, shown, true);

  if (::lseek(in.get(), 0, SEEK_SET) != 0) {
    return ErrnoStatus(errno, "cannot read " + path + " again");
  }
  Source source = [&](char* out, size_t capacity) -> Result<size_t> {
    ssize_t n = ReadSome(in.get(), out, capacity);
    if (n < 0) return ErrnoStatus(errno, "cannot read " + path);
    return static_cast<size_t>(n);
  };
  LIVESOP_RETURN_IF_ERROR(s.WriteBlob(sha, size, source, name));
  return s.Finish(sha, size, shown, false);
}

Result<StoredFile> FileStore::PutBytes(std::string_view bytes,
                                       std::string_view original_name) const {
  const State& s = *state_;
  const auto size = static_cast<int64_t>(bytes.size());
  const std::string name =
      original_name.empty() ? "the file" : std::string(original_name);
  if (size > s.options.max_file_size) {
    return TooLarge(name, size, s.options.max_file_size);
  }
  Sha256 hash;
  if (!hash.ok()) return InternalError("OpenSSL cannot compute SHA-256");
  hash.Update(bytes.data(), bytes.size());
  const std::string sha = hash.HexDigest();
  if (s.HasBlob(sha, size)) return s.Finish(sha, size, original_name, true);

  size_t offset = 0;
  Source source = [&](char* out, size_t capacity) -> Result<size_t> {
    size_t n = std::min(capacity, bytes.size() - offset);
    std::memcpy(out, bytes.data() + offset, n);
    offset += n;
    return n;
  };
  LIVESOP_RETURN_IF_ERROR(s.WriteBlob(sha, size, source, name));
  return s.Finish(sha, size, original_name, false);
}

Result<std::string> FileStore::Path(std::string_view sha256) const {
  if (!IsSha256Hex(sha256)) {
    return InvalidArgumentError(
        "\"" + std::string(sha256.substr(0, 80)) +
        "\" is not a stored file's id: an id is the 64 lower-case hex digits "
        "of its SHA-256");
  }
  const std::string sha(sha256);
  fs::path path = state_->BlobPath(sha);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return NotFoundError("the file store holds no file " + sha);
  }
  return path.string();
}

Result<std::ifstream> FileStore::OpenFile(std::string_view sha256) const {
  LIVESOP_ASSIGN_OR_RETURN(std::string path, Path(sha256));
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, "cannot open " + path);
  return in;
}

bool FileStore::Contains(std::string_view sha256) const {
  return Path(sha256).ok();
}

const std::string& FileStore::root() const { return state_->root_text; }

const FileStoreOptions& FileStore::options() const { return state_->options; }

}  // namespace livesop::assets
