#include "sop/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "sop/validate.h"

namespace livesop::sop {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

std::vector<std::string> Codes(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics.items()) out.push_back(d.code);
  return out;
}

// A fresh temporary directory per test, removed afterwards.
class LoaderTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("livesop-loader-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  fs::path dir_;
};

constexpr const char* kSop =
    "sop: { id: s, title: T, version: '1.0', owner: lead }\n";

TEST_F(LoaderTest, ReadsValuesWithTheirLocations) {
  LoadResult r = LoadDefinitionFromString(
      std::string(kSop) +
          "roles:\n"
          "  - id: lead\n"
          "    name: Lead\n"
          "people:\n"
          "  - { id: ana, name: Ana, roles: [lead], delegates: [ben] }\n",
      "mem.yaml");
  EXPECT_THAT(Codes(r), testing::IsEmpty());
  const Definition& def = r.definition;
  EXPECT_EQ(def.sop.version, "1.0");
  ASSERT_EQ(def.roles.size(), 1u);
  EXPECT_EQ(def.roles[0].where.line, 3);
  EXPECT_EQ(def.roles[0].where.column, 5);
  ASSERT_EQ(def.people.size(), 1u);
  EXPECT_EQ(def.people[0].delegates, std::vector<std::string>{"ben"});
  SourceLocation delegate = LocationOf(def.people[0].at, "delegates[0]", {});
  EXPECT_EQ(delegate.line, 6);
  EXPECT_EQ(delegate.column, 54);
}

TEST_F(LoaderTest, DurationsKeepTheirUnit) {
  LoadResult r = LoadDefinitionFromString(
      std::string(kSop) +
          "processes:\n"
          "  - id: p\n    name: P\n    owner: lead\n    category: "
          "revenue-facing\n"
          "    steps:\n"
          "      - { id: a, type: task, role: lead, sla: 4h, next: b }\n"
          "      - { id: b, type: wait, wait_for: 2w, next: end }\n",
      "mem.yaml");
  ASSERT_THAT(Codes(r), testing::IsEmpty());
  const Process& p = r.definition.processes[0];
  ASSERT_TRUE(p.steps[0].sla.has_value());
  EXPECT_EQ(p.steps[0].sla->Minutes(), 240);
  EXPECT_EQ(p.steps[1].wait_for->Minutes(8 * 60), 10 * 8 * 60);
  EXPECT_EQ(p.steps[1].wait_for->text, "2w");
}

TEST_F(LoaderTest, ReportsEveryProblemInOnePass) {
  LoadResult r = LoadDefinitionFromString(std::string(kSop) +
                                              "roles:\n"
                                              "  - { id: lead, nmae: Lead }\n"
                                              "  - { id: Bad Id, name: X }\n"
                                              "people: { id: ana }\n",
                                          "mem.yaml");
  EXPECT_THAT(Codes(r), testing::ElementsAre("unknown-key", "missing-key",
                                             "invalid-value", "wrong-type"));
  EXPECT_THAT(r.diagnostics.items()[0].hint, HasSubstr("did you mean `name`"));
}

TEST_F(LoaderTest, IncludesAreMergedInOrderAndDiamondsReadOnce) {
  std::string root = Write("sop.yaml", std::string(kSop) +
                                           "include: [a.yaml, b.yaml]\n"
                                           "roles: [{ id: lead, name: L }]\n");
  Write("a.yaml", "include: [shared.yaml]\nroles: [{ id: a, name: A }]\n");
  Write("b.yaml", "include: [shared.yaml]\nroles: [{ id: b, name: B }]\n");
  Write("shared.yaml", "roles: [{ id: shared, name: S }]\n");
  LoadResult r = LoadDefinition(root);
  EXPECT_THAT(Codes(r), testing::IsEmpty());
  std::vector<std::string> ids;
  for (const Role& role : r.definition.roles) ids.push_back(role.id);
  EXPECT_THAT(ids, testing::ElementsAre("lead", "a", "shared", "b"));
  EXPECT_EQ(r.definition.files.size(), 4u);
  EXPECT_EQ(r.definition.roles[2].where.file,
            (dir_ / "shared.yaml").lexically_normal().string());
}

