# Included by ctest after the gtest discovery files of tests/mongo.cmake.
# 1. Every MongoDB test that talks to the server holds one lock, because the outage test stops
#    and restarts that server.
# 2. Labels are set again here: sessionpp_test() passes LABELS "a;b" to gtest_discover_tests'
#    PROPERTIES unquoted, so only the first label arrives (the second becomes a property name).
if(mongo_contract_tests_TESTS)
  set_tests_properties(${mongo_contract_tests_TESTS} PROPERTIES
    RESOURCE_LOCK sessionpp_ferretdb LABELS "contract;mongo")
endif()
if(mongo_integration_tests_TESTS)
  set_tests_properties(${mongo_integration_tests_TESTS} PROPERTIES
    RESOURCE_LOCK sessionpp_ferretdb LABELS "integration;mongo")
endif()
if(mongo_unit_tests_TESTS)
  set_tests_properties(${mongo_unit_tests_TESTS} PROPERTIES LABELS "unit;mongo")
endif()
