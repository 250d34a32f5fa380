// Word-level differences: tokens of any script, the shortest edit script,
// changes at word boundaries, and runs that rebuild both texts exactly.
#include "engine/word_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace livesop::engine {
namespace {

using testing::ElementsAre;

// The earlier and the later text, rebuilt from the runs.
std::string Before(const WordDiff& diff) {
  std::string out;
  for (const DiffRun& run : diff.runs) {
    if (run.op != DiffOp::kInsert) out += run.text;
  }
  return out;
}
std::string After(const WordDiff& diff) {
  std::string out;
  for (const DiffRun& run : diff.runs) {
    if (run.op != DiffOp::kDelete) out += run.text;
  }
  return out;
}

// Checks what every diff must be: both texts rebuilt exactly, no empty run,
// no two neighbouring runs of one op; returns the marked text.
std::string Diff(const std::string& a, const std::string& b,
                 const DiffOptions& options = {}) {
  const WordDiff diff = DiffWords(a, b, options);
  EXPECT_EQ(Before(diff), a);
  EXPECT_EQ(After(diff), b);
  for (size_t i = 0; i < diff.runs.size(); ++i) {
    EXPECT_FALSE(diff.runs[i].text.empty()) << i;
    if (i > 0) {
      EXPECT_NE(diff.runs[i].op, diff.runs[i - 1].op) << i;
    }
  }
  return WordDiffText(diff);
}

TEST(WordTokensTest, SplitsWordsPunctuationAndWhitespace) {
  EXPECT_THAT(
      WordTokens("Halo, dunia!  kupu-kupu"),
      ElementsAre("Halo", ",", " ", "dunia", "!", "  ", "kupu", "-", "kupu"));
  EXPECT_TRUE(WordTokens("").empty());
  // Letters of any script are words; a combining accent stays with its
  // letter; ideographs and emoji are tokens of their own.
  EXPECT_THAT(WordTokens("café cafe\xCC\x81 Ümit"),
              ElementsAre("café", " ", "cafe\xCC\x81", " ", "Ümit"));
  EXPECT_THAT(WordTokens("我喜欢猫"), ElementsAre("我", "喜", "欢", "猫"));
  EXPECT_THAT(WordTokens("Diskon 🎉 50%"),
              ElementsAre("Diskon", " ", "🎉", " ", "50", "%"));
  EXPECT_THAT(
      WordTokens("“Promo” — hari ini"),
      ElementsAre("“", "Promo", "”", " ", "—", " ", "hari", " ", "ini"));
  // A no-break space separates like a space; bytes that are not UTF-8 are
  // tokens of one byte.
  EXPECT_THAT(WordTokens("Rp\xC2\xA0"
                         "50.000"),
              ElementsAre("Rp", "\xC2\xA0", "50", ".", "000"));
  EXPECT_THAT(WordTokens("ab\xFF\xFE cd"),
              ElementsAre("ab", "\xFF", "\xFE", " ", "cd"));
}

TEST(WordDiffTest, EmptyTexts) {
  EXPECT_EQ(Diff("", ""), "");
  EXPECT_TRUE(DiffWords("", "").runs.empty());
  EXPECT_EQ(Diff("", "Halo dunia"), "{+Halo dunia+}");
  EXPECT_EQ(Diff("Halo dunia", ""), "[-Halo dunia-]");
  const WordDiff inserted = DiffWords("", "Halo dunia");
  EXPECT_EQ(inserted.inserted_words, 2);
  EXPECT_EQ(inserted.deleted_words, 0);
}

TEST(WordDiffTest, IdenticalTextsAreOneEqualRun) {
  const std::string text = "Peluncuran produk baru, minggu depan.\nSiap?";
  const WordDiff diff = DiffWords(text, text);
  ASSERT_EQ(diff.runs.size(), 1u);
  EXPECT_EQ(diff.runs[0].op, DiffOp::kEqual);
  EXPECT_EQ(diff.runs[0].text, text);
  EXPECT_EQ(diff.deleted_words, 0);
  EXPECT_EQ(diff.inserted_words, 0);
  EXPECT_EQ(diff.unchanged_words, 9);  // 6 words, 3 punctuation marks
}

TEST(WordDiffTest, OneWordReplaced) {
  EXPECT_EQ(Diff("The quick brown fox", "The slow brown fox"),
            "The [-quick-]{+slow+} brown fox");
}

TEST(WordDiffTest, EverythingChangedIsOneReplacement) {
  EXPECT_EQ(Diff("alpha beta gamma", "delta epsilon zeta"),
            "[-alpha beta gamma-]{+delta epsilon zeta+}");
  EXPECT_EQ(Diff("satu", "dua"), "[-satu-]{+dua+}");
  const WordDiff diff = DiffWords("alpha beta gamma", "delta epsilon zeta");
  EXPECT_EQ(diff.deleted_words, 3);
  EXPECT_EQ(diff.inserted_words, 3);
  EXPECT_EQ(diff.unchanged_words, 0);
}

TEST(WordDiffTest, DeletionsAndInsertionsStartAtWords) {
  EXPECT_EQ(Diff("a b c", "a c"), "a [-b -]c");
  EXPECT_EQ(Diff("a c", "a b c"), "a {+b +}c");
  EXPECT_EQ(Diff("hello world", "hello big world"), "hello {+big +}world");
  EXPECT_EQ(Diff("hello world", "hello world again"), "hello world{+ again+}");
}

TEST(WordDiffTest, RepeatedWords) {
  EXPECT_EQ(Diff("the cat sat on the mat", "the cat sat on the the mat"),
            "the cat sat on the {+the +}mat");
  EXPECT_EQ(Diff("la la la", "la la"), "la la[- la-]");
  Diff("a a b b", "b b a a");
  const WordDiff diff = DiffWords("buy buy buy now", "buy now buy now");
  EXPECT_EQ(diff.deleted_words + diff.inserted_words, 2);
}

TEST(WordDiffTest, PunctuationIsItsOwnToken) {
  EXPECT_EQ(Diff("Daftar sekarang.", "Daftar sekarang!"),
            "Daftar sekarang[-.-]{+!+}");
  EXPECT_EQ(Diff("kupu-kupu", "kupu"), "kupu[--kupu-]");
}

TEST(WordDiffTest, IndonesianAndOtherScripts) {
  EXPECT_EQ(
      Diff("Peluncuran produk baru minggu depan.",
           "Peluncuran produk terbaru bulan depan!"),
      "Peluncuran produk [-baru minggu-]{+terbaru bulan+} depan[-.-]{+!+}");
  EXPECT_EQ(Diff("Harga spesial Rp 50.000 untuk Anda",
                 "Harga spesial Rp 45.000 untuk Anda"),
            "Harga spesial Rp [-50-]{+45+}.000 untuk Anda");
  EXPECT_EQ(Diff("café crème", "cafe crème"), "[-café-]{+cafe+} crème");
  EXPECT_EQ(Diff("我喜欢猫", "我喜欢狗"), "我喜欢[-猫-]{+狗+}");
  EXPECT_EQ(Diff("Diskon 🎉 besar", "Diskon 🔥 besar"),
            "Diskon [-🎉-]{+🔥+} besar");
  // Never a cut inside a character: each run is whole UTF-8.
  const WordDiff diff = DiffWords("Ümit’s café", "Ümit’s cafés");
  for (const DiffRun& run : diff.runs) {
    const auto last = static_cast<unsigned char>(run.text.back());
    EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80) << run.text;
  }
}

