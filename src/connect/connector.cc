#include "connect/connector.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "connect/internal/connectors.h"

namespace livesop::connect {

std::vector<const Connector*> Connectors() {
  std::vector<const Connector*> all = {
      &internal::EmailConnector(), &internal::SheetConnector(),
      &internal::SlackConnector(), &internal::WebhookConnector(),
      &internal::WhatsAppConnector()};
  std::sort(all.begin(), all.end(), [](const Connector* a, const Connector* b) {
    return a->Name() < b->Name();
  });
  return all;
}

const Connector* FindConnector(std::string_view name) {
  for (const Connector* connector : Connectors()) {
    if (connector->Name() == name) return connector;
  }
  return nullptr;
}

Result<Export> ReadExport(const Connector& connector, const std::string& path,
                          const ReadOptions& options) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    return NotFoundError(path + ": no such file");
  }
  if (!std::filesystem::is_regular_file(status)) {
    return InvalidArgumentError(path + ": not a file; give the export file");
  }
  const auto size = std::filesystem::file_size(path, error);
  if (!error && static_cast<int64_t>(size) > options.max_bytes) {
    return ResourceExhaustedError(
        path + ": " + std::to_string(size) + " bytes, more than the " +
        std::to_string(options.max_bytes) + " an import reads; split it");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in && !in.eof()) {
    return InvalidArgumentError(path + ": cannot be read");
  }
  return connector.Parse(path, bytes.view(), options);
}

}  // namespace livesop::connect
