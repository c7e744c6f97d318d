#include "sessionpp/memory_store.h"

#include <algorithm>
#include <array>
#include <bit>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sessionpp {
namespace {

// A handle in binary: 32 bytes instead of 64 hex characters, so a million sessions stay small.
struct Key {
  std::array<std::uint64_t, 4> w{};
  friend bool operator==(const Key&, const Key&) = default;
};

struct KeyHash {
  // The handle is a SHA-256 digest: its first word is already uniformly distributed.
  std::size_t operator()(const Key& k) const noexcept { return k.w[0]; }
};

int hex_value(char c) noexcept { return c <= '9' ? c - '0' : c - 'a' + 10; }

// REQUIRES: is_handle(handle).
Key key_of(std::string_view handle) noexcept {
  Key k;
  for (std::size_t i = 0; i < 32; ++i) {
    const auto byte =
        static_cast<std::uint64_t>((hex_value(handle[2 * i]) << 4) | hex_value(handle[2 * i + 1]));
    k.w[i / 8] |= byte << (8 * (7 - i % 8));
  }
  return k;
}

std::string handle_of_key(const Key& k) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '\0');
  for (std::size_t i = 0; i < 32; ++i) {
    const auto byte = static_cast<unsigned>((k.w[i / 8] >> (8 * (7 - i % 8))) & 0xff);
    out[2 * i] = kHex[byte >> 4];
    out[2 * i + 1] = kHex[byte & 0xf];
  }
  return out;
}

constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::min();

// A stored session, kept compact: times as epoch milliseconds, attributes as a flat vector
// (sessions hold few attributes; a vector costs less than a map node per entry).
struct Record {
  std::int64_t created;
  std::int64_t last_accessed;
  std::int64_t max_inactive;
  std::int64_t deadline;  // kNoDeadline: none
  std::string principal;
  std::vector<std::pair<std::string, std::string>> attributes;

  std::optional<Timestamp> expires_at() const noexcept {
    return expiry_of(
        from_epoch_ms(last_accessed), Duration(max_inactive),
        deadline == kNoDeadline ? std::nullopt : std::optional<Timestamp>(from_epoch_ms(deadline)));
  }
  bool expired(Timestamp now) const noexcept {
    const auto at = expires_at();
    return at && now >= *at;
  }
  void set_metadata(const SessionData& d) {
    max_inactive = d.max_inactive.count();
    deadline = d.absolute_deadline ? to_epoch_ms(*d.absolute_deadline) : kNoDeadline;
    principal = d.principal;
  }
};

struct SessionShard {
  std::mutex mu;
  std::unordered_map<Key, Record, KeyHash> records;  // GUARDED_BY(mu)
};

struct PrincipalShard {
  std::mutex mu;
  // principal -> keys of its sessions. May hold stale keys; readers prune them.
  std::unordered_map<std::string, std::vector<Key>> index;  // GUARDED_BY(mu)
};

// Lock order: a session shard (lower index first when two), then a principal shard. Never the
// reverse, so index updates can happen while the record's shard is held.
class MemoryStore final : public SessionRepository {
 public:
  explicit MemoryStore(const MemoryStoreOptions& o)
      : SessionRepository(o.policy),
        shard_mask_(std::bit_ceil(std::max<std::size_t>(o.shards, 1)) - 1),
        sessions_(shard_mask_ + 1),
        principals_(shard_mask_ + 1),
        sweep_interval_(o.sweep_interval),
        sweep_batch_(o.sweep_batch) {
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
    const Key key = key_of(handle);
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    const auto it = shard.records.find(key);
    if (it == shard.records.end() || it->second.expired(now)) return std::optional<SessionData>();
    const Record& r = it->second;
    SessionData d;
    d.created = from_epoch_ms(r.created);
    d.last_accessed = from_epoch_ms(r.last_accessed);
    d.max_inactive = Duration(r.max_inactive);
    if (r.deadline != kNoDeadline) d.absolute_deadline = from_epoch_ms(r.deadline);
    d.principal = r.principal;
    for (const auto& [name, value] : r.attributes) d.attributes.emplace(name, value);
    return std::optional<SessionData>(std::move(d));
  }

  Result<void> do_insert(std::string_view handle, const SessionData& d) override {
    const Key key = key_of(handle);
    Record r{.created = to_epoch_ms(d.created),
             .last_accessed = to_epoch_ms(d.last_accessed),
             .max_inactive = 0,
             .deadline = kNoDeadline,
             .principal = {},
             .attributes = {}};
    r.set_metadata(d);
    r.attributes.reserve(d.attributes.size());
    for (const auto& [name, value] : d.attributes) r.attributes.emplace_back(name, value);
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    auto [it, inserted] = shard.records.insert_or_assign(key, std::move(r));
    if (!it->second.principal.empty()) index_add(it->second.principal, key);
    return {};
  }

  Result<void> do_update(std::string_view handle, const SessionUpdate& u, Timestamp now) override {
    const Key key = key_of(handle);
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    const auto it = shard.records.find(key);
    if (it == shard.records.end() || it->second.expired(now)) {
      return make_error(Errc::kGone,
                        "session " + std::string(handle.substr(0, 12)) + "... no longer exists");
    }
    Record& r = it->second;
    r.last_accessed = std::max(r.last_accessed, to_epoch_ms(u.last_accessed));
    if (u.metadata != nullptr) {
      if (u.metadata->principal != r.principal) {
        if (!r.principal.empty()) index_remove(r.principal, key);
        if (!u.metadata->principal.empty()) index_add(u.metadata->principal, key);
      }
      r.set_metadata(*u.metadata);
    }
    for (const auto& [name, value] : u.set) {
      auto a = std::find_if(r.attributes.begin(), r.attributes.end(),
                            [&](const auto& p) { return p.first == name; });
      if (a == r.attributes.end()) {
        r.attributes.emplace_back(name, value);
      } else {
        a->second.assign(value);
      }
    }
    for (const auto& name : u.removed) {
      std::erase_if(r.attributes, [&](const auto& p) { return p.first == name; });
    }
    return {};
  }

