# ctest `packaging.consumer`: installs a ractor build tree into a scratch prefix, runs the
# installed tools (INSTALLED_TOOLS, `|`-separated), then configures,
# builds and runs tests/packaging/consumer against that prefix only.
# Run as: cmake -DRACTOR_BUILD_DIR=... -DCONSUMER_SOURCE_DIR=... -DWORK_DIR=... [-DRACTOR_CONFIG=...]
#         [-DGENERATOR=...] [-DCXX_COMPILER=...] [-DCOMPILER_LAUNCHER=...] [-DSANITIZE=...]
#         [-DINSTALLED_TOOLS=ractor-sim|ractor-node] -P consumer_test.cmake
cmake_minimum_required(VERSION 3.25)

foreach(required RACTOR_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR)
  if(NOT ${required})
    message(FATAL_ERROR "consumer_test.cmake: -D${required}=... is required")
  endif()
endforeach()
if(NOT RACTOR_CONFIG)
  set(RACTOR_CONFIG Release)
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run_step name)
  message(STATUS "packaging: ${name}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "packaging: ${name} failed (${result})")
  endif()
endfunction()

run_step("install ${RACTOR_BUILD_DIR} into ${prefix}"
  "${CMAKE_COMMAND}" --install "${RACTOR_BUILD_DIR}" --config "${RACTOR_CONFIG}" --prefix "${prefix}")

# Every tool the build has is installed and runs from the prefix (ractor-sim's `list` and
# ractor-node's `--help` need no network and nothing outside the prefix).
string(REPLACE "|" ";" installed_tools "${INSTALLED_TOOLS}")
foreach(tool IN LISTS installed_tools)
  if(tool STREQUAL "ractor-sim")
    run_step("run the installed ractor-sim" "${prefix}/bin/ractor-sim" list)
  else()
    run_step("run the installed ${tool}" "${prefix}/bin/${tool}" --help)
  endif()
endforeach()

# The consumer sees the scratch prefix and the system, never the ractor source or build tree.
set(configure_args
  -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_BUILD_TYPE=${RACTOR_CONFIG}")
if(GENERATOR)
  list(APPEND configure_args -G "${GENERATOR}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(COMPILER_LAUNCHER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${COMPILER_LAUNCHER}")
endif()
if(SANITIZE)
  # Sanitized static libraries need the sanitizer runtime in the final link.
  list(APPEND configure_args
    "-DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE} -fno-omit-frame-pointer"
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
endif()

run_step("configure the consumer" "${CMAKE_COMMAND}" ${configure_args})
run_step("build the consumer" "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${RACTOR_CONFIG}")
run_step("run the consumer" "${consumer_build}/ractor_consumer")
run_step("run the consumer's own scenario with its own tool"
  "${consumer_build}/ractor_consumer_tool" run "${CONSUMER_SOURCE_DIR}/scenario.json" --seed 1)
# The same file as real processes: the consumer's binary re-executes itself per node, so its
# own kind runs on the asio backend over TCP (its user check is listed as skipped).
run_step("run the consumer's own scenario for real with its own tool"
  "${consumer_build}/ractor_consumer_tool" real "${CONSUMER_SOURCE_DIR}/scenario.json" --timeout 60)
