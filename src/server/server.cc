#include "server/server.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "store/store.h"

namespace livesop::server {
namespace {

using Json = nlohmann::json;

// A feed token is base64url; the facade checks it further. A path with a
// slash in the token place (an encoded "../" included) matches no route.
constexpr const char* kFeedRoute = R"(/ical/([^/]+)\.ics)";
// What the access log writes for a feed's path.
constexpr const char* kRedactedFeedPath = "/ical/[token].ics";
// Calendar apps poll every few hours; five minutes of caching spares the
// store the bursts some of them send, and "private" keeps shared caches
// from holding a calendar meant for one subscriber.
constexpr const char* kFeedCacheControl = "private, max-age=300";
// Hook names as the store allows them.
constexpr const char* kHookRoute = R"(/hooks/side/([a-z0-9-]{1,40}))";

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(),
                 nullptr) != 1) {
    return "";
  }
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 15];
  }
  return out;
}

// Whether an If-None-Match header value names `etag`: "*", or a list of
// entity tags compared weakly (RFC 9110 section 13.1.2), so "W/" before a
// tag is ignored.
bool NoneMatchNames(std::string_view header, const std::string& etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view()
                                             : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

std::string LowerCodeName(StatusCode code) {
  std::string name(StatusCodeName(code));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return name;
}

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted:
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

void SetJsonError(httplib::Response& res, int http_status, StatusCode code,
                  const std::string& message) {
  res.status = http_status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(
      Json({{"error", {{"code", LowerCodeName(code)}, {"message", message}}}})
          .dump(),
      "application/json");
}

// The store connections of the request threads: one per request under way,
// kept for the next request, opened when none is free.
class StorePool {
 public:
  explicit StorePool(std::string url) : url_(std::move(url)) {}

  Result<std::unique_ptr<store::Store>> Take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<store::Store> store = std::move(idle_.back());
        idle_.pop_back();
        return store;
      }
    }
    return store::OpenStore(url_);
  }

  void Give(std::unique_ptr<store::Store> store) {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(store));
  }

 private:
  const std::string url_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

// The signal ServeUntilSignal was sent; 0 while none. Lock-free, so a
// signal handler may set it.
std::atomic<int> g_signal{0};
void RecordSignal(int signal) { g_signal = signal; }

}  // namespace

class Server::Impl {
 public:
  Impl(sop::Definition sop, ServerOptions options)
      : sop_(std::move(sop)),
        options_(std::move(options)),
        clock_(options_.clock != nullptr ? *options_.clock : SystemClock()),
        stores_(options_.db_url) {}

