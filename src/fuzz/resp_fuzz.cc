// YottaStore. Licensed under the Apache License 2.0.
// libFuzzer target: arbitrary bytes through RespParser and, for every parsed
// command, through the real dispatcher and handlers, in-process. Built and
// run by utils/fuzz.mk (`make fuzz`); not part of the normal build.
//
// Oracles besides the sanitizers:
//   - the parser yields the same commands and the same final state whether
//     the input arrives whole or in small chunks (resumption is exact);
//   - every command writes exactly one well-formed reply, using only RESP2
//     types when the client speaks RESP2 (a second or missing reply would
//     break every later reply on the connection);
//   - the commands run once on a 1-shard and once on a 3-shard ShardSet and
//     must reply alike (except where shard layout or randomness shows), so a
//     handler that reads or writes the wrong shard's db is caught;
//   - afterwards each shard's byte counter, db sizes and volatile counts
//     agree with the entries actually in its tables.
//
// Each input starts from an empty keyspace and a fixed fake clock that
// advances 1 ms per command, so crashes reproduce from the input alone.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/crc64.h"
#include "base/str_util.h"
#include "server/command_families.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/db_slice.h"
#include "server/dispatcher.h"
#include "server/reply_builder.h"
#include "server/resp_parser.h"
#include "server/shard_set.h"

