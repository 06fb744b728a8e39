// The supervisor actor: starts, watches, restarts and stops its children as Erlang/OTP does.
#include <ractor/supervisor.hpp>

#include <algorithm>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include <ractor/actor.hpp>
#include <ractor/assertions.hpp>
#include <ractor/detail/exception_text.hpp>
#include <ractor/detail/supervisor_mutation.hpp>
#include <ractor/errors.hpp>
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
    supervisor_mutation mutation = supervisor_mutation::none;  ///< mutation tests only
    std::vector<child_record> children;  ///< in start order
    std::deque<time_point> restarts;     ///< restart times within the last period
    std::uint64_t dynamic_ids = 0;
};

/// What the supervisor actor is spawned with: its spec, and where pre_start leaves the
/// child that failed to start, for `spawn_supervisor` to throw.
struct supervisor_args {
    supervisor_spec spec;
    std::shared_ptr<std::optional<failed_to_start_child>> failure;
    supervisor_mutation mutation = supervisor_mutation::none;
};

using self_ref = actor_ref<supervisor_message>;

bool is_abnormal(const supervision_event& e) {
    return e.what == supervision_event::kind::failed || !exit_reason::is_normal(e.reason);
}

void note(const self_ref& self, const std::string& what) {
    self.cell()->trace(trace_kind::user, 0, 0, "supervisor: " + what);
}

/// Traces an OTP supervisor report and hands it to the spec's handler.
void report(const self_ref& self, const supervisor_state& s, supervisor_report::kind what, const std::string& id,
            const std::string& reason) {
    note(self, std::string("report ") + to_string(what) + " " + id + ": " + reason);
    if (s.spec.on_report) s.spec.on_report({what, self, id, reason});
}

/// Why a start threw: a failed spawn's own reason, else the exception's text.
std::string reason_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const spawn_error& err) {
        return err.reason();
    } catch (...) {
        return detail::exception_text(std::current_exception());
    }
}

/// Stops a running child as its shutdown policy says and waits until it stopped. The stop
/// is an exit signal: a child that does not trap exits dies at once with reason shutdown.
void shut_down(const self_ref& self, const supervisor_state& s, child_record& c) {
    if (!c.actor) return;
    const any_actor_ref child = std::exchange(c.actor, {});
    switch (c.spec.shutdown.how) {
        case child_shutdown::kind::brutal_kill:
            child.kill_and_wait();
            break;
        case child_shutdown::kind::timeout:
            child.cell()->exit_signal(exit_reason::shutdown);
            if (!child.wait_for(c.spec.shutdown.limit)) {
                child.kill_and_wait();
                report(self, s, supervisor_report::kind::shutdown_error, c.spec.id, std::string(exit_reason::killed));
            }
            break;
        case child_shutdown::kind::infinity:
            child.cell()->exit_signal(exit_reason::shutdown);
            child.wait();
            break;
    }
}

/// Starts `c`; throws what its start function threw.
void start(const self_ref& self, const supervisor_state& s, child_record& c) {
    c.restarting = false;
    c.actor = c.dynamic ? s.spec.dynamic->start(self, c.args) : c.spec.start(self);
    note(self, "started " + c.spec.id);
}

/// Stops the running children from `first` on, youngest first.
void shut_down_from(const self_ref& self, supervisor_state& s, std::size_t first) {
    for (std::size_t i = s.children.size(); i-- > first;) shut_down(self, s, s.children[i]);
}

/// A temporary child whose start returned null ("ignore") is forgotten (OTP).
bool ignored_temporary(const child_record& c) { return !c.actor && c.spec.restart == restart_type::temporary; }

child_record* find(supervisor_state& s, const std::string& id) {
    auto it = std::find_if(s.children.begin(), s.children.end(), [&](const child_record& c) { return c.spec.id == id; });
    return it == s.children.end() ? nullptr : &*it;
}

struct supervisor_actor : actor<supervisor_message, supervisor_state, supervisor_args> {
    supervisor_state pre_start(self_ref self, supervisor_args args) {
        supervisor_spec& spec = args.spec;
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
        s.mutation = args.mutation;
        for (auto& c : s.children) {
            std::exception_ptr failure;
            try {
                start(self, s, c);
            } catch (...) {
                failure = std::current_exception();
            }
            if (failure) {
                *args.failure = failed_to_start_child{c.spec.id, reason_of(failure)};
                report(self, s, supervisor_report::kind::start_error, c.spec.id, (*args.failure)->reason);
                shut_down_from(self, s, 0);
                std::rethrow_exception(failure);
            }
        }
        std::erase_if(s.children, ignored_temporary);
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
        const bool abnormal = is_abnormal(e);
        // OTP reports every exit of a permanent child, and the abnormal ones of the others.
        if (r == restart_type::permanent || abnormal) {
            report(self, s, supervisor_report::kind::child_terminated, it->spec.id, e.reason);
        }
        if (r == restart_type::temporary || (r == restart_type::transient && !abnormal)) {
            if (r == restart_type::temporary || it->dynamic) s.children.erase(it);
            return;
        }
        if (!add_restart(s, self.system().runtime().clock.now())) return give_up(self, s, it->spec.id, e.reason);
        restart(self, s, static_cast<std::size_t>(it - s.children.begin()));
    }

