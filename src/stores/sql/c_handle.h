#pragma once

#include <memory>

namespace sessionpp::sql {

// A stateless deleter for a C handle: std::unique_ptr<T, CDeleter<&free_fn>>.
template <auto Free>
struct CDeleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};

}  // namespace sessionpp::sql
