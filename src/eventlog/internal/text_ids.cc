#include "eventlog/internal/text_ids.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace livesop::eventlog::internal {

uint32_t TextIds::Hash(std::string_view text) {
  return static_cast<uint32_t>(std::hash<std::string_view>{}(text));
}

void TextIds::Clear() {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  texts_.clear();
  hashes_.clear();
}

void TextIds::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.id == kNone) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].id != kNone) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

uint32_t TextIds::Intern(std::string_view text, uint32_t hash, bool& added) {
  if (texts_.size() * 2 >= slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.id == kNone) {
      slot = {hash, static_cast<uint32_t>(texts_.size())};
      texts_.push_back(text);
      hashes_.push_back(hash);
      added = true;
      return slot.id;
    }
    if (slot.hash == hash && texts_[slot.id] == text) {
      added = false;
      return slot.id;
    }
  }
}

uint32_t TextIds::Find(std::string_view text) const {
  if (slots_.empty()) return kNone;
  const uint32_t hash = Hash(text);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.id == kNone) return kNone;
    if (slot.hash == hash && texts_[slot.id] == text) return slot.id;
  }
}

}  // namespace livesop::eventlog::internal
