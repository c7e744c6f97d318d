#include "stores/memory/slot_arena.h"

#include <sys/mman.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

namespace sessionpp::memory {

SlotArena::~SlotArena() {
  for (Block& b : blocks_) std::free(b.base);
}

void* SlotArena::acquire(std::size_t shard, std::size_t bytes) {
  if (!shared(bytes)) {
    void* p = std::calloc(1, bytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  char* p = nullptr;
  {
    std::lock_guard lock(mu_);
    Block& b = blocks_[std::countr_zero(bytes)];
    if (b.base == nullptr) {
      // A multiple of the huge page size: both factors are powers of two.
      const std::size_t size = shards_ * bytes;
      b.base = static_cast<char*>(std::aligned_alloc(kHugePage, size));
      if (b.base == nullptr) throw std::bad_alloc();
      // Advice only: without transparent huge pages (or with "never") the block stays usable.
      (void)madvise(b.base, size, MADV_HUGEPAGE);
    }
    ++b.users;
    p = b.base + shard * bytes;
  }
  // The place may have been used by this shard before (the table shrank and grew back).
  std::memset(p, 0, bytes);
  return p;
}

void SlotArena::release(void* p, std::size_t bytes) noexcept {
  if (!shared(bytes)) {
    std::free(p);
    return;
  }
  std::lock_guard lock(mu_);
  Block& b = blocks_[std::countr_zero(bytes)];
  if (--b.users == 0) {
    std::free(b.base);
    b.base = nullptr;
  }
}

}  // namespace sessionpp::memory
