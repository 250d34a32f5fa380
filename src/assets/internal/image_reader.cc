// Images through libvips (header, pixels, metadata) and lcms2 (the name of
// an embedded ICC profile).
#include <lcms2.h>
#include <vips/vips.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>

#include "assets/internal/readers.h"
#include "assets/internal/units.h"
#include "core/text.h"

namespace livesop::assets::internal {
namespace {

// libvips writes its warnings (a short read, a bad chunk) through GLib to
// stderr; the reason of a failure is in its error buffer instead.
void DropVipsLog(const gchar* /*domain*/, GLogLevelFlags /*level*/,
                 const gchar* /*message*/, gpointer /*data*/) {}

// Starts libvips once for the process. It is never shut down: it keeps
// only its type registry and thread pool, which live until exit.
Status StartVips() {
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] {
    g_log_set_handler(
        "VIPS",
        static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL |
                                    G_LOG_FLAG_RECURSION),
        DropVipsLog, nullptr);
    if (VIPS_INIT("livesop") != 0) {
      char* message = vips_error_buffer_copy();
      error = message != nullptr ? OneLine(message) : "unknown error";
      g_free(message);
      return;
    }
    // Cached operations would keep the files they read open and their
    // pixels in memory after an inspection; each file is read once.
    vips_cache_set_max(0);
  });
  if (!error.empty()) return InternalError("libvips did not start: " + error);
  return OkStatus();
}

// libvips's reason for the last failure, on one line.
std::string VipsError() {
  char* message = vips_error_buffer_copy();
  std::string out = message != nullptr ? OneLine(message) : "";
  g_free(message);
  return out.empty() ? "unknown error" : out;
}

struct Unref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, Unref>;

Status Damaged(const std::string& path, const std::string& reason) {
  return InvalidArgumentError(
      path + ": cannot be read as an image (" + reason +
      "); the file is damaged or cut short: export or upload it again");
}

// The description an ICC profile gives itself ("sRGB IEC61966-2.1",
// "Display P3"), or empty when the profile does not parse. A context of
// its own keeps lcms2's error handler local to this call.
std::string ProfileDescription(const void* data, size_t size,
                               std::vector<std::string>* warnings) {
  cmsContext context = cmsCreateContext(nullptr, nullptr);
  if (context == nullptr) return {};
  cmsSetLogErrorHandlerTHR(context,
                           [](cmsContext, cmsUInt32Number, const char*) {});
  std::string out;
  cmsHPROFILE profile = cmsOpenProfileFromMemTHR(
      context, data, static_cast<cmsUInt32Number>(size));
  if (profile == nullptr) {
    warnings->push_back("the embedded ICC profile is damaged; it was ignored");
  } else {
    std::array<char, 256> buffer{};
    cmsUInt32Number n = cmsGetProfileInfoASCII(
        profile, cmsInfoDescription, "en", "US", buffer.data(), buffer.size());
    if (n > 0) out = OneLine(std::string(buffer.data()));
    cmsCloseProfile(profile);
  }
  cmsDeleteContext(context);
  return out;
}

