#include "sop/render.h"

#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace livesop::sop {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

BusinessDuration Days(int64_t n) {
  return {n, BusinessDuration::Unit::kDays, std::to_string(n) + "d"};
}
BusinessDuration Hours(int64_t n) {
  return {n, BusinessDuration::Unit::kHours, std::to_string(n) + "h"};
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
  def.changelog.push_back({{}, "1.2.0", "2026-02-20", "head", {"Add matrix"}});

  def.calendars.push_back({{},
                           "jkt",
                           "Jakarta office",
                           "Asia/Jakarta",
                           {"mon", "tue", "wed", "thu", "fri"},
                           {"09:00-17:00"},
                           {{{}, "2026-03-19", "Nyepi"}}});
  def.teams.push_back({{}, "growth", "Growth", "ana", "Campaigns"});
  def.roles.push_back({{}, "head", "Head of Marketing Ops", "growth", "", {}});
  def.roles.push_back({{},
                       "cm",
                       "Campaign Manager",
                       "growth",
                       "Runs campaigns",
                       {"Write briefs", "Track launch"}});
  def.roles.push_back({{}, "brand", "Brand Manager", "growth", "", {}});
  def.roles.push_back({{}, "finance", "Finance Partner", "", "", {}});
  def.roles.push_back({{}, "designer", "Designer", "growth", "", {}});
  Person ana;
  ana.id = "ana";
  ana.name = "Ana Putri";
  ana.phone = "+62 811 5550 1234";
  ana.email = "ana@example.com";
  ana.roles = {"cm"};
  ana.team = "growth";
  ana.calendar = "jkt";
  ana.delegates = {"budi"};
  def.people.push_back(ana);
  Person budi;
  budi.id = "budi";
  budi.name = "Budi Santoso";
  budi.roles = {"brand", "head"};
  def.people.push_back(budi);

  Budget budget;
  budget.currency = "IDR";
  budget.field = "budget";
  budget.bands = {{{}, "small", "Small", 10000000.0},
                  {{}, "large", "Large", std::nullopt}};
  def.budget = budget;

  Form form;
  form.id = "request";
  form.name = "Campaign request";
  FormField budget_field;
  budget_field.id = "budget";
  budget_field.label = "Budget";
  budget_field.type = FieldType::kMoney;
  budget_field.required = true;
  budget_field.min = 0;
  budget_field.currency = "IDR";
  form.fields.push_back(budget_field);
  FormField channels;
  channels.id = "channels";
  channels.label = "Channels";
  channels.type = FieldType::kMultiChoice;
  channels.options = {"instagram", "email", "tv"};
  form.fields.push_back(channels);
  FormField script;
  script.id = "script";
  script.label = "TV script";
  script.type = FieldType::kFile;
  script.required_when = When({{"channels", "tv"}});
  form.fields.push_back(script);
  def.forms.push_back(form);

  CampaignType launch;
  launch.id = "product-launch";
  launch.name = "Product launch";
  launch.process = "delivery";
  launch.form = "request";
  launch.lead_time = Days(15);
  def.campaign_types.push_back(launch);

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
  Branch tv;
  tv.when = When({{"campaign_type", "product-launch, event"}});
  tv.next = "split";
  tv.label = "launch or event";
  Branch other;
  other.is_default = true;
  other.next = "launch";
  route.branches = {tv, other};
  p.steps.push_back(route);

  Step split = MakeStep("split", "Produce assets", StepType::kParallel);
  Branch design;
  design.next = "design";
  Branch copy;
  copy.next = "copy";
  split.branches = {design, copy};
  p.steps.push_back(split);

  Step design_step = MakeStep("design", "Design visuals", StepType::kTask);
  design_step.role = "designer";
  design_step.next = "join";
  p.steps.push_back(design_step);
  Step copy_step = MakeStep("copy", "Write copy", StepType::kTask);
  copy_step.role = "cm";
  copy_step.next = "join";
  p.steps.push_back(copy_step);
  Step join = MakeStep("join", "Assets ready", StepType::kJoin);
  join.next = "launch";
  p.steps.push_back(join);

  Step launch_step = MakeStep("launch", "Launch checks", StepType::kChecklist);
  launch_step.role = "cm";
  launch_step.checklist = "pre-launch";
  launch_step.next = "done";
  p.steps.push_back(launch_step);
  Step done = MakeStep("done", "Campaign live", StepType::kEnd);
  p.steps.push_back(done);
  def.processes.push_back(p);

  ApprovalMatrix m;
  m.id = "campaign-approval";
  m.name = "Campaign approval";
  m.hit_policy = HitPolicy::kCollect;
  MatrixRule brand;
  brand.id = "brand-all";
  brand.when =
      When({{"campaign_type", "-"}, {"budget_band", "-"}, {"channel", "-"}});
  brand.approvers = {"brand"};
  m.rules.push_back(brand);
  MatrixRule big;
  big.id = "finance-large";
  big.when = When(
      {{"campaign_type", "-"}, {"budget_band", "large"}, {"channel", "-"}});
  big.approvers = {"finance", "head"};
  big.quorum = Quorum::kAny;
  big.mode = ApprovalMode::kSequential;
  m.rules.push_back(big);
  def.approval_matrices.push_back(m);

  EscalationRule late;
  late.id = "late-approval";
  late.name = "Delayed approval";
  late.trigger = "sla_breach";
  late.step_types = {"approval"};
  late.levels = {{{}, "head", Hours(4)}, {{}, "budi", Days(1)}};
  late.repeat_every = Days(1);
  late.repeat_times = 2;
  late.stop = "task_completed";
  def.escalations.push_back(late);

  Template t;
  t.id = "brief-template";
  t.name = "Campaign brief";
  t.owner = "cm";
  t.versions = {{{}, "1.0", "retired", "2025-01-10", "brief-v1.docx", ""},
                {{}, "2.0", "approved", "2026-01-05", "brief-v2.docx", "KPIs"}};
  def.templates.push_back(t);

  Channel ig;
  ig.id = "instagram";
  ig.name = "Instagram";
  ig.owner = "brand";
  AssetSpec feed;
  feed.id = "feed";
  feed.name = "Feed post";
  feed.formats = {"jpg", "png"};
  feed.sizes = {"1080x1080"};
  feed.aspect_ratios = {"1:1"};
  feed.max_file_size = "8MB";
  ig.assets.push_back(feed);
  def.channels.push_back(ig);

  Checklist pre;
  pre.id = "pre-launch";
  pre.name = "Pre-launch checks";
  pre.phase = "pre-launch";
  pre.items = {{{}, "links", "All links work", "cm", true},
               {{}, "legal", "Legal copy approved", "brand", true}};
  def.checklists.push_back(pre);

  CalendarInfo cal;
  cal.planning_cycle = "Quarterly plan, monthly lock";
  cal.default_calendar = "jkt";
  cal.deadlines = {
      {{}, "assets", "Assets final", Days(5), "design", "designer"},
      {{}, "brief-due", "Brief due", Days(15), "brief", "cm"}};
  cal.freeze_periods = {"Last week of December"};
  def.calendar = cal;

  Communication comm;
  comm.tools = {{{}, "slack", "Slack", "Day-to-day", true},
                {{}, "wa", "WhatsApp", "Urgent pings", false}};
  comm.rules = {"Decisions live in the task, not in chat."};
  def.communication = comm;
  def.automations.push_back({{},
                             "completeness",
                             "Completeness check",
                             "request submitted",
                             "Flags missing fields."});
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

// Counts libxml2 errors; the HTML 4 parser does not know SVG elements, so
// unknown-tag reports are ignored.
void CountError(void* count, const xmlError* error) {
  if (error->level >= XML_ERR_ERROR && error->code != XML_HTML_UNKNOWN_TAG) {
    ++*static_cast<int*>(count);
    ADD_FAILURE() << "libxml2: " << error->message;
  }
}

TEST(RenderManualTest, HtmlParsesWithoutErrors) {
  std::string html = RenderHtml(SmallDefinition());
  int errors = 0;
  xmlSetStructuredErrorFunc(&errors, reinterpret_cast<xmlStructuredErrorFunc>(
                                         +[](void* count, xmlError* error) {
                                           CountError(count, error);
                                         }));
  htmlDocPtr doc = htmlReadMemory(html.data(), static_cast<int>(html.size()),
                                  "manual.html", "UTF-8", HTML_PARSE_NONET);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  ASSERT_NE(doc, nullptr);
  xmlFreeDoc(doc);
  EXPECT_EQ(errors, 0);
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
  std::string html = RenderHtml(def);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
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

TEST(RenderProcessSvgTest, StartsWithSvgAndNamesEverySteps) {
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
  EXPECT_THAT(dot, HasSubstr("label=\"×\""));
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
