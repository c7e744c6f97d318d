# ctest -P script: installs this build into a fresh prefix, then configures, builds and runs the
# consumer project against it with find_package(sessionpp).
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, BUILT_PARTS (comma-separated: store_redis, store_sql,
# store_mongo, http — the optional parts this build has).
cmake_minimum_required(VERSION 3.25)  # policies for `if(IN_LIST)` in script mode
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
file(GLOB_RECURSE leaked "${WORK_DIR}/prefix/include/*.h")
foreach(h IN LISTS leaked)
  file(STRINGS "${h}" bad REGEX "#include *[<\"](hiredis/|libpq-fe\\.h|mysql\\.h|mariadb/|sqlite3\\.h|mongoc|bson)")
  if(bad)
    message(FATAL_ERROR "installed header ${h} includes a C client header: ${bad}")
  endif()
endforeach()
# A part's header is installed exactly when the part was built.
string(REPLACE "," ";" built "${BUILT_PARTS}")
foreach(part_header IN ITEMS "store_redis:redis_store.h" "store_sql:sql_store.h"
                             "store_mongo:mongo_store.h" "http:http/session_manager.h")
  string(REPLACE ":" ";" pair "${part_header}")
  list(GET pair 0 part)
  list(GET pair 1 header)
  set(path "${WORK_DIR}/prefix/include/sessionpp/${header}")
  if(part IN_LIST built AND NOT EXISTS "${path}")
    message(FATAL_ERROR "${part} was built but ${header} was not installed")
  elseif(NOT part IN_LIST built AND EXISTS "${path}")
    message(FATAL_ERROR "${part} was not built but ${header} was installed")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install/consumer"
                        -B "${WORK_DIR}/build" -G Ninja "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/build" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the consumer failed: ${rc}")
endif()
execute_process(COMMAND "${WORK_DIR}/build/consumer" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer failed: ${rc}")
endif()
