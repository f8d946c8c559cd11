// YottaStore. Licensed under the Apache License 2.0.
// DUMP and RESTORE, and the serialization they share. The payload is ours
// (not Redis's RDB encoding), laid out as Redis lays out its own:
//
//   [type 1 byte = ObjType] [type payload] [version 2 bytes LE] [CRC64 8 bytes
//   LE]
//
// The CRC64 (Jones polynomial, reflected, as Redis's crc64) covers every
// byte before it. The version's high byte 0xE0 marks a YottaStore payload
// (RDB versions stay below 256, so a Redis DUMP is rejected cleanly); the
// low byte is the format revision. Payloads per type:
//   string   varint length, then the bytes (the length must use up the rest)
//   others   whatever the type's ObjectOps::dump writes; RESTORE hands it to
//            ObjectOps::restore, which must reject malformed input.
// A type without those hooks cannot be dumped yet (an error reply).
#include <array>
#include <climits>
#include <string>

#include "base/clock.h"
#include "base/crc64.h"
#include "base/str_util.h"
#include "core/value_codec.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {

constexpr uint16_t kDumpVersion = 0xE001;
constexpr size_t kTrailerSize = 2 + 8;
constexpr std::string_view kErrBadFormat = "ERR Bad data format";
constexpr std::string_view kErrDumpUnsupported = "ERR DUMP is not supported for this type of key";
constexpr std::string_view kErrBadIdle = "ERR Invalid IDLETIME value, must be >= 0";
constexpr std::string_view kErrBadFreq = "ERR Invalid FREQ value, must be >= 0 and <= 255";



// Serializes e; false if its type has no dump hook.
bool Serialize(const Entry* e, std::string* out) {
  if (!EncodeValue(e, out)) return false;
  char ver[2] = {static_cast<char>(kDumpVersion & 0xff), static_cast<char>(kDumpVersion >> 8)};
  out->append(ver, 2);
  uint64_t crc = Crc64(*out);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(crc >> (8 * i)));
  return true;
}

// Redis's verifyDumpPayload: the trailer's version and checksum.
bool VerifyPayload(std::string_view p) {
  if (p.size() < 1 + kTrailerSize) return false;
  size_t body = p.size() - 8;
  auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(p[i])); };
  uint16_t ver = static_cast<uint16_t>(byte(body - 2) | (byte(body - 1) << 8));
  if (ver != kDumpVersion) return false;
  uint64_t crc = 0;
  for (int i = 0; i < 8; ++i) crc |= byte(body + i) << (8 * i);
  return crc == Crc64(p.substr(0, body));
}

// Builds the entry a verified payload describes, or nullptr if its content
// is malformed ("Bad data format").
Entry* Deserialize(std::string_view p, std::string_view key, int64_t expire_ms, int64_t* bytes) {
  return DecodeValue(p.substr(0, p.size() - kTrailerSize), key, expire_ms, bytes);
}

void CmdDump(CmdContext& cx) {
  Entry* e = cx.DbFor(cx.arg(1)).FindRead(cx.arg(1));
  if (!e) {
    cx.rb().Null();
    return;
  }
  std::string out;
  if (!Serialize(e, &out)) {
    cx.rb().Error(kErrDumpUnsupported);
    return;
  }
  cx.rb().Bulk(out);
}

struct RestoreArgs {
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
};

bool Fail(CmdContext& cx, std::string_view err) {
  cx.rb().Error(err);
  return false;
}

// Options in Redis's order of checks; IDLETIME and FREQ exclude each other
// (the second one is a syntax error).
bool ParseRestoreArgs(CmdContext& cx, RestoreArgs* a) {
  for (size_t i = 4; i < cx.argc(); ++i) {
    std::string_view o = cx.arg(i);
    bool has_next = i + 1 < cx.argc();
    if (EqualsIgnoreCase(o, "REPLACE")) {
      a->replace = true;
    } else if (EqualsIgnoreCase(o, "ABSTTL")) {
      a->absttl = true;
    } else if (EqualsIgnoreCase(o, "IDLETIME") && has_next && a->freq == -1) {
      if (!ParseInt64(cx.arg(++i), &a->idle)) return Fail(cx, kErrNotInteger);
      if (a->idle < 0) return Fail(cx, kErrBadIdle);
    } else if (EqualsIgnoreCase(o, "FREQ") && has_next && a->idle == -1) {
      if (!ParseInt64(cx.arg(++i), &a->freq)) return Fail(cx, kErrNotInteger);
      if (a->freq < 0 || a->freq > 255) return Fail(cx, kErrBadFreq);
    } else {
      return Fail(cx, kErrSyntax);
    }
  }
  return true;
}

// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]
void CmdRestore(CmdContext& cx) {
  RestoreArgs a;
  if (!ParseRestoreArgs(cx, &a)) return;
  std::string_view key = cx.arg(1), payload = cx.arg(3);
  Db& db = cx.DbFor(key);
  if (!a.replace && db.Peek(key)) {
    cx.rb().Error(kErrBusyKey);
    return;
  }
  int64_t ttl;
  if (!ParseInt64(cx.arg(2), &ttl)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  if (ttl < 0) {
    cx.rb().Error(kErrInvalidTtlRestore);
    return;
  }
  if (!VerifyPayload(payload)) {
    cx.rb().Error(kErrBadRestorePayload);
    return;
  }
  int64_t now = NowMs();
  if (ttl && !a.absttl) ttl = ttl > INT64_MAX - now ? INT64_MAX : ttl + now;
  // Built before the old key goes, so bad content changes nothing.
  Entry* e = Deserialize(payload, key, ttl, db.slice().bytes_counter());
  if (!e) {
    cx.rb().Error(kErrBadFormat);
    return;
  }
  if (a.replace) db.Delete(key);
  if (ttl && ttl <= now) {  // already expired: the old key is gone, nothing is added
    EntryAlloc::Free(e, db.slice().bytes_counter());
    cx.rb().Ok();
    return;
  }
  db.Insert(e);
  if (LfuPolicyActive()) {
    if (a.freq >= 0) e->set_lru(LfuField(static_cast<uint8_t>(a.freq)));
  } else if (a.idle >= 0) {
    e->set_lru(LruFieldForIdle(a.idle));
  }
  cx.rb().Ok();
}

}  // namespace

void RegisterDumpRestoreCommands(CommandRegistry& reg) {
  const char* cat = "keyspace";
  reg.Add({"dump", 2, kReadOnly, {1, 1, 1}, CmdDump, cat});
  reg.Add({"restore", -4, kWrite | kDenyOom, {1, 1, 1}, CmdRestore, "keyspace dangerous"});
}

}  // namespace yotta
