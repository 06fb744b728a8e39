# The project's one warning policy: `ractor_strict_warnings(target)` gives a target of this
# project the strict warning set, as errors when RACTOR_WARNINGS_AS_ERRORS is on (the default
# when ractor is the top-level project; off when it is consumed with add_subdirectory or
# FetchContent, so a newer compiler's new warning never breaks a user's build). The flags are
# PRIVATE: nothing leaks into the targets that link ours.
#
# The set: -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion. The full
# -Wconversion (not only -Wsign-conversion) because the library code is already clean under it
# and it is the warning that catches a silent narrowing of a length or count read from a
# frame; the one target where it reports only noise (the benchmarks' int-to-double rates)
# switches it off beside its own flags, saying why.
#
# -Wno-restrict: GCC 12 reports a false positive inside std::string's operator+ (GCC bug
# 105329). -Wmaybe-uninitialized stays a warning, never an error: at -O3 GCC 12 reports the
# std::string member of a designated-initialised temporary (tests/sim/fault_*.test.cpp) as
# maybe uninitialised, which it is not, and default member initialisers do not quiet it.
#
# Sanitizer builds (RACTOR_SANITIZE) keep the following as warnings, not errors: GCC's
# instrumentation changes its flow analysis and reports false positives in
# -Wstringop-overflow, -Wstringop-overread, -Warray-bounds and -Wnull-dereference, and -Wtsan
# says that ThreadSanitizer does not model std::atomic_thread_fence (api/src/timers.cpp uses
# one, on purpose). The release build is the warnings gate; the sanitizer builds are for
# run-time errors.
include_guard(GLOBAL)

option(RACTOR_WARNINGS_AS_ERRORS "Turn the project's warnings into errors" ${PROJECT_IS_TOP_LEVEL})

set(ractor_strict_warning_flags
  -Wall -Wextra -Wpedantic -Wshadow -Wsign-conversion -Wconversion -Wno-restrict)
set(ractor_never_error_warnings maybe-uninitialized)
set(ractor_sanitizer_noisy_warnings
  stringop-overflow stringop-overread array-bounds null-dereference tsan)

## Gives `target` the project's strict warning flags (and -Werror when RACTOR_WARNINGS_AS_ERRORS).
function(ractor_strict_warnings target)
  target_compile_options(${target} PRIVATE ${ractor_strict_warning_flags})
  if(RACTOR_WARNINGS_AS_ERRORS)
    set(demoted ${ractor_never_error_warnings})
    if(RACTOR_SANITIZE)
      list(APPEND demoted ${ractor_sanitizer_noisy_warnings})
    endif()
    list(TRANSFORM demoted PREPEND -Wno-error=)
    target_compile_options(${target} PRIVATE -Werror ${demoted})
  endif()
endfunction()
