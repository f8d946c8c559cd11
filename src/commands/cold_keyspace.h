// YottaStore. Licensed under the Apache License 2.0.
// DBSIZE, KEYS, SCAN and RANDOMKEY while a db may have keys on disk only
// (server/shard_store.h). They run with every shard held: they submit every
// shard's pending changes, park the client, wait until RocksDB holds all of
// it (a write barrier, server/storage.h), and answer from the Store's reader
// threads. With persistence on, RocksDB then has every key; with tiering
// only (persistence no), memory and disk hold disjoint keys and both count.
// A client that cannot park (inside EXEC) gets the answer from what is
// known at once: the Store's count, or resident keys only.
#pragma once

#include "commands/scan_args.h"
#include "server/command_context.h"

namespace yotta::cold {

// True iff some shard may hold keys of the client's db on disk only.
bool Any(CmdContext& cx);

void DbSize(CmdContext& cx);
void Keys(CmdContext& cx, std::string_view pattern);
void Scan(CmdContext& cx, const scan_args::Args& a);
void RandomKey(CmdContext& cx);

}  // namespace yotta::cold
