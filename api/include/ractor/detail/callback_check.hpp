#pragma once
/// \file
/// Compile-time checks that an actor's callbacks are not misspelled.

namespace ractor::detail {

/// True if behaviour `A` declares a member named like a lifecycle callback but misspelled:
/// such a member would never be called, and the default would silently run instead.
template <class A>
constexpr bool has_misspelled_callback() {
    return requires { &A::handle_supervisor_event; }
    || requires { &A::handle_supervision_evt; }
    || requires { &A::handle_supervision_event; }
    || requires { &A::post_started; }
    || requires { &A::pre_started; }
    || requires { &A::post_stopped; };
}

/// Fails the build, naming the callbacks, if `A` has a misspelled one.
template <class A>
constexpr void check_callbacks() {
    static_assert(
        !has_misspelled_callback<A>(),
        "ractor: this actor declares handle_supervisor_event, handle_supervision_evt, "
        "handle_supervision_event, post_started, pre_started or post_stopped, which the runtime "
        "never calls; the callbacks are pre_start, post_start, handle, handle_supervisor_evt and "
        "post_stop");
}

}  // namespace ractor::detail
