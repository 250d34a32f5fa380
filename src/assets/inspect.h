// What a file is, read with the libraries made for each format: libmagic
// for the MIME type, libvips for images, FFmpeg (libavformat) for video,
// poppler for PDF, libxml2 for the text of HTML. Nothing is parsed by hand.
// The result is what the spec check (check.h) compares with a channel's
// asset specs; docs/assets.md lists what is read and how.
#ifndef LIVESOP_ASSETS_INSPECT_H_
#define LIVESOP_ASSETS_INSPECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace livesop::assets {

enum class AssetKind { kImage, kVideo, kPdf, kText, kOther };

// "image", "video", "pdf", "text" or "other".
const char* AssetKindName(AssetKind kind);

struct ImageInfo {
  // Of one frame or page: an animation's frames and a TIFF's pages share it.
  int width = 0;
  int height = 0;
  std::string aspect_ratio;  // reduced, "4:5" (see AspectRatioText)
  // "sRGB", "CMYK", "grey", "Display P3", "Adobe RGB", or what the embedded
  // ICC profile calls itself when it is none of these, or libvips's name of
  // the interpretation ("lab", "rgb16") for the rest. An RGB image without
  // a profile is sRGB, as browsers take it.
  std::string color_space;
  std::string icc_profile;  // the embedded profile's description, if any
  bool has_alpha = false;
  // Pixels per inch when the file states it; nullopt when it does not (a
  // PNG without a pHYs chunk, a JPEG whose density has no unit, a GIF).
  std::optional<double> dpi;
  int pages = 1;  // frames of an animation or pages of a TIFF
  bool animated = false;
  double duration_seconds = 0;  // an animation's frame delays added up
};

struct VideoInfo {
  std::string container;    // libavformat's name: "mov,mp4,m4a,3gp,3g2,mj2"
  std::string video_codec;  // "h264", "vp9", "hevc"
  std::string audio_codec;  // "aac", "opus"; empty when there is no audio
  double duration_seconds = 0;
  // As shown: a phone video stored 1920x1080 with a 90° rotation is
  // 1080x1920.
  int width = 0;
  int height = 0;
  std::string aspect_ratio;  // of width x height, as ImageInfo's
  double frame_rate = 0;     // frames per second, average
  // The colour primaries the stream declares, in FFmpeg's names ("bt709",
  // "bt2020", "smpte432"), or "unknown" when it declares none.
  std::string color_primaries;
  int rotation = 0;  // degrees clockwise applied for display: 0, 90, 180, 270
};

struct PdfInfo {
  int pages = 0;
  std::string version;  // "1.7"
  // The first page's finished size: its trim box (the media box when it has
  // none), in millimetres, as shown (rotation applied).
  double width_mm = 0;
  double height_mm = 0;
  std::string aspect_ratio;  // of the trim box, as ImageInfo's
  // The first page's media box, the sheet before trimming, in millimetres.
  double media_width_mm = 0;
  double media_height_mm = 0;
  // The smallest margin between the trim box and the bleed box on any of
  // the four sides, in millimetres; 0 when the page has no bleed.
  double bleed_mm = 0;
};

struct TextInfo {
  // Characters (Unicode code points) of the copy: for plain text the file
  // without white space at either end; for HTML the text a browser shows,
  // runs of white space counted as one, without scripts and styles.
  int64_t characters = 0;
  bool html = false;
};

struct Inspection {
  std::string path;
  AssetKind kind = AssetKind::kOther;
  std::string mime;  // from the content, as the file store reports it
  // The format's canonical name as specs write it ("jpg", "mp4", "pdf",
  // "text"; see sop/asset_spec.h), from the MIME type; empty when it is
  // none a spec can name.
  std::string format;
  int64_t file_size = 0;           // bytes
  std::optional<ImageInfo> image;  // set for kImage
  std::optional<VideoInfo> video;  // set for kVideo
  std::optional<PdfInfo> pdf;      // set for kPdf
  std::optional<TextInfo> text;    // set for kText
  // Problems the library read past, for people to know ("the PDF's
  // cross-reference table was rebuilt").
  std::vector<std::string> warnings;
};

// Inspects the file at `path`. Images are decoded to the last pixel and
// videos read to the last packet, so that a truncated upload is caught here
// rather than on a channel. Fails with NotFound when the file does not
// exist, and with InvalidArgument, naming the file and what is wrong with
// it, when it is a directory or when its content is damaged or truncated
// (a PNG cut short, an MP4 without its index, a PDF that does not open).
// A file of a type no library here reads is not an error: it is kOther.
// Thread-safe; the libraries' own messages never reach stderr.
Result<Inspection> Inspect(const std::string& path);

// What the inspection found, in one line for people: "image/png: PNG
// 1080x1080 px (1:1), sRGB, alpha, 5.8 KB"; "video/mp4: MP4 h264 + aac,
// 1080x1920 (9:16), 15 s at 30 fps, 2.1 MB"; "application/pdf: PDF 1.7, 2
// pages of 210x297 mm, 44 KB".
std::string Summary(const Inspection& inspection);

}  // namespace livesop::assets

#endif  // LIVESOP_ASSETS_INSPECT_H_
