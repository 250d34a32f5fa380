#include "assets/internal/mime.h"

#include <magic.h>

#include <mutex>

namespace livesop::assets::internal {
namespace {

// The process's libmagic handle. Loading the compiled database takes a few
// milliseconds, so it is done once; the handle is closed at exit.
class Magic {
 public:
  Magic() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_SYMLINK)) {
    if (cookie_ == nullptr) {
      error_ = "libmagic could not start";
    } else if (magic_load(cookie_, nullptr) != 0) {
      error_ = std::string("libmagic could not load its database: ") +
               magic_error(cookie_);
    }
  }
  ~Magic() {
    if (cookie_ != nullptr) magic_close(cookie_);
  }
  Magic(const Magic&) = delete;
  Magic& operator=(const Magic&) = delete;

  Result<std::string> Detect(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.empty()) return InternalError(error_);
    const char* type = magic_file(cookie_, path.c_str());
    if (type == nullptr) {
      const char* why = magic_error(cookie_);
      return InternalError(path + ": cannot tell its type: " +
                           (why != nullptr ? why : "libmagic failed"));
    }
    std::string out = type;
    // libmagic names what it cannot classify by its own words; callers
    // want a MIME type they can compare.
    if (out.empty() || out.find('/') == std::string::npos) {
      out = "application/octet-stream";
    }
    return out;
  }

 private:
  magic_t cookie_;
  std::string error_;
  std::mutex mu_;
};

}  // namespace

Result<std::string> DetectMimeType(const std::string& path) {
  static Magic magic;
  return magic.Detect(path);
}

}  // namespace livesop::assets::internal
