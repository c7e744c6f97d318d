// The username/password path against the test server (FerretDB with authentication on).
#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include <memory>
#include <string>

#include "contract/contract_suite.h"
#include "integration/mongo/mongo_test_support.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {
namespace {

// The test server's address and credentials, as separate fields.
struct Fields {
  std::string host;
  int port = 0;
  std::string database;
  std::string username;
  std::string password;
};

Fields fields_of_test_uri() {
  Fields f;
  mongoc_uri_t* uri = mongoc_uri_new(mongo_test_uri().c_str());
  if (uri == nullptr) return f;
  const mongoc_host_list_t* host = mongoc_uri_get_hosts(uri);
  f.host = host->host;
  f.port = host->port;
  f.database = mongoc_uri_get_database(uri) != nullptr ? mongoc_uri_get_database(uri) : "";
  f.username = mongoc_uri_get_username(uri) != nullptr ? mongoc_uri_get_username(uri) : "";
  f.password = mongoc_uri_get_password(uri) != nullptr ? mongoc_uri_get_password(uri) : "";
  mongoc_uri_destroy(uri);
  return f;
}

class MongoAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    collection_ = fresh_namespace() + "auth";
    std::unique_ptr<SessionRepository> probe;
    SESSIONPP_REQUIRE_STORE(open_mongo_store(mongo_test_options(collection_)), probe);
    fields_ = fields_of_test_uri();
    if (fields_.username.empty()) {
      if (in_ci()) FAIL() << "SESSIONPP_TEST_MONGO_URI has no user: the auth tests cannot run";
      GTEST_SKIP() << "SESSIONPP_TEST_MONGO_URI has no user";
    }
  }
  void TearDown() override { drop_mongo_collection(collection_); }

  MongoOptions field_options(const std::string& user, const std::string& password) const {
    MongoOptions o;
    o.host = fields_.host;
    o.port = fields_.port;
    o.database = fields_.database;
    o.username = user;
    o.password = password;
    o.collection = collection_;
    o.server_selection_timeout = std::chrono::seconds(2);
    return o;
  }

  std::string collection_;
  Fields fields_;
};

TEST_F(MongoAuthTest, FieldsWithTheRightPasswordWork) {
  auto repo = open_mongo_store(field_options(fields_.username, fields_.password));
  ASSERT_TRUE(repo.ok()) << repo.error().to_string();
  Session s = (*repo)->create();
  ASSERT_TRUE(s.set_attribute("k", "v").ok());
  ASSERT_TRUE((*repo)->save(s).ok());
  auto found = (*repo)->find(s.id()->str());
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_TRUE((*repo)->ping().ok());
}

TEST_F(MongoAuthTest, WrongPasswordFailsWithAClearErrorAndNoSecret) {
  const std::string wrong = "Wr0ng-Pa55word";
  auto repo = open_mongo_store(field_options(fields_.username, wrong));
  ASSERT_FALSE(repo.ok()) << "opened with a wrong password";
  const Error& e = repo.error();
  EXPECT_EQ(e.code, Errc::kUnavailable) << e.to_string();
  EXPECT_NE(e.message.find("authentication failed for user " + fields_.username + " on database " +
                           fields_.database),
            std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find(fields_.host + ":" + std::to_string(fields_.port)), std::string::npos)
      << e.message;
  EXPECT_EQ(e.message.find(wrong), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(fields_.password), std::string::npos) << e.message;
}

TEST_F(MongoAuthTest, UnknownUserFailsNamingTheUser) {
  auto repo = open_mongo_store(field_options("nobody-here", "whatever-secret"));
  ASSERT_FALSE(repo.ok());
  EXPECT_NE(repo.error().message.find("authentication failed for user nobody-here"),
            std::string::npos)
      << repo.error().message;
  EXPECT_EQ(repo.error().message.find("whatever-secret"), std::string::npos);
}

TEST_F(MongoAuthTest, WrongPasswordInAUriIsNotEchoed) {
  MongoOptions o = mongo_test_options(collection_);
  o.uri = "mongodb://" + fields_.username + ":S3cr3t%40uri@" + fields_.host + ":" +
          std::to_string(fields_.port) + "/" + fields_.database;
  auto repo = open_mongo_store(o);
  ASSERT_FALSE(repo.ok());
  EXPECT_NE(repo.error().message.find("authentication failed"), std::string::npos)
      << repo.error().message;
  EXPECT_EQ(repo.error().message.find("S3cr3t"), std::string::npos) << repo.error().message;
}

}  // namespace
}  // namespace sessionpp::testing
