# Horizontal scaling end to end (issue 7): 3 real sessiond nodes behind HAProxy on each shared
# store. Each store's run stops and restarts its server, so it runs alone (RUN_SERIAL).
if(TARGET sessiond)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  set(_fleet_stores "")
  if(TARGET sessionpp_store_redis)
    list(APPEND _fleet_stores redis redis-cluster)
  endif()
  if(TARGET sessionpp_store_sql)
    list(APPEND _fleet_stores postgresql mysql)
  endif()
  if(TARGET sessionpp_store_mongo)
    list(APPEND _fleet_stores mongodb)
  endif()
  foreach(_store IN LISTS _fleet_stores)
    add_test(NAME e2e.fleet.${_store}
             COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/e2e/fleet_test.py
                     --store ${_store}
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(e2e.fleet.${_store} PROPERTIES
      LABELS "e2e;fleet;${_store}"
      RUN_SERIAL TRUE
      TIMEOUT 600
      ENVIRONMENT "SESSIOND=$<TARGET_FILE:sessiond>;SESSIOND_TEST_HOOKS=1;PYTHONWARNINGS=ignore")
  endforeach()
endif()
