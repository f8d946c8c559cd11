// YottaStore. Licensed under the Apache License 2.0.
// Blocking commands (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX
// BZMPOP): a client that waits for a key to get data, without ever blocking
// a shard loop.
//
// Flow:
//   1. A command flagged kBlocking always runs as a transaction on the
//      client's own thread with every key's shard held (connection.cc), so
//      the handler sees cx.conn() and may touch all its keys.
//   2. The handler first tries to serve at once, exactly as the
//      non-blocking command would. If no key can serve it, it calls
//      BlockClient(cx, keys, timeout_ms, serve) and writes no reply: the
//      connection parks (later commands of that client wait; the shard
//      goes on serving everyone else).
//   3. When an entry of a blocking type (list, zset) is created under a key
//      someone waits for (Db::Insert / Attach / Replace), the key is marked
//      ready. After the command that created it, on the thread that ran it
//      and still holding its shard, the waiters of that key are served in
//      the order they blocked: serve(cx, key, false) runs the pop against
//      that key and writes the reply, which is sent to the waiting client.
//      This also covers keys created by cross-shard transactions.
//   4. A serve that needs other shards too (BLMOVE whose destination lives
//      elsewhere) returns kNeedAllShards: the waiter is claimed and the
//      client's thread reruns serve(cx, key, true) in a transaction holding
//      every shard of the command; if that finds nothing the client blocks
//      again at the back of the queue.
//   5. Timeout: the client gets a null array (RESP2 "*-1", RESP3 "_"),
//      as Redis replies for every blocking pop. Disconnecting or CLIENT KILL
//      cancels the wait.
// Exactly one of serve / timeout / cancel wins (an atomic claim), so a
// client blocked on keys of several shards is served once.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace yotta {

class CmdContext;

enum class ServeResult {
  kServed,         // a reply was written
  kNotServed,      // nothing to pop here (or the key has another type); keep waiting
  kNeedAllShards,  // rerun with every key's shard held (all_held = true)
};

// Serves a blocked command from `key` (one of its keys, now ready). cx is
// the blocked command (its owned arguments, db and RESP version; conn() is
// nullptr). all_held: every shard of the command's keys is held, not just
// key's. Must not return kNeedAllShards when all_held.
using ServeFn = ServeResult (*)(CmdContext& cx, std::string_view key, bool all_held);

// Blocks the client of `cx` on `keys` until served or timeout_ms passes
// (0 = forever). REQUIRES: a kBlocking command's handler with cx.conn() not
// null that wrote no reply.
void BlockClient(CmdContext& cx, std::span<const std::string_view> keys, int64_t timeout_ms,
                 ServeFn serve);

// Parses a timeout in seconds (decimals allowed, as Redis 6+) into
// milliseconds. On error replies Redis's text and returns false:
// "ERR timeout is not a float or out of range", "ERR timeout is negative",
// "ERR timeout is out of range".
bool ParseBlockTimeout(CmdContext& cx, std::string_view arg, int64_t* timeout_ms);

// Serves the keys that became ready during the command just run on this
// thread (the dispatcher calls it after every command).
void DrainReadyKeys();

// While one is alive, DrainReadyKeys on this thread waits: the destructor
// serves everything at once (EXEC serves blocked clients after its last
// command, as Redis does).
class DeferReadyKeys {
 public:
  DeferReadyKeys();
  ~DeferReadyKeys();
  DeferReadyKeys(const DeferReadyKeys&) = delete;
  DeferReadyKeys& operator=(const DeferReadyKeys&) = delete;
};

// Clients currently blocked (INFO clients blocked_clients).
int64_t BlockedClientCount();

}  // namespace yotta
