// PDF through poppler's C++ API: the page count, the version and the first
// page's boxes.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>

#include "assets/internal/readers.h"
#include "assets/internal/units.h"
#include "core/text.h"

namespace livesop::assets::internal {
namespace {

// poppler's messages on this thread since the last TakeMessages ("PDF file
// is damaged - attempting to reconstruct xref table..."). poppler reports
// on the thread that loads the document.
thread_local std::string poppler_messages;

void CollectMessage(const std::string& message, void* /*closure*/) {
  std::string text = OneLine(message);
  if (text.empty() || poppler_messages.size() > 4096) return;
  if (poppler_messages.find(text) != std::string::npos) return;
  if (!poppler_messages.empty()) poppler_messages += "; ";
  poppler_messages += text;
}

// poppler prints to stderr unless given a function; this one collects.
void StartPoppler() {
  static std::once_flag once;
  std::call_once(
      once, [] { poppler::set_debug_error_function(CollectMessage, nullptr); });
}

std::string TakeMessages() {
  std::string out;
  out.swap(poppler_messages);
  return out;
}

constexpr double kMmPerPoint = 25.4 / 72;

Status Unreadable(const std::string& path, const std::string& reason) {
  return InvalidArgumentError(
      path + ": cannot be read as a PDF (" + reason +
      "); the file is damaged or cut short: export or upload it again");
}

}  // namespace

Result<PdfInfo> ReadPdf(const std::string& path,
                        std::vector<std::string>* warnings) {
  StartPoppler();
  TakeMessages();
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_file(path));
  if (document == nullptr) {
    std::string logged = TakeMessages();
    return Unreadable(path, logged.empty() ? "poppler cannot open it" : logged);
  }
  if (document->is_locked()) {
    return InvalidArgumentError(
        path + ": is protected by a password; export it without one");
  }
  PdfInfo info;
  info.pages = document->pages();
  if (info.pages <= 0) {
    std::string logged = TakeMessages();
    return Unreadable(path, logged.empty() ? "it has no pages" : logged);
  }
  int major = 0;
  int minor = 0;
  document->get_pdf_version(&major, &minor);
  info.version = std::to_string(major) + "." + std::to_string(minor);

  std::unique_ptr<poppler::page> page(document->create_page(0));
  if (page == nullptr) {
    return Unreadable(path, "its first page cannot be read");
  }
  // Boxes a page leaves out default to the crop box, which defaults to the
  // media box, so a page without a trim box is trimmed at its edge.
  const poppler::rectf media = page->page_rect(poppler::media_box);
  const poppler::rectf trim = page->page_rect(poppler::trim_box);
  const poppler::rectf bleed = page->page_rect(poppler::bleed_box);
  info.width_mm = trim.width() * kMmPerPoint;
  info.height_mm = trim.height() * kMmPerPoint;
  info.media_width_mm = media.width() * kMmPerPoint;
  info.media_height_mm = media.height() * kMmPerPoint;
  const poppler::page::orientation_enum turn = page->orientation();
  if (turn == poppler::page::landscape || turn == poppler::page::seascape) {
    std::swap(info.width_mm, info.height_mm);
    std::swap(info.media_width_mm, info.media_height_mm);
  }
  const double margin =
      std::min({trim.left() - bleed.left(), bleed.right() - trim.right(),
                trim.top() - bleed.top(), bleed.bottom() - trim.bottom()});
  info.bleed_mm = std::max(0.0, margin * kMmPerPoint);
  // Hundredths of a millimetre are below any printer's precision; rounding
  // keeps 210.0000001 from reading as more than 210.
  for (double* mm : {&info.width_mm, &info.height_mm, &info.media_width_mm,
                     &info.media_height_mm, &info.bleed_mm}) {
    *mm = std::round(*mm * 100) / 100;
  }
  info.aspect_ratio = AspectRatioText(std::lround(info.width_mm * 100),
                                      std::lround(info.height_mm * 100));
  std::string logged = TakeMessages();
  if (!logged.empty()) warnings->push_back("poppler: " + logged);
  return info;
}

}  // namespace livesop::assets::internal
