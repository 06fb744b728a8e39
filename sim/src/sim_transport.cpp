#include "sim_transport.hpp"

#include <utility>

namespace ractor::sim::internal {

listen_result sim_transport::listen(const std::string& address) { return net_.listen(node_, address); }

connect_result sim_transport::connect(const std::string& address, std::optional<time_point> deadline) {
    return net_.connect(node_, address, deadline);
}

sim_connection::~sim_connection() { close(); }

bool sim_connection::send(frame_bytes frame) {
    conn_state& c = *state_;
    if (c.net == nullptr || c.ends[end_].done) return false;
    return c.net->send(c, end_, std::move(frame));
}

received_frame sim_connection::receive(std::optional<time_point> deadline) {
    return state_->ends[end_].inbox->receive(deadline);
}

void sim_connection::close() {
    conn_state& c = *state_;
    if (c.net != nullptr && !c.ends[end_].done) c.net->close(c, end_);
}

sim_listener::~sim_listener() { close(); }

std::unique_ptr<connection> sim_listener::accept() {
    if (state_->net == nullptr) return nullptr;
    return state_->net->accept(*state_);
}

void sim_listener::close() {
    if (state_->net != nullptr) state_->net->close_listener(*state_);
}

std::string sim_listener::address() const { return state_->address; }

}  // namespace ractor::sim::internal
