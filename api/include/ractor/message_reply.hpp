#pragma once
/// \file
/// The reply type of a request message, and of a request builder, worked out at compile time.

#include <cstddef>
#include <type_traits>
#include <utility>

#include <ractor/reply_port.hpp>

namespace ractor {

namespace detail {

/// Converts to any type, in unevaluated code only: counts and probes an aggregate's fields.
struct any_field {
    template <class U>
    operator U() const;  // NOLINT(google-explicit-constructor): the probe must convert implicitly
};
template <std::size_t>
using any_field_at = any_field;

template <class T, std::size_t N>
constexpr bool brace_constructible_from_fields() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return requires { T{any_field_at<I>{}...}; };
    }
    (std::make_index_sequence<N>{});
}

/// The number of fields of aggregate `T`: the most probes (up to 8) it can be built from,
/// counting down, since fields without a default (a reply port) need an initializer each.
/// 0 if it has more than 8 fields or cannot be probed.
template <class T, std::size_t N = 8>
constexpr std::size_t field_count() {
    if constexpr (N == 0 || brace_constructible_from_fields<T, N>()) {
        return N;
    } else {
        return field_count<T, N - 1>();
    }
}

template <class... T>
struct type_list {};

/// The declared types of the fields of aggregate `T`, as a `type_list` (only in decltype).
template <class T>
auto field_types(T& t) {
    constexpr std::size_t n = field_count<T>();
    // clang-format off
    if constexpr (n == 1) { auto& [a] = t; return type_list<decltype(a)>{}; }
    else if constexpr (n == 2) { auto& [a, b] = t; return type_list<decltype(a), decltype(b)>{}; }
    else if constexpr (n == 3) { auto& [a, b, c] = t; return type_list<decltype(a), decltype(b), decltype(c)>{}; }
    else if constexpr (n == 4) {
        auto& [a, b, c, d] = t; return type_list<decltype(a), decltype(b), decltype(c), decltype(d)>{};
    } else if constexpr (n == 5) {
        auto& [a, b, c, d, e] = t;
        return type_list<decltype(a), decltype(b), decltype(c), decltype(d), decltype(e)>{};
    } else if constexpr (n == 6) {
        auto& [a, b, c, d, e, f] = t;
        return type_list<decltype(a), decltype(b), decltype(c), decltype(d), decltype(e), decltype(f)>{};
    } else if constexpr (n == 7) {
        auto& [a, b, c, d, e, f, g] = t;
        return type_list<decltype(a), decltype(b), decltype(c), decltype(d), decltype(e), decltype(f), decltype(g)>{};
    } else if constexpr (n == 8) {
        auto& [a, b, c, d, e, f, g, h] = t;
        return type_list<decltype(a), decltype(b), decltype(c), decltype(d), decltype(e), decltype(f), decltype(g),
                         decltype(h)>{};
    } else {
        return type_list<>{};
    }
    // clang-format on
}

template <class T>
inline constexpr bool is_reply_port = false;
template <class R>
inline constexpr bool is_reply_port<reply_port<R>> = true;

/// `R` of the first `reply_port<R>` among `F...`.
template <class... F>
struct first_reply_port {};
template <class F, class... Rest>
struct first_reply_port<F, Rest...> : first_reply_port<Rest...> {};
template <class R, class... Rest>
struct first_reply_port<reply_port<R>, Rest...> {
    using type = R;
};

/// `R` of the one `reply_port<R>` field in `Fields`; no `type` if there are none or several.
template <class Fields>
struct single_reply_port {};
template <class... F>
requires((is_reply_port<std::remove_cv_t<F>> + ... + 0) ==
         1) struct single_reply_port<type_list<F...>> : first_reply_port<std::remove_cv_t<F>...> {
};

/// The reply type worked out from `T` itself: its `reply_type` alias, else its one reply field.
template <class T>
struct deduced_message_reply : single_reply_port<decltype(field_types(std::declval<T&>()))> {};
template <class T>
requires requires { typename T::reply_type; }
struct deduced_message_reply<T> {
    using type = typename T::reply_type;
};

}  // namespace detail

/// The type a request message `T` is answered with: what a call whose builder returns a `T`
/// waits for. Found, in order, from a specialisation of this trait, from `T::reply_type`,
/// or from the one `reply_port<R>` field of an aggregate `T` with at most 8 public fields.
/// No `type` member if none applies (e.g. two reply ports, or `T` is the whole variant).
template <class T>
        struct message_reply : std::conditional_t < std::is_aggregate_v<T> ||
    requires {
    typename T::reply_type;
}, detail::deduced_message_reply<T>, detail::type_list < >> {};

namespace detail {

/// Converts to a `reply_port<R>` of any `R`, in unevaluated code only: calling a generic
/// builder with it tells which message the builder makes.
struct reply_probe {
    template <class R>
    operator reply_port<R>()
        const;  // NOLINT(google-explicit-constructor): the probe must convert implicitly
};

/// The reply type of a builder's explicit signature `Ret(reply_port<R>)`.
template <class Sig>
struct signature_reply {};
template <class C, class Ret, class R>
struct signature_reply<Ret (C::*)(reply_port<R>) const> {
    using type = R;
};
template <class C, class Ret, class R>
struct signature_reply<Ret (C::*)(reply_port<R>)> {
    using type = R;
};
template <class Ret, class R>
struct signature_reply<Ret (*)(reply_port<R>)> {
    using type = R;
};

template <class F>
auto builder_reply() {
    using D = std::decay_t<F>;
    if constexpr (requires { typename signature_reply<D>::type; }) {
        return std::type_identity<typename signature_reply<D>::type>{};
    } else if constexpr (requires { typename signature_reply<decltype(&D::operator())>::type; }) {
        return std::type_identity<typename signature_reply<decltype(&D::operator())>::type>{};
    } else if constexpr (std::is_invocable_v<D&, reply_probe>) {
        using made = std::remove_cvref_t<std::invoke_result_t<D&, reply_probe>>;
        static_assert(
            requires { typename message_reply<made>::type; },
            "ractor: cannot tell the reply type of the message this generic builder returns: give "
            "the "
            "message exactly one reply_port<R> field, a `using reply_type = R;`, or specialise "
            "ractor::message_reply for it (or spell out the builder's parameter as reply_port<R>)");
        return std::type_identity<typename message_reply<made>::type>{};
    } else {
        static_assert(std::is_invocable_v<D&, reply_probe>,
                      "ractor: a request builder must be callable with one reply_port<R> and "
                      "return the message");
        return std::type_identity<void>{};
    }
}

/// The reply type `R` of a request builder: from its parameter `reply_port<R>` if it spells
/// one out, else from the message a generic builder returns (see `message_reply`).
template <class F>
struct reply_type_of {
    using type = typename decltype(builder_reply<F>())::type;
};

}  // namespace detail

}  // namespace ractor
