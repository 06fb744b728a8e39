#include "worker_algorithm.hpp"

#include "worker.hpp"

namespace ractor::asio_backend {

worker_algorithm::worker_algorithm(worker& w) noexcept : worker_(w) {
    worker_.attach(*this);
}

void worker_algorithm::awakened(boost::fibers::context* ctx) noexcept {
    ctx->ready_link(ready_);
    if (!ctx->is_context(boost::fibers::type::dispatcher_context)) ++ready_workers_;
}

boost::fibers::context* worker_algorithm::pick_next() noexcept {
    if (ready_.empty()) return nullptr;
    boost::fibers::context* ctx = &ready_.front();
    ready_.pop_front();
    if (!ctx->is_context(boost::fibers::type::dispatcher_context)) --ready_workers_;
    return ctx;
}

bool worker_algorithm::has_ready_fibers() const noexcept {
    return !ready_.empty();
}

void worker_algorithm::suspend_until(const std::chrono::steady_clock::time_point& tp) noexcept {
    worker_.idle_until(tp);
}

void worker_algorithm::notify() noexcept {
    worker_.wake();
}

}  // namespace ractor::asio_backend
