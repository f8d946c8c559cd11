// YottaStore. Licensed under the Apache License 2.0.
// OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP: introspection of one key. None
// of them touches the key's access time.
#include <climits>
#include <string>

#include "base/str_util.h"
#include "core/entry.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/errors.h"

namespace yotta {
namespace {

constexpr std::string_view kErrNoLfu =
    "ERR An LFU maxmemory policy is not selected, access frequency not "
    "tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take "
    "some time to adjust.";
constexpr std::string_view kErrNoLru =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please "
    "note that when "
    "switching between policies at runtime LRU and LFU data will take some "
    "time to adjust.";

// The key of OBJECT <sub> <key>, or nullptr after replying nil.
Entry* Lookup(CmdContext& cx) {
  Entry* e = cx.DbFor(cx.arg(2)).PeekRead(cx.arg(2));
  if (!e) cx.rb().Null();
  return e;
}

void CmdObjectEncoding(CmdContext& cx) {
  Entry* e = Lookup(cx);
  if (!e) return;
  if (!e->is_object()) {
    cx.rb().Bulk(StringEncoding(e->str()));
    return;
  }
  const ObjectOps& ops = GetObjectOps(e->type());
  cx.rb().Bulk(ops.encoding ? ops.encoding(e->obj()) : "unknown");
}

void CmdObjectFreq(CmdContext& cx) {
  Entry* e = Lookup(cx);
  if (!e) return;
  if (!LfuPolicyActive()) {
    cx.rb().Error(kErrNoLfu);
    return;
  }
  cx.rb().Integer(LfuCounter(e));
}

void CmdObjectIdleTime(CmdContext& cx) {
  Entry* e = Lookup(cx);
  if (!e) return;
  if (LfuPolicyActive()) {
    cx.rb().Error(kErrNoLru);
    return;
  }
  cx.rb().Integer(IdleSeconds(e));
}

// We never share values, but Redis shares the integers 0..9999 (refcount
// INT_MAX) unless maxmemory with an LRU/LFU policy needs per-key access
// info; clients and tests see that number, so it is mirrored.
void CmdObjectRefCount(CmdContext& cx) {
  Entry* e = Lookup(cx);
  if (!e) return;
  int64_t n;
  auto policy = static_cast<EvictionPolicy>(Config::Get().maxmemory_policy.load());
  bool lru_or_lfu =
      policy != EvictionPolicy::kNoEviction && policy != EvictionPolicy::kAllKeysRandom &&
      policy != EvictionPolicy::kVolatileRandom && policy != EvictionPolicy::kVolatileTtl;
  bool shared = Config::Get().maxmemory.load() == 0 || !lru_or_lfu;
  if (shared && !e->is_object() && e->str().size() <= 20 && ParseInt64(e->str(), &n) && n >= 0 &&
      n < 10000) {
    cx.rb().Integer(INT_MAX);
  } else {
    cx.rb().Integer(1);
  }
}

void CmdObjectHelp(CmdContext& cx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store "
      "the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned "
      "integer is",
      "    proportional to the logarithm of the recent access frequency of the "
      "key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number "
      "of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the "
      "specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  cx.rb().SimpleStringArray(kLines);
}

void CmdObject(CmdContext& cx) { cx.rb().Error(ErrWrongArgs("object")); }

}  // namespace

void RegisterObjectCommands(CommandRegistry& reg) {
  const char* cat = "keyspace";
  // The container has no ACL category of its own in Redis (only @slow).
  reg.Add({"object", -2, 0, {}, CmdObject, "generic"});
  reg.Add({"object|encoding", 3, kReadOnly, {2, 2, 1}, CmdObjectEncoding, cat});
  reg.Add({"object|freq", 3, kReadOnly, {2, 2, 1}, CmdObjectFreq, cat});
  reg.Add({"object|idletime", 3, kReadOnly, {2, 2, 1}, CmdObjectIdleTime, cat});
  reg.Add({"object|refcount", 3, kReadOnly, {2, 2, 1}, CmdObjectRefCount, cat});
  reg.Add({"object|help", 2, kLoading | kStale, {}, CmdObjectHelp, cat});
}

}  // namespace yotta
