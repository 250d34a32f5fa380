// Zip archives read from memory with libzip: the WhatsApp export with its
// media, a Slack workspace export, an XLSX workbook.
#ifndef LIVESOP_CONNECT_INTERNAL_ZIP_H_
#define LIVESOP_CONNECT_INTERNAL_ZIP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace livesop::connect::internal {

// True when `bytes` starts as a zip archive does ("PK\3\4", or "PK\5\6" for
// an empty one).
bool LooksLikeZip(std::string_view bytes);

struct ZipMember {
  std::string name;  // the path inside the archive, '/'-separated
  std::string bytes;
};

// Every file of the archive `bytes` (folders left out), in archive order.
// `name` is the archive's name for messages. The members' sizes together
// may not pass `max_bytes`, checked while inflating, so a zip bomb is
// stopped rather than unpacked. Errors: InvalidArgument naming the archive
// (and the member) when it is not a zip, is truncated or a member is
// damaged or encrypted; ResourceExhausted past `max_bytes` or 100,000
// members.
Result<std::vector<ZipMember>> ReadZip(std::string_view name,
                                       std::string_view bytes,
                                       int64_t max_bytes);

// `members` written into a zip archive in memory, deflated (tests,
// benchmarks and fuzz seeds make exports with it). Internal when libzip
// fails.
Result<std::string> WriteZip(const std::vector<ZipMember>& members);

}  // namespace livesop::connect::internal

#endif  // LIVESOP_CONNECT_INTERNAL_ZIP_H_
