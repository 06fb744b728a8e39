#include "sim_transport.hpp"

#include <utility>

namespace ractor::sim::internal {

listen_result sim_transport::listen(const std::string& address) { return net_.listen(node_, address); }

connect_result sim_transport::connect(const std::string& address, std::optional<time_point> deadline) {
    return net_.connect(node_, address, deadline);
}

sim_connection::~sim_connection() { close(); }

frame_send_status sim_connection::send(frame_bytes&& frame) {
    conn_state& c = *state_;
    if (c.net == nullptr || c.ends[end_].done) return frame_send_status::closed;
    return c.net->send(c, end_, std::move(frame));
}

writable_status sim_connection::wait_writable(std::optional<time_point> deadline) {
    conn_state& c = *state_;
    if (c.net == nullptr || c.ends[end_].done) return writable_status::closed;
    return c.net->wait_writable(c, end_, deadline);
}

received_frame sim_connection::receive(std::optional<time_point> deadline) {
    conn_state& c = *state_;
    received_frame r = c.ends[end_].inbox->receive(deadline);
    if (r.what == received_frame::kind::frame && c.net != nullptr) c.net->frame_taken(c, end_);
    return r;
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
