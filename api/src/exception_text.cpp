// The text that reports a caught exception.
#include <ractor/detail/exception_text.hpp>

#include <ractor/errors.hpp>
#include <ractor/exit_reason.hpp>

#include <utility>

namespace ractor::detail {

std::string exception_text(std::exception_ptr failure) {
    try {
        std::rethrow_exception(std::move(failure));
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (const actor_killed&) {
        return std::string(exit_reason::killed);
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace ractor::detail
