// Real receivers on loopback for the notify tests: the Python webhook
// receiver and SMTP server of tests/, started per test and stopped with the
// object.
#ifndef LIVESOP_NOTIFY_TEST_UTIL_H_
#define LIVESOP_NOTIFY_TEST_UTIL_H_

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace livesop::notify {

// A child process, killed and reaped on destruction.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), environ) !=
        0) {
      pid_ = 0;
    }
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = 0;
};

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port a receiver wrote to `port_file`, waiting up to ten seconds for
// it to start listening; 0 when it never did.
inline int WaitForPort(const std::filesystem::path& port_file) {
  for (int i = 0; i < 200; ++i) {
    if (std::filesystem::exists(port_file)) {
      return std::stoi(ReadText(port_file));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// The Python that has aiosmtpd: Debian's, which the tests need for SMTP.
inline std::string SystemPython() { return "/usr/bin/python3"; }

// tests/webhook_receiver.py in `dir`, answering as `dir`/mode says.
class WebhookReceiver {
 public:
  WebhookReceiver(const std::filesystem::path& dir, const std::string& secret)
      : dir_(dir),
        child_({SystemPython(),
                std::string(LIVESOP_SOURCE_DIR) + "/tests/webhook_receiver.py",
                "--port-file", (dir / "webhook.port").string(), "--log",
                (dir / "webhook.log").string(), "--mode",
                (dir / "mode").string(), "--secret", secret}) {
    port_ = WaitForPort(dir / "webhook.port");
  }
  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hooks";
  }
  // "200", "500" or "sleep SECONDS".
  void Answer(const std::string& mode) const {
    std::ofstream(dir_ / "mode.tmp") << mode;
    std::filesystem::rename(dir_ / "mode.tmp", dir_ / "mode");
  }
  // Every request received so far, oldest first.
  std::vector<nlohmann::json> Requests() const {
    std::vector<nlohmann::json> out;
    std::istringstream lines(ReadText(dir_ / "webhook.log"));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }

 private:
  std::filesystem::path dir_;
  Child child_;
  int port_ = 0;
};

// tests/smtp_receiver.py in `dir`: messages land in `dir`/mail, recipients
// listed in `dir`/refuse are refused with 550.
class SmtpReceiver {
 public:
  explicit SmtpReceiver(const std::filesystem::path& dir)
      : dir_(dir),
        child_({SystemPython(),
                std::string(LIVESOP_SOURCE_DIR) + "/tests/smtp_receiver.py",
                "--port-file", (dir / "smtp.port").string(), "--dir",
                (dir / "mail").string(), "--refuse",
                (dir / "refuse").string()}) {
    port_ = WaitForPort(dir / "smtp.port");
  }
  int port() const { return port_; }
  std::string url() const {
    return "smtp://127.0.0.1:" + std::to_string(port_);
  }
  void Refuse(const std::string& address) const {
    std::ofstream(dir_ / "refuse") << address << "\n";
  }
  void AcceptAll() const { std::filesystem::remove(dir_ / "refuse"); }
  // The messages received, in order of arrival.
  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    for (int n = 1;; ++n) {
      const auto file = dir_ / "mail" / (std::to_string(n) + ".eml");
      if (!std::filesystem::exists(file)) return out;
      out.push_back(ReadText(file));
    }
  }

 private:
  std::filesystem::path dir_;
  Child child_;
  int port_ = 0;
};

}  // namespace livesop::notify

#endif  // LIVESOP_NOTIFY_TEST_UTIL_H_
