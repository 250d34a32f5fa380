#include "insight/html.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"
#include "core/time.h"
#include "insight/internal/format.h"
#include "insight/internal/plot.h"
#include "sop/render.h"

namespace livesop::insight {
namespace {

using internal::Fixed;
using internal::Percent;

// Campaigns the appendix shows at most; findings name the others by id.
constexpr size_t kAppendixCampaigns = 200;

std::string Escape(std::string_view text) { return HtmlEscape(text); }

std::string Date(int64_t us) {
  return us == 0 ? "" : FormatTimestamp(us).substr(0, 10);
}

std::string Minute(int64_t us) {
  return us == 0 ? "" : FormatTimestamp(us).substr(0, 16) + "Z";
}

// A DOT string literal.
std::string Dot(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out + "\"";
}

// A table cell: HTML already escaped, right-aligned when a number.
struct Cell {
  std::string html;
  bool number = false;
};

Cell Text(std::string_view text) { return {HtmlEscape(text), false}; }
Cell Raw(std::string html) { return {std::move(html), false}; }
Cell Number(std::string text) { return {std::move(text), true}; }
Cell Number(int64_t n) { return {std::to_string(n), true}; }

// A table with `headers`; a row's class (`row_classes`, when given) marks
// it, "hit" for evidence.
std::string Table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<Cell>>& rows,
                  const std::vector<std::string>& row_classes = {}) {
  std::string out = "<table><tr>";
  for (const std::string& h : headers) out += "<th>" + HtmlEscape(h) + "</th>";
  out += "</tr>\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::string& row_class =
        r < row_classes.size() ? row_classes[r] : std::string();
    out += row_class.empty() ? "<tr>" : "<tr class=\"" + row_class + "\">";
    for (const Cell& c : rows[r]) {
      out += (c.number ? "<td class=\"n\">" : "<td>") + c.html + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;
color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;
margin-top:2.5rem}h3{margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;
vertical-align:top}th{background:#f4f4f4}td.n{text-align:right}
.finding{border-left:4px solid #999;padding:.3rem .8rem;margin:.6rem 0;
background:#fafafa}.friction{border-color:#e69138}.redundancy{
border-color:#6fa8dc}.handoff{border-color:#8e7cc3}.gap{border-color:#cc0000}
.kind{font-weight:600;text-transform:uppercase;font-size:.75rem;color:#555}
.met{color:#38761d}.unmet{color:#cc0000}.hit{background:#fff2cc}
.chart svg,.map svg{max-width:100%;height:auto}.map{overflow-x:auto}
nav a{margin-right:1rem}.muted{color:#777}
)";

// A bar chart of `bars` (label, value), values in `unit`.
Result<std::string> BarChart(
    const std::vector<std::pair<std::string, double>>& bars,
    const std::string& ylabel, double ymax) {
  std::string script =
      "set terminal svg size 720,280 dynamic font 'sans,10'\n"
      "set style fill solid 0.85 border -1\nset boxwidth 0.6\n"
      "set grid ytics\nset xtics rotate by -30 nomirror\nset ytics nomirror\n"
      "set ylabel '" +
      internal::PlotLabel(ylabel) + "'\nset yrange [0:" + Fixed(ymax, 2) +
      "]\nset xrange [-0.6:" +
      Fixed(static_cast<double>(bars.size()) - 0.4, 1) + "]\n$d << EOD\n";
  for (size_t i = 0; i < bars.size(); ++i) {
    script += std::to_string(i) + " \"" + internal::PlotLabel(bars[i].first) +
              "\" " + Fixed(bars[i].second, 3) + "\n";
  }
  script +=
      "EOD\nplot $d using 1:3:xtic(2) with boxes lc rgb '#4a86c5' notitle\n";
  return internal::RunGnuplot(script);
}

// The weekly share of a campaign type's campaigns on the documented path,
// the campaigns per week as impulses, and each change point as a line.
Result<std::string> WeeklyChart(const RateSeries& series) {
  std::string script =
      "set terminal svg size 720,260 dynamic font 'sans,10'\n"
      "set xdata time\nset timefmt '%Y-%m-%d'\nset format x '%d %b %y'\n"
      "set yrange [0:105]\nset y2range [0:*]\nset ytics nomirror\n"
      "set y2tics\nset grid ytics\nset key outside bottom center horizontal\n"
      "set ylabel '% on the documented path'\nset y2label 'campaigns'\n";
  for (const RateChange& c : series.changes) {
    script += "set arrow from '" + Date(c.time_us) + "', graph 0 to '" +
              Date(c.time_us) +
              "', graph 1 nohead lc rgb '#cc0000' dt 2 lw 2\n";
  }
  script += "$d << EOD\n";
  for (const WeekShare& w : series.weeks) {
    script += Date(w.week_us) + " " +
              Fixed(100.0 * static_cast<double>(w.on_path) /
                        static_cast<double>(std::max<int64_t>(1, w.campaigns)),
                    1) +
              " " + std::to_string(w.campaigns) + "\n";
  }
  script +=
      "EOD\nplot $d using 1:3 axes x1y2 with impulses lw 6 lc rgb '#c9daf8' "
      "title 'campaigns started', $d using 1:2 with linespoints pt 7 ps 0.6 "
      "lc rgb '#1c4587' title '% on the documented path'\n";
  return internal::RunGnuplot(script);
}

// What happened in a process: steps as visited, the step each visit
// followed, how often; steps mostly skipped or settled elsewhere marked.
Result<std::string> ObservedMap(const ProcessAudit& p, const History& history) {
  std::set<std::string> types(p.campaign_types.begin(), p.campaign_types.end());
  std::map<std::pair<std::string, std::string>, int64_t> edges;
  for (const CampaignHistory& c : history.campaigns) {
    if (types.count(c.type) == 0 || c.visits.empty()) continue;
    const std::vector<int> followed = FollowedVisits(c);
    bool first = true;
    int last = -1;
    for (size_t i = 0; i < c.visits.size(); ++i) {
      const StepVisit& v = c.visits[i];
      if (v.outcome == "cancelled") continue;
      if (first) {
        ++edges[{"", v.step}];
        first = false;
      } else if (followed[i] >= 0) {
        ++edges[{c.visits[followed[i]].step, v.step}];
      }
      if (!v.open() &&
          (last < 0 || v.end.position > c.visits[last].end.position)) {
        last = static_cast<int>(i);
      }
    }
    if (c.status == "completed" && last >= 0) {
      ++edges[{c.visits[last].step, "\x01end"}];
    }
  }
  int64_t most = 1;
  for (const auto& [e, n] : edges) most = std::max(most, n);
  std::string dot =
      "digraph observed {\nrankdir=LR;\nnode [shape=box, style=\"rounded,"
      "filled\", fillcolor=\"#ffffff\", fontname=\"sans\", fontsize=10];\n"
      "edge [fontname=\"sans\", fontsize=9, color=\"#555555\"];\n"
      "start [shape=circle, label=\"\", width=0.2, fillcolor=\"#333333\"];\n"
      "end [shape=doublecircle, label=\"\", width=0.15, "
      "fillcolor=\"#333333\"];\n";
  for (const StepFigures& s : p.steps) {
    const double visits = static_cast<double>(std::max<int64_t>(1, s.visits));
    std::string fill = "#ffffff";
    if (static_cast<double>(s.skipped) / visits >= 0.2) fill = "#f4cccc";
    if (static_cast<double>(s.off_system) / visits >= 0.2) fill = "#fff2cc";
    dot += Dot("s:" + s.step) + " [label=" +
           Dot(s.name + "\n" + std::to_string(s.visits) + " visits") +
           ", fillcolor=" + Dot(fill) +
           (s.type == "ad-hoc" ? ", style=\"rounded,filled,dashed\"" : "") +
           "];\n";
  }
  for (const auto& [e, n] : edges) {
    const std::string from = e.first.empty() ? "start" : Dot("s:" + e.first);
    const std::string to = e.second == "\x01end" ? "end" : Dot("s:" + e.second);
    dot += from + " -> " + to + " [label=" + Dot(std::to_string(n)) +
           ", penwidth=" +
           Fixed(0.6 + 3.0 * static_cast<double>(n) / static_cast<double>(most),
                 2) +
           "];\n";
  }
  dot += "}\n";
  return sop::LayoutDotSvg(dot);
}

class Writer {
 public:
  Writer(const Audit& audit, const History& history, const sop::Definition& sop)
      : audit_(audit), history_(history), sop_(sop) {
    for (const ProcessAudit& p : audit.processes) {
      for (const Finding& f : p.findings) {
        for (const EventRef& ref : f.evidence) hits_.insert(ref.position);
        for (const std::string& id : f.campaigns) {
          if (anchors_.size() < kAppendixCampaigns && !anchors_.count(id)) {
            anchors_.emplace(id, "c" + std::to_string(anchors_.size()));
          }
        }
      }
    }
  }

  Result<std::string> Render() {
    out_ +=
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
        "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n<title>Audit: " +
        Escape(sop_.sop.title) + "</title>\n<style>" + kStyle +
        "</style>\n</head>\n<body>\n";
    out_ += "<h1>Audit of " + Escape(sop_.sop.title) + " " +
            Escape(sop_.sop.version) + "</h1>\n<p>" +
            std::to_string(audit_.campaigns) + " campaigns, " +
            std::to_string(audit_.events) + " events, " + Date(audit_.from_us) +
            " to " + Date(audit_.until_us) + ".</p>\n";
    out_ += "<nav><a href=\"#answers\">The six questions</a>";
    for (const ProcessAudit& p : audit_.processes) {
      out_ +=
          "<a href=\"#p-" + Escape(p.process) + "\">" + Escape(p.name) + "</a>";
    }
    out_ +=
        "<a href=\"#drift\">Drift</a><a href=\"#matrix\">Approval "
        "matrix</a><a href=\"#evidence\">Evidence</a></nav>\n";
    if (audit_.campaigns == 0) {
      out_ += "<p>No campaign in the history: nothing to audit.</p>\n";
    } else {
      LIVESOP_RETURN_IF_ERROR(Answers());
      for (const ProcessAudit& p : audit_.processes) {
        LIVESOP_RETURN_IF_ERROR(Process(p));
      }
      LIVESOP_RETURN_IF_ERROR(Drift());
      Matrix();
      Evidence();
    }
    out_ += "</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  std::string CampaignLink(const std::string& id) const {
    auto it = anchors_.find(id);
    if (it == anchors_.end()) return Escape(id);
    return "<a href=\"#" + it->second + "\">" + Escape(id) + "</a>";
  }

  std::string People(const std::vector<PersonShare>& people, size_t show = 5) {
    std::string text;
    for (size_t i = 0; i < people.size() && i < show; ++i) {
      if (i > 0) text += ", ";
      text += Escape(people[i].person) + " " + Percent(people[i].share) + " (" +
              std::to_string(people[i].count) + ")";
    }
    return text.empty() ? "nobody" : text;
  }

  Status Answers() {
    const insight::Answers& a = audit_.answers;
    out_ += "<h2 id=\"answers\">The six questions</h2>\n<ol>\n";
    out_ += "<li><p><b>How much work goes through side paths?</b> " +
            Percent(a.informal.informal_share) + " of work (" +
            std::to_string(a.informal.informal_items) + " of " +
            std::to_string(a.informal.work_items) +
            " steps, decisions and side-path activities); " +
            Percent(a.informal.informal_decision_share) +
            " of approval decisions.";
    if (!a.informal.by_source.empty()) {
      out_ += " By source:";
      for (const auto& [source, n] : a.informal.by_source) {
        out_ += " " + Escape(source) + " " + std::to_string(n) + ";";
      }
    }
    out_ += "</p>\n";
    if (!a.informal_by_type.empty()) {
      std::vector<std::pair<std::string, double>> bars;
      for (const InformalCounts& t : a.informal_by_type) {
        bars.emplace_back(t.campaign_type, 100 * t.informal_share);
      }
      LIVESOP_ASSIGN_OR_RETURN(
          std::string chart,
          BarChart(bars, "% of work through side paths", 100));
      out_ += "<div class=\"chart\">" + chart + "</div>\n";
    }
    out_ +=
        "</li>\n<li><p><b>Under pressure, the SOP or a few people?</b> " +
        std::to_string(a.pressured) + " urgent or expedited campaigns, " +
        Percent(a.pressured_on_path_share) +
        " on the documented path (the others " + Percent(a.calm_on_path_share) +
        "). Their departures: " + People(a.pressure_people) + ".</p></li>\n";
    std::vector<std::vector<Cell>> first;
    for (const StepCount& s : a.first_departures) {
      std::string kinds;
      for (const auto& [kind, n] : s.kinds) {
        kinds += kind + " " + std::to_string(n) + " ";
      }
      first.push_back(
          {Text(s.process), Text(s.step.empty() ? "(the campaign)" : s.step),
           Number(s.campaigns), Number(Percent(s.share)), Text(kinds)});
    }
    out_ +=
        "<li><p><b>Where is control lost first?</b></p>\n" +
        Table({"Process", "Step", "Campaigns", "Share", "Departures"}, first) +
        "</li>\n";
    out_ += "<li><p><b>How much depends on undocumented coordination?</b> " +
            std::to_string(a.coordinated) + " campaigns (" +
            Percent(a.coordinated_share) +
            ") needed a side path, an informal approval or an ad-hoc step; " +
            Percent(a.off_system_event_share) +
            " of events came through side paths.</p></li>\n";
    out_ += "<li><p><b>What holds the department together?</b> " +
            Percent(a.on_path_share) +
            " of campaigns ran on the documented path; " +
            std::to_string(a.exceptions) + " exceptions, handled by " +
            People(a.exception_people) + "; bus factor " +
            std::to_string(a.bus_factor) + ".</p>\n";
    if (!a.exception_people.empty()) {
      std::vector<std::pair<std::string, double>> bars;
      double most = 1;
      for (size_t i = 0; i < a.exception_people.size() && i < 12; ++i) {
        bars.emplace_back(a.exception_people[i].person,
                          static_cast<double>(a.exception_people[i].count));
        most = std::max(most, static_cast<double>(a.exception_people[i].count));
      }
      LIVESOP_ASSIGN_OR_RETURN(
          std::string chart, BarChart(bars, "exceptions handled", most * 1.1));
      out_ += "<div class=\"chart\">" + chart + "</div>\n";
    }
    std::vector<std::vector<Cell>> versions;
    for (const VersionLife& v : a.versions) {
      versions.push_back(
          {Text(v.version), Text(Date(v.published_us)), Number(v.campaigns),
           Number(Percent(v.on_path_share)),
           Text(v.days_real >= 0
                    ? std::to_string(v.days_real) + " days"
                    : "still, after " + std::to_string(v.observed_days) +
                          " days")});
    }
    out_ +=
        "</li>\n<li><p><b>How long does a version stay the real one?</b>"
        "</p>\n" +
        Table({"Version", "Published", "Campaigns", "On its path",
               "The real one for"},
              versions) +
        "</li>\n</ol>\n";
    return OkStatus();
  }

  Status Process(const ProcessAudit& p) {
    out_ += "<h2 id=\"p-" + Escape(p.process) + "\">" + Escape(p.name) +
            " <span class=\"muted\">(" + Escape(p.process) + ", " +
            Escape(p.category) + ")</span></h2>\n";
    out_ += Table(
        {"Campaigns", "Completed", "On the documented path", "Median cycle",
         "Time in decisions", "Decisions through side paths",
         "Deadlines missed", "Rework"},
        {{Number(p.campaigns), Number(p.completed),
          Number(Percent(p.on_path_share)),
          Number(p.completed > 0 ? Fixed(p.median_cycle_days) + " days" : "-"),
          Number(Percent(p.decision_wait_share)),
          Number(Percent(p.informal_share)), Number(Percent(p.breach_share)),
          Number(Percent(p.rework_share))}});
    out_ += "<h3>Maturity " + std::to_string(p.maturity.level) + ": " +
            Escape(p.maturity.name) + "</h3>\n<ul>\n";
    for (const Criterion& c : p.maturity.criteria) {
      out_ += std::string("<li class=\"") + (c.met ? "met" : "unmet") + "\">" +
              (c.met ? "✓" : "✗") + " level " + std::to_string(c.level) + ": " +
              Escape(c.text) + "</li>\n";
    }
    out_ += "</ul>\n<h3>Findings</h3>\n";
    if (p.findings.empty()) out_ += "<p>None.</p>\n";
    for (const Finding& f : p.findings) {
      out_ += std::string("<div class=\"finding ") + FindingKindName(f.kind) +
              "\"><span class=\"kind\">" + FindingKindName(f.kind) + " · " +
              Escape(f.code) + "</span><p>" + Escape(f.summary) + "</p>";
      if (!f.people.empty()) {
        out_ += "<p>People: ";
        for (size_t i = 0; i < f.people.size(); ++i) {
          out_ += (i > 0 ? ", " : "") + Escape(f.people[i]);
        }
        out_ += "</p>";
      }
      out_ += "<p>Campaigns: ";
      for (size_t i = 0; i < f.campaigns.size(); ++i) {
        out_ += (i > 0 ? ", " : "") + CampaignLink(f.campaigns[i]);
      }
      out_ += "</p></div>\n";
    }
    std::vector<std::vector<Cell>> steps;
    for (const StepFigures& s : p.steps) {
      steps.push_back(
          {Raw(Escape(s.name) + " <span class=\"muted\">" + Escape(s.step) +
               "</span>"),
           Text(s.type), Text(s.sla), Number(s.visits),
           Number(Fixed(s.median_hours)), Number(Fixed(s.p90_hours)),
           Number(std::to_string(s.breached) + "/" +
                  std::to_string(s.with_due)),
           Number(s.skipped), Number(s.off_system), Number(s.repeated)});
    }
    out_ += "<h3>Steps</h3>\n" +
            Table({"Step", "Type", "SLA", "Visits", "Median h", "p90 h",
                   "Breached", "Skipped", "Side path", "Repeated"},
                  steps) +
            "<h3>What happened</h3>\n<p class=\"muted\">Steps as visited, "
            "each arrow how often one step followed another; red: skipped in "
            "a fifth of visits or more, yellow: settled through a side path "
            "as often.</p>\n";
    LIVESOP_ASSIGN_OR_RETURN(std::string observed, ObservedMap(p, history_));
    out_ += "<div class=\"map\">" + observed + "</div>\n";
    if (const sop::Process* documented = sop_.FindProcess(p.process)) {
      LIVESOP_ASSIGN_OR_RETURN(std::string svg,
                               sop::RenderProcessSvg(sop_, *documented));
      out_ += "<h3>As documented</h3>\n<div class=\"map\">" + svg + "</div>\n";
    }
    return OkStatus();
  }

  Status Drift() {
    out_ += "<h2 id=\"drift\">Drift of the documented path</h2>\n";
    for (const RateSeries& r : audit_.drift) {
      if (!r.step.empty()) continue;
      out_ += "<h3>" + Escape(r.campaign_type) + "</h3>\n<p>" +
              Percent(r.rate) + " of " + std::to_string(r.cases) +
              " campaigns on the documented path.";
      for (const RateChange& c : r.changes) {
        out_ += " From " + Date(c.time_us) + " (" +
                CampaignLink(c.first.campaign) + "): " + Percent(c.before) +
                " → " + Percent(c.after) + ".";
      }
      out_ += "</p>\n";
      if (r.weeks.size() >= 2) {
        LIVESOP_ASSIGN_OR_RETURN(std::string chart, WeeklyChart(r));
        out_ += "<div class=\"chart\">" + chart + "</div>\n";
      }
    }
    out_ += "<h3>Steps whose practice changed</h3>\n";
    std::vector<std::vector<Cell>> rows;
    for (const RateSeries& r : audit_.drift) {
      if (r.step.empty()) continue;
      for (const RateChange& c : r.changes) {
        rows.push_back({Text(r.campaign_type), Text(r.step),
                        Text(Date(c.time_us)),
                        Raw(CampaignLink(c.first.campaign) + " #" +
                            std::to_string(c.first.position)),
                        Number(Percent(c.before) + " (" +
                               std::to_string(c.cases_before) + ")"),
                        Number(Percent(c.after) + " (" +
                               std::to_string(c.cases_after) + ")"),
                        Number(Fixed(c.p_value, 2))});
      }
    }
    out_ += rows.empty() ? std::string("<p>None.</p>\n")
                         : Table({"Campaign type", "Step", "From", "First case",
                                  "Done as written before", "After", "p"},
                                 rows);
    return OkStatus();
  }

  void Matrix() {
    out_ += "<h2 id=\"matrix\">The approval matrix against who decided</h2>\n";
    if (audit_.matrix.empty()) {
      out_ += "<p>No approval was decided yet.</p>\n";
      return;
    }
    std::vector<std::vector<Cell>> rows;
    for (const MatrixCell& c : audit_.matrix) {
      rows.push_back({Text(c.step), Text(c.campaign_type), Text(c.budget_band),
                      Text(c.role), Number(c.named), Number(c.required),
                      Number(c.decided), Number(c.informal),
                      Number(c.by_others), Number(c.skipped), Number(c.without),
                      Raw(People(c.deciders, 3))});
    }
    out_ += Table({"Step", "Type", "Budget band", "Role named", "Named",
                   "Needed", "In livesop", "Side path", "Others", "Skipped",
                   "Without", "Decided by"},
                  rows);
  }

  void Evidence() {
    out_ +=
        "<h2 id=\"evidence\">Evidence</h2>\n<p class=\"muted\">The "
        "campaigns the findings name";
    if (anchors_.size() >= kAppendixCampaigns) {
      out_ += " (the first " + std::to_string(kAppendixCampaigns) + ")";
    }
    out_ +=
        ", with their steps; the events a finding points at are "
        "marked. Positions are the store's: <code>livesop campaign show "
        "ID --events</code> lists them.</p>\n";
    for (const CampaignHistory& c : history_.campaigns) {
      auto anchor = anchors_.find(c.id);
      if (anchor == anchors_.end()) continue;
      out_ += "<h3 id=\"" + anchor->second + "\">" + Escape(c.id) + " " +
              Escape(c.title) + " <span class=\"muted\">(" + Escape(c.type) +
              ", " + Escape(c.status) + ", SOP " + Escape(c.sop_version) +
              ")</span></h3>\n";
      std::vector<std::vector<Cell>> rows;
      std::vector<std::string> classes;
      for (const StepVisit& v : c.visits) {
        const bool hit = hits_.count(v.start.position) > 0 ||
                         hits_.count(v.end.position) > 0;
        classes.push_back(hit ? "hit" : "");
        rows.push_back(
            {Text(v.step +
                  (v.visit > 1 ? " (" + std::to_string(v.visit) + ")" : "")),
             Text(Minute(v.start_us)), Text(Minute(v.end_us)), Text(v.outcome),
             Text(v.by), Text(v.source), Text(v.deviation),
             Text("#" + std::to_string(v.start.position) +
                  (v.end.position > 0 ? "–" + std::to_string(v.end.position)
                                      : ""))});
      }
      out_ += Table({"Step", "Started", "Ended", "Outcome", "By", "Source",
                     "Departure", "Events"},
                    rows, classes);
      if (!c.departures.empty()) {
        out_ += "<ul>\n";
        for (const Departure& d : c.departures) {
          out_ += "<li>#" + std::to_string(d.at.position) + " " +
                  Minute(d.at.time_us) + " " + Escape(d.kind) +
                  (d.step.empty() ? "" : " at " + Escape(d.step)) + " by " +
                  Escape(d.actor) +
                  (d.source.empty() ? "" : " via " + Escape(d.source)) +
                  (d.reason.empty() ? "" : ": " + Escape(d.reason)) + "</li>\n";
        }
        out_ += "</ul>\n";
      }
    }
  }

  const Audit& audit_;
  const History& history_;
  const sop::Definition& sop_;
  std::map<std::string, std::string> anchors_;  // campaign → anchor id
  std::set<int64_t> hits_;  // event positions findings point at
  std::string out_;
};

}  // namespace

Result<std::string> AuditToHtml(const Audit& audit, const History& history,
                                const sop::Definition& sop) {
  return Writer(audit, history, sop).Render();
}

}  // namespace livesop::insight
