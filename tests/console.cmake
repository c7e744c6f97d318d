# The Security console (issue 8): the admin API and sessionctl against the real sessiond binary
# and real stores, and the browser tests (tests/browser, playwright-core driving /usr/bin/chromium).
# This file is included before http.cmake defines sessionpp_test_support: it is linked by name.

if(TARGET sessiond AND TARGET sessionctl)
  find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json)
  sessionpp_test(NAME console_integration_tests
    SOURCES integration/sessiond/admin_api_test.cc
            integration/sessiond/sessionctl_config_test.cc
            integration/sessiond/sessionctl_sessions_test.cc
            integration/sessiond/admin_config_writer_test.cc
    LIBS sessionpp_test_support sessionpp_test_env sessiond_app Boost::json
    LABELS "integration;sessiond;console")

  # Browser tests: need `npm ci` in tests/browser (scripts/setup.d/60-browser-tests.sh).
  find_program(SESSIONPP_NODE node)
  if(SESSIONPP_NODE AND EXISTS /usr/bin/chromium)
    add_test(NAME console_browser_tests
             COMMAND ${SESSIONPP_NODE} --test --test-concurrency=1
                     ${PROJECT_SOURCE_DIR}/tests/browser/console.test.mjs
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/browser)
    set_tests_properties(console_browser_tests PROPERTIES
      LABELS "browser;sessiond;console"
      TIMEOUT 300
      ENVIRONMENT "SESSIOND_BINARY=$<TARGET_FILE:sessiond>;SESSIONCTL_BINARY=$<TARGET_FILE:sessionctl>;SESSIONPP_TEST_ARTIFACTS=${PROJECT_BINARY_DIR}/test-artifacts")
  endif()
endif()
