#pragma once
/// \file
/// The programs and actor kinds `ractor-sim` has built in.

#include <ractor/tool/registry.hpp>

namespace ractor::tool {

/// Adds the example programs (`sim::example_programs`) and the built-in actor kinds to `r`:
///
/// * `echo`: answers every call with its message body.
/// * `kv_store`: `{"put": K, "value": V}` stores V and answers "ok"; `{"get": K}` answers the
///   value (null if none). Its arguments may hold `"initial": {K: V, ...}`.
/// * `crasher`: answers like `echo`, but a body `{"crash": true}` throws (a crash loop, when
///   supervised and called again).
/// * `write_behind_store`: a planted bug. Like `kv_store`, but under pressure (the buggify
///   site `store.defer_write`) it acknowledges a put and applies it only 50 ms later, and a
///   get in between reads the old value: "nothing acknowledged is lost" breaks on the seeds
///   where the site fires.
void add_builtins(registry& r);

}  // namespace ractor::tool
