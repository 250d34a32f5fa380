// libFuzzer target for one side-path connector (LIVESOP_CONNECTOR names it:
// whatsapp, email, slack, sheet): any bytes must parse or fail with an
// error, never crash, hang or trip a sanitizer; and what parses must keep
// the connector's promises. The first byte picks the file name's extension
// (a zip, a text, a mailbox, a workbook); the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connect/connector.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const livesop::connect::Connector* connector =
      livesop::connect::FindConnector(LIVESOP_CONNECTOR);
  Check(connector != nullptr);
  if (size == 0) return 0;
  static const std::vector<std::string> kExtensions = {
      ".txt", ".zip", ".eml", ".mbox", ".json", ".csv", ".xlsx", ".xls"};
  const std::string name = "input" + kExtensions[data[0] % kExtensions.size()];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  livesop::connect::ReadOptions options;
  options.time_zone = data[0] & 0x80 ? "Asia/Jakarta" : "UTC";
  options.max_bytes = 1 << 20;
  livesop::Result<livesop::connect::Export> parsed =
      connector->Parse(name, bytes, options);
  if (!parsed.ok()) {
    // Every error says what was being read.
    Check(!parsed.status().message().empty());
    return 0;
  }
  for (const livesop::connect::Message& message : parsed->messages) {
    Check(message.source == connector->Name());
    Check(message.file == name);
    Check(message.line >= 0);
  }
  return 0;
}
