#include "assets/file_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "assets/test_util.h"

namespace livesop::assets {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

// sha256("hello\n"), as `sha256sum` prints it.
constexpr char kHelloSha[] =
    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

class FileStoreTest : public TempDirTest {
 protected:
  FileStore Store(FileStoreOptions options = {}) {
    Result<FileStore> store = FileStore::Open(Path("files"), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return *std::move(store);
  }

  // Every regular file under the store's root, temporary ones included.
  std::vector<fs::path> FilesIn(const FileStore& store) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::recursive_directory_iterator(store.root())) {
      if (entry.is_regular_file()) out.push_back(entry.path());
    }
    return out;
  }
};

TEST_F(FileStoreTest, StoresBytesUnderTheirDigest) {
  FileStore store = Store();
  Result<StoredFile> put = store.PutBytes("hello\n", "greeting.txt");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->sha256, kHelloSha);
  EXPECT_EQ(put->size, 6);
  EXPECT_EQ(put->mime, "text/plain");
  EXPECT_EQ(put->safe_name, "greeting.txt");
  EXPECT_FALSE(put->already_stored);

  const fs::path expected = fs::path(Path("files")) / "sha256" / "58" /
                            std::string(kHelloSha).substr(2);
  Result<std::string> path = store.Path(kHelloSha);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(fs::path(*path), expected);
  EXPECT_EQ(ReadBytes(*path), "hello\n");
  struct stat st {};
  ASSERT_EQ(::stat(path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  EXPECT_TRUE(store.Contains(kHelloSha));

  Result<std::ifstream> in = store.OpenFile(kHelloSha);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  std::string line;
  std::getline(*in, line);
  EXPECT_EQ(line, "hello");
}

TEST_F(FileStoreTest, TheSameContentIsStoredOnce) {
  FileStore store = Store();
  const std::string png = Fixture("square-1080.png");
  Result<StoredFile> first = store.PutFile(png, "square.png");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_stored);
  EXPECT_EQ(first->size, 5895);
  EXPECT_EQ(first->mime, "image/png");
  struct stat before {};
  ASSERT_EQ(::stat(store.Path(first->sha256)->c_str(), &before), 0);

  // Again from a file, under another name, and from memory.
  Result<StoredFile> second = store.PutFile(png, "copy of square.png");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->already_stored);
  EXPECT_EQ(second->sha256, first->sha256);
  EXPECT_EQ(second->safe_name, "copy of square.png");
  Result<StoredFile> third = store.PutBytes(ReadBytes(png), "square.png");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(third->already_stored);
  EXPECT_EQ(third->sha256, first->sha256);

  std::vector<fs::path> files = FilesIn(store);
  ASSERT_EQ(files.size(), 1u);
  struct stat after {};
  ASSERT_EQ(::stat(files.front().c_str(), &after), 0);
  // Not rewritten: the same inode, untouched since.
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
}

TEST_F(FileStoreTest, TheMimeTypeComesFromTheContent) {
  FileStore store = Store();
  Result<StoredFile> put = store.PutBytes(
      ReadBytes(Fixture("reel-1080x1920.mp4")), "looks-like-a-photo.jpg");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->mime, "video/mp4");
  EXPECT_EQ(put->safe_name, "looks-like-a-photo.jpg");
}

TEST_F(FileStoreTest, RefusesFilesOverTheLimit) {
  FileStore store = Store({.max_file_size = 4096});
  Result<StoredFile> bytes =
      store.PutBytes(std::string(5000, 'x'), "too-big.txt");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(bytes.status().message(), HasSubstr("too-big.txt"));
  EXPECT_THAT(bytes.status().message(), HasSubstr("4.9 KB"));
  EXPECT_THAT(bytes.status().message(), HasSubstr("4 KB"));
  EXPECT_THAT(bytes.status().message(), HasSubstr("make it smaller"));

  Result<StoredFile> file =
      store.PutFile(Fixture("portrait-1080x1350.jpg"), "portrait.jpg");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(file.status().message(), HasSubstr("portrait.jpg is 8.7 KB"));
  EXPECT_TRUE(FilesIn(store).empty());

  EXPECT_TRUE(store.PutBytes(std::string(4096, 'x'), "just-fits.txt").ok());
}

TEST_F(FileStoreTest, TheDefaultLimitIs200MiB) {
  EXPECT_EQ(FileStoreOptions{}.max_file_size, int64_t{200} * 1024 * 1024);
}

TEST_F(FileStoreTest, IdsCannotEscapeTheRoot) {
  FileStore store = Store();
  ASSERT_TRUE(store.PutBytes("hello\n", "a.txt").ok());
  const std::string upper = [] {
    std::string s = kHelloSha;
    for (char& c : s) c = static_cast<char>(std::toupper(c));
    return s;
  }();
  for (const std::string& id :
       {std::string("../../../etc/passwd"), std::string("58/../../x"),
        std::string(kHelloSha).substr(0, 63), std::string(kHelloSha) + "0",
        upper, std::string(), std::string(64, '.'),
        std::string("/") + std::string(kHelloSha).substr(1)}) {
    Result<std::string> path = store.Path(id);
    ASSERT_FALSE(path.ok()) << id;
    EXPECT_EQ(path.status().code(), StatusCode::kInvalidArgument) << id;
    EXPECT_FALSE(store.OpenFile(id).ok()) << id;
    EXPECT_FALSE(store.Contains(id)) << id;
  }
  Result<std::string> absent = store.Path(std::string(64, 'a'));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), StatusCode::kNotFound);
}

