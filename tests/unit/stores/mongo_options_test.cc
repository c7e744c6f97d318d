#include <gtest/gtest.h>

#include <string>

#include "sessionpp/mongo_store.h"
#include "stores/mongo/mongo_target.h"

namespace sessionpp::mongo {
namespace {

// Options are checked before any connection: these never reach a server.
void expect_invalid(const MongoOptions& o, const std::string& field) {
  auto r = open_mongo_store(o);
  ASSERT_FALSE(r.ok()) << "accepted options with a bad " << field;
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
}

TEST(MongoOptionsTest, RefusesBadFieldsNamingThem) {
  MongoOptions o;
  o.password = "hunter2";
  o.username = "u";
  auto with = [&](auto change) {
    MongoOptions c = o;
    change(c);
    return c;
  };
  expect_invalid(with([](MongoOptions& c) { c.host = ""; }), "MongoOptions.host");
  expect_invalid(with([](MongoOptions& c) { c.port = 0; }), "MongoOptions.port");
  expect_invalid(with([](MongoOptions& c) { c.port = 70000; }), "MongoOptions.port");
  expect_invalid(with([](MongoOptions& c) { c.database = "a.b"; }), "MongoOptions.database");
  expect_invalid(with([](MongoOptions& c) { c.database = ""; }), "MongoOptions.database");
  expect_invalid(with([](MongoOptions& c) { c.collection = ""; }), "MongoOptions.collection");
  expect_invalid(with([](MongoOptions& c) { c.collection = "a$b"; }), "MongoOptions.collection");
  expect_invalid(with([](MongoOptions& c) { c.collection = "system.x"; }),
                 "MongoOptions.collection");
  expect_invalid(with([](MongoOptions& c) { c.pool_size = 0; }), "MongoOptions.pool_size");
  expect_invalid(with([](MongoOptions& c) { c.purge_batch = 0; }), "MongoOptions.purge_batch");
  expect_invalid(with([](MongoOptions& c) { c.socket_timeout = {}; }),
                 "MongoOptions.socket_timeout");
  expect_invalid(with([](MongoOptions& c) { c.connect_timeout = std::chrono::seconds(-1); }),
                 "MongoOptions.connect_timeout");
  expect_invalid(with([](MongoOptions& c) { c.server_selection_timeout = {}; }),
                 "MongoOptions.server_selection_timeout");
  expect_invalid(with([](MongoOptions& c) { c.username = ""; }), "MongoOptions.username");
  expect_invalid(with([](MongoOptions& c) { c.uri = "http://x"; }), "MongoOptions.uri");
  expect_invalid(with([](MongoOptions& c) { c.uri = "mongodb://u:hunter2@"; }), "MongoOptions.uri");
}

TEST(MongoOptionsTest, FieldsBuildTheUriWithAuthSourceDefaultingToTheDatabase) {
  MongoOptions o;
  o.host = "db.internal";
  o.port = 27018;
  o.database = "app";
  o.username = "web";
  o.password = "p@ss:w/rd";
  auto t = resolve_target(o);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->where, "db.internal:27018");
  EXPECT_EQ(t->database, "app");
  EXPECT_EQ(t->auth_source, "app");
  EXPECT_STREQ(mongoc_uri_get_username(t->uri.get()), "web");
  EXPECT_STREQ(mongoc_uri_get_password(t->uri.get()), "p@ss:w/rd");
  EXPECT_EQ(mongoc_uri_get_option_as_int32(t->uri.get(), MONGOC_URI_SOCKETTIMEOUTMS, 0), 5000);
  EXPECT_EQ(mongoc_uri_get_option_as_int32(t->uri.get(), MONGOC_URI_MAXPOOLSIZE, 0), 16);

  o.auth_source = "admin";
  auto admin = resolve_target(o);
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->auth_source, "admin");
}

TEST(MongoOptionsTest, UriWinsAndKeepsItsOwnTimeouts) {
  MongoOptions o;
  o.uri = "mongodb://u:secret@h1:1,h2:2/appdb?socketTimeoutMS=1234&authSource=admin";
  o.database = "ignored";
  auto t = resolve_target(o);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->where, "h1:1,h2:2");
  EXPECT_EQ(t->database, "appdb");
  EXPECT_EQ(t->username, "u");
  EXPECT_EQ(t->auth_source, "admin");
  EXPECT_EQ(mongoc_uri_get_option_as_int32(t->uri.get(), MONGOC_URI_SOCKETTIMEOUTMS, 0), 1234);
  EXPECT_EQ(mongoc_uri_get_option_as_int32(t->uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, 0), 5000);
}

TEST(MongoOptionsTest, RedactScrubsThePasswordAndItsEncodedForm) {
  EXPECT_EQ(redact("auth p@ss/x failed for mongodb://u:p%40ss%2Fx@h", "p@ss/x"),
            "auth *** failed for mongodb://u:***@h");
  EXPECT_EQ(redact("nothing here", ""), "nothing here");
}

TEST(MongoOptionsTest, UnreachableServerIsUnavailableNamingHostAndPort) {
  MongoOptions o;
  o.port = 1;  // nothing listens on 127.0.0.1:1
  o.username = "u";
  o.password = "hunter2";
  o.server_selection_timeout = std::chrono::milliseconds(300);
  o.connect_timeout = std::chrono::milliseconds(300);
  auto r = open_mongo_store(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().to_string();
  EXPECT_NE(r.error().message.find("127.0.0.1:1"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace sessionpp::mongo
