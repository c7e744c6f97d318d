#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "sessionpp/repository.h"
#include "sessionpp/result.h"

namespace sessionpp {

// How saves of one session are kept from overwriting each other.
enum class MongoUpdateLocking {
  // Automatic: servers whose single-document updates are atomic (MongoDB) need nothing beyond
  // the conditional update; against FerretDB v1 (detected at open through buildInfo), whose
  // updates are read-modify-write, as kLockDocument.
  kAuto,
  // A lock document per session being saved, in the side collection "<collection>_locks",
  // shared by every process, plus an in-process lock; write filters by bare _id.
  kLockDocument,
  // Nothing beyond the server's atomic conditional updates.
  kNone,
};

struct MongoOptions {
  SessionPolicy policy;

  // Server address. Ignored when `uri` is set. Default: "127.0.0.1".
  std::string host = "127.0.0.1";
  // Default: 27017.
  int port = 27017;
  // Database that holds the sessions collection. With `uri`, the URI's database wins when it
  // names one. Default: "sessionpp".
  std::string database = "sessionpp";
  // Credentials. Empty username: no authentication. The password is never logged nor put in an
  // error message. Ignored when `uri` carries its own. Default: none.
  std::string username;
  std::string password;
  // Database the user is defined in. Empty: `database`. Default: empty.
  std::string auth_source;
  // Collection of the sessions (one document per session). Default: "sessions".
  std::string collection = "sessions";

  // A full connection string ("mongodb://user:pass@host:port/db?authSource=admin&..."), used
  // instead of host, port, username, password and auth_source. Its own options (replicaSet, tls,
  // ...) are kept; the timeouts below apply unless the URI sets them. Default: empty (use fields).
  std::string uri;

  // Time to establish a TCP connection and handshake. Default: 5 s.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
  // Time one read or write on a socket may take before the call fails with kTimeout.
  // Default: 5 s.
  std::chrono::milliseconds socket_timeout = std::chrono::seconds(5);
  // How long a call waits for a usable server before it fails with kUnavailable. Default: 5 s.
  std::chrono::milliseconds server_selection_timeout = std::chrono::seconds(5);
  // Most connections the client pool opens; callers beyond that wait for a free one.
  // Default: 16.
  std::size_t pool_size = 16;
  // Documents deleted per round trip by purge_expired. Default: 100.
  std::size_t purge_batch = 100;
  // Create a TTL index on expireAt at open (the server then also deletes expired sessions on
  // its own; a server that refuses TTL indexes is logged once and tolerated). Default: true.
  bool create_ttl_index = true;
  // See MongoUpdateLocking. Default: kAuto.
  MongoUpdateLocking update_locking = MongoUpdateLocking::kAuto;
};

// Sessions in MongoDB (or a MongoDB-compatible server such as FerretDB): one document per session
// in `collection`, `_id` = handle, attributes as a subdocument of binary values, delta saves with
// $set/$unset in one conditional update, an index on principal and (where supported) a TTL index
// on expireAt. Reads filter expired documents by the injected clock, never by server time.
//
// Opening validates the options (kInvalidArgument naming the field), connects and authenticates
// (kUnavailable naming host:port when the server cannot be reached; kUnavailable "authentication
// failed for user X on database Y" on bad credentials; kTimeout), and creates the indexes.
// The store is safe for concurrent use; it lends connections from a bounded client pool.
// ping() is a cheap health check (one `ping` command).
Result<std::unique_ptr<SessionRepository>> open_mongo_store(const MongoOptions& options);

}  // namespace sessionpp
