#include "assets/internal/units.h"

#include <cmath>
#include <cstdio>
#include <numeric>

namespace livesop::assets::internal {

std::string FormatNumber(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string out = buffer;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out == "-0" ? "0" : out;
}

std::string FormatBytes(int64_t bytes) {
  static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (std::abs(value) >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return FormatNumber(value, unit == 0 ? 0 : 1) + " " + kUnits[unit];
}

std::string AspectRatioText(int64_t width, int64_t height) {
  if (width <= 0 || height <= 0) return "0:0";
  // Terms up to this are how people write ratios ("16:9", "40:21"); larger
  // ones ("437:620") say less than a decimal does.
  constexpr int64_t kLargestTerm = 64;
  const int64_t divisor = std::gcd(width, height);
  const int64_t w = width / divisor;
  const int64_t h = height / divisor;
  if (w <= kLargestTerm && h <= kLargestTerm) {
    return std::to_string(w) + ":" + std::to_string(h);
  }
  if (width >= height) {
    return FormatNumber(static_cast<double>(width) / height, 2) + ":1";
  }
  return "1:" + FormatNumber(static_cast<double>(height) / width, 2);
}

}  // namespace livesop::assets::internal
