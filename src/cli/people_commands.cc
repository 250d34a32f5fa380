// livesop person away|back|absences (the absences the store keeps beside
// the events), livesop timers sweep and livesop escalation ack: parse, call
// the store or the engine, format.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/text.h"
#include "core/time.h"
#include "engine/facts.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

// A day is 24 hours but for the switches of daylight-saving time, which
// move it by an hour at most: 36 hours after a day's start is always in the
// next day.
constexpr int64_t kPastTheNextDayStart = int64_t{36} * 3600 * 1000000;

// Whether `text` is a date alone, YYYY-MM-DD.
bool IsDate(std::string_view text) {
  text = Trim(text);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

// The time `text` of option `option`, as ParseTimestamp reads it;
// InvalidArgument naming the option otherwise.
Result<int64_t> TimeOf(const std::string& option, const std::string& text) {
  Result<int64_t> at = ParseTimestamp(text);
  if (!at.ok()) {
    return InvalidArgumentError(option + ": " + at.status().message());
  }
  return at;
}

// The instant `text` names for option `option`: a time (TimeOf), or a date
// alone, which is the start of that day on `calendar` (in its zone), or
// with `end_of_day` the start of the day after. InvalidArgument naming the
// option when it is neither.
Result<int64_t> InstantOf(const std::string& option, const std::string& text,
                          const WorkCalendar& calendar, bool end_of_day) {
  if (!IsDate(text)) return TimeOf(option, text);
  Result<int64_t> start = calendar.StartOfLocalDate(Trim(text));
  if (!start.ok()) {
    return InvalidArgumentError(option + ": " + start.status().message());
  }
  if (!end_of_day) return start;
  return calendar.StartOfLocalDate(
      calendar.LocalDate(*start + kPastTheNextDayStart));
}

// NotFound naming `who` (the option it came from) and the closest person
// of `sop`, unless `person` is one.
Status CheckPerson(const sop::Definition& sop, const std::string& who,
                   const std::string& person) {
  if (sop.FindPerson(person) != nullptr) return OkStatus();
  std::vector<std::string> ids;
  ids.reserve(sop.people.size());
  for (const sop::Person& p : sop.people) ids.push_back(p.id);
  const std::string hint = ClosestMatch(person, ids);
  return NotFoundError(who + " \"" + person + "\" is not a person of the SOP" +
                       (hint.empty() ? "" : "; did you mean " + hint + "?"));
}

Json AbsenceToJson(const store::Absence& a) {
  return {{"id", a.id},
          {"person", a.person},
          {"from", TimeJson(a.from_us)},
          {"until", TimeJson(a.until_us)},
          {"delegate", a.delegate.empty() ? Json(nullptr) : Json(a.delegate)},
          {"note", a.note},
          {"recorded_by", a.recorded_by},
          {"recorded", TimeJson(a.recorded_us)}};
}

// "intan-permata from 2026-06-30T17:00:00Z until 2026-07-03T17:00:00Z,
// stand-in rizky-hidayat".
std::string AbsenceText(const store::Absence& a) {
  std::string text = a.person + " from " + TimeText(a.from_us) + " until " +
                     TimeText(a.until_us);
  if (!a.delegate.empty()) text += ", stand-in " + a.delegate;
  return text;
}

}  // namespace