TEST_F(LoaderTest, MissingRootFileIsAnIoFailure) {
  LoadResult r = LoadDefinition((dir_ / "nope.yaml").string());
  EXPECT_TRUE(r.io_failure);
  EXPECT_THAT(Codes(r), testing::ElementsAre("io-error"));
  EXPECT_THAT(r.diagnostics.items()[0].message, HasSubstr("no such file"));
}

TEST_F(LoaderTest, DirectoryAndDanglingLinkAreIoFailures) {
  LoadResult dir = LoadDefinition(dir_.string());
  EXPECT_TRUE(dir.io_failure);
  EXPECT_THAT(dir.diagnostics.items()[0].message, HasSubstr("is a directory"));
  fs::create_symlink(dir_ / "missing-target.yaml", dir_ / "link.yaml");
  LoadResult link = LoadDefinition((dir_ / "link.yaml").string());
  EXPECT_TRUE(link.io_failure);
  EXPECT_THAT(Codes(link), testing::ElementsAre("io-error"));
}

TEST_F(LoaderTest, HugeFileIsRefusedWithoutReadingItAll) {
  std::string path = Write("big.yaml", std::string(2048, '#'));
  LoadOptions options;
  options.max_file_bytes = 1024;
  LoadResult r = LoadDefinition(path, options);
  EXPECT_TRUE(r.io_failure);
  EXPECT_THAT(Codes(r), testing::ElementsAre("file-too-large"));
  EXPECT_THAT(r.diagnostics.items()[0].hint, HasSubstr("include"));
}

TEST_F(LoaderTest, EmptyAndBinaryFilesAreClearErrors) {
  LoadResult empty = LoadDefinition(Write("empty.yaml", "\n# nothing\n"));
  EXPECT_FALSE(empty.io_failure);
  EXPECT_THAT(Codes(empty), testing::ElementsAre("empty-file"));
  LoadResult binary =
      LoadDefinition(Write("bin.yaml", std::string("\x7f"
                                                   "ELF\0\0\x01",
                                                   7)));
  EXPECT_THAT(Codes(binary), testing::ElementsAre("yaml-syntax"));
  EXPECT_THAT(binary.diagnostics.items()[0].message, HasSubstr("binary"));
}

TEST_F(LoaderTest, DeepNestingIsASyntaxErrorNotACrash) {
  LoadResult r =
      LoadDefinitionFromString(std::string(100000, '['), "deep.yaml");
  ASSERT_FALSE(r.diagnostics.items().empty());
  EXPECT_EQ(r.diagnostics.items()[0].code, "yaml-syntax");
}

TEST_F(LoaderTest, AliasExpansionIsBounded) {
  // Aliases let a small file describe a huge model; the element limit
  // stops the reader long before memory or time run out.
  std::string bomb = std::string(kSop) + "processes:\n";
  bomb +=
      "  - &p0 { id: p, name: P, owner: lead, category: revenue-facing, "
      "steps: [{ id: s, type: task, role: lead, next: end }] }\n";
  for (int i = 0; i < 5000; ++i) bomb += "  - *p0\n";
  LoadOptions options;
  options.max_elements = 2000;
  LoadResult r = LoadDefinitionFromString(bomb, "bomb.yaml", options);
  EXPECT_THAT(Codes(r), testing::Contains("too-many-elements"));
  EXPECT_LT(r.definition.processes.size(), 1000u);
  EXPECT_GT(r.definition.processes.size(), 100u);
}

TEST_F(LoaderTest, NewerFormatVersionIsRefused) {
  LoadResult r =
      LoadDefinitionFromString(std::string(kSop) + "livesop: 2\n", "v.yaml");
  ASSERT_THAT(Codes(r), testing::ElementsAre("invalid-value"));
  EXPECT_THAT(r.diagnostics.items()[0].message, HasSubstr("version 2"));
}

// ---------------------------------------------------------------------------
// Bundles: an SOP's files as text, for publishing versions into the store.

