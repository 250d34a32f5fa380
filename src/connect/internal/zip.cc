#include "connect/internal/zip.h"

#include <zip.h>

#include <memory>

namespace livesop::connect::internal {
namespace {

constexpr zip_int64_t kMaxMembers = 100'000;

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

std::string ZipErrorText(zip_error_t* error) {
  const char* text = zip_error_strerror(error);
  return text != nullptr ? text : "unknown error";
}

}  // namespace

bool LooksLikeZip(std::string_view bytes) {
  return bytes.starts_with(std::string_view("PK\x03\x04", 4)) ||
         bytes.starts_with(std::string_view("PK\x05\x06", 4));
}

Result<std::vector<ZipMember>> ReadZip(std::string_view name,
                                       std::string_view bytes,
                                       int64_t max_bytes) {
  const std::string archive_name(name);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source =
      zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    const std::string text = ZipErrorText(&error);
    zip_error_fini(&error);
    return InternalError(archive_name + ": " + text);
  }
  std::unique_ptr<zip_t, ArchiveCloser> archive(
      zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (archive == nullptr) {
    zip_source_free(source);
    const std::string text = ZipErrorText(&error);
    zip_error_fini(&error);
    return InvalidArgumentError(
        archive_name + ": not a readable zip archive (" + text +
        "); export it again, or unpack it and give the text file");
  }
  zip_error_fini(&error);

  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count > kMaxMembers) {
    return ResourceExhaustedError(archive_name + ": " + std::to_string(count) +
                                  " members, more than " +
                                  std::to_string(kMaxMembers) + " are read");
  }
  std::vector<ZipMember> members;
  int64_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), i, 0, &stat) != 0 ||
        (stat.valid & ZIP_STAT_NAME) == 0) {
      return InvalidArgumentError(archive_name + ": member " +
                                  std::to_string(i + 1) + " cannot be read");
    }
    std::string member_name = stat.name;
    if (member_name.empty() || member_name.back() == '/') continue;
    const std::string where = archive_name + " " + member_name;
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 &&
        stat.encryption_method != ZIP_EM_NONE) {
      return InvalidArgumentError(
          where + ": encrypted; export it again without a password");
    }
    std::unique_ptr<zip_file_t, FileCloser> file(
        zip_fopen_index(archive.get(), i, 0));
    if (file == nullptr) {
      return InvalidArgumentError(where + ": cannot be opened (" +
                                  ZipErrorText(zip_get_error(archive.get())) +
                                  ")");
    }
    ZipMember member;
    member.name = std::move(member_name);
    char buffer[64 * 1024];
    for (;;) {
      const zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
      if (n < 0) {
        return InvalidArgumentError(
            where + ": damaged (" +
            ZipErrorText(zip_file_get_error(file.get())) +
            "); the archive may be truncated: export it again");
      }
      if (n == 0) break;
      total += n;
      if (total > max_bytes) {
        return ResourceExhaustedError(archive_name + ": unpacks to more than " +
                                      std::to_string(max_bytes) +
                                      " bytes (at " + member.name + ")");
      }
      member.bytes.append(buffer, static_cast<size_t>(n));
    }
    members.push_back(std::move(member));
  }
  return members;
}

Result<std::string> WriteZip(const std::vector<ZipMember>& members) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) {
    const std::string text = ZipErrorText(&error);
    zip_error_fini(&error);
    return InternalError("writing a zip: " + text);
  }
  zip_source_keep(buffer);
  const auto fail = [&](const std::string& text) {
    zip_source_free(buffer);
    zip_error_fini(&error);
    return InternalError("writing a zip: " + text);
  };
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) return fail(ZipErrorText(&error));
  for (const ZipMember& member : members) {
    zip_source_t* source =
        zip_source_buffer(archive, member.bytes.data(), member.bytes.size(), 0);
    if (source == nullptr ||
        zip_file_add(archive, member.name.c_str(), source,
                     ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
      if (source != nullptr) zip_source_free(source);
      const std::string text = zip_strerror(archive);
      zip_discard(archive);
      return fail(member.name + ": " + text);
    }
  }
  if (zip_close(archive) != 0) {
    const std::string text = zip_strerror(archive);
    zip_discard(archive);
    return fail(text);
  }
  std::string bytes;
  if (zip_source_open(buffer) != 0) return fail("cannot reopen the buffer");
  zip_source_seek(buffer, 0, SEEK_END);
  bytes.resize(static_cast<size_t>(zip_source_tell(buffer)));
  zip_source_seek(buffer, 0, SEEK_SET);
  zip_source_read(buffer, bytes.data(), bytes.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return bytes;
}

}  // namespace livesop::connect::internal
