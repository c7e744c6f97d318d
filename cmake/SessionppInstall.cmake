# `cmake --install` lays out headers, libraries and a package config so that consumers can
# find_package(sessionpp) and link sessionpp::core, sessionpp::store_memory, ...
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(_sessionpp_targets GLOBAL PROPERTY SESSIONPP_INSTALL_TARGETS)
install(TARGETS ${_sessionpp_targets}
        EXPORT sessionppTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The headers of the parts this build has: a store or the HTTP layer that was not built installs no
# header that would promise it.
set(_sessionpp_header_excludes)
foreach(_part IN ITEMS store_redis store_sql store_mongo)
  if(NOT TARGET sessionpp_${_part})
    string(REPLACE "store_" "" _name "${_part}")
    list(APPEND _sessionpp_header_excludes PATTERN "${_name}_store.h" EXCLUDE)
  endif()
endforeach()
if(NOT TARGET sessionpp_http)
  list(APPEND _sessionpp_header_excludes PATTERN "http" EXCLUDE)
endif()
install(DIRECTORY include/sessionpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        ${_sessionpp_header_excludes})
install(EXPORT sessionppTargets NAMESPACE sessionpp::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sessionpp)
get_property(SESSIONPP_PKG_DEPS GLOBAL PROPERTY SESSIONPP_PKG_DEPS)
configure_package_config_file(cmake/sessionppConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/sessionppConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sessionpp)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/sessionppConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sessionppConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/sessionppConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sessionpp)