namespace yotta {
namespace {

constexpr int64_t kFakeNowMs = 1700000000000;  // 2023-11-14
// Inputs past this size could reach the 64 KiB inline/count-line limits,
// which (as in Redis) depend on how the bytes were split into reads.
constexpr size_t kMaxDiffInput = 60000;

// Commands never run in-process, besides the kConnection commands not in
// kConnectionSafe (they need a live Connection, which only exists on a
// running shard loop; SELECT and HELLO are emulated instead):
//   shutdown, debug         process control: exit, sleep, crash on purpose
//   monitor                 attaches the (absent) connection to a feed
//   save, bgsave, bgrewriteaof, config|rewrite, acl|save, acl|load,
//   module                  write or read files: slow, and not idempotent
//   config|set              changes process-wide limits the harness relies
//                           on (proto-max-bulk-len bounds allocations)
//   config|resetstat        posts a message to every shard's loop; with no
//                           loop running it would only pile up in the inbox
//   replicaof, slaveof, sync, psync, failover
//                           open sockets / change role
const char* const kDenied[] = {
    "shutdown",         "debug",        "monitor",        "save",
    "bgsave",           "bgrewriteaof", "config|rewrite", "config|set",
    "config|resetstat", "acl|save",     "acl|load",       "module",
    "replicaof",        "slaveof",      "sync",           "psync",
    "failover",
};

// kConnection commands that run on the client's thread only to stay off the
// keyspace and never call cx.conn(): safe (and worth fuzzing) without one.
// If one of these starts using the connection, add it to kDenied instead.
const char* const kConnectionSafe[] = {
    "command", "config|get", "config|help", "time", "slowlog", "latency", "ping", "echo",
};

void LearnDumpFormat(ShardSet* set);

struct Env {
  ShardSet* sets[2];  // 1 and 3 shards, threads never started
};

Env* Init() {
  // The registry must be complete before shards size their command stats.
  RegisterAllFamilies(CommandRegistry::Global());
  // Bound what one command may allocate (SETRANGE, SETBIT, APPEND ...);
  // 1 MiB is the smallest value CONFIG SET accepts.
  Config::Get().proto_max_bulk_len = 1 << 20;
  // The slowlog would make runs depend on timing (and keep memory across
  // inputs, which libFuzzer then re-runs as a suspected leak).
  Config::Get().slowlog_log_slower_than = -1;
  auto* env = new Env;
  env->sets[0] = new ShardSet(1, 16);
  env->sets[1] = new ShardSet(3, 16);
  LearnDumpFormat(env->sets[0]);
  return env;
}

bool Named(const CommandSpec* spec, const char* name) {
  return spec->name == name || (spec->parent && spec->parent->name == name);
}

bool Denied(const CommandSpec* spec) {
  for (const char* d : kDenied) {
    if (Named(spec, d)) return true;
  }
  bool connection =
      (spec->flags & kConnection) || (spec->parent && (spec->parent->flags & kConnection));
  if (!connection) return false;
  for (const char* ok : kConnectionSafe) {
    if (Named(spec, ok)) return false;
  }
  return true;
}

[[noreturn]] void Fail(const char* what, std::span<const std::string_view> args,
                       std::string_view detail) {
  std::fprintf(stderr, "resp_fuzz: %s\n  command:", what);
  for (std::string_view a : args) {
    std::fprintf(stderr, " '%.*s'", static_cast<int>(std::min<size_t>(a.size(), 200)), a.data());
  }
  std::fprintf(stderr, "\n  detail: %.*s\n",
               static_cast<int>(std::min<size_t>(detail.size(), 2000)), detail.data());
  __builtin_trap();
}

// YOTTA_FUZZ_TRACE=1 prints each command and reply (for reading a reproducer).
void Trace(std::span<const std::string_view> args, const std::string& reply) {
  std::string line;
  for (std::string_view a : args) line += " '" + std::string(a.substr(0, 80)) + "'";
  std::fprintf(stderr, "%s\n  -> %s\n", line.c_str(), reply.substr(0, 300).c_str());
}

// ---- Reply validation -------------------------------------------------

// Checks one RESP value at s[*pos] and advances past it. RESP3-only types
// are an error when resp == 2.
bool ValidValue(std::string_view s, size_t* pos, int resp, int depth);

bool Line(std::string_view s, size_t* pos, std::string_view* line) {
  size_t eol = s.find("\r\n", *pos);
  if (eol == std::string_view::npos) return false;
  *line = s.substr(*pos, eol - *pos);
  *pos = eol + 2;
  return true;
}

bool ValidAggregate(std::string_view s, size_t* pos, int resp, int depth, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (!ValidValue(s, pos, resp, depth + 1)) return false;
  }
  return true;
}

bool ValidValue(std::string_view s, size_t* pos, int resp, int depth) {
  if (depth > 64 || *pos >= s.size()) return false;
  char type = s[(*pos)++];
  bool resp3_only = std::string_view("%~>_,#=(|").find(type) != std::string_view::npos;
  if (resp3_only && resp < 3) return false;
  std::string_view line;
  if (!Line(s, pos, &line)) return false;
  int64_t n = 0;
  switch (type) {
    case '+':
    case '-':
      return line.find_first_of("\r\n") == std::string_view::npos && (type == '+' || !line.empty());
    case ':':
      return ParseInt64(line, &n);
    case '(':
      return !line.empty();
    case '_':
      return line.empty();
    case '#':
      return line == "t" || line == "f";
    case ',': {
      double d;
      return line == "inf" || line == "-inf" || line == "nan" || ParseDouble(line, &d);
    }
    case '$':
    case '=': {
      if (!ParseInt64(line, &n) || n < -1 || (n == -1 && type == '=')) return false;
      if (n == -1) return true;
      if (s.size() - *pos < static_cast<size_t>(n) + 2) return false;
      if (type == '=' && (n < 4 || s[*pos + 3] != ':')) return false;
      *pos += static_cast<size_t>(n);
      if (s.substr(*pos, 2) != "\r\n") return false;
      *pos += 2;
      return true;
    }
    case '*':
    case '~':
    case '>':
      if (!ParseInt64(line, &n) || n < -1 || (n == -1 && type != '*')) return false;
      return ValidAggregate(s, pos, resp, depth, n);
    case '%':
    case '|':
      if (!ParseInt64(line, &n) || n < 0 || n > (INT64_MAX / 2)) return false;
      if (!ValidAggregate(s, pos, resp, depth, 2 * n)) return false;
      return type == '%' || ValidValue(s, pos, resp, depth + 1);  // an attribute precedes a value
    default:
      return false;
  }
}

// ---- Parser differential ---------------------------------------------

struct ParseLog {
  std::vector<std::vector<std::string>> commands;
  std::string end;  // "empty", "incomplete" or the error text
};

void Record(ParseLog* log, const std::vector<std::string_view>& args) {
  if (args.empty()) return;
  log->commands.emplace_back(args.begin(), args.end());
}

// Parses `in` as a connection would if it arrived in pieces of `chunk`
// bytes (0 = all at once), keeping the unconsumed tail contiguous.
ParseLog ParseInChunks(std::string_view in, const RespParser::Limits& limits, size_t chunk) {
  ParseLog log;
  RespParser p;
  std::string buf;
  std::vector<std::string_view> args;
  size_t fed = 0;
  if (chunk == 0) chunk = in.size();
  while (fed < in.size()) {
    size_t n = std::min(chunk, in.size() - fed);
    buf.append(in.substr(fed, n));
    fed += n;
    size_t start = 0;
    while (start < buf.size()) {
      size_t consumed = 0;
      RespParser::Status st =
          p.Parse(std::string_view(buf).substr(start), limits, &consumed, &args);
      if (st == RespParser::Status::kIncomplete) break;
      if (st == RespParser::Status::kError) {
        log.end = std::string(p.error());
        return log;
      }
      if (consumed == 0) Fail("parser returned kOk without consuming", {}, "");
      Record(&log, args);
      start += consumed;
    }
    buf.erase(0, start);
  }
  log.end = buf.empty() ? "empty" : "incomplete";
  return log;
}

void CheckParserResumes(std::string_view in) {
  if (in.size() > kMaxDiffInput) return;
  RespParser::Limits variants[2];
  variants[1].authenticated = false;
  variants[1].max_bulk_len = 1 << 20;
  // A chunk size taken from the data itself, so the fuzzer explores splits;
  // byte-by-byte feeding rescans a pending line per byte, so only for
  // short inputs.
  size_t chunk = in.empty() ? 1 : 1 + static_cast<unsigned char>(in.back()) % 13;
  size_t finest = in.size() <= 4096 ? 1 : chunk;
  for (const RespParser::Limits& limits : variants) {
    ParseLog whole = ParseInChunks(in, limits, 0);
    for (size_t c : {finest, chunk}) {
      ParseLog split = ParseInChunks(in, limits, c);
      if (split.commands != whole.commands || split.end != whole.end) {
        Fail("parse differs when input is split", {},
             "whole ends '" + whole.end + "', split(" + std::to_string(c) + ") ends '" + split.end +
                 "'");
      }
    }
  }
}

// ---- Execution ---------------------------------------------------------

// Replies that legitimately differ between a 1-shard and a 3-shard server
// (randomness, shard-encoded cursors, timings, per-shard layout); the
// others must match byte for byte.
const char* const kShardDependent[] = {
    "randomkey", "scan",     "info", "time",        "slowlog",    "latency",     "memory",
    "debug",     "lastsave", "spop", "srandmember", "hrandfield", "zrandmember", "object|idletime",
};
// Replies whose element order may differ, compared as multisets.
const char* const kUnordered[] = {"keys"};

bool Listed(const CommandSpec* spec, const char* const* list, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (Named(spec, list[i])) return true;
  }
  return false;
}

