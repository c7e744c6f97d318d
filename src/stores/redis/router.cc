#include "stores/redis/router.h"

#include <algorithm>
#include <thread>

#include "stores/redis/errors.h"
#include "stores/redis/redis_options.h"

namespace sessionpp::redis {
namespace {

using Clock = std::chrono::steady_clock;
// Topology refreshes (CLUSTER SLOTS, Sentinel questions) at most this often, unless forced.
constexpr auto kTopologyInterval = std::chrono::milliseconds(100);
// Redirections followed for one command before its last error reply is returned.
constexpr int kMaxRedirects = 5;

bool starts_with(std::string_view s, std::string_view p) noexcept {
  return s.substr(0, p.size()) == p;
}

bool is_error(const redisReply* r, std::string_view prefix) noexcept {
  return r != nullptr && r->type == REDIS_REPLY_ERROR &&
         starts_with(std::string_view(r->str, r->len), prefix);
}

// "MOVED 3999 127.0.0.1:6381" / "ASK ..." -> host, port (an empty host means the one we asked).
bool redirect_target(std::string_view msg, std::string& host, int& port) {
  const auto sp = msg.rfind(' ');
  if (sp == std::string_view::npos) return false;
  auto a = parse_address(msg.substr(sp + 1), 6379);
  if (!a) {
    // ":port" (Redis 7 with an unknown endpoint): same host as the node that answered.
    if (msg.size() > sp + 1 && msg[sp + 1] == ':') {
      host.clear();
      auto p = parse_address("x" + std::string(msg.substr(sp + 1)), 6379);
      if (!p) return false;
      port = p->second;
      return true;
    }
    return false;
  }
  host = std::move(a->first);
  port = a->second;
  return true;
}

// The key of a command: EVALSHA's first key, or the first argument.
std::string_view command_key(const Command& c) {
  if (c.args.empty()) return {};
  if (c.args[0] == "EVALSHA" || c.args[0] == "EVAL") {
    return c.args.size() > 3 && c.args[2] != "0" ? std::string_view(c.args[3]) : std::string_view();
  }
  if (c.args[0] == "PING" || c.args[0] == "SCRIPT" || c.args[0] == "CONFIG") return {};
  return c.args.size() > 1 ? std::string_view(c.args[1]) : std::string_view();
}

std::string join(const std::vector<std::pair<std::string, int>>& addrs) {
  std::string out;
  for (const auto& [h, p] : addrs) {
    if (!out.empty()) out += ", ";
    out += Endpoint{.host = h, .port = p}.address();
  }
  return out;
}

}  // namespace

Node::Node(Endpoint ep, std::size_t pool_size, std::chrono::milliseconds wait_timeout,
           std::size_t pipelined_reads)
    : pool(std::move(ep), pool_size, wait_timeout),
      reads(pipelined_reads > 0 ? std::make_unique<ReadBatcher>(pool.endpoint(), pipelined_reads)
                                : nullptr) {}

Router::Router(const RedisOptions& o)
    : mode_(o.mode),
      base_{.host = o.host,
            .port = o.port,
            .username = o.username,
            .password = o.password,
            .database = o.database,
            .connect_timeout = o.connect_timeout,
            .command_timeout = o.command_timeout},
      pool_size_(o.pool.size),
      wait_timeout_(o.pool.wait_timeout),
      pipelined_reads_(o.pool.pipelined_reads),
      master_name_(o.master_name),
      sentinel_username_(o.sentinel_username),
      sentinel_password_(o.sentinel_password) {
  for (const auto& s : o.mode == RedisMode::kCluster ? o.cluster_nodes : o.sentinels) {
    if (auto a = parse_address(s, o.mode == RedisMode::kCluster ? 6379 : 26379)) {
      seeds_.push_back(std::move(*a));
    }
  }
  // Cluster errors not tied to one connection name the first seed, not the unused host/port.
  if (o.mode == RedisMode::kCluster && !seeds_.empty()) {
    base_.host = seeds_.front().first;
    base_.port = seeds_.front().second;
  }
}

Result<std::unique_ptr<Router>> Router::open(const RedisOptions& o) {
  std::unique_ptr<Router> r(new Router(o));
  switch (o.mode) {
    case RedisMode::kStandalone:
      r->primary_ = r->node(o.host, o.port);
      break;
    case RedisMode::kCluster:
      if (auto ok = r->refresh_slots(true); !ok) return std::move(ok).error();
      break;
    case RedisMode::kSentinel:
      if (auto ok = r->discover_primary(nullptr, true); !ok) return std::move(ok).error();
      break;
  }
  return r;
}

const Endpoint& Router::endpoint() const noexcept {
  const Node* p = primary_.load();
  return p != nullptr ? p->pool.endpoint() : base_;
}

Node* Router::node(const std::string& host, int port) {
  Endpoint ep = base_;
  ep.host = host;
  ep.port = port;
  std::string addr = ep.address();
  std::lock_guard lock(nodes_mu_);
  auto& n = nodes_[addr];
  if (!n) n = std::make_unique<Node>(std::move(ep), pool_size_, wait_timeout_, pipelined_reads_);
  return n.get();
}

Node* Router::node_for(const Command& c) {
  if (mode_ != RedisMode::kCluster) return primary_.load();
  const std::string_view key = command_key(c);
  const int slot = key.empty() ? 0 : key_slot(key);
  Node* n = slots_[static_cast<std::size_t>(slot)].load(std::memory_order_acquire);
  if (n == nullptr) {
    // An uncovered slot (or a map not read yet): ask any node, it redirects.
    (void)refresh_slots(false);
    n = slots_[static_cast<std::size_t>(slot)].load(std::memory_order_acquire);
    if (n == nullptr) {
      for (auto& s : slots_) {
        if ((n = s.load()) != nullptr) break;
      }
    }
    if (n == nullptr) n = node(seeds_.front().first, seeds_.front().second);
  }
  return n;
}

Result<Lease> Router::acquire() {
  Node* n = mode_ == RedisMode::kCluster ? node_for(Command{{"PING"}, {}}) : primary_.load();
  return n->pool.acquire();
}

Result<std::vector<ReplyPtr>> Router::run(std::vector<Command> batch, Retry retry) {
  switch (mode_) {
    case RedisMode::kCluster:
      return run_cluster(batch, retry);
    case RedisMode::kSentinel:
      return run_sentinel(batch, retry);
    case RedisMode::kStandalone:
      break;
  }
  std::vector<const Command*> ptrs;
  ptrs.reserve(batch.size());
  for (const auto& c : batch) ptrs.push_back(&c);
  return run_on(*primary_.load(), ptrs, retry);
}

// Sends `batch` in one round trip on a pooled connection of `n`. A connection failure drops that
// connection and the idle ones (they most likely failed with it).
Result<std::vector<ReplyPtr>> Router::run_on(Node& n, std::span<const Command* const> batch,
                                             Retry retry) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    Result<std::vector<ReplyPtr>> replies = make_error(Errc::kInternal, "not run");
    {
      auto lease = n.pool.acquire();
      if (!lease) return std::move(lease).error();
      reused = lease->reused();
      replies = (*lease)->pipeline(batch);
    }
    if (replies) return replies;
    n.pool.drop_idle();
    // Only a connection the server closed (kUnavailable), not a timeout: a retry must not
    // stretch a call past its timeout.
    if (retry == Retry::kNo || !reused || attempt > 0 ||
        replies.error().code != Errc::kUnavailable) {
      return replies;
    }
  }
}

