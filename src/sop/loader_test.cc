#include "sop/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

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

}  // namespace
}  // namespace livesop::sop