int RunPersonAway(const WorkflowArgs& args) {
  const std::string command = "person away";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  const sop::Definition& sop = session.sop;
  for (const auto& [who, person] :
       {std::pair<std::string, std::string>{"the person", args.person},
        {"the stand-in (--delegate)", args.delegate},
        {"the person recording it (--as)", args.as}}) {
    if (person.empty()) continue;
    if (Status known = CheckPerson(sop, who, person); !known.ok()) {
      return Fail(command, known, args.json);
    }
  }
  if (args.delegate == args.person) {
    return Fail(command,
                InvalidArgumentError(args.person +
                                     " cannot stand in for themselves; name "
                                     "another --delegate, or leave it out "
                                     "for their delegates in the SOP"),
                args.json);
  }
  // Dates are days of the SOP's default business calendar, where the
  // department works.
  const WorkCalendar calendar = engine::DefaultCalendar(sop);
  store::Absence absence;
  absence.person = args.person;
  absence.delegate = args.delegate;
  absence.note = args.note;
  absence.recorded_by = args.as;
  absence.recorded_us = SystemClock().NowMicros();
  Result<int64_t> from =
      InstantOf("--from", args.from, calendar, /*end_of_day=*/false);
  if (!from.ok()) return Fail(command, from.status(), args.json);
  Result<int64_t> until =
      InstantOf("--until", args.until, calendar, /*end_of_day=*/true);
  if (!until.ok()) return Fail(command, until.status(), args.json);
  absence.from_us = *from;
  absence.until_us = *until;
  if (absence.until_us <= absence.from_us) {
    return Fail(command,
                InvalidArgumentError("--until (" + TimeText(absence.until_us) +
                                     ") must be after --from (" +
                                     TimeText(absence.from_us) + ")"),
                args.json);
  }
  Result<int64_t> id = session.store->RecordAbsence(absence);
  if (!id.ok()) return Fail(command, id.status(), args.json);
  absence.id = *id;
  if (args.json) {
    std::cout
        << Json({{"ok", true}, {"absence", AbsenceToJson(absence)}}).dump(2)
        << "\n";
    return kExitOk;
  }
  std::cout << "recorded absence " << absence.id << ": " << AbsenceText(absence)
            << " (times in UTC; " << calendar.time_zone() << " days)\n";
  if (absence.delegate.empty()) {
    std::cout << "new tasks for " << absence.person
              << " go to the first of their delegates in the SOP who is "
                 "not away\n";
  }
  return kExitOk;
}

int RunPersonBack(const WorkflowArgs& args) {
  const std::string command = "person back";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<store::Absence>> all = session.store->Absences("", 0);
  if (!all.ok()) return Fail(command, all.status(), args.json);
  const store::Absence* found = nullptr;
  for (const store::Absence& a : *all) {
    if (a.id == args.absence) found = &a;
  }
  if (found == nullptr) {
    return Fail(command,
                NotFoundError("no absence " + std::to_string(args.absence) +
                              "; `livesop person absences` lists them"),
                args.json);
  }
  if (Status cancelled = session.store->CancelAbsence(args.absence);
      !cancelled.ok()) {
    return Fail(command, cancelled, args.json);
  }
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"cancelled", true},
                       {"absence", AbsenceToJson(*found)}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << "cancelled absence " << found->id << ": "
              << AbsenceText(*found) << "\n";
  }
  return kExitOk;
}