TEST(WordDiffTest, WhitespaceAndLinesAreKept) {
  EXPECT_EQ(Diff("Judul\n\nIsi pertama.", "Judul\n\nIsi kedua."),
            "Judul\n\nIsi [-pertama-]{+kedua+}.");
  EXPECT_EQ(Diff("a  b", "a b"), "a[-  -]{+ +}b");
  EXPECT_EQ(Diff("satu\ndua", "satu\r\ndua"), "satu[-\n-]{+\r\n+}dua");
}

TEST(WordDiffTest, BytesThatAreNotUtf8AreCompared) {
  EXPECT_EQ(Diff("ab\xFF cd", "ab\xFE cd"), "ab[-\xFF-]{+\xFE+} cd");
}

// Random texts over a small vocabulary (many repeats): the runs always
// rebuild both texts, whatever the edits.
TEST(WordDiffTest, RandomTextsAreRebuiltExactly) {
  const std::vector<std::string> vocabulary = {
      "kampanye", "baru", "produk", "the", ",", ".", " ", "  ",
      "\n",       "café", "我",     "🎉",   "-", "a", "b"};
  std::mt19937 random(20260105);
  auto text = [&](int length) {
    std::string out;
    for (int i = 0; i < length; ++i) {
      out += vocabulary[random() % vocabulary.size()];
    }
    return out;
  };
  for (int round = 0; round < 300; ++round) {
    const std::string a = text(static_cast<int>(random() % 40));
    std::string b = a;
    // Edit a copy a few times, so the texts share most of their tokens.
    for (int edit = static_cast<int>(random() % 6); edit > 0; --edit) {
      const size_t at = b.empty() ? 0 : random() % (b.size() + 1);
      if (random() % 2 == 0) {
        b.insert(at, text(1 + static_cast<int>(random() % 3)));
      } else if (!b.empty()) {
        b.erase(at, random() % 4);
      }
    }
    Diff(a, b);
  }
}

TEST(WordDiffTest, OutOfStepsIsStillExact) {
  std::string a;
  std::string b;
  for (int i = 0; i < 2000; ++i) {
    a += "w" + std::to_string(i) + " ";
    b += "w" + std::to_string(i * 7 % 2000) + " ";
  }
  DiffOptions options;
  options.max_steps = 1000;
  const WordDiff diff = DiffWords(a, b, options);
  EXPECT_TRUE(diff.approximate);
  EXPECT_EQ(Before(diff), a);
  EXPECT_EQ(After(diff), b);
  EXPECT_FALSE(DiffWords("a b", "a c").approximate);
}

TEST(WordDiffTest, JsonHasRunsAndCounts) {
  const nlohmann::json json =
      WordDiffToJson(DiffWords("Halo dunia", "Halo semua"));
  EXPECT_EQ(json["runs"].size(), 3u);
  EXPECT_EQ(json["runs"][0]["op"], "equal");
  EXPECT_EQ(json["runs"][0]["text"], "Halo ");
  EXPECT_EQ(json["runs"][1]["op"], "delete");
  EXPECT_EQ(json["runs"][1]["text"], "dunia");
  EXPECT_EQ(json["runs"][2]["op"], "insert");
  EXPECT_EQ(json["runs"][2]["text"], "semua");
  EXPECT_EQ(json["deleted_words"], 1);
  EXPECT_EQ(json["inserted_words"], 1);
  EXPECT_EQ(json["unchanged_words"], 1);
  EXPECT_EQ(json["approximate"], false);
}

}  // namespace
}  // namespace livesop::engine
