// Word-level differences: tokens of any script, the shortest edit script,
// changes at word boundaries, the bound on work, and runs that rebuild both
// texts exactly.
#include "engine/word_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
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

TEST(WordTokensTest, AccentsPrecomposedOrCombiningStayInTheirWord) {
  // "é" as one code point (U+00E9) and as "e" with U+0301; Vietnamese
  // letters with two marks each, precomposed and decomposed.
  EXPECT_THAT(
      WordTokens("Kafé baru, kafe\xCC\x81 lama"),
      ElementsAre("Kafé", " ", "baru", ",", " ", "kafe\xCC\x81", " ", "lama"));
  EXPECT_THAT(WordTokens("Tiếng Vie\xCC\xA3\xCC\x82t"),
              ElementsAre("Tiếng", " ", "Vie\xCC\xA3\xCC\x82t"));
  // Punctuation inside a word or number is a token of its own; "_" joins.
  EXPECT_THAT(WordTokens("Jum'at Ümit’s nama_file 1.250,50"),
              ElementsAre("Jum", "'", "at", " ", "Ümit", "’", "s", " ",
                          "nama_file", " ", "1", ".", "250", ",", "50"));
}

TEST(WordTokensTest, ThaiWordsComeFromIcusDictionary) {
  // Thai has no spaces between words; ICU finds them with its dictionary.
  EXPECT_THAT(WordTokens("ฉันรักแมวมาก"), ElementsAre("ฉัน", "รัก", "แมว", "มาก"));
}

TEST(WordTokensTest, EachIdeographAndKanaAlone) {
  EXPECT_THAT(WordTokens("東京に行きたい。カタカナ"),
              ElementsAre("東", "京", "に", "行", "き", "た", "い", "。", "カ",
                          "タ", "カ", "ナ"));
}

// U+200D (zero width joiner) joins emoji into one; U+1F3FD and U+1F3FF
// are skin tones; U+FE0F U+20E3 make a keycap.
constexpr char kTechnologist[] = "👩\u200D💻";
constexpr char kManTechnologist[] = "👨\u200D💻";
constexpr char kFamily[] = "👨\u200D👩\u200D👧";
constexpr char kThumbsUpMedium[] = "👍\U0001F3FD";
constexpr char kThumbsUpDark[] = "👍\U0001F3FF";
constexpr char kKeycapOne[] = "1\uFE0F\u20E3";

TEST(WordTokensTest, EmojiSequencesAreOneToken) {
  // A joined sequence, a skin tone, a flag (two regional indicators) and a
  // keycap are one token each; two emoji side by side are two.
  EXPECT_THAT(WordTokens(std::string(kTechnologist) + " " + kThumbsUpMedium +
                         " 🇮🇩🎉🎉 " + kKeycapOne + " Tim" + kFamily),
              ElementsAre(kTechnologist, " ", kThumbsUpMedium, " ", "🇮🇩", "🎉",
                          "🎉", " ", kKeycapOne, " ", "Tim", kFamily));
}

TEST(WordTokensTest, AnyRunOfWhitespaceIsOneToken) {
  EXPECT_THAT(WordTokens("a\t\tb \n\n c\r\nd\xC2\xA0 e"),
              ElementsAre("a", "\t\t", "b", " \n\n ", "c", "\r\n", "d",
                          "\xC2\xA0 ", "e"));
}

