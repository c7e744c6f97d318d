#include "stores/memory/record_table.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

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
  std::free(slots_);
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
  auto* slots = static_cast<Slot*>(std::calloc(capacity, sizeof(Slot)));
  if (slots == nullptr) throw std::bad_alloc();
  const std::size_t mask = capacity - 1;
  for (std::size_t i = 0; i < capacity_; ++i) {
    if (!slots_[i].live()) continue;
    std::size_t j = slots_[i].tag & mask;
    while (slots[j].record != nullptr) j = (j + 1) & mask;
    slots[j] = slots_[i];
  }
  std::free(slots_);
  slots_ = slots;
  capacity_ = capacity;
  tombstones_ = 0;
}

}  // namespace sessionpp::memory