// The colour space an RGB profile describes, by the names profiles give
// themselves; the description itself when it is none of the known ones.
std::string RgbSpaceOf(const std::string& description) {
  std::string lower;
  for (char c : description) {
    if (c != ' ' && c != '-' && c != '_') {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (lower.find("srgb") != std::string::npos) return "sRGB";
  if (lower.find("p3") != std::string::npos) return "Display P3";
  if (lower.find("adobergb") != std::string::npos) return "Adobe RGB";
  return description;
}

std::string ColorSpaceOf(VipsImage* image, const std::string& icc) {
  switch (vips_image_guess_interpretation(image)) {
    case VIPS_INTERPRETATION_sRGB:
    case VIPS_INTERPRETATION_RGB16:
      return icc.empty() ? "sRGB" : RgbSpaceOf(icc);
    case VIPS_INTERPRETATION_CMYK:
      return "CMYK";
    case VIPS_INTERPRETATION_B_W:
    case VIPS_INTERPRETATION_GREY16:
      return "grey";
    default:
      return vips_enum_nick(VIPS_TYPE_INTERPRETATION,
                            vips_image_guess_interpretation(image));
  }
}

// The resolution the file states, in pixels per inch. libvips fills in a
// resolution for files that state none: 1 pixel per millimetre in general,
// and 72 dpi for PNG (without a pHYs chunk) and JPEG (density without a
// unit); a stated unit tells them apart except in a PNG, which libvips
// gives no unit, so there 72 dpi itself reads as not stated.
std::optional<double> StatedDpi(VipsImage* image) {
  const double per_mm = vips_image_get_xres(image);
  if (per_mm <= 0 || per_mm == 1.0) return std::nullopt;
  const double dpi = per_mm * 25.4;
  const char* loader = nullptr;
  if (vips_image_get_string(image, VIPS_META_LOADER, &loader) != 0) {
    loader = "";
  }
  const bool png = std::string(loader).rfind("png", 0) == 0;
  const bool has_unit =
      vips_image_get_typeof(image, VIPS_META_RESOLUTION_UNIT) != 0;
  if (!has_unit && !(png && std::abs(dpi - 72) > 0.05)) return std::nullopt;
  return std::round(dpi * 10) / 10;
}

}  // namespace

bool CanReadImage(const std::string& path) {
  if (!StartVips().ok()) return false;
  const bool found = vips_foreign_find_load(path.c_str()) != nullptr;
  if (!found) vips_error_clear();
  return found;
}

Result<ImageInfo> ReadImage(const std::string& path,
                            std::vector<std::string>* warnings) {
  LIVESOP_RETURN_IF_ERROR(StartVips());
  // The header only: libvips reads pixels when something asks for them.
  ImagePtr image(vips_image_new_from_file(path.c_str(), "access",
                                          VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                          VIPS_FAIL_ON_TRUNCATED, nullptr));
  if (image == nullptr) return Damaged(path, VipsError());

  ImageInfo info;
  info.width = vips_image_get_width(image.get());
  info.height = vips_image_get_page_height(image.get());
  info.aspect_ratio = AspectRatioText(info.width, info.height);
  info.has_alpha = vips_image_hasalpha(image.get()) != 0;
  info.pages = std::max(1, vips_image_get_n_pages(image.get()));
  info.dpi = StatedDpi(image.get());
  if (vips_image_get_typeof(image.get(), VIPS_META_ICC_NAME) != 0) {
    const void* data = nullptr;
    size_t size = 0;
    if (vips_image_get_blob(image.get(), VIPS_META_ICC_NAME, &data, &size) ==
        0) {
      info.icc_profile = ProfileDescription(data, size, warnings);
    }
  }
  info.color_space = ColorSpaceOf(image.get(), info.icc_profile);
  int* delays = nullptr;
  int frames = 0;
  if (vips_image_get_typeof(image.get(), "delay") != 0 &&
      vips_image_get_array_int(image.get(), "delay", &delays, &frames) == 0) {
    int64_t total_ms = 0;
    for (int i = 0; i < frames; ++i) total_ms += std::max(0, delays[i]);
    info.animated = info.pages > 1;
    info.duration_seconds = static_cast<double>(total_ms) / 1000;
  }

  // Every pixel of every page, so that a file cut short fails now. "n" is
  // an option of the loaders of multi-page formats only.
  if (info.pages > 1) {
    image.reset(vips_image_new_from_file(
        path.c_str(), "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
        VIPS_FAIL_ON_TRUNCATED, "n", -1, nullptr));
    if (image == nullptr) return Damaged(path, VipsError());
  }
  double average = 0;
  if (vips_avg(image.get(), &average, nullptr) != 0) {
    return Damaged(path, VipsError());
  }
  return info;
}

}  // namespace livesop::assets::internal