// `file` relative to `folder` when it is absolute (a load from disk), as it
// is otherwise (a load from a bundle).
std::string RelativeFile(const std::string& file, const fs::path& folder) {
  if (!fs::path(file).is_absolute()) return file;
  return fs::path(file).lexically_normal().lexically_relative(folder).string();
}

// A diagnostic with its file name relative to `folder`, for comparing a load
// from disk with a load from the bundle.
std::string Relative(const Diagnostic& d, const fs::path& folder) {
  Diagnostic copy = d;
  copy.location.file = RelativeFile(d.location.file, folder);
  return FormatDiagnostic(copy) + " @" + copy.path;
}

std::vector<std::string> RelativeDiagnostics(const LoadResult& r,
                                             const fs::path& folder) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics.items()) {
    out.push_back(Relative(d, folder));
  }
  return out;
}

TEST_F(LoaderTest, ExampleSopLoadsFromItsBundleAsFromDisk) {
  const fs::path folder =
      fs::path(LIVESOP_SOURCE_DIR) / "examples" / "marketing-ops";
  const std::string root = (folder / "sop.yaml").string();
  Result<Bundle> bundle = ReadBundle(root);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->root, "sop.yaml");
  std::vector<std::string> names;
  for (const auto& [path, content] : bundle->files) names.push_back(path);
  EXPECT_THAT(names, testing::ElementsAre(
                         "approvals.yaml", "campaigns.yaml", "content.yaml",
                         "holidays/indonesia-2026.ics", "operations.yaml",
                         "organisation.yaml", "processes.yaml", "sop.yaml"));

  const LoadResult disk = LoadDefinition(root);
  const LoadResult bundled = LoadDefinitionFromBundle(*bundle);
  EXPECT_FALSE(bundled.io_failure);
  EXPECT_EQ(RelativeDiagnostics(bundled, folder),
            RelativeDiagnostics(disk, folder));
  EXPECT_EQ(Validate(bundled.definition).items().size(),
            Validate(disk.definition).items().size());

  const Definition& a = disk.definition;
  const Definition& b = bundled.definition;
  EXPECT_EQ(b.root_file, "sop.yaml");
  ASSERT_EQ(b.files.size(), a.files.size());
  for (size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(b.files[i], RelativeFile(a.files[i], folder));
  }
  EXPECT_EQ(b.sop.id, "marketing-ops");
  EXPECT_EQ(b.sop.version, a.sop.version);
  EXPECT_EQ(b.roles.size(), a.roles.size());
  EXPECT_EQ(b.people.size(), a.people.size());
  EXPECT_EQ(b.forms.size(), a.forms.size());
  EXPECT_EQ(b.campaign_types.size(), a.campaign_types.size());
  EXPECT_EQ(b.approval_matrices.size(), a.approval_matrices.size());
  EXPECT_EQ(b.escalations.size(), a.escalations.size());
  EXPECT_EQ(b.templates.size(), a.templates.size());
  EXPECT_EQ(b.checklists.size(), a.checklists.size());
  ASSERT_EQ(b.processes.size(), a.processes.size());
  ASSERT_FALSE(a.processes.empty());
  for (size_t p = 0; p < a.processes.size(); ++p) {
    const Process& pa = a.processes[p];
    const Process& pb = b.processes[p];
    EXPECT_EQ(pb.id, pa.id);
    ASSERT_EQ(pb.steps.size(), pa.steps.size()) << pa.id;
    for (size_t s = 0; s < pa.steps.size(); ++s) {
      const Step& sa = pa.steps[s];
      const Step& sb = pb.steps[s];
      EXPECT_EQ(sb.id, sa.id);
      EXPECT_EQ(sb.role, sa.role);
      EXPECT_EQ(sb.where.file, RelativeFile(sa.where.file, folder)) << sa.id;
      EXPECT_EQ(sb.where.line, sa.where.line) << sa.id;
      EXPECT_EQ(sb.where.column, sa.where.column) << sa.id;
      EXPECT_EQ(sb.sla.has_value(), sa.sla.has_value()) << sa.id;
      if (sa.sla && sb.sla) {
        EXPECT_EQ(sb.sla->text, sa.sla->text);
      }
    }
  }
  ASSERT_FALSE(a.people.empty());
  EXPECT_EQ(b.people.back().id, a.people.back().id);
  EXPECT_EQ(b.people.back().roles, a.people.back().roles);
  EXPECT_EQ(b.people.back().where.line, a.people.back().where.line);
}

