# Turns the files of web/console/ into console_assets.cc (run by a custom command at build time).
#   cmake -DINPUT_DIR=... -DOUTPUT=... -P console_embed.cmake
file(GLOB _files RELATIVE "${INPUT_DIR}" "${INPUT_DIR}/*.html" "${INPUT_DIR}/*.js"
     "${INPUT_DIR}/*.css")
list(SORT _files)
set(_out "// Generated from web/console/ by apps/sessiond/console_embed.cmake. Do not edit.\n")
string(APPEND _out "#include \"console.h\"\n\nnamespace sessiond {\nnamespace {\n\n")
set(_table "")
set(_i 0)
foreach(_f IN LISTS _files)
  file(READ "${INPUT_DIR}/${_f}" _hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," _bytes "${_hex}")
  string(APPEND _out "constexpr char kFile${_i}[] = {${_bytes} 0};\n")
  if(_f MATCHES "\\.html$")
    set(_type "text/html; charset=utf-8")
  elseif(_f MATCHES "\\.js$")
    set(_type "text/javascript; charset=utf-8")
  else()
    set(_type "text/css; charset=utf-8")
  endif()
  string(APPEND _table
         "    {\"${_f}\", \"${_type}\", std::string_view(kFile${_i}, sizeof kFile${_i} - 1)},\n")
  math(EXPR _i "${_i} + 1")
endforeach()
string(APPEND _out "\nconstexpr ConsoleAsset kAssets[] = {\n${_table}};\n\n}  // namespace\n\n")
string(APPEND _out "const ConsoleAsset* find_console_asset(std::string_view name) {\n"
                   "  for (const auto& a : kAssets) {\n"
                   "    if (a.name == name) return &a;\n  }\n  return nullptr;\n}\n\n"
                   "}  // namespace sessiond\n")
file(WRITE "${OUTPUT}.tmp" "${_out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
