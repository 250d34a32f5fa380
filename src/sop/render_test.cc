#include "sop/render.h"

#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

// The fixtures use designated initializers to name only the fields a test
// cares about; the rest keep their defaults on purpose, which GCC would
// otherwise report as missing initializers.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace livesop::sop {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

BusinessDuration Days(int64_t n) {
  return {.amount = n,
          .unit = BusinessDuration::Unit::kDays,
          .text = std::to_string(n) + "d"};
}
BusinessDuration Hours(int64_t n) {
  return {.amount = n,
          .unit = BusinessDuration::Unit::kHours,
          .text = std::to_string(n) + "h"};
}

Condition When(std::vector<std::pair<std::string, std::string>> tests) {
  Condition c;
  c.tests = std::move(tests);
  return c;
}

Step MakeStep(std::string id, std::string name, StepType type) {
  Step s;
  s.id = std::move(id);
  s.name = std::move(name);
  s.type = type;
  return s;
}

// A small department: one process with an approval loop, an exclusive
// gateway, a parallel split and join; a matrix, an escalation, a template,
// a channel and a checklist.
Definition SmallDefinition() {
  Definition def;
  def.sop.id = "mkt";
  def.sop.title = "Marketing Operations SOP Manual";
  def.sop.version = "1.2.0";
  def.sop.owner = "head";
  def.sop.effective = "2026-03-01";
  def.sop.overview = "How campaigns go from brief to launch.";
  def.sop.goals = {"Launch on time", "Stay on brand"};
  def.changelog.push_back({.version = "1.2.0",
                           .date = "2026-02-20",
                           .author = "head",
                           .changes = {"Add matrix"}});

  def.calendars.push_back(
      {.id = "jkt",
       .name = "Jakarta office",
       .timezone = "Asia/Jakarta",
       .working_days = {"mon", "tue", "wed", "thu", "fri"},
       .working_hours = {"09:00-17:00"},
       .holidays = {{.date = "2026-03-19", .name = "Nyepi"}}});
  def.teams.push_back({.id = "growth",
                       .name = "Growth",
                       .lead = "ana",
                       .description = "Campaigns"});
  def.roles.push_back(
      {.id = "head", .name = "Head of Marketing Ops", .team = "growth"});
  def.roles.push_back({.id = "cm",
                       .name = "Campaign Manager",
                       .team = "growth",
                       .description = "Runs campaigns",
                       .responsibilities = {"Write briefs", "Track launch"}});
  def.roles.push_back(
      {.id = "brand", .name = "Brand Manager", .team = "growth"});
  def.roles.push_back({.id = "finance", .name = "Finance Partner"});
  def.roles.push_back({.id = "designer", .name = "Designer", .team = "growth"});
  def.people.push_back({.id = "ana",
                        .name = "Ana Putri",
                        .email = "ana@example.com",
                        .phone = "+62 811 5550 1234",
                        .roles = {"cm"},
                        .team = "growth",
                        .calendar = "jkt",
                        .delegates = {"budi"}});
  def.people.push_back(
      {.id = "budi", .name = "Budi Santoso", .roles = {"brand", "head"}});

  Budget budget;
  budget.currency = "IDR";
  budget.field = "budget";
  budget.bands = {{.id = "small", .name = "Small", .below = 10000000.0},
                  {.id = "large", .name = "Large"}};
  def.budget = budget;

  Form form;
  form.id = "request";
  form.name = "Campaign request";
  form.fields.push_back({.id = "budget",
                         .label = "Budget",
                         .type = FieldType::kMoney,
                         .required = true,
                         .min = 0,
                         .currency = "IDR"});
  form.fields.push_back({.id = "channels",
                         .label = "Channels",
                         .type = FieldType::kMultiChoice,
                         .options = {"instagram", "email", "tv"}});
  form.fields.push_back({.id = "script",
                         .label = "TV script",
                         .type = FieldType::kFile,
                         .required_when = When({{"channels", "tv"}})});
  def.forms.push_back(form);

  def.campaign_types.push_back({.id = "product-launch",
                                .name = "Product launch",
                                .process = "delivery",
                                .form = "request",
                                .lead_time = Days(15)});

  Process p;
  p.id = "delivery";
  p.name = "Campaign delivery";
  p.owner = "head";
  p.purpose = "Deliver an approved campaign.";
  p.category = Category::kRevenueFacing;
  p.trigger = "A campaign request is submitted.";

  Step brief = MakeStep("brief", "Write | brief", StepType::kTask);
  brief.role = "cm";
  brief.sla = Days(2);
  brief.templates = {"brief-template"};
  brief.consulted = {"brand"};
  brief.description = "Draft it. <script>alert(1)</script>";
  brief.next = "approve";
  p.steps.push_back(brief);

  Step approve = MakeStep("approve", "Approve brief", StepType::kApproval);
  approve.matrix = "campaign-approval";
  approve.sla = Hours(8);
  approve.on_approved = "route";
  approve.on_changes_requested = "brief";
  approve.max_revisions = 3;
  p.steps.push_back(approve);

  Step route = MakeStep("route", "Route by type", StepType::kExclusive);
  route.branches = {{.when = When({{"campaign_type", "product-launch, event"}}),
                     .next = "split",
                     .label = "launch or event"},
                    {.is_default = true, .next = "launch"}};
  p.steps.push_back(route);

  Step split = MakeStep("split", "Produce assets", StepType::kParallel);
  split.branches = {{.next = "design"}, {.next = "copy"}};
  p.steps.push_back(split);

  Step design = MakeStep("design", "Design visuals", StepType::kTask);
  design.role = "designer";
  design.next = "join";
  p.steps.push_back(design);
  Step copy = MakeStep("copy", "Write copy", StepType::kTask);
  copy.role = "cm";
  copy.next = "join";
  p.steps.push_back(copy);
  Step join = MakeStep("join", "Assets ready", StepType::kJoin);
  join.next = "launch";
  p.steps.push_back(join);

  Step launch = MakeStep("launch", "Launch checks", StepType::kChecklist);
  launch.role = "cm";
  launch.checklist = "pre-launch";
  launch.next = "done";
  p.steps.push_back(launch);
  p.steps.push_back(MakeStep("done", "Campaign live", StepType::kEnd));
  def.processes.push_back(p);

  ApprovalMatrix m;
  m.id = "campaign-approval";
  m.name = "Campaign approval";
  m.hit_policy = HitPolicy::kCollect;
  m.rules.push_back(
      {.id = "brand-all",
       .when = When(
           {{"campaign_type", "-"}, {"budget_band", "-"}, {"channel", "-"}}),
       .approvers = {"brand"}});
  m.rules.push_back({.id = "finance-large",
                     .when = When({{"campaign_type", "-"},
                                   {"budget_band", "large"},
                                   {"channel", "-"}}),
                     .approvers = {"finance", "head"},
                     .quorum = Quorum::kAny,
                     .mode = ApprovalMode::kSequential});
  def.approval_matrices.push_back(m);

  def.escalations.push_back({.id = "late-approval",
                             .name = "Delayed approval",
                             .trigger = "sla_breach",
                             .step_types = {"approval"},
                             .levels = {{.to = "head", .after = Hours(4)},
                                        {.to = "budi", .after = Days(1)}},
                             .repeat_every = Days(1),
                             .repeat_times = 2,
                             .stop = "task_completed"});

  def.templates.push_back({.id = "brief-template",
                           .name = "Campaign brief",
                           .owner = "cm",
                           .versions = {{.version = "1.0",
                                         .status = "retired",
                                         .date = "2025-01-10",
                                         .file = "brief-v1.docx"},
                                        {.version = "2.0",
                                         .status = "approved",
                                         .date = "2026-01-05",
                                         .file = "brief-v2.docx",
                                         .changes = "KPIs"}}});

  def.channels.push_back({.id = "instagram",
                          .name = "Instagram",
                          .owner = "brand",
                          .assets = {{.id = "feed",
                                      .name = "Feed post",
                                      .formats = {"jpg", "png"},
                                      .sizes = {"1080x1080"},
                                      .aspect_ratios = {"1:1"},
                                      .max_file_size = "8MB"}}});

  def.checklists.push_back(
      {.id = "pre-launch",
       .name = "Pre-launch checks",
       .phase = "pre-launch",
       .items = {{.id = "links", .text = "All links work", .role = "cm"},
                 {.id = "legal",
                  .text = "Legal copy approved",
                  .role = "brand",
                  .when = Condition{.tests = {{"channel", "print, ooh"}}}}}});

  def.calendar = CalendarInfo{.planning_cycle = "Quarterly plan, monthly lock",
                              .default_calendar = "jkt",
                              .deadlines = {{.id = "assets",
                                             .name = "Assets final",
                                             .before_launch = Days(5),
                                             .step = "design",
                                             .role = "designer"},
                                            {.id = "brief-due",
                                             .name = "Brief due",
                                             .before_launch = Days(15),
                                             .step = "brief",
                                             .role = "cm"}},
                              .freeze_periods = {{.name = "Year-end freeze",
                                                  .from = "2026-12-24",
                                                  .to = "2026-12-31",
                                                  .rule = "No launches"}}};

  def.communication = Communication{
      .tools = {{.id = "slack", .name = "Slack", .purpose = "Day-to-day"},
                {.id = "wa",
                 .name = "WhatsApp",
                 .purpose = "Urgent pings",
                 .official = false}},
      .rules = {"Decisions live in the task, not in chat."}};
  def.automations.push_back({.id = "completeness",
                             .name = "Completeness check",
                             .trigger = "request submitted",
                             .description = "Flags missing fields."});
  return def;
}

