#pragma once

// Where the record tables of one store keep their slot arrays.
//
// Every random find reads one slot, so at a million sessions the slot arrays (32 MiB over 64
// shards) cost a TLB miss per find on 4 KiB pages, and on a virtual machine a TLB miss is a
// two-dimensional page walk. The shards grow together (keys are uniformly distributed), so the
// arena places the arrays of one capacity side by side, one per shard, in a block backed by
// transparent huge pages: 16 huge pages instead of 8192 small ones at a million sessions.
// Arrays whose block would be smaller than a huge page come from malloc.

#include <array>
#include <cstddef>
#include <mutex>

namespace sessionpp::memory {

class SlotArena {
 public:
  explicit SlotArena(std::size_t shards) : shards_(shards) {}
  SlotArena(const SlotArena&) = delete;
  SlotArena& operator=(const SlotArena&) = delete;
  ~SlotArena();

  // Zeroed memory of `bytes` (a power of two) for the table of shard `shard`, 16-byte aligned.
  // Throws std::bad_alloc. Thread safe.
  void* acquire(std::size_t shard, std::size_t bytes);
  // Gives back what acquire(shard, bytes) returned. Thread safe.
  void release(void* p, std::size_t bytes) noexcept;

 private:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  // The arrays of one capacity: `users` of the shards' places in `base` are taken.
  struct Block {
    char* base = nullptr;
    std::size_t users = 0;
  };
  bool shared(std::size_t bytes) const noexcept { return shards_ * bytes >= kHugePage; }

  const std::size_t shards_;
  std::mutex mu_;
  std::array<Block, 64> blocks_;  // GUARDED_BY(mu_); index: log2 of the array size
};

}  // namespace sessionpp::memory
