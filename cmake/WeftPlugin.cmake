# weft_add_plugin(<target> SOURCES <files...> [LIBRARIES <libs...>])
# Builds one plugin as a loadable module in the build tree's plugin directory and installs
# it under <prefix>/lib/weft/plugins. Plugins see only the SDK (weft::sdk) and their own
# third-party libraries, never the kernel.
function(weft_add_plugin target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE weft::sdk weft_warnings ${ARG_LIBRARIES})
  if(OpenMP_CXX_FOUND)
    target_link_libraries(${target} PRIVATE OpenMP::OpenMP_CXX)  # evaluate_in_parallel
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY "${WEFT_PLUGIN_BUILD_DIR}")
  install(TARGETS ${target} LIBRARY DESTINATION ${WEFT_PLUGIN_INSTALL_DIR})
  set_property(GLOBAL APPEND PROPERTY WEFT_PLUGIN_TARGETS ${target})
endfunction()
