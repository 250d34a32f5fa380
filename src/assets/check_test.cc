#include "assets/check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "assets/test_util.h"
#include "sop/loader.h"

namespace livesop::assets {
namespace {

using testing::HasSubstr;

Inspection Image(int width, int height, std::string format = "png") {
  Inspection file;
  file.kind = AssetKind::kImage;
  file.format = std::move(format);
  file.mime = "image/" + file.format;
  file.file_size = 500 * 1024;
  ImageInfo image;
  image.width = width;
  image.height = height;
  image.color_space = "sRGB";
  file.image = image;
  return file;
}

Inspection Video(int width, int height, double seconds) {
  Inspection file;
  file.kind = AssetKind::kVideo;
  file.format = "mp4";
  file.mime = "video/mp4";
  file.file_size = 20 * 1024 * 1024;
  VideoInfo video;
  video.width = width;
  video.height = height;
  video.duration_seconds = seconds;
  video.color_primaries = "bt709";
  file.video = video;
  return file;
}

Inspection Pdf(double width_mm, double height_mm, double bleed_mm) {
  Inspection file;
  file.kind = AssetKind::kPdf;
  file.format = "pdf";
  file.mime = "application/pdf";
  file.file_size = 2 * 1024 * 1024;
  PdfInfo pdf;
  pdf.pages = 1;
  pdf.width_mm = width_mm;
  pdf.height_mm = height_mm;
  pdf.bleed_mm = bleed_mm;
  file.pdf = pdf;
  return file;
}

Inspection Text(int64_t characters) {
  Inspection file;
  file.kind = AssetKind::kText;
  file.format = "text";
  file.mime = "text/plain";
  file.file_size = characters;
  file.text = TextInfo{characters, false};
  return file;
}

// The report's line for `rule`; fails the test when there is none.
const RuleCheck& RuleOf(const AssetReport& report, const std::string& rule) {
  for (const RuleCheck& r : report.rules) {
    if (r.rule == rule) return r;
  }
  ADD_FAILURE() << "no line for " << rule;
  static const RuleCheck kNone;
  return kNone;
}

std::vector<std::string> RuleIds(const AssetReport& report) {
  std::vector<std::string> out;
  for (const RuleCheck& r : report.rules) out.push_back(r.rule);
  return out;
}

TEST(CheckAssetTest, ReportsOnlyTheRulesTheSpecSets) {
  sop::AssetSpec spec;
  spec.id = "any-image";
  spec.formats = {"png"};
  AssetReport report = CheckAsset(Image(10, 10), spec);
  EXPECT_EQ(RuleIds(report), std::vector<std::string>{"formats"});
  EXPECT_TRUE(report.passed);
  EXPECT_EQ(report.spec_id, "any-image");

  EXPECT_TRUE(CheckAsset(Image(10, 10), sop::AssetSpec{}).rules.empty());
}

TEST(CheckAssetTest, EveryRuleInItsOrder) {
  sop::AssetSpec spec;
  spec.formats = {"pdf"};
  spec.sizes = {"1748x2480"};
  spec.aspect_ratios = {"1:1.42"};
  spec.max_file_size = "10MB";
  spec.max_duration_seconds = 10;
  spec.color_space = "CMYK";
  spec.min_dpi = 300;
  spec.bleed_mm = 3;
  spec.max_copy_length = 100;
  AssetReport report = CheckAsset(Pdf(148, 210, 3), spec);
  EXPECT_EQ(RuleIds(report),
            (std::vector<std::string>{"formats", "sizes", "aspect_ratios",
                                      "max_file_size", "max_duration_seconds",
                                      "color_space", "min_dpi", "bleed_mm",
                                      "max_copy_length"}));
  EXPECT_TRUE(report.passed) << testing::PrintToString(RuleIds(report));
  EXPECT_EQ(report.failures(), 0);
}

TEST(CheckAssetTest, Format) {
  sop::AssetSpec spec;
  spec.formats = {"JPEG", "png"};
  const RuleCheck pass =
      RuleOf(CheckAsset(Image(1, 1, "jpg"), spec), "formats");
  EXPECT_EQ(pass.outcome, RuleOutcome::kPassed);
  EXPECT_EQ(pass.expected, "JPEG, png");
  EXPECT_EQ(pass.actual, "jpg");
  EXPECT_THAT(pass.reason, HasSubstr("a JPEG file"));

  const RuleCheck fail =
      RuleOf(CheckAsset(Image(1, 1, "webp"), spec), "formats");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.reason, "a WEBP file; the channel takes jpg or png");

