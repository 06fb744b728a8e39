#pragma once
/// \file
/// An assertion site and the catalogue of every site compiled into the program.

#include <cstddef>
#include <cstdint>
#include <source_location>
#include <vector>

namespace ractor {

/// What a site claims about the runs that reach it.
enum class assertion_kind : std::uint8_t {
    always,       ///< its condition holds at every hit
    sometimes,    ///< its condition holds at least once in a campaign
    reachable,    ///< it is hit at least once in a campaign
    unreachable,  ///< it is never hit
    track_max,    ///< reports the largest value it was given; claims nothing
};

/// The name of a kind: "always", "sometimes", "reachable", "unreachable" or "track_max".
const char* to_string(assertion_kind k) noexcept;

/// One assertion site in the source. Sites are made only by `RACTOR_ASSERTION_SITE` (see
/// assertions.hpp), which registers each one in the catalogue during static
/// initialisation, so the catalogue lists a site whether or not any run ever reached it.
class assertion_site {
public:
    /// Registers the site; `name` must outlive the program (a string literal).
    assertion_site(assertion_kind kind, const char* name, std::source_location where);
    assertion_site(const assertion_site&) = delete;
    assertion_site& operator=(const assertion_site&) = delete;

    assertion_kind kind() const noexcept { return kind_; }
    const char* name() const noexcept { return name_; }
    const std::source_location& where() const noexcept { return where_; }
    /// Its position in `assertion_catalogue()`: the same in every process forked from this
    /// one, so a pool of explorer processes can name sites by it.
    std::size_t id() const noexcept { return id_; }

private:
    assertion_kind kind_;
    const char* name_;
    std::source_location where_;
    std::size_t id_;
};

/// Every registered site, in registration order (`site->id()` is its index). Complete once
/// static initialisation is over; a site the linker left out (in an object file of a static
/// library that nothing references) is not in it, nor is one in a template never instantiated.
std::vector<const assertion_site*> assertion_catalogue();

}  // namespace ractor
