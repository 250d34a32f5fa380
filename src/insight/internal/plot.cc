#include "insight/internal/plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern char** environ;

namespace livesop::insight::internal {
namespace {

// A temporary file removed when it goes out of scope.
class TempFile {
 public:
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") +
            "/livesop-plot-XXXXXX";
    fd_ = mkstemp(path_.data());
  }
  ~TempFile() {
    if (fd_ >= 0) {
      close(fd_);
      unlink(path_.c_str());
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  std::string Read() const {
    std::string out;
    char buffer[8192];
    lseek(fd_, 0, SEEK_SET);
    ssize_t n;
    while ((n = read(fd_, buffer, sizeof buffer)) > 0) {
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

std::string PlotLabel(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    const bool keep = std::isalnum(ch) || ch == ' ' || ch == '.' || ch == '_' ||
                      ch == '-' || ch == ':' || ch == '/' || ch == '%';
    out += keep ? static_cast<char>(ch) : '?';
  }
  return out;
}

Result<std::string> RunGnuplot(const std::string& script) {
  TempFile input;
  TempFile output;
  TempFile errors;
  if (!input.ok() || !output.ok() || !errors.ok()) {
    return UnavailableError(std::string("cannot make a temporary file: ") +
                            std::strerror(errno));
  }
  if (write(input.fd(), script.data(), script.size()) !=
      static_cast<ssize_t>(script.size())) {
    return UnavailableError("cannot write the chart's script");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output.fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors.fd(), STDERR_FILENO);
  std::string program = "gnuplot";
  std::string path = input.path();
  char* argv[] = {program.data(), path.data(), nullptr};
  pid_t child = 0;
  const int spawned =
      posix_spawnp(&child, "gnuplot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return UnavailableError("cannot run gnuplot to draw the charts (" +
                            std::string(std::strerror(spawned)) +
                            "); install it with `apt-get install gnuplot-nox`");
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return InternalError("gnuplot failed: " + errors.Read());
  }
  const std::string svg = output.Read();
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) {
    return InternalError("gnuplot printed no SVG: " + errors.Read());
  }
  return svg.substr(start);
}

}  // namespace livesop::insight::internal
