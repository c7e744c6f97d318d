#include "stores/memory/record_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

namespace sessionpp::memory {
namespace {

constexpr std::size_t kMinCapacity = 16;

}  // namespace

Record* RecordTable::tombstone() noexcept {
  // Any address no record can have: the marker's own.
  alignas(Record) static char marker;
  return reinterpret_cast<Record*>(&marker);
}

RecordTable::~RecordTable() {
  for (std::size_t i = 0; i < capacity_; ++i) {
    if (slots_[i].live()) RecordDeleter()(slots_[i].record);
  }
  if (slots_ != nullptr) arena_->release(slots_, capacity_ * sizeof(Slot));
}

RecordTable::Slot* RecordTable::find_slot(const Key& key) const noexcept {
  if (size_ == 0) return nullptr;
  const std::size_t mask = capacity_ - 1;
  // The key is a SHA-256 digest: its first word is uniformly distributed already.
  for (std::size_t i = key.w[0] & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.record == nullptr) return nullptr;
    if (s.tag == key.w[0] && s.record != tombstone() && s.record->key == key) return &s;
  }
}

Record* RecordTable::find(const Key& key) const noexcept {
  const Slot* s = find_slot(key);
  return s == nullptr ? nullptr : s->record;
}

void RecordTable::insert_or_assign(RecordPtr record) {
  if (Slot* s = find_slot(record->key)) {
    RecordPtr old(s->record);
    s->record = record.release();
    return;
  }
  // Keep live records and tombstones under 3/4 of the slots, so probes stay short and always
  // end at an empty slot.
  if ((size_ + tombstones_ + 1) * 4 > capacity_ * 3) rehash(size_ + 1);
  const std::size_t mask = capacity_ - 1;
  for (std::size_t i = record->key.w[0] & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.live()) continue;
    if (s.record == tombstone()) --tombstones_;
    s = Slot{record->key.w[0], record.release()};
    ++size_;
    return;
  }
}

RecordPtr RecordTable::take(const Key& key) noexcept {
  Slot* s = find_slot(key);
  if (s == nullptr) return nullptr;
  RecordPtr r(s->record);
  s->record = tombstone();
  --size_;
  ++tombstones_;
  return r;
}

void RecordTable::rehash(std::size_t min_size) {
  const std::size_t capacity = std::max(kMinCapacity, std::bit_ceil(2 * min_size));
  const std::size_t mask = capacity - 1;
  const auto put = [&](Slot* slots, const Slot& s) {
    std::size_t i = s.tag & mask;
    while (slots[i].record != nullptr) i = (i + 1) & mask;
    slots[i] = s;
  };
  if (capacity == capacity_) {
    // Only tombstones to clear. The arena would hand out this very array again, so the live
    // slots go aside and come back into the cleared array.
    std::vector<Slot> live;
    live.reserve(size_);
    for (std::size_t i = 0; i < capacity_; ++i) {
      if (slots_[i].live()) live.push_back(slots_[i]);
    }
    std::memset(static_cast<void*>(slots_), 0, capacity_ * sizeof(Slot));
    for (const Slot& s : live) put(slots_, s);
  } else {
    auto* slots = static_cast<Slot*>(arena_->acquire(shard_, capacity * sizeof(Slot)));
    for (std::size_t i = 0; i < capacity_; ++i) {
      if (slots_[i].live()) put(slots, slots_[i]);
    }
    if (slots_ != nullptr) arena_->release(slots_, capacity_ * sizeof(Slot));
    slots_ = slots;
    capacity_ = capacity;
  }
  tombstones_ = 0;
}

}  // namespace sessionpp::memory