TEST_F(LoaderTest, BundleDiagnosticsMatchTheDiskForABrokenSop) {
  const std::string root = Write(
      "sop/sop.yaml",
      std::string(kSop) + "include: [parts/roles.yaml, ../shared.yaml]\n");
  Write("sop/parts/roles.yaml",
        "include: [bad.yaml]\nroles: [{ id: lead, nmae: L }]\n");
  Write("sop/parts/bad.yaml", "roles: [ { id: x\n");
  Write("shared.yaml", "people: [{ id: ana, name: Ana, roles: [lead] }]\n");
  Result<Bundle> bundle = ReadBundle(root);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_TRUE(bundle->files.contains("../shared.yaml"));
  EXPECT_TRUE(bundle->files.contains("parts/bad.yaml"));
  const LoadResult disk = LoadDefinition(root);
  const LoadResult bundled = LoadDefinitionFromBundle(*bundle);
  EXPECT_THAT(Codes(bundled), testing::ElementsAre("unknown-key", "missing-key",
                                                   "yaml-syntax"));
  EXPECT_EQ(RelativeDiagnostics(bundled, dir_ / "sop"),
            RelativeDiagnostics(disk, dir_ / "sop"));
  EXPECT_EQ(bundled.definition.people.size(), 1u);
}

TEST_F(LoaderTest, IncludeMissingFromABundleIsADiagnosticNamingIt) {
  Bundle bundle;
  bundle.root = "sop.yaml";
  bundle.files["sop.yaml"] =
      std::string(kSop) + "include: [a.yaml, gone.yaml]\n";
  bundle.files["a.yaml"] = "roles: [{ id: lead, name: L }]\n";
  LoadResult r = LoadDefinitionFromBundle(bundle);
  EXPECT_FALSE(r.io_failure);
  ASSERT_THAT(Codes(r), testing::ElementsAre("include-not-found"));
  const Diagnostic& d = r.diagnostics.items()[0];
  EXPECT_THAT(d.message, HasSubstr("\"gone.yaml\""));
  EXPECT_THAT(d.message, HasSubstr("not in the bundle"));
  EXPECT_EQ(d.location.file, "sop.yaml");
  EXPECT_EQ(d.location.line, 2);
  EXPECT_EQ(r.definition.roles.size(), 1u);

  // Nothing outside the bundle is read, even a file of that name nearby.
  Write("gone.yaml", "roles: [{ id: other, name: O }]\n");
  EXPECT_THAT(Codes(LoadDefinitionFromBundle(bundle)),
              testing::ElementsAre("include-not-found"));

  bundle.files.erase("sop.yaml");
  LoadResult rootless = LoadDefinitionFromBundle(bundle);
  EXPECT_TRUE(rootless.io_failure);
  EXPECT_THAT(Codes(rootless), testing::ElementsAre("io-error"));
}

