#include "connect/message.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>

#include "connect/internal/digest.h"

namespace livesop::connect {
namespace {

// Appends `field` with its length first, so no two different messages hash
// the same bytes ("ab" + "c" against "a" + "bc").
void Put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

}  // namespace

namespace internal {

std::string Sha256Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(),
             nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size_t{2} * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace internal

std::string WhereRead(const Message& message) {
  std::string where = message.file;
  if (!message.locator.empty()) where += " " + message.locator;
  if (message.line > 0) {
    where += message.locator.empty() ? ":" : " line ";
    where += std::to_string(message.line);
  }
  return where;
}

std::string EvidenceHash(const Message& message, int occurrence) {
  std::string canonical;
  canonical.reserve(message.text.size() + 128);
  Put(canonical, message.source);
  Put(canonical, message.id);
  Put(canonical, message.conversation);
  Put(canonical, message.sender);
  Put(canonical, std::to_string(message.time_us));
  Put(canonical, std::to_string(static_cast<int>(message.kind)));
  Put(canonical, message.text);
  for (const auto& [name, value] : message.fields) {
    Put(canonical, name);
    Put(canonical, value);
  }
  Put(canonical, std::to_string(occurrence));
  return internal::Sha256Hex(canonical);
}

}  // namespace livesop::connect
