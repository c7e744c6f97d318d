// The Redis store: SessionRepository primitives over one hash per session and two kinds of
// sorted-set index. Layout and scripts: keys.h, session_codec.h, scripts.h, docs/stores/redis.md.

#include "sessionpp/redis_store.h"

#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "stores/redis/connection_pool.h"
#include "stores/redis/errors.h"
#include "stores/redis/expiry_listener.h"
#include "stores/redis/keys.h"
#include "stores/redis/keyspace_events.h"
#include "stores/redis/read_batcher.h"
#include "stores/redis/redis_options.h"
#include "stores/redis/router.h"
#include "stores/redis/scripts.h"
#include "stores/redis/session_codec.h"

namespace sessionpp {
namespace redis {
namespace {

using Log = std::function<void(std::string_view)>;

// A script's source and the SHA1 the server gave it (SCRIPT LOAD at open).
struct ScriptRef {
  std::string_view source;
  std::string sha;
};

struct Scripts {
  ScriptRef write{scripts::kWrite, {}};
  ScriptRef update{scripts::kUpdate, {}};
  ScriptRef remove{scripts::kRemove, {}};
  ScriptRef take{scripts::kTake, {}};
  ScriptRef purge{scripts::kPurge, {}};
  ScriptRef index_put{scripts::kIndexPut, {}};

  std::vector<ScriptRef*> all() { return {&write, &update, &remove, &take, &purge, &index_put}; }
};

Command eval(const ScriptRef& s, std::vector<std::string> keys, std::vector<std::string> args) {
  Command c;
  c.args.reserve(3 + keys.size() + args.size());
  c.args.emplace_back("EVALSHA");
  c.args.push_back(s.sha);
  c.args.push_back(std::to_string(keys.size()));
  for (auto& k : keys) c.args.push_back(std::move(k));
  for (auto& a : args) c.args.push_back(std::move(a));
  c.script = s.source;
  return c;
}

std::string score_text(std::optional<Timestamp> expiry) {
  return expiry ? codec::ms_text(*expiry) : std::string("inf");
}

std::string short_handle(std::string_view handle) {
  return std::string(handle.substr(0, 12)) + "...";
}

Error gone(std::string_view handle) {
  return make_error(Errc::kGone, "session " + short_handle(handle) + " no longer exists");
}

class RedisStore final : public SessionRepository {
 public:
  RedisStore(const RedisOptions& o, std::unique_ptr<Router> router, Scripts scripts, Log log)
      : SessionRepository(o.policy),
        router_(std::move(router)),
        scripts_(std::move(scripts)),
        keys_(o.key_prefix),
        expiries_key_(keys_.expiries()),
        log_(std::move(log)) {}

  std::string_view kind() const noexcept override { return "redis"; }

  // Subscribes to expired-key notifications (the server has them on). An expiry is reported by
  // whichever node removes its entry from the expiry index first, here or in purge_expired: once
  // across all nodes.
  void listen_for_expiries() {
    listener_ = std::make_unique<ExpiryListener>(
        router_->endpoint(), keys_.prefix(),
        [this](std::string_view handle) {
          auto r =
              run({{{"ZREM", expiries_key_, std::string(handle)}, {}}}, Retry::kOnStaleConnection);
          if (r && reply_int((*r)[0].get()).value_or(0) == 1) emit_expired(handle);
        },
        log_);
  }

 protected:
  Result<std::optional<SessionData>> do_load(std::string_view handle, Timestamp now) override {
    Command get{{"HGETALL", keys_.session(handle)}, {}};
    auto r = router_->read(get);
    if (!r) return std::move(r).error();
    const redisReply& rep = **r;
    if (auto ok = check(rep, "HGETALL"); !ok) {
      if (ok.error().code != Errc::kCorrupt) return std::move(ok).error();
      // Not a hash (foreign data under the prefix): absent, like any undecodable record.
      log_("undecodable session " + short_handle(handle) +
           " treated as absent: " + ok.error().message);
      return std::optional<SessionData>();
    }
    if (reply_size(&rep) == 0) return std::optional<SessionData>();
    auto d = codec::decode(rep);
    if (!d) {
      log_("undecodable session " + short_handle(handle) +
           " treated as absent: " + d.error().message);
      return std::optional<SessionData>();
    }
    const auto e = expiry_of(d->last_accessed, d->max_inactive, d->absolute_deadline);
    if (e && now >= *e) return std::optional<SessionData>();
    return std::optional<SessionData>(std::move(*d));
  }

