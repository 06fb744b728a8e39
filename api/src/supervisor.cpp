// The supervisor actor: starts, watches, restarts and stops its children as Erlang/OTP does.
#include <ractor/supervisor.hpp>

#include <algorithm>
#include <deque>
#include <exception>
#include <utility>

#include <ractor/actor.hpp>
#include <ractor/exit_reason.hpp>
#include <ractor/timers.hpp>

namespace ractor {

namespace {

/// One child as the supervisor tracks it.
struct child_record {
    child_spec spec;
    std::any args{};          ///< dynamic children: the arguments of start_child
    bool dynamic = false;
    any_actor_ref actor{};    ///< the running incarnation, null when not running
    bool restarting = false;  ///< to be started again once `due`
    time_point due{};
};

struct supervisor_state {
    supervisor_spec spec;
    std::vector<child_record> children;  ///< in start order
    std::deque<time_point> restarts;     ///< restart times within the last period
    std::uint64_t dynamic_ids = 0;
};

using self_ref = actor_ref<supervisor_message>;

bool is_abnormal(const supervision_event& e) {
    return e.what == supervision_event::kind::failed ||
           (e.reason != exit_reason::normal && e.reason != exit_reason::shutdown);
}

void note(const self_ref& self, const std::string& what) {
    self.cell()->trace(trace_kind::user, 0, 0, "supervisor: " + what);
}

/// Stops a running child as its shutdown policy says and waits until it stopped.
void shut_down(child_record& c) {
    if (!c.actor) return;
    const any_actor_ref child = std::exchange(c.actor, {});
    switch (c.spec.shutdown.how) {
        case child_shutdown::kind::brutal_kill:
            child.kill_and_wait();
            break;
        case child_shutdown::kind::timeout:
            child.stop(exit_reason::shutdown);
            if (!child.wait_for(c.spec.shutdown.limit)) child.kill_and_wait();
            break;
        case child_shutdown::kind::infinity:
            child.stop_and_wait(exit_reason::shutdown);
            break;
    }
}

/// Starts `c`; throws what its start function threw.
void start(const self_ref& self, const supervisor_state& s, child_record& c) {
    c.restarting = false;
    c.actor = c.dynamic ? s.spec.dynamic->start(self, c.args) : c.spec.start(self);
    note(self, "started " + c.spec.id);
}

/// Stops every running child, youngest first.
void shut_down_all(supervisor_state& s) {
    for (auto it = s.children.rbegin(); it != s.children.rend(); ++it) shut_down(*it);
}

child_record* find(supervisor_state& s, const std::string& id) {
    auto it = std::find_if(s.children.begin(), s.children.end(), [&](const child_record& c) { return c.spec.id == id; });
    return it == s.children.end() ? nullptr : &*it;
}

struct supervisor_actor : actor<supervisor_message, supervisor_state, supervisor_spec> {
    supervisor_state pre_start(self_ref self, supervisor_spec spec) {
        if (spec.strategy == supervisor_strategy::simple_one_for_one && (!spec.dynamic || !spec.children.empty())) {
            throw std::invalid_argument("simple_one_for_one needs a child template and no static children");
        }
        if (spec.intensity < 0) throw std::invalid_argument("negative restart intensity");
        supervisor_state s;
        for (auto& c : spec.children) {
            if (find(s, c.id)) throw std::invalid_argument("duplicate child id " + c.id);
            s.children.push_back({std::move(c)});
        }
        spec.children.clear();
        s.spec = std::move(spec);
        for (auto& c : s.children) {
            std::exception_ptr failure;
            try {
                start(self, s, c);
            } catch (...) {
                failure = std::current_exception();
            }
            if (failure) {
                shut_down_all(s);
                std::rethrow_exception(failure);
            }
        }
        return s;
    }

    void handle(self_ref self, supervisor_message msg, supervisor_state& s) {
        std::visit([&](auto& m) { on(self, m, s); }, msg);
    }

    void handle_supervisor_evt(self_ref self, const supervision_event& e, supervisor_state& s) {
        if (!e.is_exit() || e.from_monitor) return;
        auto it = std::find_if(s.children.begin(), s.children.end(),
                               [&](const child_record& c) { return c.actor && c.actor.id() == e.actor.id(); });
        // An exit of a child this supervisor stopped itself, or of an older incarnation.
        if (it == s.children.end()) return;
        it->actor = {};
        const restart_type r = it->spec.restart;
        if (r == restart_type::temporary || (r == restart_type::transient && !is_abnormal(e))) {
            if (r == restart_type::temporary || it->dynamic) s.children.erase(it);
            return;
        }
        if (!add_restart(s, self.system().runtime().clock.now())) return give_up(self);
        restart(self, s, static_cast<std::size_t>(it - s.children.begin()));
    }

