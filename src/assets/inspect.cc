#include "assets/inspect.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "assets/internal/mime.h"
#include "assets/internal/readers.h"
#include "assets/internal/units.h"

namespace livesop::assets {
namespace {

// The spec name of a format, by the MIME type libmagic gives it.
std::string FormatOf(const std::string& mime) {
  static const std::pair<const char*, const char*> kFormats[] = {
      {"image/jpeg", "jpg"},    {"image/png", "png"},
      {"image/gif", "gif"},     {"image/webp", "webp"},
      {"image/tiff", "tif"},    {"image/avif", "avif"},
      {"image/heic", "heic"},   {"image/heif", "heic"},
      {"image/svg+xml", "svg"}, {"video/mp4", "mp4"},
      {"video/x-m4v", "mp4"},   {"video/quicktime", "mov"},
      {"video/webm", "webm"},   {"application/pdf", "pdf"},
      {"text/html", "html"}};
  for (const auto& [type, format] : kFormats) {
    if (mime == type) return format;
  }
  // Copy written in any text format is text to a spec; libmagic's guesses
  // of a language ("text/x-c" for a line that starts with #include) do not
  // make a subject line something else.
  if (mime.rfind("text/", 0) == 0) return "text";
  return {};
}

}  // namespace

const char* AssetKindName(AssetKind kind) {
  switch (kind) {
    case AssetKind::kImage:
      return "image";
    case AssetKind::kVideo:
      return "video";
    case AssetKind::kPdf:
      return "pdf";
    case AssetKind::kText:
      return "text";
    case AssetKind::kOther:
      return "other";
  }
  return "other";
}

Result<Inspection> Inspect(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      return NotFoundError(path + ": no such file");
    }
    return InternalError(path + ": " + std::strerror(error));
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError(path + ": is not a regular file");
  }
  if (st.st_size == 0) {
    // Nothing any channel takes: an export or upload that went wrong.
    return InvalidArgumentError(
        path + ": is empty (0 bytes); export or upload the file again");
  }
  Inspection out;
  out.path = path;
  out.file_size = st.st_size;
  LIVESOP_ASSIGN_OR_RETURN(out.mime, internal::DetectMimeType(path));
  out.format = FormatOf(out.mime);

  const std::string& mime = out.mime;
  if (mime.rfind("image/", 0) == 0) {
    if (!internal::CanReadImage(path)) {
      out.warnings.push_back("no image loader reads " + mime +
                             "; the file was not inspected");
      return out;
    }
    out.kind = AssetKind::kImage;
    LIVESOP_ASSIGN_OR_RETURN(out.image,
                             internal::ReadImage(path, &out.warnings));
  } else if (mime.rfind("video/", 0) == 0) {
    out.kind = AssetKind::kVideo;
    LIVESOP_ASSIGN_OR_RETURN(out.video,
                             internal::ReadVideo(path, &out.warnings));
  } else if (mime == "application/pdf") {
    out.kind = AssetKind::kPdf;
    LIVESOP_ASSIGN_OR_RETURN(out.pdf, internal::ReadPdf(path, &out.warnings));
  } else if (mime.rfind("text/", 0) == 0) {
    out.kind = AssetKind::kText;
    LIVESOP_ASSIGN_OR_RETURN(out.text,
                             internal::ReadText(path, mime == "text/html"));
  }
  return out;
}

std::string Summary(const Inspection& inspection) {
  using internal::FormatBytes;
  using internal::FormatNumber;
  std::string format = inspection.format;
  for (char& c : format) c = static_cast<char>(std::toupper(c));
  std::string text = inspection.mime + ":";
  if (!format.empty()) text += " " + format;
  if (inspection.image) {
    const ImageInfo& i = *inspection.image;
    text += " " + std::to_string(i.width) + "x" + std::to_string(i.height) +
            " px (" + i.aspect_ratio + "), " + i.color_space +
            (i.has_alpha ? ", alpha" : "");
    if (i.dpi) text += ", " + FormatNumber(*i.dpi, 0) + " dpi";
    if (i.animated) {
      text += ", animated: " + std::to_string(i.pages) + " frames, " +
              FormatNumber(i.duration_seconds, 2) + " s";
    }
  } else if (inspection.video) {
    const VideoInfo& v = *inspection.video;
    text += " " + v.video_codec +
            (v.audio_codec.empty() ? "" : " + " + v.audio_codec) + ", " +
            std::to_string(v.width) + "x" + std::to_string(v.height) + " (" +
            v.aspect_ratio + "), " + FormatNumber(v.duration_seconds, 2) +
            " s at " + FormatNumber(v.frame_rate, 2) + " fps";
  } else if (inspection.pdf) {
    const PdfInfo& p = *inspection.pdf;
    text += " " + p.version + ", " + std::to_string(p.pages) +
            (p.pages == 1 ? " page" : " pages") + " of " +
            FormatNumber(p.width_mm, 1) + "x" + FormatNumber(p.height_mm, 1) +
            " mm";
    if (p.bleed_mm > 0)
      text += ", " + FormatNumber(p.bleed_mm, 1) + " mm bleed";
  } else if (inspection.text) {
    text += " " + std::to_string(inspection.text->characters) + " characters" +
            (inspection.text->html ? " of HTML text" : "");
  }
  return text + ", " + FormatBytes(inspection.file_size);
}

}  // namespace livesop::assets
