#include "sop/asset_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace livesop::sop {
namespace {

TEST(ParsePixelSizeTest, ReadsWidthAndHeight) {
  EXPECT_EQ(ParsePixelSize("1080x1350"), (PixelSize{1080, 1350}));
  EXPECT_EQ(ParsePixelSize("1x1"), (PixelSize{1, 1}));
  EXPECT_EQ(ParsePixelSize("999999x7"), (PixelSize{999999, 7}));
}

TEST(ParsePixelSizeTest, RefusesAnythingElse) {
  for (const char* text : {"", "big", "1080", "1080X1080", "1080 x 1080",
                           "0x10", "01x10", "-5x10", "1000000x1", "10x10px"}) {
    EXPECT_FALSE(ParsePixelSize(text)) << text;
  }
}

TEST(ParseAspectRatioTest, ReadsWholeAndDecimalTerms) {
  EXPECT_DOUBLE_EQ(*ParseAspectRatio("16:9"), 16.0 / 9.0);
  EXPECT_DOUBLE_EQ(*ParseAspectRatio("4:5"), 0.8);
  EXPECT_DOUBLE_EQ(*ParseAspectRatio("1.91:1"), 1.91);
}

TEST(ParseAspectRatioTest, RefusesAnythingElse) {
  for (const char* text : {"", "wide", "16/9", "16:", ":9", "0:1", "1:0",
                           "-1:1", "16 : 9", "1.:1"}) {
    EXPECT_FALSE(ParseAspectRatio(text)) << text;
  }
}

TEST(ParseFileSizeTest, CountsBinaryUnits) {
  EXPECT_EQ(ParseFileSize("300B"), 300);
  EXPECT_EQ(ParseFileSize("500KB"), 500 * 1024);
  EXPECT_EQ(ParseFileSize("8MB"), 8 * 1024 * 1024);
  EXPECT_EQ(ParseFileSize("8 MB"), 8 * 1024 * 1024);
  EXPECT_EQ(ParseFileSize("1.5GB"), int64_t{3} * 512 * 1024 * 1024);
  EXPECT_EQ(ParseFileSize("0MB"), 0);
}

TEST(ParseFileSizeTest, RefusesAnythingElse) {
  for (const char* text :
       {"", "big", "8", "8mb", "8 MiB", "MB", "-1MB", "1e3MB", "8MB+"}) {
    EXPECT_FALSE(ParseFileSize(text)) << text;
  }
  EXPECT_FALSE(ParseFileSize("99999999999999999999GB"));
}

TEST(SameAspectRatioTest, AllowsOnePercent) {
  EXPECT_TRUE(SameAspectRatio(1200.0 / 630.0, 1.91));
  EXPECT_TRUE(SameAspectRatio(1080.0 / 1350.0, 0.8));
  EXPECT_FALSE(SameAspectRatio(1080.0 / 1350.0, 1.0));
  EXPECT_FALSE(SameAspectRatio(1.0, 1.02));
}

TEST(CanonicalFormatTest, MapsAliasesAndCase) {
  EXPECT_EQ(CanonicalFormat("jpg"), "jpg");
  EXPECT_EQ(CanonicalFormat("JPEG"), "jpg");
  EXPECT_EQ(CanonicalFormat(".png"), "png");
  EXPECT_EQ(CanonicalFormat("tiff"), "tif");
  EXPECT_EQ(CanonicalFormat("txt"), "text");
  EXPECT_EQ(CanonicalFormat("docx"), "");
  EXPECT_EQ(CanonicalFormat(""), "");
  for (const std::string& format : KnownFormats()) {
    EXPECT_EQ(CanonicalFormat(format), format);
  }
}

TEST(CanonicalColorSpaceTest, MatchesLoosely) {
  EXPECT_EQ(CanonicalColorSpace("sRGB"), "sRGB");
  EXPECT_EQ(CanonicalColorSpace("srgb"), "sRGB");
  EXPECT_EQ(CanonicalColorSpace("Display-P3"), "Display P3");
  EXPECT_EQ(CanonicalColorSpace("Adobe RGB (1998)"), "Adobe RGB");
  EXPECT_EQ(CanonicalColorSpace("Gray"), "grey");
  EXPECT_EQ(CanonicalColorSpace("cmyk"), "CMYK");
  EXPECT_EQ(CanonicalColorSpace("RGB"), "");
  for (const std::string& space : KnownColorSpaces()) {
    EXPECT_EQ(CanonicalColorSpace(space), space);
  }
}

}  // namespace
}  // namespace livesop::sop
