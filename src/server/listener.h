// YottaStore. Licensed under the Apache License 2.0.
// Listener: binds the configured addresses on the calling shard's loop with
// SO_REUSEPORT, so every shard accepts on the same port and the kernel
// spreads connections among them (libuv 1.44 has no flag for it, so the
// socket is made by hand and given to uv_tcp_open).
#pragma once

#include <uv.h>

#include <string>
#include <vector>

namespace yotta {

class Shard;

// Shard thread. Appends one handle per bound address. False with *err if no
// address could be bound (an address prefixed with '-' may fail silently).
bool Listen(Shard* shard, std::vector<uv_tcp_t*>* out, std::string* err);

// Any thread, before the shards listen. False with *err if another process
// already listens on a configured address (SO_REUSEPORT would otherwise let
// two servers silently share the port).
bool CheckAddressesFree(std::string* err);

}  // namespace yotta
