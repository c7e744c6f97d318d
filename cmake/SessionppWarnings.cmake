# One INTERFACE target carries the warning flags; every sessionpp target links it PRIVATE.
add_library(sessionpp_warnings INTERFACE)
target_compile_options(sessionpp_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                    -Wnon-virtual-dtor -Wconversion
                                                    -Wno-sign-conversion
                                                    # Options are aggregates meant for designated
                                                    # initializers that leave members at defaults.
                                                    -Wno-missing-field-initializers)
if(SESSIONPP_WERROR)
  target_compile_options(sessionpp_warnings INTERFACE -Werror)
endif()