  Inspection unknown = Image(1, 1, "");
  unknown.mime = "application/zip";
  EXPECT_THAT(RuleOf(CheckAsset(unknown, spec), "formats").reason,
              HasSubstr("a file of type application/zip"));
}

TEST(CheckAssetTest, SizeOfImagesAndVideos) {
  sop::AssetSpec spec;
  spec.sizes = {"1080x1080", "1200x1200"};
  const RuleCheck pass = RuleOf(CheckAsset(Image(1200, 1200), spec), "sizes");
  EXPECT_EQ(pass.outcome, RuleOutcome::kPassed);
  EXPECT_EQ(pass.actual, "1200x1200");
  const RuleCheck fail = RuleOf(CheckAsset(Image(1080, 1350), spec), "sizes");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.reason,
            "1080×1350 px; the channel wants 1080×1080 or 1200×1200 px");
  EXPECT_TRUE(RuleOf(CheckAsset(Video(1200, 1200, 5), spec), "sizes").passed());
  const RuleCheck text = RuleOf(CheckAsset(Text(10), spec), "sizes");
  EXPECT_EQ(text.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(text.reason, "a text file has no pixel size");
}

TEST(CheckAssetTest, SizeOfAPdfPageAtTheMinimumResolution) {
  sop::AssetSpec spec;
  spec.sizes = {"1748x2480"};  // A5 at 300 dpi
  spec.min_dpi = 300;
  const RuleCheck pass = RuleOf(CheckAsset(Pdf(148, 210, 0), spec), "sizes");
  EXPECT_EQ(pass.outcome, RuleOutcome::kPassed);
  EXPECT_EQ(pass.actual, "148x210 mm");
  EXPECT_THAT(pass.reason, HasSubstr("1748×2480 px at 300 dpi"));
  const RuleCheck fail = RuleOf(CheckAsset(Pdf(210, 297, 0), spec), "sizes");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.reason,
            "the trimmed page is 210 × 297 mm; the channel wants 148 × 210 "
            "mm (1748×2480 px at 300 dpi)");

  spec.min_dpi.reset();
  const RuleCheck unknown = RuleOf(CheckAsset(Pdf(148, 210, 0), spec), "sizes");
  EXPECT_EQ(unknown.outcome, RuleOutcome::kNotCheckable);
  EXPECT_THAT(unknown.reason, HasSubstr("no min_dpi"));
}

TEST(CheckAssetTest, AspectRatioWithinOnePercent) {
  sop::AssetSpec spec;
  spec.aspect_ratios = {"1:1"};
  Inspection portrait = Image(1080, 1350);
  portrait.image->aspect_ratio = "4:5";
  const RuleCheck fail = RuleOf(CheckAsset(portrait, spec), "aspect_ratios");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.reason, "1080×1350 px is 4:5, the channel wants 1:1");

  spec.aspect_ratios = {"1.91:1"};
  Inspection og = Image(1200, 630);
  og.image->aspect_ratio = "40:21";
  const RuleCheck pass = RuleOf(CheckAsset(og, spec), "aspect_ratios");
  EXPECT_EQ(pass.outcome, RuleOutcome::kPassed);
  EXPECT_EQ(pass.reason, "1200×630 px is 40:21, as the channel wants");
  // 2% off is not the same ratio.
  EXPECT_FALSE(
      RuleOf(CheckAsset(Image(1200, 614), spec), "aspect_ratios").passed());
  EXPECT_FALSE(RuleOf(CheckAsset(Text(1), spec), "aspect_ratios").passed());
}