std::string RenderMarkdown(const Definition& def, bool diagrams = true) {
  Result<RenderedManual> manual =
      RenderManual(def, {ManualFormat::kMarkdown, diagrams});
  EXPECT_TRUE(manual.ok()) << manual.status().ToString();
  return manual.ok() ? manual->text : "";
}

std::string RenderHtml(const Definition& def) {
  Result<RenderedManual> manual =
      RenderManual(def, {ManualFormat::kHtml, true});
  EXPECT_TRUE(manual.ok()) << manual.status().ToString();
  return manual.ok() ? manual->text : "";
}

TEST(RenderManualTest, MarkdownNamesTheVersionAndHasContents) {
  std::string md = RenderMarkdown(SmallDefinition());
  EXPECT_THAT(md, StartsWith("# Marketing Operations SOP Manual\n"));
  EXPECT_THAT(md, HasSubstr("Generated from SOP `mkt` version 1.2.0."));
  EXPECT_THAT(md, HasSubstr("- **Owner:** Head of Marketing Ops\n"));
  EXPECT_THAT(md, HasSubstr("- **Effective:** 2026-03-01\n"));
  EXPECT_THAT(md, HasSubstr("## Contents\n"));
  EXPECT_THAT(
      md, HasSubstr("- [1. Overview & objectives](#1-overview--objectives)\n"));
  EXPECT_THAT(
      md, HasSubstr("  - [9.1 Campaign delivery](#91-campaign-delivery)\n"));
  EXPECT_THAT(md, HasSubstr("## 1. Overview & objectives\n"));
  EXPECT_THAT(md, HasSubstr("### 9.1 Campaign delivery\n"));
}