// LCS builds an (alen+1) x (blen+1) table, by design O(N*M) in time and
// memory as in Redis; inputs past this only measure that, so they are
// skipped (the lengths are read the way LCS itself reads them).
constexpr uint64_t kMaxLcsCells = 1 << 20;

bool TooCostly(ShardSet* set, int db, const CommandSpec* spec,
               std::span<const std::string_view> args) {
  if (!Named(spec, "lcs") || args.size() < 3) return false;
  uint64_t cells = 1;
  for (int i = 1; i <= 2; ++i) {
    Entry* e = set->shard(set->ShardOf(args[i]))->slice().db(db).Peek(args[i]);
    uint64_t len = e && e->type() == ObjType::kString && !e->is_object() ? e->val_len() : 0;
    cells *= len + 1;
  }
  return cells > kMaxLcsCells;
}

// ---- RESTORE payloads ---------------------------------------------------
// A DUMP payload ends in [version 2][CRC64 8] (server's dump_restore.cc).
// Random mutations never keep the CRC right, so the harness recomputes it
// whenever the version bytes are intact: the fuzzer then reaches every
// deserializer (ObjectOps::restore must reject malformed input). The
// version and the CRC variant are learned from a real DUMP at start-up.

std::string g_dump_version;  // the 2 version bytes; empty = no fix-up

