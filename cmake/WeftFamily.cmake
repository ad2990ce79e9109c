# weft_add_family(<name> <source.cpp> [<source> ...] [LIBRARIES <lib> ...])
#
# Builds a family plugin for an installed weft (part of its CMake package, see
# weftConfig.cmake): a loadable module named weft_family_<name> (no "lib" prefix) in the
# calling directory's build folder, linked to weft::sdk (and LIBRARIES), and an install rule
# that puts it in WEFT_FAMILY_INSTALL_DIR — by default the installed weft's plugin folder
# (WEFT_PLUGIN_DIR), where that weft finds it without any configuration.
#
#   weft_add_family(genpois genpois.cpp)
#   cmake --build build && cmake --install build     # -> <weft prefix>/lib/weft/plugins/
if(NOT DEFINED WEFT_FAMILY_INSTALL_DIR)
  set(WEFT_FAMILY_INSTALL_DIR "${WEFT_PLUGIN_DIR}" CACHE PATH "Where weft_add_family() installs family plugins")
endif()

function(weft_add_family name)
  cmake_parse_arguments(ARG "" "" "LIBRARIES" ${ARGN})
  if(NOT ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "weft_add_family(${name}): no source files given")
  endif()
  set(target weft_family_${name})
  add_library(${target} MODULE ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${target} PRIVATE weft::sdk ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_EXTENSIONS OFF
    LIBRARY_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  # a family is evaluated in the innermost loops of a fit: optimise even without a build type
  if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
    target_compile_options(${target} PRIVATE -O2)
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION "${WEFT_FAMILY_INSTALL_DIR}")
endfunction()
