#include "sessionpp/memory_store.h"

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stores/memory/record.h"
#include "stores/memory/record_table.h"

namespace sessionpp {
namespace {

using memory::Attribute;
using memory::Key;
using memory::kMaxFieldBytes;
using memory::kNoDeadline;
using memory::Record;
using memory::RecordPtr;
using memory::RecordTable;

// Aligned so two threads working on neighbouring shards do not share a cache line.
struct alignas(64) SessionShard {
  std::mutex mu;
  RecordTable records;  // GUARDED_BY(mu)
};

// Ok when every field fits a record, which keeps sizes in 32 bits (attribute names are at most
// 200 bytes by validation). The message is built only on failure: this runs on every save.
template <typename Attributes>
Result<void> check_fits(std::string_view principal, const Attributes& attributes) {
  const auto too_big = [](const std::string& what, std::size_t size) {
    return make_error(Errc::kInvalidArgument, what + " is " + std::to_string(size) +
                                                  " bytes, over the memory store's limit of " +
                                                  std::to_string(kMaxFieldBytes));
  };
  if (principal.size() > kMaxFieldBytes) return too_big("the principal", principal.size());
  for (const auto& [name, value] : attributes) {
    if (value.size() > kMaxFieldBytes) {
      return too_big("the value of attribute '" + std::string(name) + "'", value.size());
    }
  }
  return {};
}

// Lock order: a session shard (lower index first when two), then a principal shard. Never the
// reverse, so index updates can happen while the record's shard is held.
class MemoryStore final : public SessionRepository {
 public:
  explicit MemoryStore(const MemoryStoreOptions& o)
      : SessionRepository(o.policy),
        shard_mask_(std::bit_ceil(std::max<std::size_t>(o.shards, 1)) - 1),
        slot_arena_(shard_mask_ + 1),
        sessions_(shard_mask_ + 1),
        principals_(shard_mask_ + 1),
        sweep_interval_(o.sweep_interval),
        sweep_batch_(o.sweep_batch) {
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
      sessions_[i].records.place_in(slot_arena_, i);
    }
    if (sweep_interval_.count() > 0) sweeper_ = std::thread([this] { sweep_loop(); });
  }

  ~MemoryStore() override {
    {
      std::lock_guard lock(stop_mu_);
      stop_ = true;
    }
    stop_cv_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
  }

  std::string_view kind() const noexcept override { return "memory"; }

 protected:
  Result<std::optional<SessionData>> do_load(std::string_view handle, Timestamp now) override {
    const Key key = memory::key_of(handle);
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    const Record* r = shard.records.find(key);
    if (r == nullptr || r->expired(now)) return std::optional<SessionData>();
    SessionData d;
    d.created = from_epoch_ms(r->created);
    d.last_accessed = from_epoch_ms(r->last_accessed);
    d.max_inactive = Duration(r->max_inactive);
    if (r->deadline != kNoDeadline) d.absolute_deadline = from_epoch_ms(r->deadline);
    d.principal = r->principal();
    // Stored in name order: each goes at the end of the map without a search.
    r->for_each_attribute([&](const Attribute& a) {
      d.attributes.emplace_hint(d.attributes.end(), a.name, a.value);
    });
    return std::optional<SessionData>(std::move(d));
  }

  Result<void> do_insert(std::string_view handle, const SessionData& d) override {
    if (auto fits = check_fits(d.principal, d.attributes); !fits) return fits;
    Record header{};
    header.key = memory::key_of(handle);
    header.created = to_epoch_ms(d.created);
    header.last_accessed = to_epoch_ms(d.last_accessed);
    header.set_metadata(d);
    RecordPtr r = memory::build_record(header, d.principal, d.attributes);
    SessionShard& shard = shard_for(header.key);
    std::lock_guard lock(shard.mu);
    if (!d.principal.empty()) index_add(d.principal, header.key);
    shard.records.insert_or_assign(std::move(r));
    return {};
  }

