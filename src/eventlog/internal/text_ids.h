// Distinct texts numbered in the order first seen: the table behind the
// log's string pool (log.h) and the log parts' own strings (log_part.h).
#ifndef LIVESOP_EVENTLOG_INTERNAL_TEXT_IDS_H_
#define LIVESOP_EVENTLOG_INTERNAL_TEXT_IDS_H_

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace livesop::eventlog::internal {

// Distinct texts numbered from 0 in the order first seen, by open
// addressing (no allocation per text). The table holds views: the texts'
// bytes must outlive it, or its next Clear.
class TextIds {
 public:
  // The id no text has.
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  TextIds() = default;

  // The hash the table files `text` under.
  static uint32_t Hash(std::string_view text);

  // The id of `text`, whose Hash is `hash`, adding it when new; `added`
  // tells which.
  uint32_t Intern(std::string_view text, uint32_t hash, bool& added);
  uint32_t Intern(std::string_view text, bool& added) {
    return Intern(text, Hash(text), added);
  }
  uint32_t Intern(std::string_view text) {
    bool added = false;
    return Intern(text, added);
  }
  // The id of `text`, or kNone.
  uint32_t Find(std::string_view text) const;
  // Points id `id` at `text`, an equal text elsewhere (one that lives
  // longer than the view it was interned with).
  void Repoint(uint32_t id, std::string_view text) { texts_[id] = text; }

  // The texts, by id, and their hashes.
  const std::vector<std::string_view>& texts() const { return texts_; }
  const std::vector<uint32_t>& hashes() const { return hashes_; }
  size_t size() const { return texts_.size(); }

  // Forgets every text, keeping the memory for the next ones.
  void Clear();

  // Bytes held by the table (not by the texts).
  size_t MemoryBytes() const {
    return slots_.capacity() * sizeof(Slot) +
           texts_.capacity() * sizeof(std::string_view) +
           hashes_.capacity() * sizeof(uint32_t);
  }

 private:
  struct Slot {
    uint32_t hash = 0;
    uint32_t id = kNone;  // kNone: free
  };

  void Grow();

  std::vector<Slot> slots_;  // a power of two, at most half full; or empty
  std::vector<std::string_view> texts_;
  std::vector<uint32_t> hashes_;
};

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_TEXT_IDS_H_
