#pragma once
/// \file
/// An owning pointer to an object that counts its own references (no control block).

#include <utility>

namespace ractor::detail {

/// Shared ownership of a `T` that keeps its own reference count, one pointer wide. The count
/// is kept by two functions found by argument-dependent lookup: `add_ref(T*)` and
/// `release(T*)` (which frees the object when the last reference goes).
template <class T>
class counted_ptr {
public:
    counted_ptr() noexcept = default;
    /// Takes a new reference to `p`.
    explicit counted_ptr(T* p) noexcept : p_(p) {
        if (p_) add_ref(p_);
    }
    counted_ptr(const counted_ptr& o) noexcept : counted_ptr(o.p_) {}
    counted_ptr(counted_ptr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    counted_ptr& operator=(counted_ptr o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    ~counted_ptr() {
        if (p_) release(p_);
    }

    /// Takes over a reference to `p` that the caller already counted.
    static counted_ptr adopt(T* p) noexcept {
        counted_ptr r;
        r.p_ = p;
        return r;
    }

    T* get() const noexcept { return p_; }
    T* operator->() const noexcept { return p_; }
    T& operator*() const noexcept { return *p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }
    friend bool operator==(const counted_ptr& a, const counted_ptr& b) noexcept {
        return a.p_ == b.p_;
    }

private:
    T* p_ = nullptr;
};

}  // namespace ractor::detail