TEST(RenderManualTest, MarkdownHasMatrixRow) {
  std::string md = RenderMarkdown(SmallDefinition());
  EXPECT_THAT(md, HasSubstr("- **Hit policy:** **collect**"));
  EXPECT_THAT(md, HasSubstr("| `finance-large` | any | large | any | "
                            "Finance Partner, Head of Marketing Ops | any | "
                            "sequential | |\n"));
}

TEST(RenderManualTest, MarkdownHasRaciRows) {
  std::string md = RenderMarkdown(SmallDefinition());
  // Columns: Head of Marketing Ops, Campaign Manager, Brand Manager, Finance
  // Partner, Designer.
  EXPECT_THAT(md, HasSubstr("| Process | Step | Head of Marketing Ops | "
                            "Campaign Manager | Brand Manager | Finance "
                            "Partner | Designer |\n"));
  EXPECT_THAT(md, HasSubstr("| Campaign delivery | Write \\| brief | A | R | "
                            "C | | |\n"));
  // Approvers of a matrix approval are accountable for it.
  EXPECT_THAT(md, HasSubstr("| Campaign delivery | Approve brief | A | | A | "
                            "A | |\n"));
}

TEST(RenderManualTest, MarkdownHasSlaAndEscalationLevels) {
  std::string md = RenderMarkdown(SmallDefinition());
  EXPECT_THAT(md, HasSubstr("| Campaign delivery | Approve brief | approval | "
                            "Brand Manager, Finance Partner, Head of "
                            "Marketing Ops | 8h | Delayed approval |\n"));
  EXPECT_THAT(md, HasSubstr("| Campaign delivery | Write \\| brief | task | "
                            "Campaign Manager | 2d | |\n"));
  EXPECT_THAT(md, HasSubstr("#### 12.2.1 Delayed approval\n"));
  EXPECT_THAT(md, HasSubstr("| 1 | Head of Marketing Ops | 4h |\n"));
  EXPECT_THAT(md, HasSubstr("| 2 | Budi Santoso | 1d |\n"));
  EXPECT_THAT(md, HasSubstr("- **Repeat:** every 1d, 2 times\n"));
}

