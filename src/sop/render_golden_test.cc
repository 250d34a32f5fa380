// Golden tests of the generated manual: the Markdown for each SOP under
// testdata/sop/valid/ and for the example department must equal the file
// committed in testdata/sop/golden/. After an intended change, regenerate
// with LIVESOP_UPDATE_GOLDEN=1 and review the diff.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sop/render.h"
#include "sop/validate.h"

namespace livesop::sop {
namespace {

namespace fs = std::filesystem;

const fs::path kSource(LIVESOP_SOURCE_DIR);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void ExpectGolden(const std::string& sop, const std::string& golden) {
  LoadResult loaded = Check((kSource / sop).string());
  ASSERT_FALSE(loaded.diagnostics.has_errors());
  // Diagnostics name files as given; render from a relative root so the
  // golden does not depend on where the checkout lives.
  RenderOptions options;
  options.format = ManualFormat::kMarkdown;
  Result<RenderedManual> manual = RenderManual(loaded.definition, options);
  ASSERT_TRUE(manual.ok()) << manual.status().ToString();
  const fs::path path = kSource / "testdata" / "sop" / "golden" / golden;
  if (std::getenv("LIVESOP_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << manual->text;
  }
  ASSERT_TRUE(fs::exists(path)) << path
                                << " is missing; run with "
                                   "LIVESOP_UPDATE_GOLDEN=1";
  EXPECT_EQ(manual->text, ReadFile(path))
      << "the manual differs from " << path
      << "; if the change is intended, regenerate with "
         "LIVESOP_UPDATE_GOLDEN=1 and review the diff";
}

TEST(RenderGoldenTest, MinimalSop) {
  ExpectGolden("testdata/sop/valid/minimal.yaml", "minimal.md");
}

TEST(RenderGoldenTest, SplitSop) {
  ExpectGolden("testdata/sop/valid/split/sop.yaml", "split.md");
}

TEST(RenderGoldenTest, MarketingOpsExample) {
  ExpectGolden("examples/marketing-ops/sop.yaml", "marketing-ops.md");
}

}  // namespace
}  // namespace livesop::sop
