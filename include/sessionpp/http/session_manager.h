#pragma once

// The session around one HTTP request: resolve the id (cookie or header), load lazily, log in
// (always with a new id), log out, and commit before the response headers are written.
//
//   http::SessionManager manager(repo, options);          // once, shared by all requests
//   auto rs = manager.begin(request);                     // per request; no store call yet
//   auto s = rs.current();                                // loads on first use
//   if (!s) return error_response(s.error());             // 503 + Retry-After when transient
//   ...
//   if (auto c = rs.commit(response); !c) { ... }        // then write the headers

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sessionpp/http/cookie.h"
#include "sessionpp/http/exchange.h"
#include "sessionpp/repository.h"
#include "sessionpp/result.h"
#include "sessionpp/session.h"

namespace sessionpp::http {

struct SessionHeaderOptions {
  // Also accept (and hand out) the id in a request/response header, for API clients that keep
  // no cookies. Default: false.
  bool enabled = false;
  // Default: "X-Auth-Token".
  std::string name = "X-Auth-Token";
};

struct HttpSessionOptions {
  CookieOptions cookie;
  SessionHeaderOptions header;
  // Honour a proxy's `X-Forwarded-Proto: https` when deciding the automatic Secure flag.
  // Default: true.
  bool trust_forwarded_proto = true;
  // Lifetime of a remember-me login: the session's idle timeout and the cookie's Max-Age.
  // Default: 14 days.
  std::chrono::seconds remember_me = std::chrono::hours(24 * 14);
  // Sessions one principal may hold; a login beyond it ends the oldest. < 0: unlimited.
  // Default: -1.
  std::int64_t max_sessions_per_principal = -1;
  // The Retry-After given with a 503 when the store is unavailable. Default: 5 s.
  std::chrono::seconds retry_after = std::chrono::seconds(5);
  // At most this many candidate ids (cookies with the session's name, plus the header) are
  // looked up per request, so a request with hundreds of cookies costs at most this many store
  // calls. Default: 4.
  std::size_t max_candidates = 4;
};

// How to answer a request whose session work failed.
struct ErrorStatus {
  int status = 500;
  // Seconds for a Retry-After header; 0: none.
  std::int64_t retry_after_seconds = 0;
};
// kUnavailable / kTimeout / kReadOnly -> 503 with Retry-After; kGone -> 401; kInvalidArgument ->
// 400; kConflict -> 409; anything else -> 500.
ErrorStatus error_status(const Error& error, const HttpSessionOptions& options);

class SessionManager;

// The session state of one request. Not thread-safe: used by the thread handling the request.
// Never creates a session except in login(); never adopts an id the store does not know.
class RequestSession {
 public:
  RequestSession(RequestSession&&) = default;
  RequestSession& operator=(RequestSession&&) = delete;

  // True when the request carried something that looks like a session id (any cookie of the
  // session's name, or the header when enabled). No store call.
  bool has_candidate() const noexcept { return !candidates_.empty() || presented_malformed_; }

  // The signed-in session, loading it on first call; nullptr when anonymous (no id, a
  // malformed id, an unknown or expired id). Errors: kUnavailable / kTimeout from the store.
  Result<Session*> current();

  // Signs `principal` in. The session always gets a new id: the current session (same
  // principal) is rotated and keeps its data; a session of another principal is deleted and a
  // new, empty one is created. The new session is saved at once; with remember_me its idle
  // timeout and the cookie's Max-Age are HttpSessionOptions::remember_me. Beyond
  // max_sessions_per_principal, the principal's oldest sessions are ended.
  // REQUIRES: !principal.empty().
  Result<Session*> login(std::string_view principal, bool remember_me = false);

  // Deletes the current session (if any) and clears the cookie. Errors: store errors.
  Result<void> logout();

  // Saves what changed and writes Set-Cookie / the id header into `sink`. Call before the
  // response headers are written. kGone: the session ended meanwhile; the cookie is cleared in
  // `sink` and the request should be answered as anonymous (401). Transient errors: nothing is
  // written to `sink`; answer 503.
  Result<void> commit(ResponseSink& sink);

  // True when the cookie would carry Secure for this request.
  bool secure() const noexcept { return secure_; }

 private:
  friend class SessionManager;
  RequestSession(SessionManager& manager, const Request& request);

  SessionManager& manager_;
  std::vector<std::string> candidates_;  // well-shaped ids presented, in lookup order
  bool presented_malformed_ = false;     // an id was presented that cannot be ours
  bool presented_in_header_ = false;
  bool secure_ = false;
  bool loaded_ = false;
  std::optional<Session> session_;
  bool issue_id_ = false;  // send the (new) id to the client on commit
  bool clear_ = false;     // tell the client to drop its id on commit
  bool remember_me_ = false;
};

// Shared by all requests. Thread-safe; holds a reference to the repository, which must
// outlive it.
class SessionManager {
 public:
  // kInvalidArgument naming the option at fault.
  static Result<void> validate(const HttpSessionOptions& options);

  // REQUIRES: validate(options) is ok.
  SessionManager(SessionRepository& repository, HttpSessionOptions options);

  // The session state of `request`: resolves candidate ids, calls no store.
  RequestSession begin(const Request& request) { return RequestSession(*this, request); }

  SessionRepository& repository() noexcept { return repository_; }
  const HttpSessionOptions& options() const noexcept { return options_; }

 private:
  SessionRepository& repository_;
  HttpSessionOptions options_;
};

}  // namespace sessionpp::http