  Status Start() {
    LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> first,
                             store::OpenStore(options_.db_url));
    stores_.Give(std::move(first));
    const size_t threads = static_cast<size_t>(options_.threads);
    http_.new_task_queue = [threads] {
      return new httplib::ThreadPool(threads);
    };
    // An idle keep-alive connection holds a thread; calendar apps seldom
    // reuse one, so it is let go soon (and Stop need not wait long).
    http_.set_keep_alive_timeout(2);
    // httplib's default adds SO_REUSEPORT, which would let a second server
    // share the port and take half the requests; SO_REUSEADDR alone still
    // allows a restart while old connections linger in TIME_WAIT.
    http_.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    http_.Get(kFeedRoute,
              [this](const httplib::Request& req, httplib::Response& res) {
                ServeFeed(req, res);
              });
    http_.Post(kHookRoute,
               [this](const httplib::Request& req, httplib::Response& res) {
                 ServeHook(req, res);
               });
    // A body past the hooks' limit is refused before it is read whole.
    http_.set_payload_max_length(static_cast<size_t>(options_.hooks.max_bytes) +
                                 1);
    http_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      res.set_content(R"({"status":"ok"})", "application/json");
    });
    // Every other answer of 400 or more without a body of its own (an
    // unknown path, a method no route takes) gets the JSON error shape.
    http_.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          const bool missing = res.status == 404;
          SetJsonError(
              res, res.status,
              missing ? StatusCode::kNotFound : StatusCode::kInvalidArgument,
              missing ? "no such resource" : "the request was not understood");
          return httplib::Server::HandlerResponse::Handled;
        }));
    http_.set_exception_handler([this](const httplib::Request&,
                                       httplib::Response& res,
                                       const std::exception_ptr& error) {
      std::string what = "unknown exception";
      try {
        if (error) std::rethrow_exception(error);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      Log("internal error: " + what);
      SetJsonError(res, 500, StatusCode::kInternal,
                   "the server failed; its log says why");
    });
    if (options_.log != nullptr) {
      http_.set_logger(
          [this](const httplib::Request& req, const httplib::Response& res) {
            LogRequest(req, res);
          });
    }
    if (options_.port == 0) {
      port_ = http_.bind_to_any_port(options_.host);
    } else if (http_.bind_to_port(options_.host, options_.port)) {
      port_ = options_.port;
    }
    if (port_ <= 0) {
      return UnavailableError(
          "cannot listen on " + options_.host + ":" +
          std::to_string(options_.port) +
          ": the port is taken or the address is not one of this machine's");
    }
    return OkStatus();
  }

  Status Serve() {
    serving_ = true;
    if (stop_requested_) return OkStatus();
    const bool listened = http_.listen_after_bind();
    if (!listened && !stop_requested_) {
      return UnavailableError("the server stopped listening on " +
                              options_.host + ":" + std::to_string(port_));
    }
    return OkStatus();
  }

  void Stop() {
    stop_requested_ = true;
    if (!serving_) return;
    // httplib's stop only acts on a server already running: wait for
    // Serve to get there (or to have ended).
    while (!http_.is_running() && !finished_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    http_.stop();
  }

  void MarkFinished() { finished_ = true; }

  const std::string& host() const { return options_.host; }
  int port() const { return port_; }

 private:
  // GET /ical/TOKEN.ics: the facade renders, this formats.
  void ServeFeed(const httplib::Request& req, httplib::Response& res) {
    const std::string token = req.matches[1];
    Result<engine::RenderedFeed> feed = Render(token);
    if (!feed.ok()) {
      const int http_status = HttpStatusOf(feed.status().code());
      if (http_status < 500) {
        SetJsonError(res, http_status, feed.status().code(),
                     feed.status().message());
        return;
      }
      // The cause goes to the log, not to whoever asked.
      Log("feed: " + feed.status().ToString());
      SetJsonError(res, http_status, feed.status().code(),
                   "the calendar could not be read; the server's log says "
                   "why");
      return;
    }
    const std::string etag = "\"" + Sha256Hex(feed->ics) + "\"";
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", kFeedCacheControl);
    if (req.has_header("If-None-Match") &&
        NoneMatchNames(req.get_header_value("If-None-Match"), etag)) {
      res.status = 304;
      return;
    }
    res.set_content(feed->ics, "text/calendar; charset=utf-8");
  }

  // POST /hooks/side/NAME: the facade verifies and imports, this formats.
  void ServeHook(const httplib::Request& req, httplib::Response& res) {
    connect::HookDelivery delivery;
    delivery.name = req.matches[1];
    delivery.id = req.get_header_value("webhook-id");
    delivery.timestamp = req.get_header_value("webhook-timestamp");
    delivery.signature = req.get_header_value("webhook-signature");
    delivery.body = req.body;
    Result<connect::ImportReport> report = Receive(delivery);
    if (!report.ok()) {
      const int http_status = HttpStatusOf(report.status().code());
      if (http_status < 500) {
        SetJsonError(res, http_status, report.status().code(),
                     report.status().message());
        return;
      }
      Log("hook " + delivery.name + ": " + report.status().ToString());
      SetJsonError(res, http_status, report.status().code(),
                   "the delivery could not be imported; the server's log "
                   "says why");
      return;
    }
    res.set_header("Cache-Control", "no-store");
    res.set_content(Json({{"messages_read", report->messages_read},
                          {"events", report->events},
                          {"review_queue", report->review_queue},
                          {"ignored", report->ignored},
                          {"already_imported", report->already_imported},
                          {"events_written", report->events_written}})
                        .dump(),
                    "application/json");
  }

  Result<connect::ImportReport> Receive(const connect::HookDelivery& delivery) {
    LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                             stores_.Take());
    Result<connect::ImportReport> report = [&] {
      engine::Engine engine(*store, sop_, clock_);
      return connect::ReceiveHook(*store, engine, sop_, delivery,
                                  clock_.NowMicros(), options_.hooks);
    }();
    stores_.Give(std::move(store));
    return report;
  }

  // The feed of `token`, on a store connection of the pool.
  Result<engine::RenderedFeed> Render(const std::string& token) {
    LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                             stores_.Take());
    Result<engine::RenderedFeed> feed = engine::RenderCalendarFeed(
        *store, sop_, token, clock_.NowMicros(), options_.feed_window);
    stores_.Give(std::move(store));
    return feed;
  }

  void LogRequest(const httplib::Request& req, const httplib::Response& res) {
    // The path is all that could hold a token (the query string is not
    // logged at all); any path under /ical, a mistyped one too, is left
    // out.
    const bool feed = req.path.find("/ical") != std::string::npos;
    Log(req.method + " " + (feed ? std::string(kRedactedFeedPath) : req.path) +
        " " + std::to_string(res.status) + " " +
        std::to_string(res.body.size()) + " bytes");
  }

  void Log(const std::string& line) {
    if (options_.log == nullptr) return;
    std::lock_guard<std::mutex> lock(log_mutex_);
    *options_.log << "livesop serve: " << OneLine(line) << "\n";
    options_.log->flush();
  }

  const sop::Definition sop_;
  const ServerOptions options_;
  const Clock& clock_;
  StorePool stores_;
  httplib::Server http_;
  int port_ = 0;
  std::atomic<bool> serving_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> finished_{false};
  std::mutex log_mutex_;
};

