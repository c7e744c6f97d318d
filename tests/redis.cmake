# Tests of the Redis store (issue 4). They need the test server: scripts/services start redis.
if(TARGET sessionpp_store_redis)
  set(_redis_support integration/redis/redis_test_support.cc)

  sessionpp_test(NAME redis_contract_tests
    SOURCES contract/redis_contract_test.cc ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "contract;redis")

  sessionpp_test(NAME redis_integration_tests
    SOURCES integration/redis/redis_store_test.cc integration/redis/redis_options_test.cc
            ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "integration;redis")

  # Kills and restarts the shared test server: nothing else may run meanwhile.
  sessionpp_test(NAME redis_restart_tests
    SOURCES integration/redis/redis_restart_test.cc ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "integration;redis")
  target_compile_definitions(redis_restart_tests
    PRIVATE SESSIONPP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # gtest_discover_tests lists the discovered names in redis_restart_tests_TESTS; this file,
  # read by ctest after the discovery include, marks them RUN_SERIAL.
  set(_redis_serial "${CMAKE_CURRENT_BINARY_DIR}/redis_restart_serial.cmake")
  file(WRITE "${_redis_serial}"
    "foreach(_t IN LISTS redis_restart_tests_TESTS)\n"
    "  set_tests_properties(\"\${_t}\" PROPERTIES RUN_SERIAL TRUE)\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_redis_serial}")
endif()