TEST(CheckAssetTest, FileSize) {
  sop::AssetSpec spec;
  spec.max_file_size = "300KB";
  Inspection small = Image(1, 1);
  small.file_size = 300 * 1024;
  const RuleCheck pass = RuleOf(CheckAsset(small, spec), "max_file_size");
  EXPECT_EQ(pass.outcome, RuleOutcome::kPassed);
  EXPECT_EQ(pass.reason, "300 KB, within the 300 KB limit");
  small.file_size += 1;
  const RuleCheck fail = RuleOf(CheckAsset(small, spec), "max_file_size");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.actual, "300 KB");
  EXPECT_THAT(fail.reason, HasSubstr("over the 300 KB limit"));
  spec.max_file_size = "1.5GB";
  EXPECT_TRUE(
      RuleOf(CheckAsset(Video(1, 1, 1), spec), "max_file_size").passed());
}

TEST(CheckAssetTest, Duration) {
  sop::AssetSpec spec;
  spec.max_duration_seconds = 6;
  const RuleCheck pass =
      RuleOf(CheckAsset(Video(1920, 1080, 6.02), spec), "max_duration_seconds");
  EXPECT_EQ(pass.outcome, RuleOutcome::kPassed);  // encoder rounding
  const RuleCheck fail =
      RuleOf(CheckAsset(Video(1920, 1080, 6.5), spec), "max_duration_seconds");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.reason,
            "6.5 s, longer than the 6 s the channel allows; cut it to 6 s");
  EXPECT_EQ(fail.expected, "6 s");
  EXPECT_EQ(fail.actual, "6.5 s");

  Inspection gif = Image(100, 100, "gif");
  gif.image->animated = true;
  gif.image->duration_seconds = 7;
  EXPECT_FALSE(RuleOf(CheckAsset(gif, spec), "max_duration_seconds").passed());
  const RuleCheck still =
      RuleOf(CheckAsset(Image(1, 1), spec), "max_duration_seconds");
  EXPECT_EQ(still.outcome, RuleOutcome::kPassed);
  EXPECT_EQ(still.reason, "a still image has no duration");
}

TEST(CheckAssetTest, ColorSpace) {
  sop::AssetSpec spec;
  spec.color_space = "sRGB";
  EXPECT_TRUE(RuleOf(CheckAsset(Image(1, 1), spec), "color_space").passed());
  Inspection cmyk = Image(1, 1, "jpg");
  cmyk.image->color_space = "CMYK";
  const RuleCheck fail = RuleOf(CheckAsset(cmyk, spec), "color_space");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.reason,
            "CMYK; the channel wants sRGB: convert it to sRGB when exporting");
  Inspection grey = Image(1, 1);
  grey.image->color_space = "grey";
  EXPECT_TRUE(RuleOf(CheckAsset(grey, spec), "color_space").passed());

  // Video: BT.709, or nothing declared, is sRGB's gamut; BT.2020 is not.
  EXPECT_TRUE(RuleOf(CheckAsset(Video(1, 1, 1), spec), "color_space").passed());
  Inspection hdr = Video(1, 1, 1);
  hdr.video->color_primaries = "bt2020";
  EXPECT_FALSE(RuleOf(CheckAsset(hdr, spec), "color_space").passed());

  spec.color_space = "cmyk";
  EXPECT_TRUE(RuleOf(CheckAsset(cmyk, spec), "color_space").passed());
  const RuleCheck pdf = RuleOf(CheckAsset(Pdf(1, 1, 0), spec), "color_space");
  EXPECT_EQ(pdf.outcome, RuleOutcome::kNotCheckable);
  EXPECT_TRUE(pdf.passed());
}