TEST_F(LoaderTest, HolidayFilesAddTheirHolidaysAndTravelInTheBundle) {
  Write("holidays/id.ics",
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
        "BEGIN:VEVENT\nUID:a@x\nDTSTART;VALUE=DATE:20260101\n"
        "SUMMARY:Tahun Baru\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:b@x\nDTSTART;VALUE=DATE:20260817\n"
        "SUMMARY:Hari Kemerdekaan\nEND:VEVENT\nEND:VCALENDAR\n");
  Write("holidays/extra.yaml", "- { date: 2026-12-24, name: Office closed }\n");
  const std::string root = Write(
      "cal/sop.yaml",
      std::string(kSop) +
          "calendars:\n"
          "  - id: jkt\n"
          "    timezone: Asia/Jakarta\n"
          "    holidays: [{ date: 2026-01-01, name: New Year }]\n"
          "    holidays_from: [../holidays/id.ics, ../holidays/extra.yaml]\n");
  LoadResult r = LoadDefinition(root);
  EXPECT_THAT(Codes(r), testing::IsEmpty());
  ASSERT_EQ(r.definition.calendars.size(), 1u);
  std::vector<std::string> got;
  for (const Holiday& h : r.definition.calendars[0].holidays) {
    got.push_back(h.date + " " + h.name);
  }
  // The SOP's own entry for a date wins over the file's.
  EXPECT_THAT(got, testing::ElementsAre("2026-01-01 New Year",
                                        "2026-08-17 Hari Kemerdekaan",
                                        "2026-12-24 Office closed"));

  Result<Bundle> bundle = ReadBundle(root);
  ASSERT_TRUE(bundle.ok()) << bundle.status().message();
  EXPECT_EQ(bundle->files.count("../holidays/id.ics"), 1u);
  EXPECT_EQ(bundle->files.count("../holidays/extra.yaml"), 1u);
  LoadResult again = LoadDefinitionFromBundle(*bundle);
  EXPECT_THAT(Codes(again), testing::IsEmpty());
  ASSERT_EQ(again.definition.calendars.size(), 1u);
  EXPECT_EQ(again.definition.calendars[0].holidays.size(), 3u);

  bundle->files.erase("../holidays/id.ics");
  EXPECT_THAT(Codes(LoadDefinitionFromBundle(*bundle)),
              testing::ElementsAre("include-not-found"));
}

TEST_F(LoaderTest, BadOrMissingHolidayFilesAreNamedWithTheirLines) {
  Write("bad.yaml", "- { date: 2026-01-01 }\n- { date: 2026-04-31 }\n");
  const std::string root =
      Write("sop.yaml", std::string(kSop) +
                            "calendars:\n"
                            "  - id: jkt\n"
                            "    timezone: Asia/Jakarta\n"
                            "    holidays_from: [bad.yaml, missing.ics]\n");
  LoadResult r = LoadDefinition(root);
  ASSERT_THAT(Codes(r),
              testing::ElementsAre("holidays-invalid", "include-not-found"));
  const Diagnostic& bad = r.diagnostics.items()[0];
  EXPECT_THAT(bad.location.file, testing::EndsWith("bad.yaml"));
  EXPECT_EQ(bad.location.line, 2);
  EXPECT_THAT(bad.message, HasSubstr("2026-04-31"));
  const Diagnostic& missing = r.diagnostics.items()[1];
  EXPECT_THAT(missing.message, HasSubstr("missing.ics"));
  EXPECT_EQ(missing.location.line, 5);
  ASSERT_EQ(r.definition.calendars.size(), 1u);
  EXPECT_EQ(r.definition.calendars[0].holidays.size(), 1u);
}