Result<std::unique_ptr<Server>> Server::Create(sop::Definition sop,
                                               ServerOptions options) {
  if (options.host.empty()) {
    return InvalidArgumentError("the server needs an address to listen on");
  }
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgumentError("the port " + std::to_string(options.port) +
                                " is not one of 0-65535");
  }
  if (options.db_url.empty()) {
    return InvalidArgumentError("the server needs a store URL");
  }
  if (options.threads < 1) {
    return InvalidArgumentError("the server needs at least one thread");
  }
  auto impl = std::make_unique<Impl>(std::move(sop), std::move(options));
  LIVESOP_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

const std::string& Server::host() const { return impl_->host(); }
int Server::port() const { return impl_->port(); }

std::string Server::url() const {
  const std::string& host = impl_->host();
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(impl_->port());
}

Status Server::Serve() {
  Status status = impl_->Serve();
  impl_->MarkFinished();
  return status;
}

void Server::Stop() { impl_->Stop(); }

Status Server::ServeUntilSignal() {
  g_signal = 0;
  struct sigaction action = {};
  action.sa_handler = RecordSignal;
  sigemptyset(&action.sa_mask);
  // Restarted system calls: an accept interrupted by the signal must not
  // look like a failed socket to httplib.
  action.sa_flags = SA_RESTART;
  struct sigaction old_int = {};
  struct sigaction old_term = {};
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  // A signal handler may only set a flag; this thread turns it into Stop.
  std::atomic<bool> done{false};
  std::thread watcher([this, &done] {
    while (!done) {
      if (g_signal != 0) {
        Stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  Status status = Serve();
  done = true;
  watcher.join();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return status;
}

}  // namespace livesop::server
