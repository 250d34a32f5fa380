#include "assets/inspect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "assets/test_util.h"

namespace livesop::assets {
namespace {

using testing::HasSubstr;

Inspection MustInspect(const std::string& name) {
  Result<Inspection> result = Inspect(Fixture(name));
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *std::move(result) : Inspection{};
}

TEST(InspectImageTest, OpaqueSquarePng) {
  Inspection file = MustInspect("square-1080.png");
  EXPECT_EQ(file.kind, AssetKind::kImage);
  EXPECT_EQ(file.mime, "image/png");
  EXPECT_EQ(file.format, "png");
  EXPECT_EQ(file.file_size, 5895);
  ASSERT_TRUE(file.image);
  EXPECT_EQ(file.image->width, 1080);
  EXPECT_EQ(file.image->height, 1080);
  EXPECT_EQ(file.image->aspect_ratio, "1:1");
  EXPECT_EQ(file.image->color_space, "sRGB");
  EXPECT_FALSE(file.image->has_alpha);
  EXPECT_FALSE(file.image->animated);
  EXPECT_EQ(file.image->pages, 1);
  // Its pHYs chunk says 72 dpi, which libvips also reports for a PNG that
  // states nothing: see StatedDpi.
  EXPECT_FALSE(file.image->dpi);
  EXPECT_TRUE(file.warnings.empty());
}

TEST(InspectImageTest, PngWithAlpha) {
  Inspection file = MustInspect("square-1080-alpha.png");
  ASSERT_TRUE(file.image);
  EXPECT_EQ(file.image->width, 1080);
  EXPECT_TRUE(file.image->has_alpha);
  EXPECT_EQ(file.image->color_space, "sRGB");
}

TEST(InspectImageTest, PortraitJpegStatesItsResolution) {
  Inspection file = MustInspect("portrait-1080x1350.jpg");
  EXPECT_EQ(file.mime, "image/jpeg");
  EXPECT_EQ(file.format, "jpg");
  ASSERT_TRUE(file.image);
  EXPECT_EQ(file.image->width, 1080);
  EXPECT_EQ(file.image->height, 1350);
  EXPECT_EQ(file.image->aspect_ratio, "4:5");
  EXPECT_EQ(file.image->color_space, "sRGB");
  ASSERT_TRUE(file.image->dpi);
  EXPECT_DOUBLE_EQ(*file.image->dpi, 72);
}

TEST(InspectImageTest, CmykJpeg) {
  Inspection file = MustInspect("cmyk-600x400.jpg");
  ASSERT_TRUE(file.image);
  EXPECT_EQ(file.image->color_space, "CMYK");
  EXPECT_EQ(file.image->aspect_ratio, "3:2");
  ASSERT_TRUE(file.image->dpi);
  EXPECT_DOUBLE_EQ(*file.image->dpi, 300);
}

TEST(InspectImageTest, GreyPng) {
  Inspection file = MustInspect("grey-64.png");
  ASSERT_TRUE(file.image);
  EXPECT_EQ(file.image->color_space, "grey");
}

TEST(InspectImageTest, EmbeddedProfileNamesTheColourSpace) {
  Inspection file = MustInspect("display-p3-64.png");
  ASSERT_TRUE(file.image);
  EXPECT_EQ(file.image->color_space, "Display P3");
  EXPECT_FALSE(file.image->icc_profile.empty());
}

TEST(InspectImageTest, AnimatedGif) {
  Inspection file = MustInspect("animated-120x80.gif");
  EXPECT_EQ(file.format, "gif");
  ASSERT_TRUE(file.image);
  EXPECT_EQ(file.image->width, 120);
  EXPECT_EQ(file.image->height, 80);
  EXPECT_EQ(file.image->aspect_ratio, "3:2");
  EXPECT_TRUE(file.image->animated);
  EXPECT_EQ(file.image->pages, 3);
  EXPECT_NEAR(file.image->duration_seconds, 1.5, 1e-9);
  EXPECT_FALSE(file.image->dpi);
}

TEST(InspectVideoTest, Mp4) {
  Inspection file = MustInspect("reel-1080x1920.mp4");
  EXPECT_EQ(file.kind, AssetKind::kVideo);
  EXPECT_EQ(file.mime, "video/mp4");
  EXPECT_EQ(file.format, "mp4");
  ASSERT_TRUE(file.video);
  EXPECT_THAT(file.video->container, HasSubstr("mp4"));
  EXPECT_EQ(file.video->video_codec, "h264");
  EXPECT_EQ(file.video->audio_codec, "aac");
  EXPECT_NEAR(file.video->duration_seconds, 1.0, 0.05);
  EXPECT_EQ(file.video->width, 1080);
  EXPECT_EQ(file.video->height, 1920);
  EXPECT_EQ(file.video->aspect_ratio, "9:16");
  EXPECT_NEAR(file.video->frame_rate, 25, 1e-9);
  EXPECT_EQ(file.video->color_primaries, "unknown");
  EXPECT_EQ(file.video->rotation, 0);
}

TEST(InspectVideoTest, Webm) {
  Inspection file = MustInspect("clip-320x180.webm");
  EXPECT_EQ(file.mime, "video/webm");
  EXPECT_EQ(file.format, "webm");
  ASSERT_TRUE(file.video);
  EXPECT_EQ(file.video->container, "matroska,webm");
  EXPECT_EQ(file.video->video_codec, "vp9");
  EXPECT_EQ(file.video->audio_codec, "opus");
  EXPECT_NEAR(file.video->duration_seconds, 1.0, 0.05);
  EXPECT_EQ(file.video->width, 320);
  EXPECT_EQ(file.video->height, 180);
  EXPECT_EQ(file.video->aspect_ratio, "16:9");
  EXPECT_NEAR(file.video->frame_rate, 30, 1e-9);
}

TEST(InspectPdfTest, TwoA4Pages) {
  Inspection file = MustInspect("a4-2pages.pdf");
  EXPECT_EQ(file.kind, AssetKind::kPdf);
  EXPECT_EQ(file.mime, "application/pdf");
  EXPECT_EQ(file.format, "pdf");
  ASSERT_TRUE(file.pdf);
  EXPECT_EQ(file.pdf->pages, 2);
  EXPECT_EQ(file.pdf->version, "1.7");
  EXPECT_NEAR(file.pdf->width_mm, 210, 0.05);
  EXPECT_NEAR(file.pdf->height_mm, 297, 0.05);
  EXPECT_NEAR(file.pdf->media_width_mm, 210, 0.05);
  EXPECT_EQ(file.pdf->bleed_mm, 0);
  EXPECT_EQ(file.pdf->aspect_ratio, "1:1.41");
  EXPECT_TRUE(file.warnings.empty());
}

TEST(InspectPdfTest, TrimAndBleedBoxes) {
  Inspection file = MustInspect("flyer-a5-bleed.pdf");
  ASSERT_TRUE(file.pdf);
  EXPECT_EQ(file.pdf->pages, 1);
  EXPECT_EQ(file.pdf->version, "1.4");
  EXPECT_NEAR(file.pdf->width_mm, 148, 0.05);
  EXPECT_NEAR(file.pdf->height_mm, 210, 0.05);
  EXPECT_NEAR(file.pdf->media_width_mm, 154, 0.05);
  EXPECT_NEAR(file.pdf->media_height_mm, 216, 0.05);
  EXPECT_NEAR(file.pdf->bleed_mm, 3, 0.05);
}

TEST(InspectTextTest, CountsCharactersNotBytes) {
  Inspection file = MustInspect("subject.txt");
  EXPECT_EQ(file.kind, AssetKind::kText);
  EXPECT_EQ(file.mime, "text/plain");
  EXPECT_EQ(file.format, "text");
  ASSERT_TRUE(file.text);
  EXPECT_FALSE(file.text->html);
  // "Diskon 50% — hanya minggu ini! 🎉" without its final line break: the
  // dash and the emoji are one character each, though 3 and 4 bytes.
  EXPECT_EQ(file.text->characters, 32);
  EXPECT_EQ(file.file_size, 38);
}

TEST(InspectTextTest, CountsTheTextAnHtmlPageShows) {
  Inspection file = MustInspect("email.html");
  EXPECT_EQ(file.mime, "text/html");
  EXPECT_EQ(file.format, "html");
  ASSERT_TRUE(file.text);
  EXPECT_TRUE(file.text->html);
  // "Diskon 50% Hanya minggu ini — sampai 31 Januari.": no title, no style,
  // white space collapsed.
  EXPECT_EQ(file.text->characters, 48);
}

TEST(InspectTest, TruncatedPngIsAnErrorNamingTheFile) {
  testing::internal::CaptureStderr();
  Result<Inspection> result = Inspect(Fixture("truncated.png"));
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("truncated.png"));
  EXPECT_THAT(result.status().message(), HasSubstr("damaged or cut short"));
}

TEST(InspectTest, TruncatedMp4IsAnErrorNamingTheFile) {
  testing::internal::CaptureStderr();
  Result<Inspection> result = Inspect(Fixture("truncated.mp4"));
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("truncated.mp4"));
  EXPECT_THAT(result.status().message(), HasSubstr("video"));
}