TEST_F(FileStoreTest, RefusesWhatIsNotARegularFile) {
  FileStore store = Store();
  Result<StoredFile> missing = store.PutFile(Path("nothing.png"), "x.png");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("nothing.png"));
  Result<StoredFile> folder = store.PutFile(dir_.string(), "folder");
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FileStoreTest, OpenChecksItsArguments) {
  EXPECT_EQ(FileStore::Open("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      FileStore::Open(Path("files"), {.max_file_size = 0}).status().code(),
      StatusCode::kInvalidArgument);
  Write("not-a-folder", "x");
  EXPECT_FALSE(FileStore::Open(Path("not-a-folder")).ok());
}

TEST_F(FileStoreTest, ConcurrentPutsOfTheSameContentLeaveOneFile) {
  FileStore store = Store();
  const std::string bytes(300 * 1024, 'z');
  constexpr int kThreads = 8;
  std::vector<std::string> shas(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Result<StoredFile> put =
          (i % 2 == 0)
              ? store.PutBytes(bytes, "z.txt")
              : store.PutFile(Write("z" + std::to_string(i), bytes), "z.txt");
      shas[i] = put.ok() ? put->sha256 : put.status().ToString();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& sha : shas) EXPECT_EQ(sha, shas.front());
  std::vector<fs::path> files = FilesIn(store);
  ASSERT_EQ(files.size(), 1u);  // no temporary file left behind
  EXPECT_EQ(ReadBytes(files.front().string()), bytes);
}

TEST_F(FileStoreTest, WithoutANameThePathNamesTheFile) {
  FileStore store = Store();
  Result<StoredFile> put = store.PutFile(Write("notes.txt", "notes\n"), "");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->safe_name, "notes.txt");
  Result<StoredFile> bytes = store.PutBytes("other\n", "");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(bytes->safe_name, "file");
}

TEST_F(FileStoreTest, EmptyFilesAreFiles) {
  FileStore store = Store();
  Result<StoredFile> put = store.PutBytes("", "empty");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->size, 0);
  EXPECT_EQ(put->sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SafeFileNameTest, KeepsTheLastComponentOnly) {
  EXPECT_EQ(SafeFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(SafeFileName("C:\\Users\\ana\\Desktop\\brief.docx"), "brief.docx");
  EXPECT_EQ(SafeFileName("folder/"), "file");
  EXPECT_EQ(SafeFileName(".."), "file");
  EXPECT_EQ(SafeFileName(""), "file");
}

TEST(SafeFileNameTest, DropsControlAndReorderingCharacters) {
  EXPECT_EQ(SafeFileName("in\nvoice\t.pdf"), "invoice.pdf");
  // U+202E (right-to-left override) would show "evil\u202Egnp.exe" as
  // "evilexe.png".
  EXPECT_EQ(SafeFileName("evil\xE2\x80\xAEgnp.exe"), "evilgnp.exe");
  EXPECT_EQ(SafeFileName(std::string("a\0b.txt", 7)), "ab.txt");
  EXPECT_EQ(SafeFileName("bad\xff\xfe.png"), "bad__.png");
}

TEST(SafeFileNameTest, ReplacesCharactersWindowsForbids) {
  EXPECT_EQ(SafeFileName("what?<now>|\"quoted\"*:.png"),
            "what__now___quoted___.png");
}

TEST(SafeFileNameTest, TrimsDotsAndSpaces) {
  EXPECT_EQ(SafeFileName(".htaccess"), "htaccess");
  EXPECT_EQ(SafeFileName("  report.pdf. . "), "report.pdf");
}

TEST(SafeFileNameTest, AvoidsReservedDeviceNames) {
  EXPECT_EQ(SafeFileName("CON"), "_CON");
  EXPECT_EQ(SafeFileName("nul.txt"), "_nul.txt");
  EXPECT_EQ(SafeFileName("com1.tar.gz"), "_com1.tar.gz");
  EXPECT_EQ(SafeFileName("lpt9"), "_lpt9");
  EXPECT_EQ(SafeFileName("COM0.txt"), "COM0.txt");
  EXPECT_EQ(SafeFileName("console.txt"), "console.txt");
}

TEST(SafeFileNameTest, KeepsUnicodeAndShortensKeepingTheExtension) {
  EXPECT_EQ(SafeFileName("poster-ramadan-ملصق-海报.pdf"),
            "poster-ramadan-ملصق-海报.pdf");
  const std::string long_name = std::string(200, 'a') + ".jpeg";
  std::string safe = SafeFileName(long_name);
  EXPECT_EQ(safe.size(), 120u);
  EXPECT_EQ(safe, std::string(115, 'a') + ".jpeg");
  // Cut on a character boundary: "é" is two bytes.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
  safe = SafeFileName(accents + ".png");
  EXPECT_LE(safe.size(), 120u);
  EXPECT_EQ(safe, accents.substr(0, 116) + ".png");
}

}  // namespace
}  // namespace livesop::assets
