# SESSIONPP_SANITIZE="address;undefined" or "thread" instruments everything in this build tree.
if(SESSIONPP_SANITIZE)
  list(JOIN SESSIONPP_SANITIZE "," _sessionpp_san)
  add_compile_options(-fsanitize=${_sessionpp_san} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_sessionpp_san})
endif()
