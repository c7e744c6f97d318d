#include "sessionpp/http/session_manager.h"

#include <algorithm>
#include <cctype>

#include "http/text.h"

namespace sessionpp::http {
namespace {

using detail::iequals;
using detail::trim;

bool forwarded_https(const Request& request) {
  const auto proto = request.header("X-Forwarded-Proto");
  if (!proto) return false;
  // A chain of proxies appends: the first entry is what the client used.
  return iequals(trim(proto->substr(0, proto->find(','))), "https");
}

}  // namespace

ErrorStatus error_status(const Error& error, const HttpSessionOptions& options) {
  switch (error.code) {
    case Errc::kUnavailable:
    case Errc::kTimeout:
    case Errc::kReadOnly:
      return {503, std::max<std::int64_t>(options.retry_after.count(), 1)};
    case Errc::kGone:
      return {401, 0};
    case Errc::kInvalidArgument:
      return {400, 0};
    case Errc::kConflict:
      return {409, 0};
    case Errc::kCorrupt:
    case Errc::kInternal:
      break;
  }
  return {500, 0};
}

Result<void> SessionManager::validate(const HttpSessionOptions& o) {
  if (auto r = http::validate(o.cookie); !r) return r;
  if (o.header.enabled && (o.header.name.empty() ||
                           !std::all_of(o.header.name.begin(), o.header.name.end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                           }))) {
    return make_error(Errc::kInvalidArgument,
                      "header.name must be letters, digits and '-', not '" + o.header.name + "'");
  }
  if (o.remember_me.count() <= 0) {
    return make_error(Errc::kInvalidArgument, "remember_me must be positive");
  }
  if (o.max_sessions_per_principal == 0 || o.max_sessions_per_principal < -1) {
    return make_error(Errc::kInvalidArgument,
                      "max_sessions_per_user must be -1 (unlimited) or at least 1, not " +
                          std::to_string(o.max_sessions_per_principal));
  }
  if (o.max_candidates == 0) {
    return make_error(Errc::kInvalidArgument, "max_candidates must be at least 1");
  }
  return {};
}

SessionManager::SessionManager(SessionRepository& repository, HttpSessionOptions options)
    : repository_(repository), options_(std::move(options)) {}

RequestSession::RequestSession(SessionManager& manager, const Request& request)
    : manager_(manager) {
  const HttpSessionOptions& o = manager_.options();
  auto consider = [&](std::string_view value, bool from_header) {
    if (value.empty()) return;
    if (!SessionId::parse(value)) {
      presented_malformed_ = true;
      return;
    }
    if (candidates_.size() >= o.max_candidates) return;
    if (std::find(candidates_.begin(), candidates_.end(), value) != candidates_.end()) return;
    candidates_.emplace_back(value);
    presented_in_header_ = presented_in_header_ || from_header;
  };
  if (o.header.enabled) {
    for (std::string_view v : request.headers(o.header.name)) consider(trim(v), true);
  }
  for (std::string_view line : request.headers("Cookie")) {
    for (std::string_view v : find_cookies(line, o.cookie.name)) consider(v, false);
  }
  switch (o.cookie.secure) {
    case SecureMode::kAlways:
      secure_ = true;
      break;
    case SecureMode::kNever:
      secure_ = false;
      break;
    case SecureMode::kAuto:
      secure_ = request.is_https() || (o.trust_forwarded_proto && forwarded_https(request));
      break;
  }
}

Result<Session*> RequestSession::current() {
  if (loaded_) return session_ ? &*session_ : nullptr;
  for (const std::string& id : candidates_) {
    auto found = manager_.repository().find(id);
    if (!found) return std::move(found).error();
    if (found->has_value()) {
      session_ = std::move(**found);
      break;
    }
  }
  loaded_ = true;
  // An id we do not know (forged, logged out, expired) is dropped, never adopted.
  if (!session_ && has_candidate()) clear_ = true;
  return session_ ? &*session_ : nullptr;
}

Result<Session*> RequestSession::login(std::string_view principal, bool remember_me) {
  if (principal.empty()) return make_error(Errc::kInvalidArgument, "login needs a principal");
  if (auto cur = current(); !cur) return std::move(cur).error();
  SessionRepository& repo = manager_.repository();
  const HttpSessionOptions& o = manager_.options();

  if (session_ && session_->principal() == principal) {
    // Same user again: a new id (session fixation), same data.
    if (auto r = repo.change_id(*session_); !r) {
      if (r.error().code != Errc::kGone) return std::move(r).error();
      session_.reset();
    }
  } else if (session_) {
    // Another user's session: its data must not leak into this login.
    if (auto r = repo.remove(*session_); !r) return std::move(r).error();
    session_.reset();
  }
  if (!session_) session_ = repo.create();
  session_->set_principal(std::string(principal));
  session_->set_max_inactive(remember_me ? std::chrono::duration_cast<Duration>(o.remember_me)
                                         : repo.policy().max_inactive);
  if (auto r = repo.save(*session_); !r) return std::move(r).error();
  issue_id_ = true;
  clear_ = false;
  remember_me_ = remember_me;

  if (o.max_sessions_per_principal > 0) {
    auto sessions = repo.find_by_principal(principal);  // oldest first
    if (!sessions) return std::move(sessions).error();
    std::size_t live = sessions->size();
    const auto limit = static_cast<std::size_t>(o.max_sessions_per_principal);
    for (const SessionSummary& s : *sessions) {
      if (live <= limit) break;
      if (s.handle == session_->handle()) continue;
      if (auto r = repo.remove_by_handle(s.handle); !r) return std::move(r).error();
      --live;
    }
  }
  return &*session_;
}

Result<void> RequestSession::logout() {
  if (auto cur = current(); !cur) return std::move(cur).error();
  if (session_) {
    if (auto r = manager_.repository().remove(*session_); !r) return std::move(r).error();
    session_.reset();
  }
  issue_id_ = false;
  clear_ = true;
  return {};
}

Result<void> RequestSession::commit(ResponseSink& sink) {
  const HttpSessionOptions& o = manager_.options();
  if (session_) {
    if (auto r = manager_.repository().save(*session_); !r) {
      if (r.error().code != Errc::kGone) return r;
      session_.reset();
      issue_id_ = false;
      clear_ = true;
      sink.add_header("Set-Cookie", clear_cookie_value(o.cookie, secure_));
      if (o.header.enabled) sink.add_header(o.header.name, "");
      clear_ = false;
      return r;
    }
  }
  if (issue_id_ && session_ && session_->id()) {
    const std::string& id = session_->id()->str();
    std::optional<std::chrono::seconds> max_age;
    if (remember_me_) max_age = o.remember_me;
    sink.add_header("Set-Cookie", set_cookie_value(o.cookie, id, secure_, max_age));
    if (o.header.enabled) sink.add_header(o.header.name, id);
    sink.add_header("Cache-Control", "no-store");
  } else if (clear_) {
    sink.add_header("Set-Cookie", clear_cookie_value(o.cookie, secure_));
    if (o.header.enabled && presented_in_header_) sink.add_header(o.header.name, "");
  }
  issue_id_ = false;
  clear_ = false;
  return {};
}

}  // namespace sessionpp::http
