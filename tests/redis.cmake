# Tests of the Redis store (issue 4). They need the test server: scripts/services start redis.
if(TARGET sessionpp_store_redis)
  set(_redis_support integration/redis/redis_test_support.cc)

  sessionpp_test(NAME redis_contract_tests
    SOURCES contract/redis_contract_test.cc ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "contract;redis")

  sessionpp_test(NAME redis_integration_tests
    SOURCES integration/redis/redis_store_test.cc integration/redis/redis_options_test.cc
            integration/redis/cluster_slot_test.cc ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "integration;redis")

  # Kills and restarts the shared test server: nothing else may run meanwhile.
  sessionpp_test(NAME redis_restart_tests
    SOURCES integration/redis/redis_restart_test.cc ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "integration;redis")
  target_compile_definitions(redis_restart_tests
    PRIVATE SESSIONPP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # Issue 10: the contract suite on Redis Cluster and on Sentinel (scripts/services start
  # redis-cluster redis-sentinel), and failovers that kill a server of those setups (RUN_SERIAL).
  sessionpp_test(NAME redis_cluster_contract_tests
    SOURCES contract/redis_cluster_contract_test.cc ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "contract;redis;redis-cluster")
  sessionpp_test(NAME redis_failover_tests
    SOURCES integration/redis/cluster_failover_test.cc ${_redis_support}
    LIBS sessionpp_contract_suite sessionpp::store_redis PkgConfig::HIREDIS
    LABELS "integration;redis;redis-cluster"
    RUN_SERIAL)
  target_compile_definitions(redis_failover_tests
    PRIVATE SESSIONPP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

  # gtest_discover_tests lists the discovered names in <target>_TESTS; this file, read by ctest
  # after the discovery includes, marks the restart tests RUN_SERIAL. It also sets the labels
  # again: sessionpp_test() passes "a;b" through PROPERTIES, where the list splits and only the
  # first label survives (reported to the lead).
  set(_redis_props "${CMAKE_CURRENT_BINARY_DIR}/redis_test_properties.cmake")
  file(WRITE "${_redis_props}"
    "foreach(_t IN LISTS redis_contract_tests_TESTS)\n"
    "  set_tests_properties(\"\${_t}\" PROPERTIES LABELS \"contract;redis\")\n"
    "endforeach()\n"
    "foreach(_t IN LISTS redis_integration_tests_TESTS)\n"
    "  set_tests_properties(\"\${_t}\" PROPERTIES LABELS \"integration;redis\")\n"
    "endforeach()\n"
    "foreach(_t IN LISTS redis_restart_tests_TESTS)\n"
    "  set_tests_properties(\"\${_t}\" PROPERTIES LABELS \"integration;redis\" RUN_SERIAL TRUE)\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_redis_props}")
endif()
