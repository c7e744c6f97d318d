#include "stores/mongo/mongo_errors.h"

#include <string>

namespace sessionpp::mongo {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// MongoDB server error codes that matter here.
constexpr std::uint32_t kServerAuthenticationFailed = 18;
constexpr std::uint32_t kServerUnauthorized = 13;
constexpr std::uint32_t kServerMaxTimeMsExpired = 50;
constexpr std::uint32_t kServerDuplicateKey = 11000;
constexpr std::uint32_t kServerNetworkTimeout = 89;

}  // namespace

Error translate_error(const bson_error_t& e, const Target& t, std::string_view operation) {
  const std::string_view msg(e.message);
  const std::string where = "MongoDB at " + t.where;
  const std::string detail = redact(std::string(msg), t.password);

  const bool auth_failed =
      (e.domain == MONGOC_ERROR_CLIENT && e.code == MONGOC_ERROR_CLIENT_AUTHENTICATE) ||
      e.domain == MONGOC_ERROR_SASL || e.domain == MONGOC_ERROR_SCRAM ||
      ((e.domain == MONGOC_ERROR_SERVER || e.domain == MONGOC_ERROR_QUERY) &&
       e.code == kServerAuthenticationFailed) ||
      contains(msg, "Authentication failed") || contains(msg, "AuthenticationFailed");
  if (auth_failed) {
    return make_error(Errc::kUnavailable, where + ": authentication failed for user " + t.username +
                                              " on database " +
                                              (t.auth_source.empty() ? t.database : t.auth_source) +
                                              " (" + detail + ")");
  }
  if ((e.domain == MONGOC_ERROR_SERVER || e.domain == MONGOC_ERROR_QUERY) &&
      e.code == kServerUnauthorized) {
    return make_error(Errc::kReadOnly, where + ": user " + t.username + " may not " +
                                           std::string(operation) + " in database " + t.database +
                                           " (" + detail + ")");
  }
  if (e.domain == MONGOC_ERROR_SERVER_SELECTION) {
    return make_error(Errc::kUnavailable,
                      where + " unreachable during " + std::string(operation) + ": " + detail);
  }
  if (e.domain == MONGOC_ERROR_STREAM) {
    const bool timed_out = contains(msg, "timeout") || contains(msg, "timed out");
    if (timed_out && e.code == MONGOC_ERROR_STREAM_SOCKET) {
      return make_error(Errc::kTimeout, where + " did not answer " + std::string(operation) +
                                            " in time: " + detail);
    }
    return make_error(Errc::kUnavailable,
                      where + " unreachable during " + std::string(operation) + ": " + detail);
  }
  if ((e.domain == MONGOC_ERROR_SERVER || e.domain == MONGOC_ERROR_QUERY ||
       e.domain == MONGOC_ERROR_WRITE_CONCERN) &&
      (e.code == kServerMaxTimeMsExpired || e.code == kServerNetworkTimeout)) {
    return make_error(Errc::kTimeout,
                      where + " timed out during " + std::string(operation) + ": " + detail);
  }
  if (e.code == kServerDuplicateKey) {
    return make_error(Errc::kConflict, where + ": " + std::string(operation) +
                                           " hit an existing document: " + detail);
  }
  if (e.domain == MONGOC_ERROR_CLIENT && e.code == MONGOC_ERROR_CLIENT_NOT_READY) {
    return make_error(Errc::kUnavailable,
                      where + " unreachable during " + std::string(operation) + ": " + detail);
  }
  return make_error(Errc::kInternal, where + " (database " + t.database + ", collection " +
                                         t.collection + "): " + std::string(operation) +
                                         " failed: " + detail);
}

bool is_unsupported_index_error(const bson_error_t& e) {
  // 67 CannotCreateIndex, 197 InvalidIndexSpecificationOption, 115 CommandNotSupported,
  // 238 NotImplemented, 2 BadValue.
  switch (e.code) {
    case 2:
    case 67:
    case 115:
    case 197:
    case 238:
      return e.domain == MONGOC_ERROR_SERVER || e.domain == MONGOC_ERROR_QUERY;
    default:
      return false;
  }
}

}  // namespace sessionpp::mongo
