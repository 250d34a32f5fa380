// How the assets module writes quantities for people: bytes, seconds and
// aspect ratios, the same in error messages and check reasons.
#ifndef LIVESOP_ASSETS_INTERNAL_UNITS_H_
#define LIVESOP_ASSETS_INTERNAL_UNITS_H_

#include <cstdint>
#include <string>

namespace livesop::assets::internal {

// "812 B", "5.8 KB", "8 MB", "1.5 GB": binary units (1 KB = 1024 B), as
// specs write limits, with one decimal when it is not zero.
std::string FormatBytes(int64_t bytes);

// `value` with at most `decimals` decimals, trailing zeros removed:
// FormatNumber(1.50, 2) is "1.5", FormatNumber(90, 1) is "90".
std::string FormatNumber(double value, int decimals);

// The aspect ratio of `width` x `height` for people: reduced whole terms
// when they are small ("16:9", "4:5", "40:21"), else two decimals with the
// shorter side as 1 ("1.43:1", "1:1.42"). "0:0" for an empty size.
std::string AspectRatioText(int64_t width, int64_t height);

}  // namespace livesop::assets::internal

#endif  // LIVESOP_ASSETS_INTERNAL_UNITS_H_