TEST(CheckAssetTest, MinimumResolution) {
  sop::AssetSpec spec;
  spec.min_dpi = 300;
  Inspection image = Image(1, 1, "tif");
  image.image->dpi = 299.9;
  EXPECT_TRUE(RuleOf(CheckAsset(image, spec), "min_dpi").passed());
  image.image->dpi = 72;
  const RuleCheck low = RuleOf(CheckAsset(image, spec), "min_dpi");
  EXPECT_EQ(low.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(low.reason,
            "72 dpi, under the 300 dpi the channel wants; export it at 300 "
            "dpi or more");
  image.image->dpi.reset();
  const RuleCheck none = RuleOf(CheckAsset(image, spec), "min_dpi");
  EXPECT_EQ(none.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(none.actual, "not stated");
  EXPECT_EQ(RuleOf(CheckAsset(Pdf(1, 1, 0), spec), "min_dpi").outcome,
            RuleOutcome::kNotCheckable);
}

TEST(CheckAssetTest, Bleed) {
  sop::AssetSpec spec;
  spec.bleed_mm = 3;
  EXPECT_TRUE(RuleOf(CheckAsset(Pdf(148, 210, 3), spec), "bleed_mm").passed());
  const RuleCheck none = RuleOf(CheckAsset(Pdf(148, 210, 0), spec), "bleed_mm");
  EXPECT_EQ(none.outcome, RuleOutcome::kFailed);
  EXPECT_THAT(none.reason, HasSubstr("the page has no bleed"));
  const RuleCheck thin = RuleOf(CheckAsset(Pdf(148, 210, 2), spec), "bleed_mm");
  EXPECT_EQ(thin.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(thin.reason,
            "2 mm of bleed on the narrowest side; the channel wants 3 mm on "
            "every side");
  EXPECT_EQ(RuleOf(CheckAsset(Image(1, 1, "tif"), spec), "bleed_mm").outcome,
            RuleOutcome::kNotCheckable);
}

TEST(CheckAssetTest, CopyLength) {
  sop::AssetSpec spec;
  spec.max_copy_length = 60;
  EXPECT_TRUE(RuleOf(CheckAsset(Text(60), spec), "max_copy_length").passed());
  const RuleCheck fail = RuleOf(CheckAsset(Text(72), spec), "max_copy_length");
  EXPECT_EQ(fail.outcome, RuleOutcome::kFailed);
  EXPECT_EQ(fail.reason,
            "72 characters, over the 60 the channel allows; shorten it by 12");
  // A caption limit on an image spec is about the caption, not the image.
  const RuleCheck caption =
      RuleOf(CheckAsset(Image(1, 1), spec), "max_copy_length");
  EXPECT_EQ(caption.outcome, RuleOutcome::kNotCheckable);
  EXPECT_THAT(caption.reason, HasSubstr("caption"));
}

TEST(CheckAssetTest, ValuesTheSpecWritesBadlyFailWithAReason) {
  sop::AssetSpec spec;
  spec.formats = {"docx"};
  spec.sizes = {"big"};
  spec.aspect_ratios = {"wide"};
  spec.max_file_size = "lots";
  spec.color_space = "RGB";
  AssetReport report = CheckAsset(Image(1080, 1080), spec);
  EXPECT_FALSE(report.passed);
  EXPECT_EQ(report.failures(), 5);
  EXPECT_THAT(RuleOf(report, "formats").reason,
              HasSubstr("\"docx\" is no format the check recognises"));
  EXPECT_THAT(RuleOf(report, "sizes").reason,
              HasSubstr("\"big\" is not a pixel size"));
  EXPECT_THAT(RuleOf(report, "aspect_ratios").reason,
              HasSubstr("\"wide\" is not an aspect ratio"));
  EXPECT_THAT(RuleOf(report, "max_file_size").reason,
              HasSubstr("\"lots\" is not a file size"));
  EXPECT_THAT(RuleOf(report, "color_space").reason,
              HasSubstr("\"RGB\" is not one the check recognises"));

  // A bad value beside good ones is noted, and the good ones still count.
  spec = sop::AssetSpec{};
  spec.sizes = {"1080x1080", "big"};
  const RuleCheck mixed = RuleOf(CheckAsset(Image(1080, 1080), spec), "sizes");
  EXPECT_EQ(mixed.outcome, RuleOutcome::kPassed);
  EXPECT_THAT(mixed.reason, HasSubstr("\"big\" is not a pixel size"));
}

// The example SOP's channels against the committed fixtures.
class ExampleChannelsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string root = (std::filesystem::path(LIVESOP_SOURCE_DIR) /
                              "examples" / "marketing-ops" / "sop.yaml")
                                 .string();
    result_ = new sop::LoadResult(sop::LoadDefinition(root));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }

  static const sop::Channel& Channel(const std::string& id) {
    for (const sop::Channel& c : result_->definition.channels) {
      if (c.id == id) return c;
    }
    ADD_FAILURE() << "no channel " << id;
    static const sop::Channel kNone;
    return kNone;
  }

  static AssetReport Best(const std::string& fixture,
                          const std::string& channel) {
    Result<Inspection> file = Inspect(Fixture(fixture));
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) return {};
    std::optional<AssetReport> report = BestSpecFor(*file, Channel(channel));
    EXPECT_TRUE(report) << channel << " has no asset specs";
    return report ? *report : AssetReport{};
  }

  static sop::LoadResult* result_;
};

