#pragma once
/// \file
/// A type-erased, shareable copy of an actor's final state.

#include <memory>
#include <typeinfo>

namespace ractor {

/// An actor's state after it stopped, handed to its supervisor in a terminated event.
class boxed_state {
public:
    boxed_state() = default;

    /// Takes ownership of `value`.
    template <class T>
    static boxed_state box(T&& value) {
        using V = std::decay_t<T>;
        boxed_state b;
        b.value_ = std::make_shared<V>(std::forward<T>(value));
        b.type_ = &typeid(V);
        return b;
    }

    /// The state as a `T`, or null if there is none or it is of another type.
    template <class T>
    const T* get() const noexcept {
        if (!value_ || *type_ != typeid(T)) return nullptr;
        return static_cast<const T*>(value_.get());
    }

    /// True if a state is held.
    explicit operator bool() const noexcept { return value_ != nullptr; }

private:
    std::shared_ptr<const void> value_;
    const std::type_info* type_ = nullptr;
};

}  // namespace ractor
