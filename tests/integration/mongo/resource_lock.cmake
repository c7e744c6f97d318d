# Included by ctest after the gtest discovery files of tests/mongo.cmake: every MongoDB test that
# talks to the server holds one lock, because the outage test stops and restarts that server.
set(_sessionpp_mongo_server_tests ${mongo_contract_tests_TESTS} ${mongo_integration_tests_TESTS})
if(_sessionpp_mongo_server_tests)
  set_tests_properties(${_sessionpp_mongo_server_tests} PROPERTIES RESOURCE_LOCK sessionpp_ferretdb)
endif()
