#include "cli/serve_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cli/connect_commands.h"
#include "cli/exit_codes.h"
#include "cli/store_commands.h"
#include "cli/workflow.h"
#include "server/server.h"

namespace livesop::cli {
namespace {

struct ServeArgs {
  WorkflowArgs common;  // db, sop
  std::string listen = "127.0.0.1:8080";
  std::string connect;  // connect.yaml for hook deliveries
};

struct ListenAddress {
  std::string host;
  int port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT", the port 0-65535 (0: any free one);
// nullopt when malformed.
std::optional<ListenAddress> ParseListen(const std::string& text) {
  ListenAddress out;
  std::string port;
  if (text.starts_with("[")) {
    const size_t close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    out.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    out.host = text.substr(0, colon);
    // An IPv6 address must be in brackets: its colons would be ambiguous.
    if (out.host.find(':') != std::string::npos) return std::nullopt;
    port = text.substr(colon + 1);
  }
  if (out.host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  out.port = std::atoi(port.c_str());
  if (out.port > 65535) return std::nullopt;
  return out;
}

int RunServe(const ServeArgs& args) {
  const std::string command = "serve";
  const std::optional<ListenAddress> address = ParseListen(args.listen);
  if (!address) {
    return UsageError(command, "--listen \"" + args.listen +
                                   "\" is not ADDRESS:PORT; write "
                                   "127.0.0.1:8080, 0.0.0.0:8080 or "
                                   "[::1]:8080 (port 0 takes a free one)");
  }
  Session session;
  if (const int code = OpenSession(args.common, command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<connect::MatchConfig> config =
      LoadConnectConfig(args.connect, args.common.sop, session.sop);
  if (!config.ok()) return Fail(command, config.status(), false);
  const std::string sop_version = session.sop.sop.version;
  const std::string backend = session.store->Backend();
  // The server opens connections of its own, one per request thread.
  session.engine.reset();
  session.store.reset();

  server::ServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.db_url = args.common.db;
  options.log = &std::cerr;
  options.hooks.config = *std::move(config);
  Result<std::unique_ptr<server::Server>> server =
      server::Server::Create(std::move(session.sop), options);
  if (!server.ok()) {
    // The store opened a moment ago, so what fails here is the address.
    if (server.status().code() == StatusCode::kUnavailable) {
      return UsageError(command, server.status().message() +
                                     "; choose another with --listen");
    }
    return Fail(command, server.status(), false);
  }
  // Flushed at once: scripts (and tests) wait for this line to learn the
  // port.
  std::cout << "livesop serve: listening on " << (*server)->url()
            << " (SOP version " << sop_version << ", " << backend
            << " store); feeds at " << (*server)->url()
            << "/ical/TOKEN.ics, hooks at " << (*server)->url()
            << "/hooks/side/NAME; Ctrl-C stops" << std::endl;
  const Status served = (*server)->ServeUntilSignal();
  if (!served.ok()) return Fail(command, served, false);
  std::cout << "livesop serve: stopped" << std::endl;
  return kExitOk;
}

}  // namespace

std::function<int()> AddServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Serve the calendar feeds and inbound hooks over HTTP (GET "
      "/ical/TOKEN.ics, POST /hooks/side/NAME, GET /healthz) until Ctrl-C "
      "or SIGTERM");
  AddDb(serve, args->common.db);
  serve
      ->add_option("--sop", args->common.sop,
                   "The root YAML file of the SOP the feeds are planned on; "
                   "default from LIVESOP_SOP, else the latest published")
      ->envname("LIVESOP_SOP");
  serve->add_option("--connect", args->connect,
                    "The matching settings hook deliveries are imported with "
                    "(default: connect.yaml beside the SOP)");
  serve->add_option("--listen", args->listen,
                    "ADDRESS:PORT to listen on (default 127.0.0.1:8080, this "
                    "machine only; port 0 takes a free one and prints it)");
  serve->footer(
      "The SOP is read once, at start: restart after publishing a new "
      "version.\nExit codes: 0 stopped by SIGINT or SIGTERM, 1 the SOP is "
      "invalid, 2 usage error (a malformed --listen, an address that cannot "
      "be listened on, no SOP), 3 the store failed.");
  return
      [args, serve]() -> int { return serve->parsed() ? RunServe(*args) : -1; };
}

}  // namespace livesop::cli
