// livesop's HTTP server (cpp-httplib). Today it serves the marketing
// calendar's iCalendar feeds behind their secret URLs; it is where the HTTP
// API will live. Route handlers only parse the request, call a facade of
// the modules below (engine/calendar_feeds.h) and format the answer.
//
// Routes:
//   GET /ical/TOKEN.ics  the feed whose token is TOKEN, as text/calendar,
//                        with an ETag (the SHA-256 of the body) and
//                        "Cache-Control: private, max-age=300"; 304 Not
//                        Modified when If-None-Match names that ETag; 404
//                        {"error": {"code": "not_found", "message"}} for a
//                        token unknown, revoked or malformed alike.
//   POST /hooks/side/NAME  a delivery to inbound hook NAME
//                        (docs/side-paths/webhook.md): verified by its
//                        Standard Webhooks headers and imported by
//                        connect::ReceiveHook; 200 {"messages_read",
//                        "events", "review_queue", "ignored",
//                        "already_imported", "events_written"}; 401 for a
//                        missing, stale or wrong signature, 400 naming the
//                        message and field a body gets wrong, 404 for a
//                        hook unknown or revoked alike, 409 when another
//                        import of the same messages won (send it again),
//                        413 for a body too big.
//   GET /healthz         200 {"status": "ok"} while the server runs.
// Anything else is a 404 with the same JSON error. Errors are JSON
// {"error": {"code", "message"}}, the code being the status code's
// canonical name in lower case.
//
// Tokens are secrets: the access log writes "/ical/[token].ics" for them,
// and no error message repeats one.
#ifndef LIVESOP_SERVER_SERVER_H_
#define LIVESOP_SERVER_SERVER_H_

#include <memory>
#include <ostream>
#include <string>

#include "connect/hook.h"
#include "core/clock.h"
#include "core/status.h"
#include "engine/calendar_feeds.h"
#include "sop/model.h"

namespace livesop::server {

struct ServerOptions {
  // Default "127.0.0.1": this machine only. "0.0.0.0" or "::" listens on
  // every interface; do that behind a proxy that speaks TLS, since a feed's
  // URL is its only key.
  std::string host = "127.0.0.1";
  // Default 8080. 0 lets the system pick a free port (tests);
  // Server::port() tells which.
  int port = 8080;
  // The store, as store::OpenStore takes it. Required. The server opens
  // its own connections, one per request served at once, and keeps them.
  std::string db_url;
  // Default 8: requests served at once, each on its own thread with its
  // own store connection. More threads serve more slow clients at once at
  // the price of as many open connections.
  int threads = 8;
  // The days each feed covers around the day of the request (default 30
  // back, 365 ahead).
  engine::FeedWindow feed_window;
  // How deliveries to inbound hooks are matched and checked: the
  // workspace's connect.yaml, the signature's tolerance, the largest body.
  connect::HookSettings hooks;
  // Default null: the system clock. Not owned; must outlive the server.
  const Clock* clock = nullptr;
  // Default null: no log. One line per request: method, path (with any
  // feed token replaced), status, bytes and milliseconds, and the cause of
  // a server-side failure. Not owned; must outlive the server; written
  // under a lock, so it may be shared with nothing else that writes.
  std::ostream* log = nullptr;
};

// One server, bound to its address from Create on. Thread-safe: Stop may
// be called from any thread while Serve runs on another.
class Server {
 public:
  // Opens one store connection (so a bad URL fails here, not at the first
  // request) and binds the address; serves nothing until Serve. `sop` is
  // the SOP the feeds are planned on. Errors: InvalidArgument for an empty
  // host or db_url, a port outside 0-65535 or fewer than one thread;
  // the store's errors as OpenStore gives them; Unavailable when the
  // address cannot be bound (in use, or not an address of this machine).
  static Result<std::unique_ptr<Server>> Create(sop::Definition sop,
                                                ServerOptions options);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The host it listens on, as given, and the port bound (the real one
  // when 0 was asked for).
  const std::string& host() const;
  int port() const;
  // "http://HOST:PORT", with an IPv6 host in brackets.
  std::string url() const;

  // Serves requests until Stop. Returns OK when stopped; Unavailable when
  // listening failed. Call it once.
  Status Serve();

  // Makes Serve return once the requests under way are answered; also
  // before Serve (which then returns at once). Idempotent.
  void Stop();

  // Serve, until SIGINT or SIGTERM arrives (or Stop is called); then puts
  // back the handlers those signals had. For programs that run the server
  // in the foreground.
  Status ServeUntilSignal();

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace livesop::server

#endif  // LIVESOP_SERVER_SERVER_H_