TEST_F(LoaderTest, ReadBundleNamesFilesItCannotBundle) {
  Result<Bundle> missing = ReadBundle((dir_ / "nope.yaml").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.yaml"));

  const std::string root =
      Write("sop.yaml", std::string(kSop) + "include: [a.yaml]\n");
  Write("a.yaml", "include: [lost.yaml]\n");
  Result<Bundle> lost = ReadBundle(root);
  EXPECT_EQ(lost.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(lost.status().message(), HasSubstr("lost.yaml"));
  EXPECT_THAT(lost.status().message(), HasSubstr("a.yaml:1:"));

  Write("a.yaml", "include: [" + (dir_ / "abs.yaml").string() + "]\n");
  Write("abs.yaml", "roles: []\n");
  Result<Bundle> absolute = ReadBundle(root);
  EXPECT_EQ(absolute.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(absolute.status().message(), HasSubstr("abs.yaml"));
  EXPECT_THAT(absolute.status().message(), HasSubstr("relative"));

  Write("a.yaml", "roles: [{ id: lead, name: \"caf\xe9\" }]\n");
  Result<Bundle> latin1 = ReadBundle(root);
  EXPECT_EQ(latin1.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(latin1.status().message(), HasSubstr("a.yaml"));
  EXPECT_THAT(latin1.status().message(), HasSubstr("UTF-8"));

  Write("a.yaml", std::string("\x7f"
                              "ELF\0\0",
                              6));
  Result<Bundle> binary = ReadBundle(root);
  EXPECT_EQ(binary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(binary.status().message(), HasSubstr("binary"));

  Write("a.yaml", std::string(2048, '#'));
  LoadOptions small;
  small.max_file_bytes = 1024;
  Result<Bundle> large = ReadBundle(root, small);
  EXPECT_EQ(large.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(large.status().message(), HasSubstr("larger than"));

  // A bundle read with a larger limit is still held to the loader's.
  Result<Bundle> roomy = ReadBundle(root);
  ASSERT_TRUE(roomy.ok()) << roomy.status().ToString();
  EXPECT_THAT(Codes(LoadDefinitionFromBundle(*roomy, small)),
              testing::ElementsAre("file-too-large"));
}

TEST_F(LoaderTest, BundleJsonRoundTripsAndTheDigestIsCanonical) {
  Bundle bundle;
  bundle.root = "sop.yaml";
  bundle.files["sop.yaml"] = "include: [a.yaml]\n";
  bundle.files["a.yaml"] = "roles: []\n";
  // SHA-256 of "livesop-sop-bundle-1\n8:sop.yaml6:a.yaml9:roles: []\n"
  // "8:sop.yaml18:include: [a.yaml]\n", computed independently.
  EXPECT_EQ(BundleDigest(bundle),
            "0195d91d3f47e055c961dc3653eb126130becad3b663b8ff75e097179d182443");

  Result<Bundle> back = BundleFromJson(BundleToJson(bundle));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, bundle);
  EXPECT_EQ(BundleDigest(*back), BundleDigest(bundle));

  Bundle changed = bundle;
  changed.files["a.yaml"] += " ";
  EXPECT_NE(BundleDigest(changed), BundleDigest(bundle));
  // The same bytes split differently between path and content differ.
  Bundle moved;
  moved.root = "sop.yaml";
  moved.files["sop.yaml"] = "include: [a.yaml]\n";
  moved.files["a.yaml9:roles: []"] = "\n";
  EXPECT_NE(BundleDigest(moved), BundleDigest(bundle));

  const fs::path example =
      fs::path(LIVESOP_SOURCE_DIR) / "examples" / "marketing-ops" / "sop.yaml";
  Result<Bundle> read = ReadBundle(example.string());
  ASSERT_TRUE(read.ok());
  Result<Bundle> again = BundleFromJson(BundleToJson(*read));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *read);
  EXPECT_EQ(BundleDigest(*again), BundleDigest(*read));
  EXPECT_EQ(BundleDigest(*read).size(), 64u);
}

TEST_F(LoaderTest, CorruptBundleJsonIsRefusedSayingWhy) {
  const std::string good =
      R"({"format":1,"root":"sop.yaml","files":{"sop.yaml":"x: 1\n"}})";
  ASSERT_TRUE(BundleFromJson(good).ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "does not parse"},
      {good.substr(0, good.size() / 2), "does not parse"},
      {"\xff\xfe{}", "does not parse"},
      {"[1, 2]", "not an object"},
      {R"({"root":"sop.yaml","files":{"sop.yaml":""}})", "format"},
      {R"({"format":2,"root":"sop.yaml","files":{"sop.yaml":""}})", "format"},
      {R"({"format":1,"files":{"sop.yaml":""}})", "root"},
      {R"({"format":1,"root":"","files":{"":""}})", "root"},
      {R"({"format":1,"root":7,"files":{}})", "root"},
      {R"({"format":1,"root":"sop.yaml","files":["sop.yaml"]})", "files"},
      {R"({"format":1,"root":"sop.yaml","files":{"sop.yaml":3}})",
       "not a string"},
      {R"({"format":1,"root":"sop.yaml","files":{"a.yaml":""}})", "root file"},
      {R"({"format":1,"root":"sop.yaml","files":{"sop.yaml":"","/etc/x":""}})",
       "/etc/x"},
      {R"({"format":1,"root":"sop.yaml","files":{"sop.yaml":"","a/../b":""}})",
       "a/../b"},
  };
  for (const auto& [json, why] : cases) {
    Result<Bundle> r = BundleFromJson(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(r.status().message(), HasSubstr(why)) << json;
  }
}

}  // namespace
}  // namespace livesop::sop