sop::LoadResult* ExampleChannelsTest::result_ = nullptr;

TEST_F(ExampleChannelsTest, TheExampleLoads) {
  EXPECT_FALSE(result_->diagnostics.has_errors());
}

TEST_F(ExampleChannelsTest, InstagramFeedPostsBySquareOrPortrait) {
  AssetReport square = Best("square-1080.png", "instagram");
  EXPECT_EQ(square.spec_id, "ig-feed-square");
  EXPECT_TRUE(square.passed);
  // The caption limit cannot be read from the picture.
  EXPECT_EQ(RuleOf(square, "max_copy_length").outcome,
            RuleOutcome::kNotCheckable);

  AssetReport portrait = Best("portrait-1080x1350.jpg", "instagram");
  EXPECT_EQ(portrait.spec_id, "ig-feed-portrait");
  EXPECT_TRUE(portrait.passed);

  AssetReport reel = Best("reel-1080x1920.mp4", "instagram");
  EXPECT_EQ(reel.spec_id, "ig-story-reel");
  EXPECT_TRUE(reel.passed);
}

TEST_F(ExampleChannelsTest, YouTubeTakesTheReelAsAShort) {
  AssetReport report = Best("reel-1080x1920.mp4", "youtube");
  EXPECT_EQ(report.spec_id, "yt-shorts");
  EXPECT_TRUE(report.passed);
}

TEST_F(ExampleChannelsTest, EmailSubjectAndBody) {
  AssetReport subject = Best("subject.txt", "email");
  EXPECT_EQ(subject.spec_id, "email-subject");
  EXPECT_TRUE(subject.passed);
  EXPECT_EQ(RuleOf(subject, "max_copy_length").actual, "32 characters");

  AssetReport body = Best("email.html", "email");
  EXPECT_EQ(body.spec_id, "email-html");
  EXPECT_TRUE(body.passed);
}