Result<ReplyPtr> Router::read(const Command& c) {
  Node* n = node_for(c);
  if (n->reads == nullptr) {
    auto r = run({c}, Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    return std::move((*r)[0]);
  }
  auto r = n->reads->call(c);
  if (!r) {
    n->pool.drop_idle();  // the pooled connections most likely broke too
    if (mode_ == RedisMode::kCluster) (void)refresh_slots(false);
    if (mode_ == RedisMode::kSentinel) (void)discover_primary(n, false);
    return r;
  }
  if (mode_ == RedisMode::kCluster &&
      (is_error(r->get(), "MOVED ") || is_error(r->get(), "ASK ") ||
       is_error(r->get(), "TRYAGAIN") || is_error(r->get(), "CLUSTERDOWN"))) {
    // Redirected or mid-resharding: the general path follows it.
    auto again = run({c}, Retry::kOnStaleConnection);
    if (!again) return std::move(again).error();
    return std::move((*again)[0]);
  }
  return r;
}

Result<std::vector<ReplyPtr>> Router::run_sentinel(std::vector<Command>& batch, Retry retry) {
  std::vector<const Command*> ptrs;
  ptrs.reserve(batch.size());
  for (const auto& c : batch) ptrs.push_back(&c);
  for (int attempt = 0;; ++attempt) {
    Node* n = primary_.load();
    auto r = run_on(*n, ptrs, retry);
    if (!r) {
      // The primary may be gone: find the new one for the next call (this one is not resent,
      // its effect is unknown).
      if (is_transient(r.error().code)) (void)discover_primary(n, false);
      return r;
    }
    const bool readonly = std::any_of(
        r->begin(), r->end(), [](const ReplyPtr& p) { return is_error(p.get(), "READONLY"); });
    if (!readonly) return r;
    // A demoted primary: every write was refused, so sending them to the new one is safe.
    auto changed = discover_primary(n, true);
    if (attempt > 0 || !changed || !*changed) return r;
  }
}

Result<bool> Router::discover_primary(Node* stale, bool force) {
  // A caller finding a discovery under way does not queue behind it (it may wait for
  // unreachable Sentinels): its call failed anyway, and the next one uses the result.
  std::unique_lock lock(topology_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    if (!force) return false;
    lock.lock();
  }
  Node* current = primary_.load();
  if (stale != nullptr && current != stale) return true;  // another caller switched already
  const auto now = Clock::now();
  if (!force && now - last_topology_ < kTopologyInterval) return false;
  last_topology_ = now;
  std::string errors;
  for (const auto& [host, port] : seeds_) {
    const Endpoint ep{
        .host = host,
        .port = port,
        .username = sentinel_username_,
        .password = sentinel_password_,
        .connect_timeout = std::min(base_.connect_timeout, std::chrono::milliseconds(1000)),
        .command_timeout = std::min(base_.command_timeout, std::chrono::milliseconds(1000)),
        .sentinel = true};
    auto conn = Connection::open(ep);
    if (!conn) {
      errors += "; " + conn.error().message;
      continue;
    }
    auto r = (*conn)->command({{"SENTINEL", "get-master-addr-by-name", master_name_}, {}});
    if (!r) {
      errors += "; " + r.error().message;
      continue;
    }
    if (auto ok = (*conn)->check(**r, "SENTINEL get-master-addr-by-name"); !ok) {
      errors += "; " + ok.error().message;
      continue;
    }
    if (reply_size(r->get()) < 2) {
      errors += "; Sentinel " + ep.address() + " knows no master named '" + master_name_ + "'";
      continue;
    }
    auto port_num = reply_int(reply_at(r->get(), 1));
    if (!port_num) continue;
    Node* found = node(std::string(reply_str(reply_at(r->get(), 0))), static_cast<int>(*port_num));
    if (found == current) return false;
    primary_.store(found);
    if (current != nullptr) current->pool.drop_idle();
    return true;
  }
  return make_error(Errc::kUnavailable, "no Sentinel (" + join(seeds_) +
                                            ") named the primary of master '" + master_name_ + "'" +
                                            errors);
}

Result<void> Router::refresh_slots(bool force) {
  std::unique_lock lock(topology_mu_, std::try_to_lock);  // as in discover_primary
  if (!lock.owns_lock()) {
    if (!force) return {};
    lock.lock();
  }
  const auto now = Clock::now();
  if (!force && now - last_topology_ < kTopologyInterval) return {};
  last_topology_ = now;
  // Ask the seeds, then every node learned so far.
  std::vector<std::pair<std::string, int>> candidates = seeds_;
  {
    std::lock_guard nodes_lock(nodes_mu_);
    for (const auto& [addr, n] : nodes_) {
      candidates.emplace_back(n->pool.endpoint().host, n->pool.endpoint().port);
    }
  }
  std::string errors;
  for (const auto& [host, port] : candidates) {
    Endpoint ep = base_;
    ep.host = host;
    ep.port = port;
    ep.connect_timeout = std::min(base_.connect_timeout, std::chrono::milliseconds(500));
    auto conn = Connection::open(ep);
    if (!conn) {
      errors += "; " + conn.error().message;
      continue;
    }
    auto r = (*conn)->command({{"CLUSTER", "SLOTS"}, {}});
    if (!r) {
      errors += "; " + r.error().message;
      continue;
    }
    if (auto ok = (*conn)->check(**r, "CLUSTER SLOTS"); !ok) {
      errors += "; " + ok.error().message;
      continue;
    }
    const redisReply* ranges = r->get();
    if (reply_size(ranges) == 0) {
      errors += "; " + ep.address() + " serves no slots (cluster not created?)";
      continue;
    }
    // [start, end, [ip, port, id, ...], replicas...]
    for (std::size_t i = 0; i < reply_size(ranges); ++i) {
      const redisReply* range = reply_at(ranges, i);
      const auto first = reply_int(reply_at(range, 0));
      const auto last = reply_int(reply_at(range, 1));
      const redisReply* primary = reply_at(range, 2);
      const auto p = reply_int(reply_at(primary, 1));
      if (!first || !last || !p || *first < 0 || *last >= kClusterSlots) continue;
      std::string h(reply_str(reply_at(primary, 0)));
      if (h.empty() || h == "?") h = host;
      Node* n = node(h, static_cast<int>(*p));
      for (auto s = *first; s <= *last; ++s) {
        slots_[static_cast<std::size_t>(s)].store(n, std::memory_order_release);
      }
    }
    return {};
  }
  return make_error(Errc::kUnavailable,
                    "no Redis Cluster node (" + join(seeds_) + ") answered CLUSTER SLOTS" + errors);
}

Result<std::vector<ReplyPtr>> Router::run_cluster(std::vector<Command>& batch, Retry retry) {
  const std::size_t n = batch.size();
  std::vector<ReplyPtr> out(n);
  std::vector<Node*> target(n);
  std::vector<char> asking(n, 0);
  for (std::size_t i = 0; i < n; ++i) target[i] = node_for(batch[i]);
  std::vector<std::size_t> pending(n);
  for (std::size_t i = 0; i < n; ++i) pending[i] = i;
  const Command asking_cmd{{"ASKING"}, {}};

  for (int round = 0; !pending.empty(); ++round) {
    std::vector<std::size_t> again;
    // One pipeline per node, in the order the nodes first appear.
    std::vector<Node*> order;
    for (std::size_t i : pending) {
      if (std::find(order.begin(), order.end(), target[i]) == order.end())
        order.push_back(target[i]);
    }
    bool slots_moved = false;
    for (Node* node_ptr : order) {
      std::vector<const Command*> cmds;
      std::vector<std::ptrdiff_t> which;  // batch index per reply, -1 for ASKING
      for (std::size_t i : pending) {
        if (target[i] != node_ptr) continue;
        if (asking[i] != 0) {
          cmds.push_back(&asking_cmd);
          which.push_back(-1);
        }
        cmds.push_back(&batch[i]);
        which.push_back(static_cast<std::ptrdiff_t>(i));
      }
      auto r = run_on(*node_ptr, cmds, retry);
      if (!r) {
        // A primary may have failed: learn the new map for the next call.
        if (is_transient(r.error().code)) (void)refresh_slots(false);
        return std::move(r).error();
      }
      for (std::size_t k = 0; k < r->size(); ++k) {
        if (which[k] < 0) continue;
        const auto i = static_cast<std::size_t>(which[k]);
        ReplyPtr& rep = (*r)[k];
        const bool last_round = round >= kMaxRedirects;
        std::string host;
        int port = 0;
        if (!last_round && is_error(rep.get(), "MOVED ") &&
            redirect_target(reply_str(rep.get()), host, port)) {
          if (host.empty()) host = node_ptr->pool.endpoint().host;
          Node* to = node(host, port);
          slots_[static_cast<std::size_t>(key_slot(command_key(batch[i])))].store(to);
          target[i] = to;
          asking[i] = 0;
          slots_moved = true;
          again.push_back(i);
        } else if (!last_round && is_error(rep.get(), "ASK ") &&
                   redirect_target(reply_str(rep.get()), host, port)) {
          if (host.empty()) host = node_ptr->pool.endpoint().host;
          target[i] = node(host, port);
          asking[i] = 1;
          again.push_back(i);
        } else if (!last_round &&
                   (is_error(rep.get(), "TRYAGAIN") || is_error(rep.get(), "CLUSTERDOWN"))) {
          again.push_back(i);
        } else {
          out[i] = std::move(rep);
        }
      }
    }
    if (slots_moved) (void)refresh_slots(false);  // one MOVED usually means many
    if (!again.empty() && round > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::sort(again.begin(), again.end());
    pending = std::move(again);
  }
  return out;
}

}  // namespace sessionpp::redis
