# sessionpp_library(NAME store_redis SOURCES ... [PKG_DEPS PREFIX=module ...])
# Declares sessionpp::NAME, links the warnings target PRIVATE, and registers it for install.
# PKG_DEPS are pkg-config modules the library links PRIVATE (a store's C client): they become
# PkgConfig::PREFIX targets here and in the installed package config.
function(sessionpp_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;PKG_DEPS" ${ARGN})
  add_library(sessionpp_${ARG_NAME} ${ARG_SOURCES})
  add_library(sessionpp::${ARG_NAME} ALIAS sessionpp_${ARG_NAME})
  set_target_properties(sessionpp_${ARG_NAME} PROPERTIES EXPORT_NAME ${ARG_NAME})
  target_include_directories(sessionpp_${ARG_NAME}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(sessionpp_${ARG_NAME} PRIVATE $<BUILD_INTERFACE:sessionpp_warnings>)
  foreach(_dep IN LISTS ARG_PKG_DEPS)
    string(REPLACE "=" ";" _pair "${_dep}")
    list(GET _pair 0 _prefix)
    list(GET _pair 1 _module)
    if(NOT TARGET PkgConfig::${_prefix})
      pkg_check_modules(${_prefix} REQUIRED IMPORTED_TARGET GLOBAL ${_module})
    endif()
    target_link_libraries(sessionpp_${ARG_NAME} PRIVATE PkgConfig::${_prefix})
    set_property(GLOBAL APPEND PROPERTY SESSIONPP_PKG_DEPS "${_dep}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY SESSIONPP_INSTALL_TARGETS sessionpp_${ARG_NAME})
endfunction()