TEST(InspectTest, TruncatedPdfIsAnErrorNamingTheFile) {
  testing::internal::CaptureStderr();
  Result<Inspection> result = Inspect(Fixture("truncated.pdf"));
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("truncated.pdf"));
}

class InspectFilesTest : public TempDirTest {};

TEST_F(InspectFilesTest, TheTypeComesFromTheContentNotTheName) {
  const std::string path =
      Write("really-a-png.jpg", ReadBytes(Fixture("square-1080.png")));
  Result<Inspection> file = Inspect(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->mime, "image/png");
  EXPECT_EQ(file->format, "png");
}

TEST_F(InspectFilesTest, UnknownContentIsOtherNotAnError) {
  const std::string path =
      Write("blob.bin", std::string("\x00\x01\x02\x03\xff\xfe", 6));
  Result<Inspection> file = Inspect(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->kind, AssetKind::kOther);
  EXPECT_EQ(file->format, "");
  EXPECT_FALSE(file->image || file->video || file->pdf || file->text);
}

TEST_F(InspectFilesTest, GarbageWithAnImageHeaderIsAnError) {
  std::string bytes = ReadBytes(Fixture("portrait-1080x1350.jpg"));
  bytes.resize(bytes.size() / 2);
  const std::string path = Write("half.jpg", bytes);
  testing::internal::CaptureStderr();
  Result<Inspection> file = Inspect(path);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(), HasSubstr("half.jpg"));
}