    void post_stop(self_ref self, supervisor_state& s) { shut_down_from(self, s, 0); }

private:
    /// Records a restart now; false if that exceeds the intensity.
    static bool add_restart(supervisor_state& s, time_point now) {
        if (s.mutation == supervisor_mutation::ignore_intensity) return true;
        s.restarts.push_back(now);
        while (now - s.restarts.front() >= s.spec.period) s.restarts.pop_front();
        return s.restarts.size() <= static_cast<std::size_t>(s.spec.intensity);
    }

    /// One restart too many (`offender` exited or failed to start with `reason`).
    static void give_up(const self_ref& self, const supervisor_state& s, const std::string& offender,
                        const std::string& reason) {
        RACTOR_REACHABLE("ractor.supervisor.restart_intensity_reached");
        report(self, s, supervisor_report::kind::reached_max_restart_intensity, offender, reason);
        self.stop(exit_reason::shutdown);  // post_stop stops the children
    }

    static bool restarts_group(const supervisor_state& s) {
        return s.spec.strategy == supervisor_strategy::one_for_all || s.spec.strategy == supervisor_strategy::rest_for_one;
    }

    /// Stops the group child `i` belongs to (all children for one_for_all, `i` and the younger
    /// ones for rest_for_one), youngest first, and forgets its temporary members (OTP);
    /// returns the range left to start.
    static std::pair<std::size_t, std::size_t> stop_group(const self_ref& self, supervisor_state& s, std::size_t i) {
        const std::size_t first = s.spec.strategy == supervisor_strategy::one_for_all ? 0 : i;
        shut_down_from(self, s, first);
        const auto group_end = std::remove_if(s.children.begin() + static_cast<std::ptrdiff_t>(first), s.children.end(),
                                              [](const child_record& c) { return c.spec.restart == restart_type::temporary; });
        s.children.erase(group_end, s.children.end());
        std::size_t last = s.children.size();
        if (s.mutation == supervisor_mutation::rest_for_one_skips_last &&
            s.spec.strategy == supervisor_strategy::rest_for_one && last - first > 1) {
            --last;
        }
        return {first, last};
    }

    /// Marks the children in [first, last) to be started at `due`.
    static void mark_restarting(supervisor_state& s, std::pair<std::size_t, std::size_t> range, time_point due) {
        for (std::size_t i = range.first; i < range.second; ++i) {
            s.children[i].restarting = true;
            s.children[i].due = due;
        }
    }

    /// Restarts child `failed` and, as the strategy says, its siblings.
    static void restart(const self_ref& self, supervisor_state& s, std::size_t failed) {
        const duration delay = s.children[failed].spec.restart_delay;
        const auto range = restarts_group(s) ? stop_group(self, s, failed) : std::pair{failed, failed + 1};
        mark_restarting(s, range, self.system().runtime().clock.now() + delay);
        if (delay > duration::zero()) {
            send_after(self, delay, supervisor_message{supervisor_msg::restart_due{}});
        } else {
            start_due(self, s);
        }
    }