void FixChecksum(std::string* p) {
  if (g_dump_version.empty() || p->size() < 11) return;
  size_t body = p->size() - 8;
  if (p->compare(body - 2, 2, g_dump_version) != 0) return;
  uint64_t crc = Crc64(std::string_view(*p).substr(0, body));
  for (int i = 0; i < 8; ++i) (*p)[body + i] = static_cast<char>(crc >> (8 * i));
}

// Learns the version bytes from DUMP of a string and checks that Crc64
// reproduces its trailer; leaves the fix-up off otherwise.
void LearnDumpFormat(ShardSet* set) {
  ShardSet::SetGlobal(set);
  auto run = [](std::vector<std::string_view> args) {
    std::string out, err;
    ReplyBuilder rb(&out, 2);
    if (const CommandSpec* spec = LookupCommand(args, &err)) {
      ExecuteCommand(spec, args, &rb, 0, nullptr, nullptr);
    }
    return out;
  };
  run({"set", "k", "v"});
  std::string reply = run({"dump", "k"});
  set->shard(0)->slice().FlushAll();
  size_t hdr = reply.find("\r\n");
  if (reply.empty() || reply[0] != '$' || hdr == std::string::npos) return;
  std::string p = reply.substr(hdr + 2, reply.size() - hdr - 4);
  if (p.size() < 11) return;
  std::string fixed = p;
  g_dump_version = p.substr(p.size() - 10, 2);
  FixChecksum(&fixed);
  if (fixed != p) {
    std::fprintf(stderr, "resp_fuzz: DUMP trailer not understood; RESTORE checksums not fixed\n");
    g_dump_version.clear();
  }
}

struct Session {
  ShardSet* set = nullptr;
  int db = 0;
  int resp = 2;
  int64_t now_ms = kFakeNowMs;
};

// One executed command: its arguments and reply, and how to compare it.
struct Step {
  std::vector<std::string> args;
  std::string reply;
  enum { kExact, kUnorderedArray, kSkip } compare = kExact;
};

// Emulates the connection state the harness cannot run for real.
void EmulateConnectionCommand(Session* s, std::span<const std::string_view> args) {
  int64_t v;
  if (EqualsIgnoreCase(args[0], "select") && args.size() == 2 && ParseInt64(args[1], &v) &&
      v >= 0 && v < 16) {
    s->db = static_cast<int>(v);
  } else if (EqualsIgnoreCase(args[0], "hello") && args.size() >= 2 && ParseInt64(args[1], &v) &&
             (v == 2 || v == 3)) {
    s->resp = static_cast<int>(v);
  }
}

void RunCommand(Session* s, std::span<const std::string_view> args, std::vector<Step>* steps) {
  std::string err;
  const CommandSpec* spec = LookupCommand(args, &err);
  if (!spec) return;
  if (Denied(spec)) {
    EmulateConnectionCommand(s, args);
    return;
  }
  s->now_ms += 1;
  SetFakeNowMs(s->now_ms);
  if (TooCostly(s->set, s->db, spec, args)) return;
  std::vector<std::string> owned;
  std::vector<std::string_view> patched;
  if (Named(spec, "restore") && args.size() >= 4) {
    owned.assign(args.begin(), args.end());
    FixChecksum(&owned[3]);
    patched.assign(owned.begin(), owned.end());
    args = patched;
  }
  Step step;
  step.args.assign(args.begin(), args.end());
  if (Listed(spec, kShardDependent, std::size(kShardDependent))) step.compare = Step::kSkip;
  if (Listed(spec, kUnordered, std::size(kUnordered))) step.compare = Step::kUnorderedArray;
  ReplyBuilder rb(&step.reply, s->resp);
  ExecuteCommand(spec, args, &rb, s->db, nullptr, nullptr);
  static const bool trace = std::getenv("YOTTA_FUZZ_TRACE") != nullptr;
  if (trace) Trace(args, step.reply);
  size_t pos = 0;
  if (!ValidValue(step.reply, &pos, s->resp, 0)) Fail("malformed reply", args, step.reply);
  if (pos != step.reply.size()) Fail("more than one reply", args, step.reply);
  steps->push_back(std::move(step));
}

