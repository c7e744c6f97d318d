#include "integration/mongo/mongo_test_support.h"

#include <mongoc/mongoc.h>

#include <cstdlib>

namespace sessionpp::testing {

std::string mongo_test_uri() {
  const char* uri = std::getenv("SESSIONPP_TEST_MONGO_URI");
  return uri != nullptr && *uri != '\0'
             ? std::string(uri)
             : std::string("mongodb://sessionpp:sessionpp-test@127.0.0.1:27117/sessionpp");
}

MongoOptions mongo_test_options(const std::string& collection) {
  MongoOptions o;
  o.uri = mongo_test_uri();
  o.collection = collection;
  o.connect_timeout = std::chrono::seconds(2);
  o.socket_timeout = std::chrono::seconds(5);
  o.server_selection_timeout = std::chrono::seconds(2);
  return o;
}

void drop_mongo_collection(const std::string& collection) {
  mongoc_init();
  bson_error_t err;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(mongo_test_uri().c_str(), &err);
  if (uri == nullptr) return;
  mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 2000);
  mongoc_client_t* client = mongoc_client_new_from_uri(uri);
  if (client != nullptr) {
    const char* db = mongoc_uri_get_database(uri);
    mongoc_collection_t* coll =
        mongoc_client_get_collection(client, db != nullptr ? db : "sessionpp", collection.c_str());
    (void)mongoc_collection_drop(coll, &err);
    mongoc_collection_destroy(coll);
    // The side collection of session locks, used against FerretDB v1.
    coll = mongoc_client_get_collection(client, db != nullptr ? db : "sessionpp",
                                        (collection + "_locks").c_str());
    (void)mongoc_collection_drop(coll, &err);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
  }
  mongoc_uri_destroy(uri);
}

}  // namespace sessionpp::testing

// libmongoc and libbson are not built with ThreadSanitizer: the atomic reference counts and
// spin locks with which libmongoc shares its topology description between pooled clients are
// invisible to it, and it reports their hand-over as races inside those libraries. Only reports
// with a frame in them are suppressed; races in sessionpp's own code are still reported. (A hook
// TSan reads at start-up; it costs nothing in other builds.)
extern "C" const char* __tsan_default_suppressions();
extern "C" const char* __tsan_default_suppressions() {
  return "race:libmongoc-1.0.so\n"
         "race:libbson-1.0.so\n";
}
