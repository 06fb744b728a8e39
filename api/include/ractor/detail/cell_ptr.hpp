#pragma once
/// \file
/// An owning, intrusively counted pointer to an actor cell.

#include <ractor/detail/counted_ptr.hpp>

namespace ractor::detail {

class cell_base;
void add_ref(cell_base* c) noexcept;
void release(cell_base* c) noexcept;

/// Shared ownership of a cell without a separate control block (one pointer wide).
using cell_ptr = counted_ptr<cell_base>;

}  // namespace ractor::detail
