# The MongoDB store's tests. They talk to the server in SESSIONPP_TEST_MONGO_URI
# (default mongodb://sessionpp:sessionpp-test@127.0.0.1:27117/sessionpp, started by
# `scripts/services start ferretdb`); unreachable: skipped locally, failed when CI=true.
if(TARGET sessionpp_store_mongo)
  # A small helper shared by the MongoDB tests: the test URI and a collection dropper.
  add_library(sessionpp_mongo_test_support OBJECT integration/mongo/mongo_test_support.cc)
  target_include_directories(sessionpp_mongo_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests
                                                                ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(sessionpp_mongo_test_support
    PUBLIC sessionpp::store_mongo PkgConfig::MONGOC PkgConfig::BSON GTest::gtest
    PRIVATE sessionpp_warnings)

  sessionpp_test(NAME mongo_unit_tests
    SOURCES unit/stores/mongo_attribute_name_codec_test.cc unit/stores/mongo_options_test.cc
    LIBS sessionpp::store_mongo PkgConfig::MONGOC PkgConfig::BSON
    LABELS "unit;mongo")
  sessionpp_test(NAME mongo_contract_tests
    SOURCES contract/mongo_contract_test.cc
    LIBS sessionpp_contract_suite sessionpp_mongo_test_support
    LABELS "contract;mongo")
  sessionpp_test(NAME mongo_integration_tests
    SOURCES integration/mongo/mongo_names_test.cc integration/mongo/mongo_auth_test.cc
            integration/mongo/mongo_layout_test.cc integration/mongo/mongo_conditional_update_test.cc
            integration/mongo/mongo_session_lock_test.cc
            integration/mongo/mongo_outage_test.cc
    LIBS sessionpp_contract_suite sessionpp_mongo_test_support
    LABELS "integration;mongo")
  # The outage test drives scripts/services.
  target_compile_definitions(mongo_integration_tests
    PRIVATE SESSIONPP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # The outage test stops and restarts the shared server, so no MongoDB test may run beside it:
  # a ctest-time include (after the discovered tests') gives them all one RESOURCE_LOCK.
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES
    ${CMAKE_CURRENT_LIST_DIR}/integration/mongo/resource_lock.cmake)
endif()