    void post_stop(self_ref, supervisor_state& s) { shut_down_all(s); }

private:
    /// Records a restart now; false if that exceeds the intensity.
    static bool add_restart(supervisor_state& s, time_point now) {
        if (s.spec.mutation == supervisor_mutation::ignore_intensity) return true;
        s.restarts.push_back(now);
        while (now - s.restarts.front() >= s.spec.period) s.restarts.pop_front();
        return s.restarts.size() <= static_cast<std::size_t>(s.spec.intensity);
    }

    static void give_up(const self_ref& self) {
        note(self, "restart intensity reached, shutting down");
        self.stop(exit_reason::shutdown);  // post_stop stops the children
    }

    /// Restarts child `failed` and, as the strategy says, its siblings.
    static void restart(const self_ref& self, supervisor_state& s, std::size_t failed) {
        const duration delay = s.children[failed].spec.restart_delay;
        std::size_t first = failed;
        std::size_t last = failed + 1;
        const auto strategy = s.spec.strategy;
        if (strategy == supervisor_strategy::one_for_all || strategy == supervisor_strategy::rest_for_one) {
            if (strategy == supervisor_strategy::one_for_all) first = 0;
            last = s.children.size();
            for (std::size_t i = last; i-- > first;) shut_down(s.children[i]);
            // Temporary children stopped because of a sibling are not restarted (OTP).
            const auto group_end = std::remove_if(s.children.begin() + first, s.children.end(),
                                                  [](const child_record& c) { return c.spec.restart == restart_type::temporary; });
            s.children.erase(group_end, s.children.end());
            last = s.children.size();
            if (s.spec.mutation == supervisor_mutation::rest_for_one_skips_last &&
                strategy == supervisor_strategy::rest_for_one && last - first > 1) {
                --last;
            }
        }
        const time_point due = self.system().runtime().clock.now() + delay;
        for (std::size_t i = first; i < last; ++i) {
            s.children[i].restarting = true;
            s.children[i].due = due;
        }
        if (delay > duration::zero()) {
            send_after(self, delay, supervisor_message{supervisor_msg::restart_due{}});
        } else {
            start_due(self, s);
        }
    }

    /// Starts, in order, the children whose restart is due. A start that throws counts as
    /// one more restart and is retried after the message already queued.
    static void start_due(const self_ref& self, supervisor_state& s) {
        const time_point now = self.system().runtime().clock.now();
        for (std::size_t i = 0; i < s.children.size(); ++i) {
            child_record& c = s.children[i];
            if (!c.restarting || c.due > now) continue;
            std::exception_ptr failure;
            try {
                start(self, s, c);
            } catch (...) {
                failure = std::current_exception();
            }
            if (!failure) {
                // A dynamic child whose start returned null is gone, not stopped.
                if (!c.actor && c.dynamic) s.children.erase(s.children.begin() + static_cast<std::ptrdiff_t>(i--));
                continue;
            }
            c.restarting = true;
            note(self, "restart of " + c.spec.id + " failed");
            if (!add_restart(s, now)) return give_up(self);
            self.cast(supervisor_msg::restart_due{});
            return;
        }
    }

    static void on(const self_ref& self, supervisor_msg::restart_due&, supervisor_state& s) { start_due(self, s); }

    static void on(const self_ref&, supervisor_msg::which_children& m, supervisor_state& s) {
        std::vector<supervisor_child_info> out;
        for (const auto& c : s.children) out.push_back({c.spec.id, c.actor, c.spec.restart, c.spec.type, c.restarting});
        m.port.send(std::move(out));
    }

    static void on(const self_ref&, supervisor_msg::count_children& m, supervisor_state& s) {
        supervisor_child_counts n;
        for (const auto& c : s.children) {
            ++n.specs;
            if (c.actor && c.actor.is_alive()) ++n.active;
            ++(c.spec.type == child_type::supervisor ? n.supervisors : n.workers);
        }
        m.port.send(n);
    }

    static void on(const self_ref& self, supervisor_msg::start_child& m, supervisor_state& s) {
        if (s.spec.strategy == supervisor_strategy::simple_one_for_one) return reply(m.port, {}, "simple_one_for_one");
        if (const child_record* c = find(s, m.spec.id)) {
            return reply(m.port, {}, c->actor ? "already_started" : "already_present");
        }
        s.children.push_back({std::move(m.spec)});
        std::string error = try_start(self, s, s.children.back());
        if (!error.empty()) s.children.pop_back();
        reply(m.port, error.empty() ? s.children.back().actor : any_actor_ref{}, error);
    }

    static void on(const self_ref& self, supervisor_msg::start_dynamic_child& m, supervisor_state& s) {
        if (s.spec.strategy != supervisor_strategy::simple_one_for_one) return reply(m.port, {}, "not_simple_one_for_one");
        const child_template& t = *s.spec.dynamic;
        child_record c{{"#" + std::to_string(++s.dynamic_ids), {}, t.restart, t.shutdown, t.type, t.restart_delay},
                       std::move(m.args), true};
        std::string error = try_start(self, s, c);
        if (error.empty() && c.actor) s.children.push_back(c);
        reply(m.port, c.actor, error);
    }

