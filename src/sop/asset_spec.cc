#include "sop/asset_spec.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <utility>

namespace livesop::sop {
namespace {

bool Match(std::string_view text, const std::regex& pattern,
           std::match_results<std::string_view::const_iterator>* m) {
  return std::regex_match(text.begin(), text.end(), *m, pattern);
}

double ToDouble(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

// Lower case without spaces, dashes, underscores and parentheses, so that
// "Display-P3", "display p3" and "DisplayP3" compare equal.
std::string Folded(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '_' || c == '(' || c == ')') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::optional<PixelSize> ParsePixelSize(std::string_view text) {
  static const std::regex pattern("([1-9][0-9]{0,5})x([1-9][0-9]{0,5})");
  std::match_results<std::string_view::const_iterator> m;
  if (!Match(text, pattern, &m)) return std::nullopt;
  PixelSize size;
  std::from_chars(&*m[1].first, &*m[1].first + m[1].length(), size.width);
  std::from_chars(&*m[2].first, &*m[2].first + m[2].length(), size.height);
  return size;
}

std::optional<double> ParseAspectRatio(std::string_view text) {
  static const std::regex pattern(
      "([1-9][0-9]*(?:\\.[0-9]+)?):([1-9][0-9]*(?:\\.[0-9]+)?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!Match(text, pattern, &m)) return std::nullopt;
  double width = ToDouble(m[1].str());
  double height = ToDouble(m[2].str());
  if (!std::isfinite(width) || !std::isfinite(height)) return std::nullopt;
  return width / height;
}

std::optional<int64_t> ParseFileSize(std::string_view text) {
  static const std::regex pattern("([0-9]+(?:\\.[0-9]+)?)\\s*(B|KB|MB|GB)");
  std::match_results<std::string_view::const_iterator> m;
  if (!Match(text, pattern, &m)) return std::nullopt;
  double number = ToDouble(m[1].str());
  const std::string unit = m[2].str();
  double scale = unit == "GB"   ? 1024.0 * 1024 * 1024
                 : unit == "MB" ? 1024.0 * 1024
                 : unit == "KB" ? 1024.0
                                : 1.0;
  double bytes = std::round(number * scale);
  // Past 2^53 bytes (8 PiB) a double no longer holds whole numbers; no real
  // limit is that large, so such a text is not a size.
  if (!std::isfinite(bytes) || bytes > 9007199254740992.0) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

bool SameAspectRatio(double actual, double wanted) {
  return wanted > 0 &&
         std::abs(actual - wanted) <= kAspectRatioTolerance * wanted;
}

const std::vector<std::string>& KnownFormats() {
  static const std::vector<std::string> formats = {
      "jpg", "png", "gif", "webp", "tif", "avif", "heic",
      "svg", "mp4", "mov", "webm", "pdf", "html", "text"};
  return formats;
}

std::string CanonicalFormat(std::string_view name) {
  static const std::vector<std::pair<std::string, std::string>> aliases = {
      {"jpeg", "jpg"},  {"jpe", "jpg"},  {"tiff", "tif"},
      {"heif", "heic"}, {"m4v", "mp4"},  {"qt", "mov"},
      {"htm", "html"},  {"txt", "text"}, {"plain", "text"}};
  std::string folded = Folded(name);
  if (!folded.empty() && folded.front() == '.') folded.erase(0, 1);
  for (const std::string& format : KnownFormats()) {
    if (folded == format) return format;
  }
  for (const auto& [alias, format] : aliases) {
    if (folded == alias) return format;
  }
  return {};
}

const std::vector<std::string>& KnownColorSpaces() {
  static const std::vector<std::string> spaces = {"sRGB", "Display P3",
                                                  "Adobe RGB", "CMYK", "grey"};
  return spaces;
}

std::string CanonicalColorSpace(std::string_view name) {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"srgb", "sRGB"},
      {"displayp3", "Display P3"},
      {"p3", "Display P3"},
      {"adobergb", "Adobe RGB"},
      {"adobergb1998", "Adobe RGB"},
      {"cmyk", "CMYK"},
      {"grey", "grey"},
      {"gray", "grey"},
      {"greyscale", "grey"},
      {"grayscale", "grey"}};
  const std::string folded = Folded(name);
  for (const auto& [alias, space] : names) {
    if (folded == alias) return space;
  }
  return {};
}

}  // namespace livesop::sop