TEST_F(ExampleChannelsTest, PrintFlyerWithBleedPasses) {
  AssetReport report = Best("flyer-a5-bleed.pdf", "print");
  EXPECT_EQ(report.spec_id, "flyer-a5");
  EXPECT_TRUE(report.passed);
  EXPECT_EQ(RuleOf(report, "sizes").outcome, RuleOutcome::kPassed);
  EXPECT_EQ(RuleOf(report, "bleed_mm").outcome, RuleOutcome::kPassed);
  EXPECT_EQ(RuleOf(report, "color_space").outcome, RuleOutcome::kNotCheckable);
  EXPECT_EQ(RuleOf(report, "min_dpi").outcome, RuleOutcome::kNotCheckable);
}

TEST_F(ExampleChannelsTest, AnA4PdfFailsEveryPrintSpecAndGetsTheClosest) {
  // Flyer and poster fail on size and bleed; the X-banner wants no bleed,
  // so it fails on size alone.
  AssetReport report = Best("a4-2pages.pdf", "print");
  EXPECT_EQ(report.spec_id, "x-banner");
  EXPECT_FALSE(report.passed);
  EXPECT_EQ(report.failures(), 1);
  EXPECT_EQ(RuleOf(report, "sizes").reason,
            "the trimmed page is 210 × 297 mm; the channel wants 599.9 × "
            "1600 mm (3543×9449 px at 150 dpi)");
}

TEST_F(ExampleChannelsTest, ASquareImageOnYouTubeIsClosestToAThumbnail) {
  AssetReport report = Best("square-1080.png", "youtube");
  EXPECT_EQ(report.spec_id, "yt-thumbnail");
  EXPECT_FALSE(report.passed);
  EXPECT_EQ(report.failures(), 2);
  EXPECT_EQ(RuleOf(report, "sizes").reason,
            "1080×1080 px; the channel wants 1280×720 px");
  EXPECT_EQ(RuleOf(report, "aspect_ratios").reason,
            "1080×1080 px is 1:1, the channel wants 16:9");
}

TEST_F(ExampleChannelsTest, CmykArtworkIsWrongForTheWeb) {
  // The web's JPEG specs (hero desktop, hero mobile, Open Graph) each fail
  // on size, ratio and colour space; the meta description's only rule it
  // fails is the format, but a JPEG is not meant for a text spec.
  AssetReport report = Best("cmyk-600x400.jpg", "web");
  EXPECT_EQ(report.spec_id, "web-hero-desktop");
  EXPECT_FALSE(report.passed);
  EXPECT_EQ(report.failures(), 3);
  EXPECT_EQ(RuleOf(report, "formats").outcome, RuleOutcome::kPassed);
  EXPECT_EQ(RuleOf(report, "color_space").reason,
            "CMYK; the channel wants sRGB: convert it to sRGB when exporting");
}

TEST(BestSpecForTest, PrefersSpecsOfTheFilesFormat) {
  sop::Channel channel;
  sop::AssetSpec text;
  text.id = "headline";
  text.formats = {"text"};
  sop::AssetSpec image;
  image.id = "banner";
  image.formats = {"png"};
  image.sizes = {"10x10"};
  image.aspect_ratios = {"1:1"};
  channel.assets = {text, image};
  std::optional<AssetReport> best = BestSpecFor(Image(30, 20), channel);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->spec_id, "banner");
  EXPECT_EQ(best->failures(), 2);
}

TEST(BestSpecForTest, AChannelWithoutSpecsHasNoBest) {
  EXPECT_FALSE(BestSpecFor(Image(1, 1), sop::Channel{}));
}

TEST(BestSpecForTest, TiesGoToTheFirstSpec) {
  sop::Channel channel;
  sop::AssetSpec a;
  a.id = "a";
  a.sizes = {"10x10"};
  sop::AssetSpec b;
  b.id = "b";
  b.sizes = {"20x20"};
  channel.assets = {a, b};
  std::optional<AssetReport> best = BestSpecFor(Image(30, 30), channel);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->spec_id, "a");
  best = BestSpecFor(Image(20, 20), channel);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->spec_id, "b");
  EXPECT_TRUE(best->passed);
}

}  // namespace
}  // namespace livesop::assets