    /// Starts, in order, the children whose restart is due. A start that throws counts as
    /// one more restart and is retried after the messages already queued.
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
            const std::string reason = reason_of(failure);
            report(self, s, supervisor_report::kind::start_error, c.spec.id, reason);
            if (!add_restart(s, now)) return give_up(self, s, c.spec.id, reason);
            self.cast(supervisor_msg::retry_restart{c.spec.id});
            return;
        }
    }

    static void on(const self_ref& self, supervisor_msg::restart_due&, supervisor_state& s) { start_due(self, s); }

    /// Retries a restart whose start failed. In a group strategy the whole group goes again:
    /// its members that did start are stopped first (OTP's restart_multiple_children).
    static void on(const self_ref& self, supervisor_msg::retry_restart& m, supervisor_state& s) {
        child_record* c = find(s, m.id);
        if (!c || !c->restarting) return;  // terminated or deleted meanwhile
        if (restarts_group(s) && s.mutation != supervisor_mutation::retry_failed_child_only) {
            const auto range = stop_group(self, s, static_cast<std::size_t>(c - s.children.data()));
            mark_restarting(s, range, self.system().runtime().clock.now());
        }
        start_due(self, s);
    }

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
        auto failure = try_start(self, s, s.children.back());
        const any_actor_ref started = failure ? any_actor_ref{} : s.children.back().actor;
        if (failure || ignored_temporary(s.children.back())) s.children.pop_back();
        reply_started(m.port, started, std::move(failure));
    }

    static void on(const self_ref& self, supervisor_msg::start_dynamic_child& m, supervisor_state& s) {
        if (s.spec.strategy != supervisor_strategy::simple_one_for_one) return reply(m.port, {}, "not_simple_one_for_one");
        const child_template& t = *s.spec.dynamic;
        child_record c{{"#" + std::to_string(++s.dynamic_ids), {}, t.restart, t.shutdown, t.type, t.restart_delay},
                       std::move(m.args), true};
        auto failure = try_start(self, s, c);
        if (!failure && c.actor) s.children.push_back(c);
        reply_started(m.port, c.actor, std::move(failure));
    }

    static void on(const self_ref& self, supervisor_msg::terminate_child& m, supervisor_state& s) {
        child_record* c = find(s, m.id);
        if (!c) return reply(m.port, {}, "not_found");
        shut_down(self, s, *c);
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
        if (const char* busy = busy_state(*c)) return reply(m.port, {}, busy);
        auto failure = try_start(self, s, *c);
        reply_started(m.port, failure ? any_actor_ref{} : c->actor, std::move(failure));
    }

    static void on(const self_ref&, supervisor_msg::delete_child& m, supervisor_state& s) {
        if (s.spec.strategy == supervisor_strategy::simple_one_for_one) return reply(m.port, {}, "simple_one_for_one");
        child_record* c = find(s, m.id);
        if (!c) return reply(m.port, {}, "not_found");
        if (const char* busy = busy_state(*c)) return reply(m.port, {}, busy);
        s.children.erase(s.children.begin() + (c - s.children.data()));
        reply(m.port, {}, {});
    }

    /// Why `c` cannot be restarted or deleted now (OTP's `restarting`, `running`), or null.
    static const char* busy_state(const child_record& c) {
        if (c.restarting) return "restarting";
        return c.actor ? "running" : nullptr;
    }

    /// Starts `c` on request; which child failed and why, if it did.
    static std::optional<failed_to_start_child> try_start(const self_ref& self, const supervisor_state& s,
                                                          child_record& c) {
        std::exception_ptr failure;
        try {
            start(self, s, c);
        } catch (const std::exception&) {
            failure = std::current_exception();
        }
        if (!failure) return std::nullopt;
        return failed_to_start_child{c.spec.id, reason_of(failure)};
    }

    static void reply(reply_port<supervisor_reply>& port, any_actor_ref child, std::string error) {
        port.send({std::move(child), std::move(error)});
    }

    static void reply_started(reply_port<supervisor_reply>& port, any_actor_ref child,
                              std::optional<failed_to_start_child> failure) {
        std::string error = failure ? failure->to_string() : std::string();
        port.send({std::move(child), std::move(error), std::move(failure)});
    }
};

/// Sends a request built by `make(port)` and returns the reply, throwing on any error.
template <class Make>
supervisor_reply ask(const supervisor_ref& sup, Make make) {
    auto result = sup.call([&](reply_port<supervisor_reply> p) { return supervisor_message{make(std::move(p))}; });
    if (!result) throw supervisor_error("supervisor unreachable: " + result.error());
    if (result.value().start_failure) throw child_start_error(*result.value().start_failure);
    if (!result.value().error.empty()) throw supervisor_error(result.value().error);
    return std::move(result).value();
}

}  // namespace

supervisor_ref spawn_supervisor(actor_system& system, supervisor_spec spec, spawn_options options) {
    return detail::spawn_mutated_supervisor(system, std::move(spec), supervisor_mutation::none,
                                            std::move(options));
}

supervisor_ref detail::spawn_mutated_supervisor(actor_system& system, supervisor_spec spec,
                                                supervisor_mutation mutation,
                                                spawn_options options) {
    auto failure = std::make_shared<std::optional<failed_to_start_child>>();
    try {
        return system.spawn(supervisor_actor{}, supervisor_args{std::move(spec), failure, mutation},
                            std::move(options));
    } catch (const spawn_error&) {
        if (*failure) throw supervisor_start_error(**failure);
        throw;
    }
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
