#pragma once

#include <mongoc/mongoc.h>

#include <memory>

#include "core/c_deleter.h"

namespace sessionpp::mongo {

using detail::CDeleter;

using UriPtr = std::unique_ptr<mongoc_uri_t, CDeleter<&mongoc_uri_destroy>>;
using ClientPoolPtr = std::unique_ptr<mongoc_client_pool_t, CDeleter<&mongoc_client_pool_destroy>>;
using CollectionPtr = std::unique_ptr<mongoc_collection_t, CDeleter<&mongoc_collection_destroy>>;
using CursorPtr = std::unique_ptr<mongoc_cursor_t, CDeleter<&mongoc_cursor_destroy>>;

// An owned heap bson_t. Not a unique_ptr: bson_t carries an alignment attribute that g++ warns
// about (-Wignored-attributes) when it is a template argument.
class BsonPtr {
 public:
  BsonPtr() = default;
  explicit BsonPtr(bson_t* p) noexcept : p_(p) {}
  BsonPtr(BsonPtr&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  BsonPtr& operator=(BsonPtr&& o) noexcept {
    if (this != &o) reset(o.p_), o.p_ = nullptr;
    return *this;
  }
  ~BsonPtr() { reset(); }

  bson_t* get() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  void reset(bson_t* p = nullptr) noexcept {
    if (p_ != nullptr) bson_destroy(p_);
    p_ = p;
  }

 private:
  bson_t* p_ = nullptr;
};

// A bson_t on the heap, owned.
inline BsonPtr new_bson() { return BsonPtr(bson_new()); }

// A client lent by the pool for the lifetime of the guard.
class PooledClient {
 public:
  explicit PooledClient(mongoc_client_pool_t* pool)
      : pool_(pool), client_(mongoc_client_pool_pop(pool)) {}
  ~PooledClient() {
    if (client_ != nullptr) mongoc_client_pool_push(pool_, client_);
  }
  PooledClient(const PooledClient&) = delete;
  PooledClient& operator=(const PooledClient&) = delete;

  mongoc_client_t* get() const noexcept { return client_; }

 private:
  mongoc_client_pool_t* pool_;
  mongoc_client_t* client_;
};

}  // namespace sessionpp::mongo