// After the commands: every shard's byte counter equals what its entries
// (and their objects) really hold, and each db's size and volatile count
// match its table, whatever the handlers did.
void CheckAccounting(ShardSet* set) {
  for (int i = 0; i < set->size(); ++i) {
    DbSlice& slice = set->shard(i)->slice();
    int64_t bytes = 0;
    for (int d = 0; d < slice.num_dbs(); ++d) {
      Db& db = slice.db(d);
      size_t n = 0, volatile_n = 0;
      db.table().ForEach([&](Entry* e) {
        ++n;
        volatile_n += e->has_expire();
        bytes += static_cast<int64_t>(EntryAlloc::Usable(e));
        const ObjectOps& ops = GetObjectOps(e->type());
        if (e->is_object() && ops.bytes) bytes += static_cast<int64_t>(ops.bytes(e->obj()));
      });
      if (n != db.size() || volatile_n != db.volatile_count()) {
        Fail("db size or volatile count out of sync", {},
             "db " + std::to_string(d) + ": size " + std::to_string(db.size()) + " vs " +
                 std::to_string(n) + " entries, volatile " + std::to_string(db.volatile_count()) +
                 " vs " + std::to_string(volatile_n));
      }
    }
    if (bytes != *slice.bytes_counter()) {
      Fail("byte counter out of sync", {},
           "shard " + std::to_string(i) + ": counter " + std::to_string(*slice.bytes_counter()) +
               ", entries hold " + std::to_string(bytes));
    }
  }
}

std::vector<Step> Execute(ShardSet* set, std::string_view in) {
  ShardSet::SetGlobal(set);
  Session s;
  s.set = set;
  RespParser p;
  RespParser::Limits limits;
  limits.max_bulk_len = Config::Get().proto_max_bulk_len.load();
  std::vector<std::string_view> args;
  std::vector<Step> steps;
  while (!in.empty()) {
    size_t consumed = 0;
    if (p.Parse(in, limits, &consumed, &args) != RespParser::Status::kOk) break;
    if (!args.empty()) RunCommand(&s, args, &steps);
    in.remove_prefix(consumed);
  }
  CheckAccounting(set);
  // Start the next input from an empty keyspace; this also bounds memory.
  for (int i = 0; i < set->size(); ++i) {
    DbSlice& slice = set->shard(i)->slice();
    slice.FlushAll();
    if (*slice.bytes_counter() != 0)
      Fail("bytes left after FLUSHALL", {}, std::to_string(*slice.bytes_counter()));
  }
  return steps;
}

// The elements of a flat reply array, sorted; or the reply itself.
std::vector<std::string> SortedElements(const std::string& reply) {
  std::vector<std::string> out;
  size_t pos = reply.find("\r\n");
  if (reply.empty() || reply[0] != '*' || pos == std::string::npos) return {reply};
  pos += 2;
  while (pos < reply.size()) {
    size_t start = pos;
    if (!ValidValue(reply, &pos, 3, 0)) return {reply};
    out.push_back(reply.substr(start, pos - start));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The same commands on 1 and on 3 shards must answer alike.
void CompareShardCounts(const std::vector<Step>& one, const std::vector<Step>& three) {
  if (one.size() != three.size()) Fail("1 vs 3 shards ran a different number of commands", {}, "");
  for (size_t i = 0; i < one.size(); ++i) {
    const Step& a = one[i];
    const Step& b = three[i];
    // SPOP removes random members, and RANDOMKEY lazily deletes the expired
    // keys it happens to draw, so the two keyspaces may differ from here on
    // (crashes and accounting are still checked on both runs).
    if (!a.args.empty() && (EqualsIgnoreCase(a.args[0], "spop") || EqualsIgnoreCase(a.args[0], "randomkey"))) {
      break;
    }
    bool same =
        a.compare == Step::kSkip || a.reply == b.reply ||
        (a.compare == Step::kUnorderedArray && SortedElements(a.reply) == SortedElements(b.reply));
    if (!same) {
      std::vector<std::string_view> args(a.args.begin(), a.args.end());
      Fail("1 vs 3 shards replied differently", args,
           "1 shard: " + a.reply + "\n  3 shards: " + b.reply);
    }
  }
}

}  // namespace
}  // namespace yotta

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static yotta::Env* env = yotta::Init();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  yotta::CheckParserResumes(in);
  yotta::CompareShardCounts(yotta::Execute(env->sets[0], in), yotta::Execute(env->sets[1], in));
  return 0;
}