int RunPersonAbsences(const WorkflowArgs& args) {
  const std::string command = "person absences";
  // A date alone is a day of the SOP's calendar: only then is the SOP
  // needed.
  const bool date = IsDate(args.at);
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/date, session);
      code != kExitOk) {
    return code;
  }
  int64_t at = 0;
  if (!args.at.empty()) {
    Result<int64_t> instant =
        date ? InstantOf("--at", args.at, engine::DefaultCalendar(session.sop),
                         /*end_of_day=*/false)
             : TimeOf("--at", args.at);
    if (!instant.ok()) return Fail(command, instant.status(), args.json);
    at = *instant;
  }
  Result<std::vector<store::Absence>> absences =
      session.store->Absences(args.person, at);
  if (!absences.ok()) return Fail(command, absences.status(), args.json);
  if (args.json) {
    Json list = Json::array();
    for (const store::Absence& a : *absences) list.push_back(AbsenceToJson(a));
    std::cout << Json({{"ok", true},
                       {"at", TimeJson(at)},
                       {"absences", std::move(list)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  if (absences->empty()) {
    std::cout << "no absences\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "PERSON", "FROM", "UNTIL", "STAND-IN", "BY", "NOTE"}};
  for (const store::Absence& a : *absences) {
    rows.push_back({std::to_string(a.id), a.person, TimeText(a.from_us),
                    TimeText(a.until_us), a.delegate.empty() ? "-" : a.delegate,
                    a.recorded_by.empty() ? "-" : a.recorded_by,
                    OneLine(a.note)});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

namespace {

volatile std::sig_atomic_t g_timers_stop = 0;
void StopTimers(int) { g_timers_stop = 1; }

// One sweep, reported; exit code as `timers sweep` documents.
int SweepOnce(const std::string& command, engine::Engine& engine, bool json) {
  Result<engine::SweepReport> report = engine.Sweep();
  if (!report.ok()) return Fail(command, report.status(), json);
  const bool ok = report->problems.empty();
  if (json) {
    std::cout << Json({{"ok", ok},
                       {"campaigns", report->campaigns},
                       {"events", report->events},
                       {"problems", report->problems}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << "swept " << report->campaigns
              << (report->campaigns == 1 ? " campaign" : " campaigns")
              << " with something due: " << report->events
              << (report->events == 1 ? " event" : " events") << " written"
              << std::endl;
    for (const std::string& problem : report->problems) {
      std::cout << "  not swept: " << problem << "\n";
    }
  }
  if (!ok) {
    std::cerr << "livesop " << command << ": " << report->problems.size()
              << " of " << report->campaigns
              << " campaigns could not be swept; the others were\n";
  }
  return ok ? kExitOk : kExitInvalid;
}

// "30m", "2h", "1d", "1w" in wall-clock time; nullopt when malformed.
std::optional<int64_t> WindowMicros(const std::string& text) {
  static const std::regex pattern("([0-9]{1,6})\\s*(m|h|d|w)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  const int64_t amount = std::stoll(m[1]);
  const int64_t minute = int64_t{60} * 1000000;
  const char unit = m[2].str()[0];
  const int64_t per = unit == 'm'   ? minute
                      : unit == 'h' ? minute * 60
                      : unit == 'd' ? minute * 60 * 24
                                    : minute * 60 * 24 * 7;
  return amount * per;
}

}  // namespace

int RunTimersSweep(const WorkflowArgs& args) {
  const std::string command = "timers sweep";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  return SweepOnce(command, *session.engine, args.json);
}

int RunTimersRun(const WorkflowArgs& args) {
  const std::string command = "timers run";
  if (args.every_s < 0) {
    return UsageError(command, "--every must be 0 (once) or more seconds");
  }
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  std::signal(SIGINT, StopTimers);
  std::signal(SIGTERM, StopTimers);
  int code = SweepOnce(command, *session.engine, args.json);
  while (args.every_s > 0 && g_timers_stop == 0) {
    for (int waited = 0; waited < args.every_s * 10 && g_timers_stop == 0;
         ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (g_timers_stop != 0) break;
    const int pass = SweepOnce(command, *session.engine, args.json);
    // A store that fails stops the loop; a campaign that cannot be swept
    // is reported every time and the loop goes on.
    if (pass == kExitStore) return pass;
    code = std::max(code, pass);
  }
  return code;
}

int RunTimersDue(const WorkflowArgs& args) {
  const std::string command = "timers due";
  std::optional<int64_t> window = int64_t{0};
  if (!args.within.empty()) window = WindowMicros(args.within);
  if (!window) {
    return UsageError(command, "--within \"" + args.within +
                                   "\" is not a duration; write 30m, 2h, 1d "
                                   "or 1w");
  }
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  const int64_t now = SystemClock().NowMicros();
  Result<std::vector<engine::PendingTimer>> timers =
      session.engine->PendingTimers(now + *window);
  if (!timers.ok()) return Fail(command, timers.status(), args.json);
  if (args.json) {
    Json list = Json::array();
    for (const engine::PendingTimer& t : *timers) {
      list.push_back({{"task", t.task},
                      {"campaign", t.campaign},
                      {"step", t.step},
                      {"kind", t.kind},
                      {"at", FormatTimestamp(t.at_us)},
                      {"due", t.due_us > 0 ? FormatTimestamp(t.due_us) : ""},
                      {"overdue", t.at_us <= now},
                      {"assignee", t.assignee},
                      {"role", t.role}});
    }
    std::cout << Json({{"ok", true}, {"timers", list}}).dump(2) << "\n";
    return kExitOk;
  }
  if (timers->empty()) {
    std::cout << "no timer comes "
              << (args.within.empty() ? "now" : "within " + args.within)
              << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"AT", "KIND", "TASK", "WHO", "DUE"}};
  for (const engine::PendingTimer& t : *timers) {
    rows.push_back({TimeText(t.at_us) + (t.at_us <= now ? " (now)" : ""),
                    t.kind, t.task, t.assignee.empty() ? t.role : t.assignee,
                    t.due_us > 0 ? TimeText(t.due_us) : "-"});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

int RunEscalationAck(const WorkflowArgs& args) {
  const std::string command = "escalation ack";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state =
      session.engine->Acknowledge(args.campaign, args.escalation, args.as);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"campaign", state->campaign},
                       {"escalation", args.escalation},
                       {"actor", args.as},
                       {"status", state->status},
                       {"version", state->version}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << args.as << " acknowledged escalation " << args.escalation
              << " of campaign " << state->campaign
              << ": it raises no more notices\n";
  }
  return kExitOk;
}

}  // namespace livesop::cli