TEST(RenderManualTest, MarkdownHasConditionalChecklistItemsAndFreezes) {
  std::string md = RenderMarkdown(SmallDefinition());
  EXPECT_THAT(md, HasSubstr("| 1 | All links work | Campaign Manager | yes | "
                            "every campaign |\n"));
  EXPECT_THAT(md, HasSubstr("| Legal copy approved | Brand Manager | yes | "
                            "`channel` ∈ {print, ooh} |\n"));
  EXPECT_THAT(md, HasSubstr("| Year-end freeze | 2026-12-24 | 2026-12-31 | "
                            "No launches |\n"));
}

TEST(RenderManualTest, MarkdownDescribesStepsAndRouting) {
  std::string md = RenderMarkdown(SmallDefinition());
  EXPECT_THAT(md, HasSubstr("#### 9.1.1 Write \\| brief\n"));
  EXPECT_THAT(md, HasSubstr("- **Outcomes:** approved → Route by type; "
                            "rejected → end of process; changes requested → "
                            "Write \\| brief\n"));
  EXPECT_THAT(md, HasSubstr("  - when `campaign_type` ∈ {product-launch, "
                            "event} → Produce assets (launch or event)\n"));
  EXPECT_THAT(md, HasSubstr("  - otherwise → Launch checks\n"));
  EXPECT_THAT(md, HasSubstr("| TV script | `script` | file | when `channels` "
                            "= tv |"));
  EXPECT_THAT(md, HasSubstr("| Campaign brief | `brief-template` | Campaign "
                            "Manager | 2.0 (2026-01-05) | Write \\| brief |"));
}

TEST(RenderManualTest, MarkdownKeepsPhoneNumbersOut) {
  std::string md = RenderMarkdown(SmallDefinition());
  EXPECT_THAT(md, HasSubstr("| Ana Putri | `ana` | Campaign Manager | Growth "
                            "| Jakarta office | Budi Santoso | |\n"));
  EXPECT_THAT(md, Not(HasSubstr("5550")));
}

TEST(RenderManualTest, MarkdownLinksDiagramFiles) {
  Result<RenderedManual> manual =
      RenderManual(SmallDefinition(), {ManualFormat::kMarkdown, true});
  ASSERT_TRUE(manual.ok()) << manual.status().ToString();
  EXPECT_THAT(manual->text,
              HasSubstr("![Process diagram](diagrams/delivery.svg)"));
  ASSERT_EQ(manual->files.size(), 1u);
  EXPECT_EQ(manual->files[0].first, "diagrams/delivery.svg");
  EXPECT_THAT(manual->files[0].second, HasSubstr("<svg"));

  Result<RenderedManual> plain =
      RenderManual(SmallDefinition(), {ManualFormat::kMarkdown, false});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->files.empty());
  EXPECT_THAT(plain->text, Not(HasSubstr("![Process diagram]")));
}

TEST(RenderManualTest, EscapesStructureInUserText) {
  Definition def = SmallDefinition();
  def.sop.overview = "# Not a heading\n\n```\nunclosed fence";
  def.roles[1].name = "Campaign | Manager";
  std::string md = RenderMarkdown(def, /*diagrams=*/false);
  EXPECT_THAT(md, HasSubstr("\\# Not a heading"));
  EXPECT_THAT(md, HasSubstr("```\nunclosed fence\n```\n"));
  EXPECT_THAT(md, HasSubstr("| Campaign \\| Manager | `cm` |"));
}

