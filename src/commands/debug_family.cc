// YottaStore. Licensed under the Apache License 2.0.
// DEBUG OBJECT|SLEEP|HELP (gated by enable-debug-command, as in Redis) and
// MEMORY USAGE|HELP. DEBUG SLEEP parks the client on a timer of its own
// shard's loop: only that client waits, the loop never does.
#include <uv.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/str_util.h"
#include "commands/server_family.h"
#include "core/entry.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/connection.h"
#include "server/db_slice.h"
#include "server/errors.h"
#include "server/storage.h"
#include "server/shard.h"

namespace yotta {
namespace {

constexpr std::string_view kErrDebugNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
    "can run "
    "it from a local connection, otherwise you need to set this option in the configuration file, "
    "and "
    "then restart the server.";
// DEBUG SLEEP never parks a client longer than this (Redis would hang the
// whole server on "DEBUG SLEEP inf"; we bound the one client's wait).
constexpr double kMaxSleepSeconds = 1e9;

std::string ErrSubcommandSyntax(std::string_view sub, std::string_view container) {
  return "ERR unknown subcommand or wrong number of arguments for '" +
         std::string(sub.substr(0, 128)) + "'. Try " + std::string(container) + " HELP.";
}

bool IsLoopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr.rfind("::1:", 0) == 0 ||
         addr.rfind("::ffff:127.", 0) == 0;
}

// enable-debug-command: no (0), yes (1), or local (2: loopback clients only).
bool DebugAllowed(CmdContext& cx) {
  int64_t mode = Config::Get().enable_debug_command.load();
  if (mode == 1) return true;
  return mode == 2 && cx.conn() && IsLoopback(cx.conn()->info().addr);
}

// The bytes an RDB string would take (rdbSaveStringObject without LZF
// compression): small canonical integers as 1 + 1/2/4 bytes, otherwise a
// length prefix and the bytes.
size_t SerializedStringLength(std::string_view v) {
  int64_t n;
  if (v.size() <= 11 && ParseInt64(v, &n)) {
    if (n >= -128 && n <= 127) return 2;
    if (n >= -32768 && n <= 32767) return 3;
    if (n >= INT32_MIN && n <= INT32_MAX) return 5;
  }
  size_t prefix = v.size() < 64 ? 1 : v.size() < 16384 ? 2 : v.size() <= UINT32_MAX ? 5 : 9;
  return prefix + v.size();
}

// DEBUG OBJECT key: Redis's line. We never share values, so refcount is 1.
// Collections report their encoding and DUMP payload size when their family
// registered those hooks.
void DebugObject(CmdContext& cx) {
  Entry* e = cx.DbFor(cx.arg(2)).Peek(cx.arg(2));
  if (!e) {
    cx.rb().Error(kErrNoSuchKey);
    return;
  }
  std::string_view encoding = "unknown";
  size_t serialized = 0;
  if (!e->is_object()) {
    encoding = StringEncoding(e->str());
    serialized = SerializedStringLength(e->str());
  } else {
    const ObjectOps& ops = GetObjectOps(e->type());
    if (ops.encoding) encoding = ops.encoding(e->obj());
    if (ops.dump) {
      std::string payload;
      ops.dump(e->obj(), &payload);
      serialized = payload.size();
    }
  }
  uint32_t idle = (LruClock() - e->lru()) & ((1u << 24) - 1);  // the clock wraps at 24 bits
  char buf[256];
  std::snprintf(
      buf, sizeof(buf),
      "Value at:%p refcount:1 encoding:%.*s serializedlength:%zu lru:%u lru_seconds_idle:%u",
      static_cast<void*>(e), static_cast<int>(encoding.size()), encoding.data(), serialized,
      e->lru(), idle);
  cx.rb().SimpleString(buf);
}

struct SleepTimer {
  uv_timer_t timer;
  Connection::Completion done;
};

// DEBUG SLEEP seconds (decimals allowed; unparsable or negative = 0, as
// Redis's atof). Replies +OK when the timer fires; the client's later
// commands wait behind it, other clients do not.
void DebugSleep(CmdContext& cx) {
  Connection* conn = cx.conn();
  if (!conn || !conn->CanPark()) {  // client gone, or inside EXEC (which cannot wait)
    cx.rb().Ok();
    return;
  }
  double secs = std::strtod(std::string(cx.arg(2)).c_str(), nullptr);
  if (!(secs > 0)) secs = 0;
  secs = std::min(secs, kMaxSleepSeconds);
  auto* t = new SleepTimer;
  t->done = conn->Park();
  // Handlers run on the client's thread for kGlobal commands (the
  // transaction's coordinator), so this is the client's own loop.
  uv_timer_init(Shard::Current()->loop(), &t->timer);
  t->timer.data = t;
  uv_timer_start(
      &t->timer,
      [](uv_timer_t* h) {
        auto* t = static_cast<SleepTimer*>(h->data);
        t->done("+OK\r\n");
        uv_close(reinterpret_cast<uv_handle_t*>(h),
                 [](uv_handle_t* h) { delete static_cast<SleepTimer*>(h->data); });
      },
      static_cast<uint64_t>(std::llround(secs * 1000)), 0);
}

void DebugHelp(CmdContext& cx) {
  static const char* kLines[] = {
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "HELP",
      "    Prints this help.",
  };
  cx.rb().SimpleStringArray(kLines);
}

// DEBUG is one row, as in Redis (arity -2, no key positions), run with every
// shard held so DEBUG OBJECT can read any key; it parses its subcommand.
void CmdDebug(CmdContext& cx) {
  if (!DebugAllowed(cx)) {
    cx.rb().Error(kErrDebugNotAllowed);
    return;
  }
  std::string_view sub = cx.arg(1);
  if (EqualsIgnoreCase(sub, "HELP") && cx.argc() == 2) {
    DebugHelp(cx);
  } else if (EqualsIgnoreCase(sub, "OBJECT") && cx.argc() == 3) {
    DebugObject(cx);
  } else if (EqualsIgnoreCase(sub, "SLEEP") && cx.argc() == 3) {
    DebugSleep(cx);
  } else if (EqualsIgnoreCase(sub, "STORAGE-ERROR") && cx.argc() == 3) {
    // Fault injection (storage-fault-injection yes): ENOSPC, EIO or OFF.
    std::string what(cx.arg(2));
    for (char& c : what) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (what != "ENOSPC" && what != "EIO" && what != "OFF") {
      cx.rb().Error("ERR STORAGE-ERROR takes ENOSPC, EIO or OFF");
    } else if (!InjectStorageError(what)) {
      cx.rb().Error("ERR storage fault injection is off (start with storage-fault-injection yes)");
    } else {
      cx.rb().Ok();
    }
  } else {
    cx.rb().Error(ErrSubcommandSyntax(sub, "DEBUG"));
  }
}

// MEMORY USAGE key [SAMPLES count]: the entry's allocation (key, header,
// inline value) plus its object's bytes. SAMPLES is accepted and validated;
// object sizes are exact, so nothing is sampled.
void CmdMemoryUsage(CmdContext& cx) {
  for (size_t i = 3; i < cx.argc(); ++i) {
    if (EqualsIgnoreCase(cx.arg(i), "SAMPLES") && i + 1 < cx.argc()) {
      int64_t samples;
      if (!ParseInt64(cx.arg(i + 1), &samples)) {
        cx.rb().Error(kErrNotInteger);
        return;
      }
      if (samples < 0) {
        cx.rb().Error(kErrSyntax);
        return;
      }
      ++i;
    } else {
      cx.rb().Error(kErrSyntax);
      return;
    }
  }
  Entry* e = cx.DbFor(cx.arg(2)).Peek(cx.arg(2));
  if (!e) {
    cx.rb().Null();
    return;
  }
  size_t bytes = EntryAlloc::Usable(e);
  if (e->is_object()) {
    const ObjectOps& ops = GetObjectOps(e->type());
    if (ops.bytes) bytes += ops.bytes(e->obj());
  }
  cx.rb().Integer(static_cast<int64_t>(bytes));
}

void CmdMemoryHelp(CmdContext& cx) {
  static const char* kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  cx.rb().SimpleStringArray(kLines);
}

void CmdMemory(CmdContext& cx) { cx.rb().Error(ErrWrongArgs("memory")); }

}  // namespace

void RegisterDebugCommands(CommandRegistry& reg) {
  reg.Add({"debug", -2, kAdmin | kNoScript | kLoading | kStale | kGlobal, {}, CmdDebug, "server"});
  reg.Add({"memory", -2, kConnection, {}, CmdMemory, "server"});
  reg.Add({"memory|usage", -3, kReadOnly, {2, 2, 1}, CmdMemoryUsage});
  reg.Add({"memory|help", 2, kLoading | kStale | kConnection, {}, CmdMemoryHelp});
}

}  // namespace yotta