TEST(WordTokensTest, EveryByteThatIsNotUtf8IsAToken) {
  // A cut sequence, an overlong form, an encoded surrogate, a stray
  // continuation byte and a combining mark after a bad byte.
  EXPECT_THAT(
      WordTokens("a\xE2\x82x \xC0\xAF \xED\xA0\x80 \x80"
                 "b \xFF\xCC\x81"),
      ElementsAre("a", "\xE2", "\x82", "x", " ", "\xC0", "\xAF", " ", "\xED",
                  "\xA0", "\x80", " ", "\x80", "b", " ", "\xFF", "\xCC\x81"));
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

// An insertion that could sit on either side of a space goes next to the
// replacement beside it, and the two read as one change.
TEST(WordDiffTest, ChangesSideBySideReadAsOne) {
  EXPECT_EQ(Diff("di dan di diskon kampanye",
                 "di baru untuk di diskon kampanye produk"),
            "di [-dan-]{+baru untuk+} di diskon kampanye{+ produk+}");
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

TEST(WordDiffTest, AccentsAreComparedAsWritten) {
  EXPECT_EQ(Diff("Promo kafé minggu ini", "Promo kafe minggu ini"),
            "Promo [-kafé-]{+kafe+} minggu ini");
  // Texts are compared byte for byte: a precomposed "é" and "e" with a
  // combining accent look alike but differ.
  EXPECT_EQ(Diff("kafé", "kafe\xCC\x81"), "[-kafé-]{+kafe\xCC\x81+}");
  EXPECT_EQ(Diff("Peluncuran di Đà Nẵng", "Peluncuran di Hà Nội"),
            "Peluncuran di [-Đà Nẵng-]{+Hà Nội+}");
}

TEST(WordDiffTest, ThaiAndJapanese) {
  EXPECT_EQ(Diff("ฉันรักแมวมาก", "ฉันรักหมามาก"), "ฉันรัก[-แมว-]{+หมา+}มาก");
  EXPECT_EQ(Diff("東京に行きたい", "大阪に行きたい"),
            "[-東京-]{+大阪+}に行きたい");
  EXPECT_EQ(Diff("新製品を発売します", "新製品を来週発売します"),
            "新製品を{+来週+}発売します");
}

TEST(WordDiffTest, EmojiSequencesChangeWhole) {
  EXPECT_EQ(Diff(std::string("Kerja bagus ") + kThumbsUpMedium,
                 std::string("Kerja bagus ") + kThumbsUpDark),
            std::string("Kerja bagus [-") + kThumbsUpMedium + "-]{+" +
                kThumbsUpDark + "+}");
  EXPECT_EQ(Diff(std::string("Tim ") + kTechnologist + " siap",
                 std::string("Tim ") + kManTechnologist + " siap"),
            std::string("Tim [-") + kTechnologist + "-]{+" + kManTechnologist +
                "+} siap");
  const WordDiff diff = DiffWords("Halo 🇮🇩", "Halo 🇮🇩 🎉");
  EXPECT_EQ(diff.inserted_words, 1);
  EXPECT_EQ(diff.unchanged_words, 2);
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

TEST(WordDiffTest, BytesThatAreNotUtf8AreRebuiltExactly) {
  EXPECT_EQ(Diff("harga \xE2\x82 50", "harga \xE2\x82\xAC 50"),
            "harga [-\xE2\x82-]{+\xE2\x82\xAC+} 50");
  // Random bytes, most of them not UTF-8, and random edits of them.
  std::mt19937 random(20260301);
  for (int round = 0; round < 200; ++round) {
    std::string a;
    for (int i = static_cast<int>(random() % 60); i > 0; --i) {
      a += static_cast<char>(random() % 256);
    }
    std::string b = a;
    for (int edit = static_cast<int>(random() % 4); edit > 0; --edit) {
      const size_t at = random() % (b.size() + 1);
      if (random() % 2 == 0) {
        b.insert(at, 1 + random() % 3, static_cast<char>(random() % 256));
      } else {
        b.erase(at, random() % 4);
      }
    }
    Diff(a, b);
    std::string joined;
    for (std::string_view token : WordTokens(a)) joined += token;
    EXPECT_EQ(joined, a);
  }
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

// Two texts with nothing in common but their spaces. Up to about 1400
// changed words on each side, dtl finds the shortest edit script; past
// that, its search stops at its limit of path points, whatever steps are
// left, and the rest is one deletion and one insertion.
TEST(WordDiffTest, TextsWithLittleInCommonStopAtTheLimit) {
  const auto words = [](const std::string& prefix, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += prefix + std::to_string(i) + " ";
    return out;
  };
  DiffOptions options;
  options.max_steps = std::numeric_limits<int64_t>::max();
  const WordDiff exact = DiffWords(words("a", 1000), words("b", 1000), options);
  EXPECT_FALSE(exact.approximate);
  EXPECT_EQ(exact.deleted_words, 1000);

  const std::string a = words("a", 3000);
  const std::string b = words("b", 3000);
  const WordDiff diff = DiffWords(a, b, options);
  EXPECT_TRUE(diff.approximate);
  EXPECT_EQ(Before(diff), a);
  EXPECT_EQ(After(diff), b);
  EXPECT_EQ(diff.deleted_words, 3000);
  EXPECT_EQ(diff.inserted_words, 3000);
  EXPECT_TRUE(DiffWords(a, b).approximate);
}

// A long text edited in a few places far apart is compared exactly.
TEST(WordDiffTest, LongTextsWithFewEditsAreExact) {
  std::string a;
  std::string b;
  for (int i = 0; i < 20000; ++i) {
    const std::string word = "w" + std::to_string(i) + " ";
    a += word;
    if (i % 5000 == 17) {
      b += "baru ";
    } else if (i % 7000 != 3) {
      b += word;
    }
  }
  const WordDiff diff = DiffWords(a, b);
  EXPECT_FALSE(diff.approximate);
  EXPECT_EQ(Before(diff), a);
  EXPECT_EQ(After(diff), b);
  EXPECT_EQ(diff.deleted_words, 4 + 3);  // 4 replaced, 3 removed
  EXPECT_EQ(diff.inserted_words, 4);
}

TEST(WordDiffTest, NoStepsLeftIsStillExact) {
  DiffOptions options;
  options.max_steps = 0;
  const WordDiff diff = DiffWords("a b c d", "a x c d", options);
  EXPECT_TRUE(diff.approximate);
  EXPECT_EQ(WordDiffText(diff), "a [-b-]{+x+} c d");
  // Only a change between the common start and end is bounded.
  EXPECT_FALSE(DiffWords("a b", "a b c", options).approximate);
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