TEST(RenderManualTest, OutputIsDeterministic) {
  Definition def = SmallDefinition();
  EXPECT_EQ(RenderMarkdown(def), RenderMarkdown(def));
  EXPECT_EQ(RenderHtml(def), RenderHtml(def));
}

// Collects libxml2 errors; the HTML 4 parser does not know SVG elements,
// so unknown-tag reports are ignored.
void CollectError(void* errors, const xmlError* error) {
  if (error->level >= XML_ERR_ERROR && error->code != XML_HTML_UNKNOWN_TAG) {
    static_cast<std::vector<std::string>*>(errors)->push_back(
        std::to_string(error->line) + ": " + error->message);
  }
}

// Parses `html` with libxml2's HTML parser (errors reported, not
// suppressed) and returns the errors it reported.
std::vector<std::string> HtmlErrors(const std::string& html) {
  std::vector<std::string> errors;
  // The handler's error parameter gained `const` in later libxml2 versions;
  // the cast keeps the test building with both.
  xmlSetStructuredErrorFunc(&errors, reinterpret_cast<xmlStructuredErrorFunc>(
                                         +[](void* sink, xmlError* error) {
                                           CollectError(sink, error);
                                         }));
  htmlDocPtr doc = htmlReadMemory(html.data(), static_cast<int>(html.size()),
                                  "manual.html", "UTF-8", HTML_PARSE_NONET);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (doc == nullptr) {
    errors.push_back("not parsed");
  } else {
    xmlFreeDoc(doc);
  }
  return errors;
}

TEST(RenderManualTest, HtmlErrorCheckerSeesErrors) {
  EXPECT_THAT(HtmlErrors("<html><body><p>a</b></i></body></html>"),
              Not(IsEmpty()));
}

TEST(RenderManualTest, HtmlParsesWithoutErrors) {
  EXPECT_THAT(HtmlErrors(RenderHtml(SmallDefinition())), IsEmpty());
}

