# Tests of sessionpp::http (unit) and of the real sessiond binary (integration).
if(TARGET sessionpp_http)
  sessionpp_test(NAME http_unit_tests
    SOURCES unit/http/cookie_test.cc unit/http/session_manager_test.cc
    LIBS sessionpp::http sessionpp::store_memory
    LABELS "unit;http")
endif()

if(TARGET sessiond_app)
  sessionpp_test(NAME sessiond_unit_tests
    SOURCES unit/http/sessiond_config_test.cc unit/http/sessiond_throttle_test.cc
    LIBS sessiond_app
    LABELS "unit;sessiond")
endif()

if(TARGET sessiond AND TARGET sessionctl)
  find_package(Boost 1.81 REQUIRED CONFIG)
  # A synchronous HTTP client and a SessiondProcess fixture, reusable by multi-node tests.
  add_library(sessionpp_test_support STATIC support/http_client.cc support/sessiond_process.cc)
  target_include_directories(sessionpp_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(sessionpp_test_support PUBLIC Threads::Threads
                                               PRIVATE Boost::headers PkgConfig::SODIUM
                                                       sessionpp_warnings)
  target_compile_definitions(sessionpp_test_support PRIVATE
    SESSIOND_BINARY="$<TARGET_FILE:sessiond>"
    SESSIONCTL_BINARY="$<TARGET_FILE:sessionctl>")
  add_dependencies(sessionpp_test_support sessiond sessionctl)
  if(SESSIONPP_SANITIZE MATCHES "thread")
    target_compile_options(sessionpp_test_support PRIVATE -Wno-tsan)  # Asio's fences
  endif()

  sessionpp_test(NAME sessiond_integration_tests
    SOURCES integration/sessiond/login_test.cc
            integration/sessiond/cookie_test.cc
            integration/sessiond/robustness_test.cc
            integration/sessiond/lifecycle_test.cc
            integration/sessiond/sessionctl_test.cc
    LIBS sessionpp_test_support
    LABELS "integration;sessiond")
  # Which stores this build has: --check-config opens those and refuses the others by name.
  foreach(_store IN ITEMS redis mongo)
    string(TOUPPER ${_store} _upper)
    if(TARGET sessionpp_store_${_store})
      target_compile_definitions(sessiond_integration_tests PRIVATE SESSIOND_TEST_HAVE_${_upper}=1)
    else()
      target_compile_definitions(sessiond_integration_tests PRIVATE SESSIOND_TEST_HAVE_${_upper}=0)
    endif()
  endforeach()
endif()

# gtest_discover_tests splits a list in PROPERTIES (LABELS "a;b" keeps only "a"), so the full
# label lists are set again from a file ctest includes after the discovered tests.
set(_sessionpp_http_labels "${CMAKE_CURRENT_BINARY_DIR}/http_labels.cmake")
file(WRITE "${_sessionpp_http_labels}" [=[
foreach(_t IN LISTS http_unit_tests_TESTS)
  set_tests_properties("${_t}" PROPERTIES LABELS "unit;http")
endforeach()
foreach(_t IN LISTS sessiond_unit_tests_TESTS)
  set_tests_properties("${_t}" PROPERTIES LABELS "unit;sessiond")
endforeach()
foreach(_t IN LISTS sessiond_integration_tests_TESTS)
  set_tests_properties("${_t}" PROPERTIES LABELS "integration;sessiond")
endforeach()
]=])
set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_sessionpp_http_labels}")
