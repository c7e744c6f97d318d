#pragma once

// The hash table of one memory store shard: open addressing with linear probing over slots of
// {first key word, record pointer}. A find reads one slot (its neighbours share the cache line)
// and then the record it points to: two memory accesses, where std::unordered_map needed three
// or four (bucket, node, attribute vector, strings) at a million sessions.
//
// Not thread safe: the shard's mutex guards it.

#include <cstddef>
#include <cstdint>

#include "stores/memory/record.h"
#include "stores/memory/slot_arena.h"

namespace sessionpp::memory {

class RecordTable {
 public:
  // An empty table without slots; place_in() before the first insert.
  RecordTable() = default;
  RecordTable(const RecordTable&) = delete;
  RecordTable& operator=(const RecordTable&) = delete;
  ~RecordTable();

  // Takes slot arrays from `arena`, as shard `shard`. REQUIRES: the table is empty; `arena`
  // outlives the table.
  void place_in(SlotArena& arena, std::size_t shard) noexcept {
    arena_ = &arena;
    shard_ = shard;
  }

  // The record stored under `key`, or nullptr.
  Record* find(const Key& key) const noexcept;

  // Stores `record` under its key, freeing the record it replaces.
  void insert_or_assign(RecordPtr record);

  // Removes the record stored under `key` and hands it over; nullptr when absent.
  RecordPtr take(const Key& key) noexcept;

  // Calls f(Record&) for every record; f returns true to remove (and free) it. Records removed
  // during the walk are not visited again, and none are added.
  template <typename F>
  void erase_if(F&& f) {
    for (std::size_t i = 0; i < capacity_; ++i) {
      Slot& s = slots_[i];
      if (!s.live() || !f(*s.record)) continue;
      RecordPtr gone(s.record);
      s.record = tombstone();
      --size_;
      ++tombstones_;
    }
  }

  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < capacity_; ++i) {
      if (slots_[i].live()) f(static_cast<const Record&>(*slots_[i].record));
    }
  }

  std::size_t size() const noexcept { return size_; }

 private:
  // record: nullptr for a never-used slot, tombstone() for a removed one (probes go past it).
  struct Slot {
    std::uint64_t tag;  // key.w[0], so probes skip other keys without reading their records
    Record* record;
    bool live() const noexcept { return record != nullptr && record != tombstone(); }
  };
  static Record* tombstone() noexcept;

  // The slot holding `key`, or nullptr.
  Slot* find_slot(const Key& key) const noexcept;
  // Rebuilds the table without tombstones, at a capacity that puts the load at most 1/2.
  void rehash(std::size_t min_size);

  SlotArena* arena_ = nullptr;
  std::size_t shard_ = 0;
  Slot* slots_ = nullptr;  // capacity_ slots, a power of two
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;        // live records
  std::size_t tombstones_ = 0;  // removed slots not yet reclaimed by a rehash
};

}  // namespace sessionpp::memory
