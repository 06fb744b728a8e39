# Checks that every public header compiles on its own: for each library target of the modules
# below, one translation unit per header under the target's build include directories
# (`internal/` excepted, it is never installed) that includes only that header, twice (so a
# missing include guard fails too). The units are written at configure time into the build
# tree and compiled by the object library `<target>_headers`; the target
# `ractor_header_check` builds them all. It is not part of `all` (about a hundred units);
# tools/run-tests.sh builds it.
include_guard(GLOBAL)

## Appends to `out` every library target defined in `dir` or below it.
function(ractor_library_targets_below dir out)
  set(found "")
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(STATIC|SHARED)_LIBRARY$")
      list(APPEND found ${target})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    ractor_library_targets_below("${subdir}" below)
    list(APPEND found ${below})
  endforeach()
  set(${out} ${${out}} ${found} PARENT_SCOPE)
endfunction()

## The build-tree include directories `target` gives its users.
function(ractor_public_include_dirs target out)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set(result "")
  foreach(dir IN LISTS dirs)
    if(dir MATCHES "^\\$<BUILD_INTERFACE:(.*)>$")
      list(APPEND result "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

## Adds `<target>_headers`: one unit per public header of `target`, to `ractor_header_check`.
function(ractor_check_headers_of target)
  ractor_public_include_dirs(${target} include_dirs)
  set(sources "")
  foreach(include_dir IN LISTS include_dirs)
    file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE "${include_dir}" "${include_dir}/*.hpp")
    foreach(header IN LISTS headers)
      if(header MATCHES "(^|/)internal/")
        continue()
      endif()
      string(REGEX REPLACE "[/.]" "_" unit "${header}")
      set(source "${PROJECT_BINARY_DIR}/header_check/${target}/${unit}.cpp")
      file(CONFIGURE OUTPUT "${source}"
        CONTENT "// Generated: checks that <${header}> compiles alone.\n#include <${header}>\n#include <${header}>\n")
      list(APPEND sources "${source}")
    endforeach()
  endforeach()
  if(NOT sources)
    return()
  endif()
  add_library(${target}_headers OBJECT EXCLUDE_FROM_ALL ${sources})
  target_link_libraries(${target}_headers PRIVATE ${target})
  ractor_strict_warnings(${target}_headers)
  add_dependencies(ractor_header_check ${target}_headers)
endfunction()

add_custom_target(ractor_header_check)
foreach(module_dir api cluster sim backends/asio)
  set(module_targets "")
  ractor_library_targets_below("${PROJECT_SOURCE_DIR}/${module_dir}" module_targets)
  foreach(target IN LISTS module_targets)
    ractor_check_headers_of(${target})
  endforeach()
endforeach()
