#pragma once
/// \file
/// An owning, intrusively counted pointer to an actor cell.

#include <utility>

namespace ractor::detail {

class cell_base;
void add_ref(cell_base* c) noexcept;
void release(cell_base* c) noexcept;

/// Shared ownership of a cell without a separate control block (one pointer wide).
class cell_ptr {
public:
    cell_ptr() noexcept = default;
    /// Adopts a new reference to `c`.
    explicit cell_ptr(cell_base* c) noexcept : p_(c) {
        if (p_) add_ref(p_);
    }
    cell_ptr(const cell_ptr& o) noexcept : cell_ptr(o.p_) {}
    cell_ptr(cell_ptr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    cell_ptr& operator=(cell_ptr o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    ~cell_ptr() {
        if (p_) release(p_);
    }

    cell_base* get() const noexcept { return p_; }
    cell_base* operator->() const noexcept { return p_; }
    cell_base& operator*() const noexcept { return *p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }
    friend bool operator==(const cell_ptr& a, const cell_ptr& b) noexcept { return a.p_ == b.p_; }

private:
    cell_base* p_ = nullptr;
};

}  // namespace ractor::detail
