#pragma once

#include <memory>

namespace sessionpp::detail {

// The one deleter for every C client handle: std::unique_ptr<T, CDeleter<&free_fn>> is a
// move-only owner of the size of a pointer. A null handle is never passed to `Free`.
template <auto Free>
struct CDeleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};

template <typename T, auto Free>
using CHandle = std::unique_ptr<T, CDeleter<Free>>;

}  // namespace sessionpp::detail
