// livesop deviate skip|early|approve|add-step|expedite|reassign|reopen (the
// departures from the SOP's path, docs/engine.md#departures), and beside
// them livesop task assign and campaign comment, which act on a campaign
// without leaving the path: parse, call the engine, format.
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "core/text.h"
#include "core/time.h"

namespace livesop::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// The SHA-256 of the bytes of file `path`, as 64 lower-case hexadecimal
// digits; the file is read in pieces, so its size does not matter.
// NotFound when there is no such file, InvalidArgument for a directory or
// another file that is not a regular one, Unavailable when it cannot be
// read.
Result<std::string> FileSha256(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return NotFoundError("the evidence file " + path + ": no such file");
  }
  if (!fs::is_regular_file(status)) {
    return InvalidArgumentError("the evidence file " + path +
                                ": not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return UnavailableError("the evidence file " + path + ": cannot be read");
  }
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (context == nullptr ||
      EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return InternalError("cannot start a SHA-256 digest (libcrypto)");
  }
  std::vector<char> buffer(size_t{64} * 1024);
  while (in) {
    in.read(buffer.data(), buffer.size());
    const std::streamsize got = in.gcount();
    if (got > 0 && EVP_DigestUpdate(context.get(), buffer.data(),
                                    static_cast<size_t>(got)) != 1) {
      return InternalError("the SHA-256 digest failed (libcrypto)");
    }
  }
  if (in.bad()) {
    return UnavailableError("the evidence file " + path + ": cannot be read");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &size) != 1) {
    return InternalError("the SHA-256 digest failed (libcrypto)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

// The departure the options describe. Returns kExitOk, or prints why not
// and returns 2: a blank --reason, an evidence file that cannot be read.
int MakeDeparture(const WorkflowArgs& args, const std::string& command,
                  engine::Departure& departure) {
  if (Trim(args.reason).empty()) {
    return UsageError(command,
                      "--reason TEXT is required: a departure from the SOP "
                      "says why, in a few words");
  }
  departure.actor = args.as;
  departure.reason = args.reason;
  departure.evidence = args.evidence;
  departure.source = args.source;
  if (!args.evidence_file.empty()) {
    Result<std::string> digest = FileSha256(args.evidence_file);
    if (!digest.ok()) {
      Fail(command, digest.status(), args.json);
      return kExitUsage;
    }
    departure.evidence_sha256 = *digest;
  }
  return kExitOk;
}

// What an acting command did, for its report.
struct Done {
  Done(std::string action_name, std::string kind, std::string first_line)
      : action(std::move(action_name)),
        deviation(std::move(kind)),
        line(std::move(first_line)) {}

  std::string action;              // JSON "action": "skip", "assign", ...
  std::string deviation;           // the kind recorded; empty for no departure
  std::string line;                // the first line printed
  std::vector<std::string> notes;  // printed after it
  Json fields = Json::object();    // added to the JSON object
};

// Prints what was done and where the campaign stands now: as text, the
// line, the notes, the departure's reason and what the campaign waits for;
// with --json, one object.
int Report(const WorkflowArgs& args, const Session& session,
           const engine::CampaignState& state,
           const engine::Departure* departure, const Done& done) {
  const std::vector<engine::Awaited> awaited =
      session.engine->AwaitedNow(state);
  if (args.json) {
    Json out = {{"ok", true},
                {"campaign", state.campaign},
                {"action", done.action},
                {"actor", args.as},
                {"status", state.status},
                {"version", state.version},
                {"awaited", AwaitedToJson(awaited)}};
    if (!args.step.empty()) out["step"] = args.step;
    if (departure != nullptr) {
      out["deviation"] = done.deviation;
      out["reason"] = departure->reason;
      out["source"] =
          departure->source.empty() ? Json(nullptr) : Json(departure->source);
      out["evidence"] = departure->evidence.empty() ? Json(nullptr)
                                                    : Json(departure->evidence);
      out["evidence_sha256"] = departure->evidence_sha256.empty()
                                   ? Json(nullptr)
                                   : Json(departure->evidence_sha256);
    }
    out.update(done.fields);
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << done.line << "\n";
  for (const std::string& note : done.notes) std::cout << note << "\n";
  if (departure != nullptr) {
    std::cout << "recorded as a departure from the SOP (" << done.deviation
              << "): " << OneLine(departure->reason) << "\n";
    if (!departure->evidence_sha256.empty()) {
      std::cout << "evidence file " << args.evidence_file << ", SHA-256 "
                << departure->evidence_sha256 << "\n";
    }
  }
  PrintStanding(state, awaited, std::cout);
  return kExitOk;
}

// A departure command: the engine call, and what it did once it succeeded.
using DepartureCall = std::function<Result<engine::CampaignState>(
    engine::Engine&, const engine::Departure&)>;
using Describe = std::function<Done(const engine::CampaignState&)>;

// Runs one departure: checks the reason and reads the evidence file, opens
// the store and the SOP, calls the engine and reports.
int RunDeparture(const WorkflowArgs& args, const std::string& command,
                 const DepartureCall& call, const Describe& describe) {
  engine::Departure departure;
  if (const int code = MakeDeparture(args, command, departure);
      code != kExitOk) {
    return code;
  }
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state = call(*session.engine, departure);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  return Report(args, session, *state, &departure, describe(*state));
}

std::string OfCampaign(const WorkflowArgs& args) {
  return args.step + " of campaign " + args.campaign;
}

}  // namespace

int RunDeviateSkip(const WorkflowArgs& args) {
  return RunDeparture(
      args, "deviate skip",
      [&](engine::Engine& engine, const engine::Departure& d) {
        return engine.Skip(args.campaign, args.step, d);
      },
      [&](const engine::CampaignState& state) {
        const bool planned = state.skip_planned.count(args.step) > 0;
        Done done{"skip", "skip", args.as + " skipped " + OfCampaign(args)};
        if (planned) {
          done.line = args.as + " planned to skip " + OfCampaign(args);
          done.notes.push_back(
              "the step is not active: it is passed when the flow "
              "reaches it");
        }
        done.fields["planned"] = planned;
        return done;
      });
}

int RunDeviateEarly(const WorkflowArgs& args) {
  return RunDeparture(
      args, "deviate early",
      [&](engine::Engine& engine, const engine::Departure& d) {
        return engine.CompleteEarly(args.campaign, args.step, d);
      },
      [&](const engine::CampaignState&) {
        Done done{"early", "reorder",
                  args.as + " recorded " + OfCampaign(args) +
                      " as done before its turn"};
        done.notes.push_back(
            "it is passed when the flow reaches it, without a new task");
        return done;
      });
}

int RunDeviateApprove(const WorkflowArgs& args) {
  const std::string command = "deviate approve";
  engine::InformalApproval approval;
  approval.approver = args.approver;
  approval.channel = args.channel;
  approval.comment = args.comment;
  approval.verdict = args.reject            ? engine::Verdict::kReject
                     : args.request_changes ? engine::Verdict::kRequestChanges
                                            : engine::Verdict::kApprove;
  // Whoever has to revise or take the rejection needs to know why, as for
  // `task reject`.
  if (approval.verdict != engine::Verdict::kApprove &&
      Trim(args.comment).empty()) {
    return UsageError(command,
                      "--comment TEXT is required with --reject and "
                      "--request-changes: what the approver said");
  }
  if (!args.at.empty()) {
    Result<int64_t> at = ParseTimestamp(args.at);
    if (!at.ok()) {
      return Fail(command,
                  InvalidArgumentError("--at: " + at.status().message()),
                  args.json);
    }
    approval.occurred_us = *at;
  }
  const char* verb = approval.verdict == engine::Verdict::kReject ? "rejection"
                     : approval.verdict == engine::Verdict::kRequestChanges
                         ? "request for changes"
                         : "approval";
  return RunDeparture(
      args, command,
      [&](engine::Engine& engine, const engine::Departure& d) {
        return engine.RecordInformalApproval(args.campaign, args.step, approval,
                                             d);
      },
      [&](const engine::CampaignState& state) {
        bool held = false;
        int64_t occurred = approval.occurred_us;
        if (const auto found = state.held.find(args.step);
            found != state.held.end()) {
          for (const engine::HeldApproval& h : found->second) {
            if (h.approver != args.approver) continue;
            held = true;
            occurred = h.occurred_us;
          }
        }
        Done done{"approve", "informal_approval",
                  args.as + " recorded " + args.approver + "'s " + verb +
                      " of " + OfCampaign(args) + ", given by " + args.channel +
                      (occurred != 0 ? " at " + TimeText(occurred) : "")};
        if (held) {
          done.notes.push_back(
              "the step is not reached yet: the decision is held and counts "
              "when it is");
        }
        done.fields["approver"] = args.approver;
        done.fields["channel"] = args.channel;
        done.fields["source"] = args.channel;  // the events' source
        done.fields["decision"] = engine::VerdictName(approval.verdict);
        done.fields["time"] = TimeJson(occurred);
        done.fields["held"] = held;
        return done;
      });
}

int RunDeviateAddStep(const WorkflowArgs& args) {
  engine::AdHocStep step;
  step.id = args.step;
  step.name = args.name;
  step.role = args.role;
  step.person = args.person;
  step.description = args.description;
  return RunDeparture(
      args, "deviate add-step",
      [&](engine::Engine& engine, const engine::Departure& d) {
        return engine.AddStep(args.campaign, step, d);
      },
      [&](const engine::CampaignState& state) {
        const std::string who = !args.person.empty() ? args.person
                                : !args.role.empty()
                                    ? "role " + args.role
                                    : "the campaign owner " + state.owner;
        Done done{"add_step", "ad_hoc_step",
                  args.as + " added step " + args.step + " (\"" +
                      OneLine(args.name) + "\") to campaign " + args.campaign +
                      ", for " + who};
        done.notes.push_back(
            "it does not hold the flow up; complete it with `livesop task "
            "complete " +
            args.campaign + " " + args.step + "`");
        done.fields["task"] = args.campaign + "/" + args.step;
        done.fields["name"] = args.name;
        done.fields["role"] =
            args.role.empty() ? Json(nullptr) : Json(args.role);
        done.fields["person"] =
            args.person.empty() ? Json(nullptr) : Json(args.person);
        return done;
      });
}

int RunDeviateExpedite(const WorkflowArgs& args) {
  engine::Expedite how;
  how.fast_track = args.fast_track;
  how.parallel_approvals = args.parallel_approvals;
  how.sla_factor = args.sla_factor;
  return RunDeparture(
      args, "deviate expedite",
      [&](engine::Engine& engine, const engine::Departure& d) {
        return engine.ExpediteCampaign(args.campaign, how, d);
      },
      [&](const engine::CampaignState& state) {
        std::vector<std::string> ways;
        if (state.expedite.fast_track) ways.emplace_back("the fast track");
        if (state.expedite.parallel_approvals) {
          ways.emplace_back("approvals in parallel");
        }
        if (state.expedite.sla_factor < 1.0) {
          std::ostringstream factor;
          factor << state.expedite.sla_factor;
          ways.push_back("SLAs times " + factor.str());
        }
        Done done{"expedite", "expedite",
                  args.as + " expedited campaign " + args.campaign + ": " +
                      Join(ways, ", ")};
        done.fields["expedite"] = {
            {"fast_track", state.expedite.fast_track},
            {"parallel_approvals", state.expedite.parallel_approvals},
            {"sla_factor", state.expedite.sla_factor}};
        return done;
      });
}

int RunDeviateReassign(const WorkflowArgs& args) {
  return RunDeparture(
      args, "deviate reassign",
      [&](engine::Engine& engine, const engine::Departure& d) {
        return engine.Reassign(args.campaign, args.step, args.role, args.to, d);
      },
      [&](const engine::CampaignState&) {
        const std::string task =
            args.campaign + "/" + args.step +
            (args.role.empty() ? std::string() : "/" + args.role);
        Done done{"reassign", "reassign",
                  args.as + " gave task " + task + " to " + args.to};
        done.notes.push_back(args.to + " may act on it now");
        done.fields["task"] = task;
        done.fields["to"] = args.to;
        return done;
      });
}

int RunDeviateReopen(const WorkflowArgs& args) {
  return RunDeparture(
      args, "deviate reopen",
      [&](engine::Engine& engine, const engine::Departure& d) {
        return engine.Reopen(args.campaign, args.step, d);
      },
      [&](const engine::CampaignState&) {
        return Done{"reopen", "reopen",
                    args.as + " reopened " + OfCampaign(args)};
      });
}

int RunTaskAssign(const WorkflowArgs& args) {
  const std::string command = "task assign";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state = session.engine->Assign(
      args.campaign, args.step, args.role, args.to, args.as);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  const std::string task =
      args.campaign + "/" + args.step +
      (args.role.empty() ? std::string() : "/" + args.role);
  Done done{"assign", "", args.as + " gave task " + task + " to " + args.to};
  done.fields["task"] = task;
  done.fields["to"] = args.to;
  return Report(args, session, *state, nullptr, done);
}

int RunCampaignComment(const WorkflowArgs& args) {
  const std::string command = "campaign comment";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  // Who the mentions notified is in the events the comment wrote: those
  // after the store's last position now.
  Result<int64_t> before = session.store->LastPosition();
  if (!before.ok()) return Fail(command, before.status(), args.json);
  Result<engine::CampaignState> state =
      session.engine->Comment(args.campaign, args.step, args.as, args.text);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  std::vector<std::string> notified;
  store::EventFilter filter;
  filter.campaign = args.campaign;
  filter.after_position = *before;
  const Status scanned =
      session.store->Scan(filter, [&](const store::Event& e) {
        if (e.type != "notification_sent" || e.sequence > state->version) {
          return OkStatus();
        }
        const Json payload = Json::parse(e.payload, nullptr, false);
        if (payload.is_object() && payload.contains("recipients") &&
            payload["recipients"].is_array()) {
          for (const Json& r : payload["recipients"]) {
            if (r.is_string()) notified.push_back(r.get<std::string>());
          }
        }
        return OkStatus();
      });
  if (!scanned.ok()) return Fail(command, scanned, args.json);
  Done done{"comment", "",
            args.as + " commented on campaign " + args.campaign +
                (args.step.empty() ? "" : ", step " + args.step)};
  if (!notified.empty()) {
    done.notes.push_back("notified: " + Join(notified, ", "));
  }
  done.fields["notified"] = notified;
  return Report(args, session, *state, nullptr, done);
}

}  // namespace livesop::cli
