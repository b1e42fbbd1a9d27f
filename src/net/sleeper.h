// Sleeper: how freshwatch waits between attempts (HTTP retries, polling a running statement).
// Injected wherever such a wait happens, so tests advance a FakeClock instead of sleeping and a
// stop request ends the wait at once.
//
// Thread contract: a Sleeper may be called from several threads at once; real_sleeper() is
// stateless.
#pragma once

#include <functional>
#include <stop_token>

#include "core/clock.h"

namespace freshwatch::net {

// Waits `d` unless `stop` is requested first; returns false when stopped.
using Sleeper = std::function<bool(core::Duration d, std::stop_token stop)>;

// Waits on the real clock, woken early by the stop token.
Sleeper real_sleeper();

}  // namespace freshwatch::net
