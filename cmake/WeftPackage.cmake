# The installed CMake package: find_package(weft CONFIG) in a third party's project gives
#   weft::sdk            INTERFACE target: the SDK headers, Eigen3::Eigen, the Ceres jet
#                        headers and the Boost headers, C++20
#   weft_add_family(<name> <file.cpp> ...)   a family plugin weft_family_<name> (WeftFamily.cmake)
#   WEFT_EXECUTABLE, WEFT_PLUGIN_DIR, WEFT_VERSION, WEFT_ABI_VERSION
# Installed under <prefix>/lib/cmake/weft (weftConfig.cmake, weftConfigVersion.cmake,
# WeftFamily.cmake). Included from the root CMakeLists.txt's install section.
include(CMakePackageConfigHelpers)

file(STRINGS ${PROJECT_SOURCE_DIR}/core/include/weft/version.hpp _weft_abi_line REGEX "^#define WEFT_ABI_VERSION ")
string(REGEX REPLACE "^#define WEFT_ABI_VERSION ([0-9]+)u?.*$" "\\1" WEFT_ABI_VERSION_NUMBER "${_weft_abi_line}")

set(WEFT_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/weftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/weftConfig.cmake
  INSTALL_DESTINATION ${WEFT_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR WEFT_PLUGIN_INSTALL_DIR)
# The plugin ABI, not the version, decides whether a plugin loads; within 0.x a minor
# version may change it, so only the same major.minor is compatible.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/package/weftConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/package/weftConfig.cmake
  ${PROJECT_BINARY_DIR}/package/weftConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/WeftFamily.cmake
  DESTINATION ${WEFT_CMAKE_INSTALL_DIR})