TEST_F(InspectFilesTest, MissingFileAndFolder) {
  Result<Inspection> missing = Inspect(Path("nothing.png"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("nothing.png"));
  Result<Inspection> folder = Inspect(dir_.string());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(InspectFilesTest, EmptyFilesAreRefusedAndBlankTextHasNoCharacters) {
  Result<Inspection> file = Inspect(Write("empty.txt", ""));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(), HasSubstr("empty.txt: is empty"));
  Result<Inspection> blank = Inspect(Write("blank.txt", "  \n\n"));
  ASSERT_TRUE(blank.ok()) << blank.status().ToString();
  ASSERT_TRUE(blank->text);
  EXPECT_EQ(blank->text->characters, 0);
}

TEST(InspectThreadsTest, InspectsFromManyThreadsAtOnce) {
  const std::vector<std::string> names = {
      "square-1080.png",     "reel-1080x1920.mp4", "a4-2pages.pdf",
      "animated-120x80.gif", "email.html",         "truncated.png"};
  std::vector<std::thread> threads;
  std::vector<int> ok(names.size() * 3, -1);
  for (size_t i = 0; i < ok.size(); ++i) {
    threads.emplace_back([&, i] {
      ok[i] = Inspect(Fixture(names[i % names.size()])).ok() ? 1 : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < ok.size(); ++i) {
    EXPECT_EQ(ok[i], names[i % names.size()] == "truncated.png" ? 0 : 1)
        << names[i % names.size()];
  }
}

}  // namespace
}  // namespace livesop::assets
