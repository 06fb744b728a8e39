#pragma once
/// \file
/// Everything a user of the actor API needs, in one include.

#include <ractor/actor.hpp>
#include <ractor/actor_ref.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/any_actor_ref.hpp>
#include <ractor/assertions.hpp>
#include <ractor/buggify.hpp>
#include <ractor/call_result.hpp>
#include <ractor/derived_ref.hpp>
#include <ractor/errors.hpp>
#include <ractor/exit_reason.hpp>
#include <ractor/output_port.hpp>
#include <ractor/process_groups.hpp>
#include <ractor/reply_port.hpp>
#include <ractor/rpc.hpp>
#include <ractor/spawn_options.hpp>
#include <ractor/supervision_event.hpp>
#include <ractor/timers.hpp>
