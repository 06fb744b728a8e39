# Install rules and the `ractor` CMake package: public headers, the static libraries, an
# exported targets file (namespace `ractor::`) and ractorConfig.cmake / ractorConfigVersion.cmake,
# so that `find_package(ractor)` followed by `target_link_libraries(app ractor::api ractor::sim
# ractor::asio)` works from an install prefix. Included once, at the end of the top-level
# CMakeLists.txt, when every library target is already defined.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RACTOR_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/ractor"
  CACHE STRING "Where the ractor CMake package files go, relative to the install prefix")

# Each module: its directory, its library target and the name the target is exported under.
# A module whose target is not defined (not written yet, or switched off) is skipped.
set(ractor_modules
  "api|ractor_api|api"
  "sim|ractor_sim|sim"
  "sim/testing|ractor_sim_testing|sim_testing"
  "sim|ractor_sim_sleep_guard|sim_sleep_guard"
  "backends/asio|ractor_asio|asio"
  "cluster|ractor_cluster|cluster")

set(ractor_exported_targets "")
set(ractor_exported_names "")
foreach(module IN LISTS ractor_modules)
  string(REPLACE "|" ";" fields "${module}")
  list(GET fields 0 module_dir)
  list(GET fields 1 module_target)
  list(GET fields 2 module_export_name)
  if(NOT TARGET ${module_target})
    continue()
  endif()
  get_target_property(current_export_name ${module_target} EXPORT_NAME)
  if(NOT current_export_name)
    set_target_properties(${module_target} PROPERTIES EXPORT_NAME ${module_export_name})
  endif()
  list(APPEND ractor_exported_targets ${module_target})
  list(APPEND ractor_exported_names ${module_export_name})
  if(IS_DIRECTORY "${PROJECT_SOURCE_DIR}/${module_dir}/include")
    # `internal/` directories hold private headers of the .cpp files and are never installed.
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/${module_dir}/include/"
      DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
      COMPONENT ractor_development
      PATTERN internal EXCLUDE)
  endif()
endforeach()

if(NOT ractor_exported_targets)
  message(WARNING "ractor: no library target is defined, nothing to install")
  return()
endif()

install(TARGETS ${ractor_exported_targets}
  EXPORT ractor_targets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT ractor_development
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT ractor_runtime
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT ractor_runtime
  OBJECTS DESTINATION "${CMAKE_INSTALL_LIBDIR}/ractor-objects" COMPONENT ractor_development
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# The tools users run, when this build has them: ractor-sim and ractor-node.
set(ractor_installed_tools "")
foreach(tool ractor-sim ractor-node)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT ractor_runtime)
    list(APPEND ractor_installed_tools ${tool})
  endif()
endforeach()
list(JOIN ractor_installed_tools "|" ractor_installed_tools_arg)

install(EXPORT ractor_targets
  NAMESPACE ractor::
  FILE ractorTargets.cmake
  DESTINATION "${RACTOR_INSTALL_CMAKEDIR}"
  COMPONENT ractor_development)

# The package config must find every imported target the exported libraries link to (a static
# library passes its private dependencies on to the final link). Threads and Boost fiber/context
# are always looked for; the others only when a library links them.
set(ractor_boost_components fiber context)
set(ractor_extra_dependencies "")
foreach(target IN LISTS ractor_exported_targets)
  get_target_property(direct ${target} LINK_LIBRARIES)
  get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
  foreach(library IN LISTS direct interface)
    if(library MATCHES "Boost::([A-Za-z0-9_]+)")
      if(NOT CMAKE_MATCH_1 MATCHES "^(headers|boost|disable_autolinking|diagnostic_definitions|dynamic_linking)$")
        list(APPEND ractor_boost_components ${CMAKE_MATCH_1})
      endif()
    elseif(library MATCHES "nlohmann_json::")
      list(APPEND ractor_extra_dependencies "find_dependency(nlohmann_json 3)")
    elseif(library MATCHES "fmt::")
      list(APPEND ractor_extra_dependencies "find_dependency(fmt)")
    elseif(library MATCHES "OpenSSL::")
      list(APPEND ractor_extra_dependencies "find_dependency(OpenSSL)")
    elseif(library MATCHES "CLI11::")
      list(APPEND ractor_extra_dependencies "find_dependency(CLI11)")
    elseif(library MATCHES "(^|[^A-Za-z0-9_:])rapidcheck($|[^A-Za-z0-9_])")
      list(APPEND ractor_extra_dependencies "find_dependency(rapidcheck)")
    elseif(library MATCHES "Catch2::")
      list(APPEND ractor_extra_dependencies "find_dependency(Catch2 2)")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES ractor_boost_components)
list(REMOVE_DUPLICATES ractor_extra_dependencies)
list(JOIN ractor_boost_components " " RACTOR_PACKAGE_BOOST_COMPONENTS)
list(JOIN ractor_extra_dependencies "\n" RACTOR_PACKAGE_EXTRA_DEPENDENCIES)
list(JOIN ractor_exported_names " " RACTOR_PACKAGE_COMPONENTS)

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/ractorConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/package/ractorConfig.cmake"
  INSTALL_DESTINATION "${RACTOR_INSTALL_CMAKEDIR}")
# 0.x releases may break compatibility between minor versions.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/package/ractorConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/package/ractorConfig.cmake"
  "${PROJECT_BINARY_DIR}/package/ractorConfigVersion.cmake"
  DESTINATION "${RACTOR_INSTALL_CMAKEDIR}"
  COMPONENT ractor_development)

if(RACTOR_BUILD_TESTS)
  # Packaging is a test: install this build tree into a scratch prefix, check that the
  # installed tools run, then configure, build and run tests/packaging/consumer against it
  # with find_package(ractor).
  add_test(NAME packaging.consumer
    COMMAND "${CMAKE_COMMAND}"
      "-DRACTOR_BUILD_DIR=${PROJECT_BINARY_DIR}"
      "-DRACTOR_CONFIG=$<CONFIG>"
      "-DCONSUMER_SOURCE_DIR=${PROJECT_SOURCE_DIR}/tests/packaging/consumer"
      "-DWORK_DIR=${PROJECT_BINARY_DIR}/packaging"
      "-DGENERATOR=${CMAKE_GENERATOR}"
      "-DCXX_COMPILER=${CMAKE_CXX_COMPILER}"
      "-DCOMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}"
      "-DSANITIZE=${RACTOR_SANITIZE}"
      "-DINSTALLED_TOOLS=${ractor_installed_tools_arg}"
      -P "${PROJECT_SOURCE_DIR}/tests/packaging/consumer_test.cmake")
  set_tests_properties(packaging.consumer PROPERTIES
    PASS_REGULAR_EXPRESSION "ractor consumer: OK"
    TIMEOUT 600)
endif()