  Result<void> do_update(std::string_view handle, const SessionUpdate& u, Timestamp now) override {
    const std::string_view new_principal =
        u.metadata != nullptr ? std::string_view(u.metadata->principal) : std::string_view();
    if (auto fits = check_fits(new_principal, u.set); !fits) return fits;
    const Key key = memory::key_of(handle);
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    Record* r = shard.records.find(key);
    if (r == nullptr || r->expired(now)) {
      return make_error(Errc::kGone,
                        "session " + std::string(handle.substr(0, 12)) + "... no longer exists");
    }
    const std::int64_t last_accessed = std::max(r->last_accessed, to_epoch_ms(u.last_accessed));
    if (u.metadata == nullptr && u.removed.empty() && overwrite_in_place(*r, u.set)) {
      r->last_accessed = last_accessed;
      return {};
    }

    // Anything else rebuilds the record: sessions are small, and one block keeps finds fast.
    Record header = *r;
    header.last_accessed = last_accessed;
    std::string_view principal = r->principal();
    if (u.metadata != nullptr) {
      header.set_metadata(*u.metadata);
      principal = u.metadata->principal;
    }
    std::vector<std::pair<std::string_view, std::string_view>> attributes;
    attributes.reserve(r->attribute_count + u.set.size());
    r->for_each_attribute([&](const Attribute& a) {
      const bool replaced =
          std::any_of(u.set.begin(), u.set.end(), [&](const auto& s) { return s.first == a.name; });
      const bool removed = std::find(u.removed.begin(), u.removed.end(), a.name) != u.removed.end();
      if (!replaced && !removed) attributes.emplace_back(a.name, a.value);
    });
    attributes.insert(attributes.end(), u.set.begin(), u.set.end());
    std::sort(attributes.begin(), attributes.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    // `principal` and `attributes` may point into the old record: it stays until replaced.
    RecordPtr rebuilt = memory::build_record(header, principal, attributes);
    if (principal != r->principal()) {
      if (!r->principal().empty()) index_remove(r->principal(), key);
      if (!principal.empty()) index_add(principal, key);
    }
    shard.records.insert_or_assign(std::move(rebuilt));
    return {};
  }

  Result<bool> do_remove(std::string_view handle) override {
    const Key key = memory::key_of(handle);
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    return erase_locked(shard, key);
  }

  Result<void> do_change_handle(std::string_view old_handle, std::string_view new_handle,
                                Timestamp now) override {
    const Key from = memory::key_of(old_handle);
    const Key to = memory::key_of(new_handle);
    const std::size_t a = shard_index(from);
    const std::size_t b = shard_index(to);
    std::unique_lock<std::mutex> first(sessions_[std::min(a, b)].mu);
    std::unique_lock<std::mutex> second;
    if (a != b) second = std::unique_lock<std::mutex>(sessions_[std::max(a, b)].mu);
    const Record* found = sessions_[a].records.find(from);
    if (found == nullptr || found->expired(now)) {
      return make_error(
          Errc::kGone, "session " + std::string(old_handle.substr(0, 12)) + "... no longer exists");
    }
    RecordPtr r = sessions_[a].records.take(from);
    r->key = to;
    if (!r->principal().empty()) {
      index_remove(r->principal(), from);
      index_add(r->principal(), to);
    }
    sessions_[b].records.insert_or_assign(std::move(r));
    return {};
  }

  Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view principal,
                                                           Timestamp now) override {
    std::vector<SessionSummary> out;
    std::vector<Key> stale;
    for (const Key& key : index_keys(principal)) {
      SessionShard& shard = shard_for(key);
      std::lock_guard lock(shard.mu);
      const Record* r = shard.records.find(key);
      if (r == nullptr || r->expired(now) || r->principal() != principal) {
        stale.push_back(key);
        continue;
      }
      out.push_back(SessionSummary{.handle = memory::handle_of_key(key),
                                   .principal = std::string(r->principal()),
                                   .created = from_epoch_ms(r->created),
                                   .last_accessed = from_epoch_ms(r->last_accessed),
                                   .expires_at = r->expires_at()});
    }
    for (const Key& key : stale) prune(principal, key, now);
    return out;
  }

  Result<std::vector<std::string>> do_remove_by_principal(
      std::string_view principal, std::optional<std::string_view> keep_handle,
      Timestamp now) override {
    std::optional<Key> keep;
    if (keep_handle && is_handle(*keep_handle)) keep = memory::key_of(*keep_handle);
    std::vector<std::string> removed;
    for (const Key& key : index_keys(principal)) {
      if (keep && key == *keep) continue;
      SessionShard& shard = shard_for(key);
      std::lock_guard lock(shard.mu);
      const Record* r = shard.records.find(key);
      if (r == nullptr || r->principal() != principal) continue;
      const bool live = !r->expired(now);
      erase_locked(shard, key);
      if (live) removed.push_back(memory::handle_of_key(key));
    }
    return removed;
  }

  Result<std::vector<std::string>> do_purge_expired(Timestamp now, std::size_t limit) override {
    std::vector<std::string> purged;
    for (SessionShard& shard : sessions_) {
      if (purged.size() >= limit) break;
      std::lock_guard lock(shard.mu);
      shard.records.erase_if([&](const Record& r) {
        if (purged.size() >= limit || !r.expired(now)) return false;
        if (!r.principal().empty()) index_remove(r.principal(), r.key);
        purged.push_back(memory::handle_of_key(r.key));
        return true;
      });
    }
    return purged;
  }

