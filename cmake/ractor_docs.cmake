# The API reference: target `ractor_docs` runs Doxygen over the public headers' `///`
# comments into <build>/docs/api/html. Defined only where Doxygen is found (Debian:
# doxygen); not part of `all`, so a build without it loses nothing.
find_package(Doxygen QUIET)
if(NOT DOXYGEN_FOUND)
  return()
endif()
set(DOXYGEN_PROJECT_NAME "ractor-cpp")
set(DOXYGEN_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/docs/api")
set(DOXYGEN_GENERATE_LATEX NO)
set(DOXYGEN_EXTRACT_ALL NO)
set(DOXYGEN_RECURSIVE YES)
set(DOXYGEN_FILE_PATTERNS "*.hpp")
# Private headers of the libraries (`detail/`, `internal/`) are not the API.
set(DOXYGEN_EXCLUDE_PATTERNS "*/detail/*" "*/internal/*")
set(DOXYGEN_STRIP_FROM_INC_PATH
  "${PROJECT_SOURCE_DIR}/api/include" "${PROJECT_SOURCE_DIR}/cluster/include" "${PROJECT_SOURCE_DIR}/sim/include"
  "${PROJECT_SOURCE_DIR}/sim/testing/include" "${PROJECT_SOURCE_DIR}/backends/asio/include")
set(DOXYGEN_WARN_LOGFILE "${PROJECT_BINARY_DIR}/docs/api/warnings.log")
doxygen_add_docs(ractor_docs
  "${PROJECT_SOURCE_DIR}/api/include" "${PROJECT_SOURCE_DIR}/cluster/include" "${PROJECT_SOURCE_DIR}/sim/include"
  "${PROJECT_SOURCE_DIR}/sim/testing/include" "${PROJECT_SOURCE_DIR}/backends/asio/include"
  COMMENT "API reference (Doxygen) into ${PROJECT_BINARY_DIR}/docs/api/html")
