#include "sessionpp/repository.h"

#include <algorithm>

namespace sessionpp {

Duration touch_interval_for(const SessionPolicy& policy, Duration max_inactive) noexcept {
  if (policy.touch_interval.count() > 0) return policy.touch_interval;
  constexpr Duration kCap = std::chrono::seconds(60);
  if (max_inactive.count() <= 0) return kCap;
  return std::min(max_inactive / 10, kCap);
}

SessionRepository::SessionRepository(SessionPolicy policy)
    : policy_(std::move(policy)), clock_(policy_.clock ? policy_.clock : SystemClock::instance()) {}

SessionRepository::~SessionRepository() = default;

template <typename F>
void SessionRepository::emit(F&& f) {
  std::vector<std::shared_ptr<SessionEventListener>> listeners;
  {
    std::lock_guard lock(listeners_mu_);
    if (listeners_.empty()) return;
    listeners = listeners_;
  }
  for (const auto& l : listeners) f(*l);
}

Session SessionRepository::create() const {
  const Timestamp now = clock_->now();
  SessionData data;
  data.created = now;
  data.last_accessed = now;
  data.max_inactive = policy_.max_inactive;
  if (policy_.absolute_lifetime) data.absolute_deadline = now + *policy_.absolute_lifetime;
  SessionId id = SessionId::generate();
  std::string handle = handle_of(id);
  return Session(std::move(id), std::move(handle), std::move(data), /*is_new=*/true,
                 policy_.max_value_bytes);
}

Result<void> SessionRepository::save(Session& session) {
  // Values were checked by set_attribute against the session's own limit; a session made by
  // another repository may carry a larger one.
  for (const auto& name : session.changed_names()) {
    const std::string* v = session.attribute(name);
    if (v != nullptr && v->size() > policy_.max_value_bytes) {
      return make_error(Errc::kInvalidArgument,
                        "value of attribute '" + name + "' is " + std::to_string(v->size()) +
                            " bytes; the limit is " + std::to_string(policy_.max_value_bytes));
    }
  }
  if (session.is_new()) {
    if (auto r = do_insert(session.handle(), session.data()); !r) return r;
    session.mark_saved();
    const std::string& handle = session.handle();
    emit([&](SessionEventListener& l) { l.on_created(handle); });
    return {};
  }

  const bool touch_due = session.last_accessed() - session.stored_last_accessed_ >=
                         touch_interval_for(policy_, session.max_inactive());
  if (!session.metadata_changed() && session.changed_names().empty() && !touch_due) {
    return {};  // a read within the touch interval writes nothing
  }

  SessionUpdate update;
  update.last_accessed = session.last_accessed();
  if (session.metadata_changed()) update.metadata = &session.data();
  update.session = &session.data();
  for (const auto& name : session.changed_names()) {
    if (const std::string* v = session.attribute(name)) {
      update.set.emplace_back(name, *v);
    } else {
      update.removed.emplace_back(name);
    }
  }
  if (auto r = do_update(session.handle(), update, clock_->now()); !r) return r;
  session.mark_saved();
  return {};
}

Result<std::optional<Session>> SessionRepository::load(std::optional<SessionId> id,
                                                       std::string handle) {
  const Timestamp now = clock_->now();
  auto data = do_load(handle, now);
  if (!data) return std::move(data).error();
  if (!data->has_value()) return std::optional<Session>();
  Session session(std::move(id), std::move(handle), std::move(**data), /*is_new=*/false,
                  policy_.max_value_bytes);
  // The store filters expired records; this guards the boundary against a store whose clock
  // comparison differs by a millisecond.
  if (session.is_expired(now)) return std::optional<Session>();
  session.touch(now);
  return std::optional<Session>(std::move(session));
}

Result<std::optional<Session>> SessionRepository::find(std::string_view raw_id) {
  auto id = SessionId::parse(raw_id);
  if (!id) return std::optional<Session>();
  std::string handle = handle_of(*id);
  return load(std::move(id), std::move(handle));
}

Result<std::optional<Session>> SessionRepository::find_by_handle(std::string_view handle) {
  if (!is_handle(handle)) return std::optional<Session>();
  return load(std::nullopt, std::string(handle));
}

Result<bool> SessionRepository::remove(const Session& session) {
  if (session.is_new()) return false;
  return remove_by_handle(session.handle());
}

Result<bool> SessionRepository::remove_by_handle(std::string_view handle) {
  if (!is_handle(handle)) return false;
  auto removed = do_remove(handle);
  if (removed && *removed) emit([&](SessionEventListener& l) { l.on_deleted(handle); });
  return removed;
}

Result<void> SessionRepository::change_id(Session& session) {
  if (!session.id()) {
    return make_error(Errc::kInvalidArgument,
                      "change_id needs a session loaded by id, not by handle");
  }
  SessionId id = SessionId::generate();
  std::string handle = handle_of(id);
  if (!session.is_new()) {
    if (auto r = do_change_handle(session.handle(), handle, clock_->now()); !r) return r;
    const std::string old_handle = session.handle();
    emit([&](SessionEventListener& l) { l.on_id_changed(old_handle, handle); });
  }
  session.id_ = std::move(id);
  session.handle_ = std::move(handle);
  return {};
}

Result<std::vector<SessionSummary>> SessionRepository::find_by_principal(
    std::string_view principal) {
  if (principal.empty()) return std::vector<SessionSummary>();
  auto found = do_find_by_principal(principal, clock_->now());
  if (!found) return found;
  std::sort(found->begin(), found->end(), [](const SessionSummary& a, const SessionSummary& b) {
    return a.created != b.created ? a.created < b.created : a.handle < b.handle;
  });
  return found;
}

Result<std::size_t> SessionRepository::remove_by_principal(
    std::string_view principal, std::optional<std::string_view> keep_handle) {
  if (principal.empty()) return std::size_t{0};
  auto removed = do_remove_by_principal(principal, keep_handle, clock_->now());
  if (!removed) return std::move(removed).error();
  for (const auto& h : *removed) emit([&](SessionEventListener& l) { l.on_deleted(h); });
  return removed->size();
}

Result<std::size_t> SessionRepository::purge_expired(std::size_t limit) {
  auto purged = do_purge_expired(clock_->now(), limit);
  if (!purged) return std::move(purged).error();
  for (const auto& h : *purged) emit_expired(h);
  return purged->size();
}

Result<std::size_t> SessionRepository::count() { return do_count(clock_->now()); }

Result<void> SessionRepository::ping() { return do_ping(); }

void SessionRepository::add_listener(std::shared_ptr<SessionEventListener> listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void SessionRepository::emit_expired(std::string_view handle) {
  emit([&](SessionEventListener& l) { l.on_expired(handle); });
}

void SessionRepository::emit_deleted(std::string_view handle) {
  emit([&](SessionEventListener& l) { l.on_deleted(handle); });
}

}  // namespace sessionpp