  Result<std::size_t> do_count(Timestamp now) override {
    std::size_t n = 0;
    for (SessionShard& shard : sessions_) {
      std::lock_guard lock(shard.mu);
      shard.records.for_each([&](const Record& r) { n += r.expired(now) ? 0 : 1; });
    }
    return n;
  }

  Result<void> do_ping() override { return {}; }

 private:
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct PrincipalShard {
    std::mutex mu;
    // principal -> keys of its sessions. May hold stale keys; readers prune them.
    std::unordered_map<std::string, std::vector<Key>, TransparentHash, std::equal_to<>>
        index;  // GUARDED_BY(mu)
  };

  // Writes each value of `set` over the stored value when every one of them exists with the
  // same size (a counter, a token of fixed length): no allocation. False, writing nothing,
  // otherwise.
  static bool overwrite_in_place(
      Record& r, const std::vector<std::pair<std::string_view, std::string_view>>& set) {
    for (const auto& [name, value] : set) {
      std::size_t size = 0;
      if (r.find_value(name, size) == nullptr || size != value.size()) return false;
    }
    for (const auto& [name, value] : set) {
      std::size_t size = 0;
      std::copy(value.begin(), value.end(), r.find_value(name, size));
    }
    return true;
  }

  std::size_t shard_index(const Key& k) const noexcept {
    // Other bits than the ones the record table uses for its slots.
    return static_cast<std::size_t>(k.w[1]) & shard_mask_;
  }
  SessionShard& shard_for(const Key& k) noexcept { return sessions_[shard_index(k)]; }
  PrincipalShard& principal_shard(std::string_view p) noexcept {
    return principals_[std::hash<std::string_view>{}(p)&shard_mask_];
  }

  // REQUIRES: shard.mu held.
  bool erase_locked(SessionShard& shard, const Key& key) {
    const RecordPtr r = shard.records.take(key);
    if (r == nullptr) return false;
    if (!r->principal().empty()) index_remove(r->principal(), key);
    return true;
  }

  void index_add(std::string_view principal, const Key& key) {
    PrincipalShard& ps = principal_shard(principal);
    std::lock_guard lock(ps.mu);
    auto it = ps.index.find(principal);
    if (it == ps.index.end()) it = ps.index.try_emplace(std::string(principal)).first;
    auto& keys = it->second;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }

  void index_remove(std::string_view principal, const Key& key) {
    PrincipalShard& ps = principal_shard(principal);
    std::lock_guard lock(ps.mu);
    const auto it = ps.index.find(principal);
    if (it == ps.index.end()) return;
    std::erase(it->second, key);
    if (it->second.empty()) ps.index.erase(it);
  }

  std::vector<Key> index_keys(std::string_view principal) {
    PrincipalShard& ps = principal_shard(principal);
    std::lock_guard lock(ps.mu);
    const auto it = ps.index.find(principal);
    return it == ps.index.end() ? std::vector<Key>() : it->second;
  }

  // Drops `key` from the index of `principal` if its record is still gone or elsewhere; the
  // re-check under the shard lock keeps a concurrent re-add from being lost.
  void prune(std::string_view principal, const Key& key, Timestamp now) {
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    const Record* r = shard.records.find(key);
    if (r != nullptr && r->principal() == principal) {
      if (!r->expired(now)) return;
      erase_locked(shard, key);  // expired: its record goes too
      return;
    }
    index_remove(principal, key);
  }

  void sweep_loop() {
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, sweep_interval_, [this] { return stop_; })) {
      lock.unlock();
      (void)purge_expired(sweep_batch_);
      lock.lock();
    }
  }

  const std::size_t shard_mask_;
  memory::SlotArena slot_arena_;  // before sessions_: the tables give their slots back to it
  std::vector<SessionShard> sessions_;
  std::vector<PrincipalShard> principals_;
  const std::chrono::milliseconds sweep_interval_;
  const std::size_t sweep_batch_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;  // GUARDED_BY(stop_mu_)
  std::thread sweeper_;
};

}  // namespace

Result<std::unique_ptr<SessionRepository>> open_memory_store(const MemoryStoreOptions& options) {
  if (options.shards == 0 || options.shards > 65536) {
    return make_error(Errc::kInvalidArgument,
                      "MemoryStoreOptions.shards must be between 1 and 65536");
  }
  if (options.sweep_interval.count() < 0) {
    return make_error(Errc::kInvalidArgument, "MemoryStoreOptions.sweep_interval must be >= 0");
  }
  if (options.sweep_batch == 0) {
    return make_error(Errc::kInvalidArgument, "MemoryStoreOptions.sweep_batch must be > 0");
  }
  return std::unique_ptr<SessionRepository>(std::make_unique<MemoryStore>(options));
}

}  // namespace sessionpp