  Result<void> do_insert(std::string_view handle, const SessionData& d) override {
    const auto e = expiry_of(d.last_accessed, d.max_inactive, d.absolute_deadline);
    std::vector<std::string> args{e ? codec::ms_text(*e) : std::string()};
    codec::encode(d, args);
    std::vector<Command> batch;
    batch.push_back(eval(scripts_.write, {keys_.session(handle)}, std::move(args)));
    batch.push_back(index_put(keys_.expiries(), handle, e, true));
    if (!d.principal.empty())
      batch.push_back(index_put(keys_.principal(d.principal), handle, e, true));
    auto r = run(std::move(batch), Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    return check_all(*r, "saving a new session");
  }

  Result<void> do_update(std::string_view handle, const SessionUpdate& u, Timestamp now) override {
    std::vector<std::string> args;
    args.reserve(8 + 2 * u.set.size() + u.removed.size());
    args.push_back(codec::ms_text(now));
    args.push_back(codec::ms_text(u.last_accessed));
    if (u.metadata != nullptr) {
      args.emplace_back("1");
      args.push_back(std::to_string(u.metadata->max_inactive.count()));
      args.push_back(u.metadata->absolute_deadline ? codec::ms_text(*u.metadata->absolute_deadline)
                                                   : std::string());
      args.push_back(u.metadata->principal);
    } else {
      args.insert(args.end(), {"0", "", "", ""});
    }
    args.push_back(std::to_string(u.set.size()));
    for (const auto& [name, value] : u.set) {
      args.push_back(codec::attribute_field(name));
      args.emplace_back(value);
    }
    for (const auto& name : u.removed) args.push_back(codec::attribute_field(name));

    // One round trip in the common case: the script and the index steps go out together, the
    // index entries computed from the caller's copy of the session (`u.session`). The script's
    // reply is the authority: when it differs from that guess (another node changed the session
    // meanwhile, or it is gone), a second round trip corrects the indexes.
    const SessionData* mine = u.metadata != nullptr ? u.metadata : u.session;
    std::string guess_score;
    std::string guess_principal;
    if (mine != nullptr) {
      guess_score = score_text(expiry_of(std::max(u.last_accessed, mine->last_accessed),
                                         mine->max_inactive, mine->absolute_deadline));
      guess_principal = mine->principal;
    }
    const bool force = u.metadata != nullptr;
    std::vector<Command> batch;
    batch.push_back(eval(scripts_.update, {keys_.session(handle)}, std::move(args)));
    if (mine != nullptr) {
      batch.push_back(index_put_text(keys_.expiries(), handle, guess_score, force));
      if (!guess_principal.empty()) {
        batch.push_back(
            index_put_text(keys_.principal(guess_principal), handle, guess_score, force));
      }
    }
    auto r = run(std::move(batch), Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    const redisReply* rep = (*r)[0].get();
    if (auto ok = check(*rep, "saving a session"); !ok) return ok;
    if (reply_int(reply_at(rep, 0)).value_or(0) != 1) {
      if (mine != nullptr) {
        // Nothing was saved: put the expiry index back as it was (an entry left by a session that
        // expired is how purge_expired reports it; none is left for a deleted one), and take the
        // session out of its user's index.
        std::vector<Command> undo;
        const redisReply* before = (*r)[1].get();
        if (before->type == REDIS_REPLY_STRING) {
          undo.push_back(
              {{"ZADD", keys_.expiries(), std::string(reply_str(before)), std::string(handle)},
               {}});
        } else {
          undo.push_back({{"ZREM", keys_.expiries(), std::string(handle)}, {}});
        }
        if (!guess_principal.empty()) {
          undo.push_back({{"ZREM", keys_.principal(guess_principal), std::string(handle)}, {}});
        }
        (void)run(std::move(undo), Retry::kOnStaleConnection);  // readers prune what is left
      }
      return gone(handle);
    }
    const std::span<const ReplyPtr> index_replies(r->begin() + 1, r->end());
    for (const auto& ir : index_replies) {
      if (auto ok = check(*ir, "updating the session indexes"); !ok) return ok;
    }

    // What the script saw and did; anything the guess got wrong is corrected now.
    const std::string_view expiry = reply_str(reply_at(rep, 1));
    const std::string score = expiry.empty() ? std::string("inf") : std::string(expiry);
    const std::string principal(reply_str(reply_at(rep, 2)));
    const std::string_view old_principal = reply_str(reply_at(rep, 3));
    std::vector<Command> fix;
    if (mine == nullptr || score != guess_score) {
      fix.push_back(index_put_text(keys_.expiries(), handle, score, force));
    }
    if (!principal.empty() &&
        (mine == nullptr || principal != guess_principal || score != guess_score)) {
      fix.push_back(index_put_text(keys_.principal(principal), handle, score, force));
    }
    if (mine != nullptr && !guess_principal.empty() && guess_principal != principal) {
      fix.push_back({{"ZREM", keys_.principal(guess_principal), std::string(handle)}, {}});
    }
    if (!old_principal.empty() && old_principal != principal && old_principal != guess_principal) {
      fix.push_back({{"ZREM", keys_.principal(old_principal), std::string(handle)}, {}});
    }
    if (fix.empty()) return {};
    auto idx = run(std::move(fix), Retry::kOnStaleConnection);
    if (!idx) return std::move(idx).error();
    return check_all(*idx, "updating the session indexes");
  }

  Result<bool> do_remove(std::string_view handle) override {
    auto r = run({eval(scripts_.remove, {keys_.session(handle)},
                       {codec::ms_text(clock().now()), std::string()}),
                  {{"ZREM", keys_.expiries(), std::string(handle)}, {}}},
                 Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    if (auto ok = check_all(*r, "removing a session"); !ok) return std::move(ok).error();
    const redisReply* rep = (*r)[0].get();
    const bool deleted = reply_int(reply_at(rep, 0)).value_or(0) == 1;
    const std::string_view principal = reply_str(reply_at(rep, 1));
    if (!principal.empty()) {
      auto idx = run({{{"ZREM", keys_.principal(principal), std::string(handle)}, {}}},
                     Retry::kOnStaleConnection);
      if (!idx) return std::move(idx).error();
      if (auto ok = check_all(*idx, "updating the principal index"); !ok) {
        return std::move(ok).error();
      }
    }
    return deleted;
  }

  // Two steps so that the old and the new key may live in different cluster slots: take the old
  // hash (checked and deleted atomically), then write it under the new key. Deleting first means a
  // failure between the steps logs the user out rather than leaving the old id valid.
  Result<void> do_change_handle(std::string_view old_handle, std::string_view new_handle,
                                Timestamp now) override {
    auto r =
        run({eval(scripts_.take, {keys_.session(old_handle)}, {codec::ms_text(now)})}, Retry::kNo);
    if (!r) return std::move(r).error();
    const redisReply* rep = (*r)[0].get();
    if (auto ok = check(*rep, "changing a session id"); !ok) return ok;
    if (reply_int(reply_at(rep, 0)).value_or(0) != 1) return gone(old_handle);
    const std::string expiry(reply_str(reply_at(rep, 1)));
    const redisReply* fields = reply_at(rep, 2);
    std::vector<std::string> args{expiry};
    std::string principal;
    for (std::size_t i = 0; i + 1 < reply_size(fields); i += 2) {
      const std::string_view f = reply_str(reply_at(fields, i));
      const std::string_view v = reply_str(reply_at(fields, i + 1));
      if (f == codec::kPrincipal) principal.assign(v);
      args.emplace_back(f);
      args.emplace_back(v);
    }
    const std::string score = expiry.empty() ? std::string("inf") : expiry;
    std::vector<Command> batch;
    batch.push_back(eval(scripts_.write, {keys_.session(new_handle)}, std::move(args)));
    batch.push_back({{"ZREM", keys_.expiries(), std::string(old_handle)}, {}});
    batch.push_back(index_put_text(keys_.expiries(), new_handle, score, true));
    if (!principal.empty()) {
      batch.push_back({{"ZREM", keys_.principal(principal), std::string(old_handle)}, {}});
      batch.push_back(index_put_text(keys_.principal(principal), new_handle, score, true));
    }
    auto w = run(std::move(batch), Retry::kOnStaleConnection);
    if (!w) {
      log_("session " + short_handle(old_handle) +
           " was lost changing its id: " + w.error().message);
      return std::move(w).error();
    }
    return check_all(*w, "changing a session id");
  }

  Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view principal,
                                                           Timestamp now) override {
    const std::string index = keys_.principal(principal);
    auto handles = members(index);
    if (!handles) return std::move(handles).error();
    std::vector<SessionSummary> out;
    if (handles->empty()) return out;
    std::vector<Command> batch;
    batch.reserve(handles->size());
    for (const auto& h : *handles) {
      batch.push_back({{"HMGET", keys_.session(h), std::string(codec::kCreated),
                        std::string(codec::kLastAccessed), std::string(codec::kMaxInactive),
                        std::string(codec::kDeadline), std::string(codec::kPrincipal)},
                       {}});
    }
    auto r = run(std::move(batch), Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    if (auto ok = check_all(*r, "listing sessions by principal"); !ok) return std::move(ok).error();
    Command prune{{"ZREM", index}, {}};
    for (std::size_t i = 0; i < handles->size(); ++i) {
      const redisReply* rep = (*r)[i].get();
      const auto created = reply_int(reply_at(rep, 0));
      const auto accessed = reply_int(reply_at(rep, 1));
      const auto timeout = reply_int(reply_at(rep, 2));
      const auto deadline = reply_int(reply_at(rep, 3));
      const std::string_view owner = reply_str(reply_at(rep, 4));
      std::optional<Timestamp> e;
      if (accessed && timeout) {
        e = expiry_of(from_epoch_ms(*accessed), Duration(*timeout),
                      deadline ? std::optional<Timestamp>(from_epoch_ms(*deadline)) : std::nullopt);
      }
      if (!created || !accessed || !timeout || owner != principal || (e && now >= *e)) {
        prune.args.push_back((*handles)[i]);
        continue;
      }
      out.push_back(SessionSummary{.handle = (*handles)[i],
                                   .principal = std::string(owner),
                                   .created = from_epoch_ms(*created),
                                   .last_accessed = from_epoch_ms(*accessed),
                                   .expires_at = e});
    }
    if (prune.args.size() > 2) {
      auto p = run({std::move(prune)}, Retry::kOnStaleConnection);
      if (!p) return std::move(p).error();
      if (auto ok = check_all(*p, "pruning the principal index"); !ok) {
        return std::move(ok).error();
      }
    }
    return out;
  }

  Result<std::vector<std::string>> do_remove_by_principal(
      std::string_view principal, std::optional<std::string_view> keep_handle,
      Timestamp now) override {
    const std::string index = keys_.principal(principal);
    auto handles = members(index);
    if (!handles) return std::move(handles).error();
    std::erase_if(*handles, [&](const std::string& h) { return keep_handle && h == *keep_handle; });
    std::vector<std::string> removed;
    if (handles->empty()) return removed;
    std::vector<Command> batch;
    for (const auto& h : *handles) {
      batch.push_back(
          eval(scripts_.remove, {keys_.session(h)}, {codec::ms_text(now), std::string(principal)}));
    }
    auto r = run(std::move(batch), Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    if (auto ok = check_all(*r, "removing sessions by principal"); !ok) {
      return std::move(ok).error();
    }
    Command unindex{{"ZREM", index}, {}};
    Command unexpire{{"ZREM", keys_.expiries()}, {}};
    for (std::size_t i = 0; i < handles->size(); ++i) {
      const redisReply* rep = (*r)[i].get();
      const bool deleted = reply_int(reply_at(rep, 0)).value_or(0) == 1;
      if (deleted) {
        unexpire.args.push_back((*handles)[i]);
        if (reply_int(reply_at(rep, 2)).value_or(0) == 1) removed.push_back((*handles)[i]);
      }
      // Deleted, or a stale entry (gone, or now another user's session).
      if (deleted || reply_str(reply_at(rep, 1)) != principal)
        unindex.args.push_back((*handles)[i]);
    }
    std::vector<Command> cleanup;
    if (unindex.args.size() > 2) cleanup.push_back(std::move(unindex));
    if (unexpire.args.size() > 2) cleanup.push_back(std::move(unexpire));
    if (!cleanup.empty()) {
      auto c = run(std::move(cleanup), Retry::kOnStaleConnection);
      if (!c) return std::move(c).error();
      if (auto ok = check_all(*c, "updating the session indexes"); !ok) {
        return std::move(ok).error();
      }
    }
    return removed;
  }

  // Candidates come from the expiry index; each is checked against its hash, because the index
  // may lag behind (its updates are separate steps). Entries whose hash Redis already expired
  // count as purged: those sessions expired, and this is where their event is reported.
  Result<std::vector<std::string>> do_purge_expired(Timestamp now, std::size_t limit) override {
    std::vector<std::string> purged;
    const std::string index = keys_.expiries();
    const std::string now_text = codec::ms_text(now);
    for (int round = 0; round < 1000 && purged.size() < limit; ++round) {
      const std::size_t want = std::min<std::size_t>(limit - purged.size(), 100);
      auto c = run(
          {{{"ZRANGEBYSCORE", index, "-inf", now_text, "LIMIT", "0", std::to_string(want)}, {}}},
          Retry::kOnStaleConnection);
      if (!c) return std::move(c).error();
      if (auto ok = check_all(*c, "reading the expiry index"); !ok) return std::move(ok).error();
      const redisReply* list = (*c)[0].get();
      if (reply_size(list) == 0) break;
      std::vector<std::string> handles;
      std::vector<Command> batch;
      for (std::size_t i = 0; i < reply_size(list); ++i) {
        handles.emplace_back(reply_str(reply_at(list, i)));
        batch.push_back(eval(scripts_.purge, {keys_.session(handles.back())}, {now_text}));
      }
      auto r = run(std::move(batch), Retry::kOnStaleConnection);
      if (!r) return std::move(r).error();
      if (auto ok = check_all(*r, "purging expired sessions"); !ok) return std::move(ok).error();
      std::vector<Command> cleanup;
      Command unexpire{{"ZREM", index}, {}};
      for (std::size_t i = 0; i < handles.size(); ++i) {
        const redisReply* rep = (*r)[i].get();
        const auto status = reply_int(reply_at(rep, 0)).value_or(0);
        if (status == 2) {  // alive: the index lagged; give it the real expiry
          cleanup.push_back(
              index_put_text(index, handles[i], std::string(reply_str(reply_at(rep, 1))), true));
          continue;
        }
        unexpire.args.push_back(handles[i]);
        const std::string_view principal = reply_str(reply_at(rep, 1));
        if (status == 1 && !principal.empty()) {
          cleanup.push_back({{"ZREM", keys_.principal(principal), handles[i]}, {}});
        }
        purged.push_back(handles[i]);
      }
      if (unexpire.args.size() > 2) cleanup.push_back(std::move(unexpire));
      auto w = run(std::move(cleanup), Retry::kOnStaleConnection);
      if (!w) return std::move(w).error();
      if (auto ok = check_all(*w, "updating the session indexes"); !ok) {
        return std::move(ok).error();
      }
    }
    return purged;
  }

  Result<std::size_t> do_count(Timestamp now) override {
    auto r = run({{{"ZCOUNT", keys_.expiries(), "(" + codec::ms_text(now), "+inf"}, {}}},
                 Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    if (auto ok = check_all(*r, "counting sessions"); !ok) return std::move(ok).error();
    return static_cast<std::size_t>(reply_int((*r)[0].get()).value_or(0));
  }

  // Through the read batcher when there is one: a health probe then never waits for a pooled
  // connection behind busy requests, and rides along with finds in flight.
  Result<void> do_ping() override {
    Command ping{{"PING"}, {}};
    auto r = router_->read(ping);
    if (!r) return std::move(r).error();
    return check(**r, "PING");
  }

 private:
  Command index_put(std::string key, std::string_view handle, std::optional<Timestamp> expiry,
                    bool force) const {
    return index_put_text(std::move(key), handle, score_text(expiry), force);
  }
  // The expiry index outlives its last member by a day, so that purge_expired still reports
  // sessions Redis expired by itself; a principal index lives as long as its latest session.
  Command index_put_text(std::string key, std::string_view handle, std::string score,
                         bool force) const {
    const bool expiry_index = key == expiries_key_;
    return eval(scripts_.index_put, {std::move(key)},
                {std::string(handle), std::move(score), force ? "1" : "0",
                 expiry_index ? "86400000" : "0"});
  }

  Result<std::vector<std::string>> members(const std::string& index) {
    auto r = run({{{"ZRANGE", index, "0", "-1"}, {}}}, Retry::kOnStaleConnection);
    if (!r) return std::move(r).error();
    if (auto ok = check_all(*r, "reading the principal index"); !ok) return std::move(ok).error();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < reply_size((*r)[0].get()); ++i) {
      out.emplace_back(reply_str(reply_at((*r)[0].get(), i)));
    }
    return out;
  }

  Result<void> check(const redisReply& reply, std::string_view during) const {
    if (reply.type != REDIS_REPLY_ERROR) return {};
    return reply_error(std::string_view(reply.str, reply.len), router_->endpoint(), during);
  }

  Result<void> check_all(const std::vector<ReplyPtr>& replies, std::string_view during) const {
    for (const auto& r : replies) {
      if (auto ok = check(*r, during); !ok) return ok;
    }
    return {};
  }

  Result<std::vector<ReplyPtr>> run(std::vector<Command> batch, Retry retry) {
    return router_->run(std::move(batch), retry);
  }

  std::unique_ptr<Router> router_;
  const Scripts scripts_;
  const Keys keys_;
  const std::string expiries_key_;
  const Log log_;
  // Last: stopped before the members its thread uses are destroyed.
  std::unique_ptr<ExpiryListener> listener_;
};

}  // namespace
}  // namespace redis

Result<std::unique_ptr<SessionRepository>> open_redis_store(const RedisOptions& options) {
  using namespace redis;
  if (auto v = validate(options); !v) return std::move(v).error();
  Log log = options.log;
  if (!log) {
    log = [](std::string_view line) {
      std::fprintf(stderr, "sessionpp redis: %.*s\n", static_cast<int>(line.size()), line.data());
    };
  }
  auto router = Router::open(options);
  if (!router) return std::move(router).error();
  Scripts scripts;
  bool expired_events = false;
  {
    auto lease = (*router)->acquire();
    if (!lease) return std::move(lease).error();
    std::vector<Command> load;
    for (ScriptRef* s : scripts.all())
      load.push_back({{"SCRIPT", "LOAD", std::string(s->source)}, {}});
    auto r = (*lease)->pipeline(load);
    if (!r) return std::move(r).error();
    const auto refs = scripts.all();
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (auto ok = (*lease)->check(*(*r)[i], "SCRIPT LOAD"); !ok) return std::move(ok).error();
      refs[i]->sha.assign(reply_str((*r)[i].get()));
    }
    // Keyspace notifications are node-local, and the listener follows one server: standalone
    // only. Elsewhere purge_expired() reports sessions Redis expired.
    if (options.keyspace_events && options.mode == RedisMode::kStandalone) {
      expired_events = check_keyspace_events(**lease, log);
    }
  }
  auto store =
      std::make_unique<RedisStore>(options, std::move(*router), std::move(scripts), std::move(log));
  if (expired_events) store->listen_for_expiries();
  return std::unique_ptr<SessionRepository>(std::move(store));
}

}  // namespace sessionpp
