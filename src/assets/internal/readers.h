// One reader per kind of file, each the only caller of its library:
// libvips and lcms2 (image_reader.cc), FFmpeg (video_reader.cc), poppler
// (pdf_reader.cc), libxml2 (text_reader.cc). Each keeps its library's
// messages off stderr and turns its failures into a Status naming `path`.
#ifndef LIVESOP_ASSETS_INTERNAL_READERS_H_
#define LIVESOP_ASSETS_INTERNAL_READERS_H_

#include <string>
#include <vector>

#include "assets/inspect.h"
#include "core/status.h"

namespace livesop::assets::internal {

// True when libvips has a loader for the file at `path` (it reads the first
// bytes to tell).
bool CanReadImage(const std::string& path);

// Reads an image's header and decodes every pixel of every frame, so that a
// truncated or damaged file fails here. InvalidArgument names the file and
// libvips's reason.
Result<ImageInfo> ReadImage(const std::string& path,
                            std::vector<std::string>* warnings);

// Reads a video's streams and every packet (without decoding them), so that
// a file cut short fails here. InvalidArgument names the file and FFmpeg's
// reason.
Result<VideoInfo> ReadVideo(const std::string& path,
                            std::vector<std::string>* warnings);

// Opens a PDF and reads its first page's boxes. InvalidArgument when it
// does not open, is locked with a password, or has no pages; what poppler
// repaired on the way becomes a warning.
Result<PdfInfo> ReadPdf(const std::string& path,
                        std::vector<std::string>* warnings);

// Counts the copy of a text or HTML file (see TextInfo).
Result<TextInfo> ReadText(const std::string& path, bool html);

}  // namespace livesop::assets::internal

#endif  // LIVESOP_ASSETS_INTERNAL_READERS_H_