    static void on(const self_ref&, supervisor_msg::terminate_child& m, supervisor_state& s) {
        child_record* c = find(s, m.id);
        if (!c) return reply(m.port, {}, "not_found");
        shut_down(*c);
        c->restarting = false;
        if (c->spec.restart == restart_type::temporary || c->dynamic) {
            s.children.erase(s.children.begin() + (c - s.children.data()));
        }
        reply(m.port, {}, {});
    }

    static void on(const self_ref& self, supervisor_msg::restart_child& m, supervisor_state& s) {
        if (s.spec.strategy == supervisor_strategy::simple_one_for_one) return reply(m.port, {}, "simple_one_for_one");
        child_record* c = find(s, m.id);
        if (!c) return reply(m.port, {}, "not_found");
        if (c->actor || c->restarting) return reply(m.port, {}, "running");
        std::string error = try_start(self, s, *c);
        reply(m.port, c->actor, error);
    }

    static void on(const self_ref&, supervisor_msg::delete_child& m, supervisor_state& s) {
        if (s.spec.strategy == supervisor_strategy::simple_one_for_one) return reply(m.port, {}, "simple_one_for_one");
        child_record* c = find(s, m.id);
        if (!c) return reply(m.port, {}, "not_found");
        if (c->actor || c->restarting) return reply(m.port, {}, "running");
        s.children.erase(s.children.begin() + (c - s.children.data()));
        reply(m.port, {}, {});
    }

    /// Starts `c` on request; the error text, empty on success.
    static std::string try_start(const self_ref& self, const supervisor_state& s, child_record& c) {
        try {
            start(self, s, c);
            return {};
        } catch (const std::exception& e) {
            return std::string("start failed: ") + e.what();
        }
    }

    static void reply(reply_port<supervisor_reply>& port, any_actor_ref child, std::string error) {
        port.send({std::move(child), std::move(error)});
    }
};

/// Sends a request built by `make(port)` and returns the reply, throwing on any error.
template <class Make>
supervisor_reply ask(const supervisor_ref& sup, Make make) {
    auto result = sup.call([&](reply_port<supervisor_reply> p) { return supervisor_message{make(std::move(p))}; });
    if (!result) throw supervisor_error("supervisor unreachable: " + result.error());
    if (!result.value().error.empty()) throw supervisor_error(result.value().error);
    return std::move(result).value();
}

}  // namespace

supervisor_ref spawn_supervisor(actor_system& system, supervisor_spec spec, spawn_options options) {
    return system.spawn(supervisor_actor{}, std::move(spec), std::move(options));
}

child_spec supervisor_child(std::string id, supervisor_spec spec, restart_type restart) {
    return {std::move(id),
            [spec = std::move(spec)](const any_actor_ref& sup) -> any_actor_ref {
                return spawn_supervisor(sup.system(), spec, {.supervisor = sup});
            },
            restart, child_shutdown::infinity(), child_type::supervisor};
}

std::vector<supervisor_child_info> which_children(const supervisor_ref& sup) {
    auto result = sup.call([](reply_port<std::vector<supervisor_child_info>> p) {
        return supervisor_message{supervisor_msg::which_children{std::move(p)}};
    });
    if (!result) throw supervisor_error("supervisor unreachable: " + result.error());
    return std::move(result).value();
}

supervisor_child_counts count_children(const supervisor_ref& sup) {
    auto result = sup.call([](reply_port<supervisor_child_counts> p) {
        return supervisor_message{supervisor_msg::count_children{std::move(p)}};
    });
    if (!result) throw supervisor_error("supervisor unreachable: " + result.error());
    return std::move(result).value();
}

any_actor_ref start_child(const supervisor_ref& sup, child_spec spec) {
    return ask(sup, [&](reply_port<supervisor_reply> p) { return supervisor_msg::start_child{std::move(spec), std::move(p)}; })
        .child;
}

any_actor_ref start_dynamic_child(const supervisor_ref& sup, std::any args) {
    return ask(sup, [&](reply_port<supervisor_reply> p) {
               return supervisor_msg::start_dynamic_child{std::move(args), std::move(p)};
           }).child;
}

void terminate_child(const supervisor_ref& sup, const std::string& id) {
    ask(sup, [&](reply_port<supervisor_reply> p) { return supervisor_msg::terminate_child{id, std::move(p)}; });
}

any_actor_ref restart_child(const supervisor_ref& sup, const std::string& id) {
    return ask(sup, [&](reply_port<supervisor_reply> p) { return supervisor_msg::restart_child{id, std::move(p)}; })
        .child;
}

void delete_child(const supervisor_ref& sup, const std::string& id) {
    ask(sup, [&](reply_port<supervisor_reply> p) { return supervisor_msg::delete_child{id, std::move(p)}; });
}

}  // namespace ractor
