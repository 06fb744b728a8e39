#include <ractor/asio_backend/recording_trace_sink.hpp>

namespace ractor::asio_backend {

void recording_trace_sink::record(const trace_event& e) {
    trace_record copy{e.kind, e.actor, e.peer, e.value, std::string(e.text)};
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(copy));
}

std::vector<trace_record> recording_trace_sink::events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
}

std::size_t recording_trace_sink::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.size();
}

void recording_trace_sink::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.clear();
}

}  // namespace ractor::asio_backend
