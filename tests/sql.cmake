# Tests of the SQL store (sessionpp::store_sql). They need PostgreSQL and MariaDB from
# scripts/services (SESSIONPP_TEST_PG_URL, SESSIONPP_TEST_MYSQL_URL); SQLite runs in a temp folder.
if(TARGET sessionpp_store_sql)
  sessionpp_test(NAME sql_contract_tests
    SOURCES contract/sql_contract_test.cc
    LIBS sessionpp_contract_suite sessionpp::store_sql
    LABELS "contract;sql")
  sessionpp_test(NAME sql_integration_tests
    SOURCES integration/sql/url_test.cc integration/sql/read_only_test.cc
            integration/sql/schema_test.cc integration/sql/purge_concurrency_test.cc
            integration/sql/restart_test.cc integration/sql/errors_test.cc
    LIBS sessionpp_contract_suite sessionpp::store_sql
    LABELS "integration;sql")
  target_compile_definitions(sql_integration_tests PRIVATE
    SESSIONPP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()

