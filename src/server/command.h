// YottaStore. Licensed under the Apache License 2.0.
// CommandSpec: the one declaration of a command (name, arity, flags, key
// positions, handler). COMMAND INFO/DOCS/COUNT/LIST/GETKEYS, arity checks and
// routing are all derived from these rows.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yotta {

class CmdContext;
using Handler = void (*)(CmdContext& cx);

// Redis's command flags (COMMAND INFO names them), plus routing flags.
enum CmdFlag : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubSub = 1u << 4,
  kNoScript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kFast = 1u << 9,
  kNoAuth = 1u << 10,
  kSkipMonitor = 1u << 11,
  kSkipSlowlog = 1u << 12,
  kNoMulti = 1u << 13,
  kAllowBusy = 1u << 14,
  kMayReplicate = 1u << 15,
  kSortForScript = 1u << 16,
  // Routing (not shown by COMMAND): the handler runs with every shard held.
  kGlobal = 1u << 24,
  // Routing: runs on the connection's thread with access to the connection;
  // must not touch any keyspace.
  kConnection = 1u << 25,
  // Routing: runs on the client's thread (cx.conn() set) with its keys'
  // shards held, even when they are all on one remote shard (WATCH).
  kClientThread = 1u << 26,
};

// Which arguments are keys. first/last are argument indexes (the command
// name is 0); negative last counts from the end (-1 = last argument).
// numkeys_at > 0: argument at that index holds the number of keys, which
// start at numkeys_at + 1 (EVAL-, ZUNION-style).
//
// `find`: for commands whose keys no range or single numkeys describes
// (ZUNIONSTORE dest numkeys k..., GEORADIUS ... STORE k, SORT ... STORE k).
// It appends the key indexes and returns false if the arguments do not
// parse (the handler then reports the error). first/last/step stay Redis's
// legacy COMMAND INFO range, and the command shows as "movablekeys".
struct KeySpec {
  using FindFn = bool (*)(std::span<const std::string_view> args, std::vector<int>* out);
  int first = 0;
  int last = 0;
  int step = 0;
  int numkeys_at = 0;
  FindFn find = nullptr;

  static KeySpec None() { return {}; }
  static KeySpec NumKeysAt(int i) { return {i + 1, -1, 1, i}; }
  bool has_keys() const { return first > 0 || find != nullptr; }
  bool movable() const { return numkeys_at > 0 || find != nullptr; }
};

struct CommandSpec {
  std::string name;  // lower case; "config|get" for subcommands
  int arity = 0;
  uint32_t flags = 0;
  KeySpec keys;
  Handler handler = nullptr;
  std::string category;  // ACL category of the family: "string", "keyspace", ...
  // Write commands on collections: the arguments naming the only elements
  // the command may change (false: it may change any). The storage tier
  // then writes just those elements of a big collection.
  KeySpec::FindFn members = nullptr;

  // Filled in by the registry.
  uint32_t id = 0;
  std::vector<CommandSpec*> subcommands;  // for containers like CONFIG
  CommandSpec* parent = nullptr;

  bool is_container() const { return !subcommands.empty(); }
  // Key argument indexes for these arguments; false if the argument count
  // does not fit the key spec (e.g. a bad numkeys), which callers treat as
  // keyless so that the handler reports the error.
  bool KeyIndexes(std::span<const std::string_view> args, std::vector<int>* out) const;
};

}  // namespace yotta