  Result<bool> do_remove(std::string_view handle) override {
    const Key key = key_of(handle);
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    return erase_locked(shard, key);
  }

  Result<void> do_change_handle(std::string_view old_handle, std::string_view new_handle,
                                Timestamp now) override {
    const Key from = key_of(old_handle);
    const Key to = key_of(new_handle);
    const std::size_t a = shard_index(from);
    const std::size_t b = shard_index(to);
    std::unique_lock<std::mutex> first(sessions_[std::min(a, b)].mu);
    std::unique_lock<std::mutex> second;
    if (a != b) second = std::unique_lock<std::mutex>(sessions_[std::max(a, b)].mu);
    auto& src = sessions_[a].records;
    const auto it = src.find(from);
    if (it == src.end() || it->second.expired(now)) {
      return make_error(
          Errc::kGone, "session " + std::string(old_handle.substr(0, 12)) + "... no longer exists");
    }
    Record r = std::move(it->second);
    src.erase(it);
    if (!r.principal.empty()) {
      index_remove(r.principal, from);
      index_add(r.principal, to);
    }
    sessions_[b].records.insert_or_assign(to, std::move(r));
    return {};
  }

  Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view principal,
                                                           Timestamp now) override {
    std::vector<SessionSummary> out;
    std::vector<Key> stale;
    for (const Key& key : index_keys(principal)) {
      SessionShard& shard = shard_for(key);
      std::lock_guard lock(shard.mu);
      const auto it = shard.records.find(key);
      if (it == shard.records.end() || it->second.expired(now) ||
          it->second.principal != principal) {
        stale.push_back(key);
        continue;
      }
      const Record& r = it->second;
      out.push_back(SessionSummary{.handle = handle_of_key(key),
                                   .principal = r.principal,
                                   .created = from_epoch_ms(r.created),
                                   .last_accessed = from_epoch_ms(r.last_accessed),
                                   .expires_at = r.expires_at()});
    }
    for (const Key& key : stale) prune(principal, key, now);
    return out;
  }

  Result<std::vector<std::string>> do_remove_by_principal(
      std::string_view principal, std::optional<std::string_view> keep_handle,
      Timestamp now) override {
    std::optional<Key> keep;
    if (keep_handle && is_handle(*keep_handle)) keep = key_of(*keep_handle);
    std::vector<std::string> removed;
    for (const Key& key : index_keys(principal)) {
      if (keep && key == *keep) continue;
      SessionShard& shard = shard_for(key);
      std::lock_guard lock(shard.mu);
      const auto it = shard.records.find(key);
      if (it == shard.records.end() || it->second.principal != principal) continue;
      const bool live = !it->second.expired(now);
      erase_locked(shard, key);
      if (live) removed.push_back(handle_of_key(key));
    }
    return removed;
  }

  Result<std::vector<std::string>> do_purge_expired(Timestamp now, std::size_t limit) override {
    std::vector<std::string> purged;
    for (SessionShard& shard : sessions_) {
      if (purged.size() >= limit) break;
      std::lock_guard lock(shard.mu);
      for (auto it = shard.records.begin(); it != shard.records.end() && purged.size() < limit;) {
        if (!it->second.expired(now)) {
          ++it;
          continue;
        }
        if (!it->second.principal.empty()) index_remove(it->second.principal, it->first);
        purged.push_back(handle_of_key(it->first));
        it = shard.records.erase(it);
      }
    }
    return purged;
  }

  Result<std::size_t> do_count(Timestamp now) override {
    std::size_t n = 0;
    for (SessionShard& shard : sessions_) {
      std::lock_guard lock(shard.mu);
      for (const auto& [key, r] : shard.records) n += r.expired(now) ? 0 : 1;
    }
    return n;
  }

  Result<void> do_ping() override { return {}; }

 private:
  std::size_t shard_index(const Key& k) const noexcept {
    // Bits other than the ones the hash table uses for its buckets.
    return static_cast<std::size_t>(k.w[1]) & shard_mask_;
  }
  SessionShard& shard_for(const Key& k) noexcept { return sessions_[shard_index(k)]; }
  PrincipalShard& principal_shard(std::string_view p) noexcept {
    return principals_[std::hash<std::string_view>{}(p)&shard_mask_];
  }

  // REQUIRES: shard.mu held.
  bool erase_locked(SessionShard& shard, const Key& key) {
    const auto it = shard.records.find(key);
    if (it == shard.records.end()) return false;
    if (!it->second.principal.empty()) index_remove(it->second.principal, key);
    shard.records.erase(it);
    return true;
  }

  void index_add(const std::string& principal, const Key& key) {
    PrincipalShard& ps = principal_shard(principal);
    std::lock_guard lock(ps.mu);
    auto& keys = ps.index[principal];
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }

  void index_remove(const std::string& principal, const Key& key) {
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
    const auto it = ps.index.find(std::string(principal));
    return it == ps.index.end() ? std::vector<Key>() : it->second;
  }

  // Drops `key` from the index of `principal` if its record is still gone or elsewhere; the
  // re-check under the shard lock keeps a concurrent re-add from being lost.
  void prune(std::string_view principal, const Key& key, Timestamp now) {
    SessionShard& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    const auto it = shard.records.find(key);
    if (it != shard.records.end() && it->second.principal == principal) {
      if (!it->second.expired(now)) return;
      erase_locked(shard, key);  // expired: its record goes too
      return;
    }
    index_remove(std::string(principal), key);
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