TEST(RenderManualTest, HtmlIsSelfContained) {
  std::string html = RenderHtml(SmallDefinition());
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>\n"));
  EXPECT_THAT(html, HasSubstr("<style>"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, Not(HasSubstr("<?xml")));
  EXPECT_THAT(html, Not(HasSubstr("<!DOCTYPE svg")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("livesopdiagram")));
  EXPECT_THAT(html, HasSubstr("Generated from SOP <code>mkt</code> version "
                              "1.2.0."));
  EXPECT_THAT(html, HasSubstr("<h2 id=\"1-overview--objectives\">"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#1-overview--objectives\">"));
}

TEST(RenderManualTest, HtmlDropsRawHtmlFromSopText) {
  Definition def = SmallDefinition();
  def.sop.overview =
      "<script>alert(2)</script>\n\n<img src=x onerror=alert(3)>";
  def.processes[0].purpose = "[click](javascript:alert(4))";
  def.processes[0].trigger = "![pixel](http://example.com/p.png)";
  std::string html = RenderHtml(def);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  // A Markdown image becomes a link, so the manual loads nothing.
  EXPECT_THAT(html, HasSubstr("!<a href=\"http://example.com/p.png\">"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST(RenderManualTest, MarkerInSopTextDoesNotInjectDiagram) {
  Definition def = SmallDefinition();
  def.sop.overview = "livesopdiagram0000000000000000n0";
  std::string html = RenderHtml(def);
  EXPECT_THAT(html, HasSubstr("<p>livesopdiagram0000000000000000n0</p>"));
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos;
       at = html.find("<svg", at + 1)) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 1u);
}

TEST(RenderManualTest, EveryContentsLinkHasItsAnchorInHtml) {
  Definition def = SmallDefinition();
  // A second process with the same name gets a de-duplicated anchor.
  def.processes.push_back(def.processes[0]);
  def.processes[1].id = "delivery-copy";
  std::string html = RenderHtml(def);
  std::regex href("href=\"#([^\"]+)\"");
  int links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href);
       it != std::sregex_iterator(); ++it) {
    ++links;
    EXPECT_THAT(html, HasSubstr("id=\"" + (*it)[1].str() + "\">"));
  }
  EXPECT_GT(links, 20);
  EXPECT_THAT(html, HasSubstr("<h3 id=\"92-campaign-delivery\">"));
}

TEST(RenderManualTest, EmptyDefinitionRenders) {
  Definition def;
  std::string md = RenderMarkdown(def);
  EXPECT_THAT(md, StartsWith("# SOP manual\n"));
  EXPECT_THAT(md, HasSubstr("_No processes defined._"));
  EXPECT_THAT(RenderHtml(def), HasSubstr("<h2 id=\"19-changelog\">"));
}

// Graphviz aborts or crashes on a node placed in two clusters (duplicate
// step ids) and on a cluster label made only of line breaks; the validator
// reports such input, but rendering must survive it.
TEST(RenderProcessSvgTest, SurvivesDuplicateIdsAndBlankNames) {
  Definition def = SmallDefinition();
  Process& p = def.processes[0];
  p.steps[4].id = "copy";  // design and copy share an id, in two lanes
  def.roles[1].name = "\n\n";
  p.steps[2].name = "\n";
  p.steps[0].name = "Bad \xff\xfe UTF-8 & <tags> &#;";
  Result<std::string> svg = RenderProcessSvg(def, p);
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  // Bad bytes become U+FFFD; '&' and '<' are escaped once.
  EXPECT_THAT(*svg,
              HasSubstr(">Bad \xEF\xBF\xBD\xEF\xBF\xBD UTF&#45;8 &amp;<"));
  EXPECT_THAT(*svg, HasSubstr(">&lt;tags&gt; &amp;#;<"));
  EXPECT_THAT(HtmlErrors(RenderHtml(def)), IsEmpty());
}

TEST(RenderProcessSvgTest, StartsWithSvgAndNamesEveryStep) {
  Definition def = SmallDefinition();
  Result<std::string> svg = RenderProcessSvg(def, def.processes[0]);
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  EXPECT_THAT(*svg, StartsWith("<svg"));
  for (const Step& step : def.processes[0].steps) {
    EXPECT_THAT(*svg, HasSubstr(step.name)) << step.id;
  }
  EXPECT_THAT(*svg, HasSubstr(">approved<"));
  EXPECT_THAT(*svg, HasSubstr(">changes requested<"));
  EXPECT_THAT(*svg, HasSubstr(">launch or event<"));
}

TEST(RenderProcessDotTest, IsDeterministicAndShapedByType) {
  Definition def = SmallDefinition();
  std::string dot = RenderProcessDot(def, def.processes[0]);
  EXPECT_EQ(dot, RenderProcessDot(def, def.processes[0]));
  EXPECT_THAT(dot, StartsWith("digraph \"delivery\" {\n"));
  EXPECT_THAT(dot,
              HasSubstr("\"step:approve\" [shape=box, style=\"filled,bold\""));
  EXPECT_THAT(dot, HasSubstr("peripheries=2"));
  EXPECT_THAT(dot, HasSubstr("\"step:route\" [shape=diamond"));
  EXPECT_THAT(dot, HasSubstr("<FONT POINT-SIZE=\"16\">×</FONT>"));
  EXPECT_THAT(dot, HasSubstr("\"step:done\" [shape=doublecircle"));
  EXPECT_THAT(dot, HasSubstr("\"step:approve\" -> \"step:brief\" "
                             "[label=\"changes requested\", style=dashed]"));
  EXPECT_THAT(dot, HasSubstr("\"step:approve\" -> \"livesop:end\" "
                             "[label=\"rejected\""));
  EXPECT_THAT(dot, HasSubstr("label=\"Campaign Manager\""));
}

TEST(RenderProcessDotTest, EscapesQuotesAndBackslashes) {
  Definition def = SmallDefinition();
  def.processes[0].steps[0].name = "Say \"hi\" \\N";
  std::string dot = RenderProcessDot(def, def.processes[0]);
  EXPECT_THAT(dot, HasSubstr("label=\"Say \\\"hi\\\" \\\\N"));
  Result<std::string> svg = RenderProcessSvg(def, def.processes[0]);
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  EXPECT_THAT(*svg, HasSubstr("Say &quot;hi&quot; \\N"));
}

}  // namespace
}  // namespace livesop::sop
