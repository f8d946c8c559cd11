// YottaStore. Licensed under the Apache License 2.0.
// Bitmap commands on string values: SETBIT GETBIT BITCOUNT BITPOS BITOP, and
// the helpers BITFIELD (bitfield.cc) shares. Bit 0 is the most significant
// bit of the first byte, as in Redis. Strings grow in place, zero-filled.
// Argument checks happen before the key lookup, as Redis 7.2 does.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/errors.h"

namespace yotta {

void RegisterBitfieldCommands(CommandRegistry& reg);  // bitfield.cc

namespace {

constexpr std::string_view kErrBitOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kErrBitValue = "ERR bit is not an integer or out of range";
constexpr std::string_view kErrBitArg = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kErrBitopNot = "ERR BITOP NOT must be called with a single source key.";

uint64_t Load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Set bits in n bytes, 8 bytes per step (POPCNT when the CPU has it).
__attribute__((target("popcnt"))) uint64_t PopcountHw(const uint8_t* p, size_t n) {
  uint64_t c = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    c += __builtin_popcountll(Load64(p + i)) + __builtin_popcountll(Load64(p + i + 8)) +
         __builtin_popcountll(Load64(p + i + 16)) + __builtin_popcountll(Load64(p + i + 24));
  }
  for (; i + 8 <= n; i += 8) c += __builtin_popcountll(Load64(p + i));
  for (; i < n; ++i) c += __builtin_popcount(p[i]);
  return c;
}

uint64_t PopcountSw(const uint8_t* p, size_t n) {
  uint64_t c = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) c += __builtin_popcountll(Load64(p + i));
  for (; i < n; ++i) c += __builtin_popcount(p[i]);
  return c;
}

uint64_t Popcount(const uint8_t* p, size_t n) {
  static const bool hw = __builtin_cpu_supports("popcnt");
  return hw ? PopcountHw(p, n) : PopcountSw(p, n);
}

// Set bits of p in the bit range [sb, eb] (inclusive, sb <= eb).
uint64_t CountBitRange(const uint8_t* p, uint64_t sb, uint64_t eb) {
  uint64_t first = sb >> 3, last = eb >> 3;
  uint8_t head = static_cast<uint8_t>(0xff >> (sb & 7));
  uint8_t tail = static_cast<uint8_t>(0xff << (7 - (eb & 7)));
  if (first == last) return __builtin_popcount(p[first] & head & tail);
  return __builtin_popcount(p[first] & head) + __builtin_popcount(p[last] & tail) +
         Popcount(p + first + 1, last - first - 1);
}

// The first bit equal to `bit` in the bit range [sb, eb] of p, or -1.
int64_t FindBit(const uint8_t* p, uint64_t sb, uint64_t eb, int bit) {
  uint8_t flip = bit ? 0 : 0xff;  // search for set bits in p ^ flip
  uint64_t first = sb >> 3, last = eb >> 3;
  for (uint64_t i = first; i <= last; ++i) {
    // Skip whole words that cannot contain a match.
    if (i > first) {
      uint64_t skip = bit ? 0 : ~uint64_t{0};
      while (i + 8 <= last && Load64(p + i) == skip) i += 8;
    }
    uint8_t b = p[i] ^ flip;
    if (i == first) b &= static_cast<uint8_t>(0xff >> (sb & 7));
    if (i == last) b &= static_cast<uint8_t>(0xff << (7 - (eb & 7)));
    if (b) return static_cast<int64_t>(i * 8 + (__builtin_clz(b) - 24));
  }
  return -1;
}

// Resolves Redis's [start end] range (negative = from the end, clamped)
// over `total` units. False if it is empty.
bool ResolveRange(int64_t total, int64_t* start, int64_t* end) {
  if (*start < 0) *start += total;
  if (*end < 0) *end += total;
  *start = std::max<int64_t>(*start, 0);
  *end = std::max<int64_t>(*end, 0);
  *end = std::min(*end, total - 1);
  return *start <= *end;
}

// BYTE | BIT (case-insensitive); replies a syntax error otherwise.
[[nodiscard]] bool ParseUnit(CmdContext& cx, std::string_view a, bool* isbit) {
  if (EqualsIgnoreCase(a, "bit")) {
    *isbit = true;
  } else if (EqualsIgnoreCase(a, "byte")) {
    *isbit = false;
  } else {
    cx.rb().Error(kErrSyntax);
    return false;
  }
  return true;
}

[[nodiscard]] bool ParseI64(CmdContext& cx, std::string_view a, int64_t* v) {
  if (ParseInt64(a, v)) return true;
  cx.rb().Error(kErrNotInteger);
  return false;
}

// A string entry for reading (FindRead); nullptr if absent. Replies
// WRONGTYPE and sets *err for another type.
Entry* FindStringRead(CmdContext& cx, std::string_view key, bool* err) {
  Entry* e = cx.DbFor(key).FindRead(key);
  *err = e && e->type() != ObjType::kString;
  if (*err) cx.rb().Error(kErrWrongType);
  return *err ? nullptr : e;
}

const uint8_t* Bytes(const Entry* e) { return reinterpret_cast<const uint8_t*>(e->str().data()); }

}  // namespace

// Shared with bitfield.cc. Redis's getBitOffsetFromArgument: a bit offset,
// or with `hash` "#N" meaning N * bits. The byte it reaches must be below
// proto-max-bulk-len (and fit a value's 32-bit length here).
bool ParseBitOffset(CmdContext& cx, std::string_view a, bool hash, int bits, uint64_t* out) {
  bool usehash = hash && bits > 0 && !a.empty() && a[0] == '#';
  int64_t v;
  bool ok = ParseInt64(usehash ? a.substr(1) : a, &v);
  if (ok && usehash) ok = !__builtin_mul_overflow(v, static_cast<int64_t>(bits), &v);
  int64_t limit = std::min<int64_t>(Config::Get().proto_max_bulk_len.load(std::memory_order_relaxed),
                                    UINT32_MAX - 16);
  if (!ok || v < 0 || (v >> 3) >= limit) {
    cx.rb().Error(kErrBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// Shared with bitfield.cc. Redis's lookupStringForBitCommand: the string at
// `key`, created or zero-extended so that bit `maxbit` exists. nullptr (and
// WRONGTYPE replied) for another type. *grown: created or extended.
Entry* StringForBits(CmdContext& cx, std::string_view key, uint64_t maxbit, bool* grown) {
  Db& db = cx.DbFor(key);
  Entry** link = db.Find(key) ? db.FindLink(key) : nullptr;
  if (link && (*link)->type() != ObjType::kString) {
    cx.rb().Error(kErrWrongType);
    return nullptr;
  }
  size_t need = static_cast<size_t>(maxbit >> 3) + 1;
  Entry* e;
  size_t old = 0;
  if (!link) {
    e = EntryAlloc::NewString(key, "", 0, db.slice().bytes_counter(), need);
    db.Insert(e);
  } else {
    old = (*link)->val_len();
    e = old < need ? db.GrowString(link, need) : *link;
  }
  *grown = !link || old < need;
  if (old < need) {
    std::memset(e->mutable_str() + old, 0, need - old);
    e->set_val_len(static_cast<uint32_t>(need));
  }
  return e;
}

namespace {

// SETBIT key offset 0|1: replies the bit's previous value.
void CmdSetBit(CmdContext& cx) {
  uint64_t off;
  if (!ParseBitOffset(cx, cx.arg(2), false, 0, &off)) return;
  int64_t on;
  if (!ParseInt64(cx.arg(3), &on) || (on & ~int64_t{1}) != 0) {
    cx.rb().Error(kErrBitValue);
    return;
  }
  bool grown;
  Entry* e = StringForBits(cx, cx.arg(1), off, &grown);
  if (!e) return;
  uint8_t* byte = reinterpret_cast<uint8_t*>(e->mutable_str()) + (off >> 3);
  uint8_t mask = static_cast<uint8_t>(0x80 >> (off & 7));
  bool old = (*byte & mask) != 0;
  *byte = static_cast<uint8_t>(on ? (*byte | mask) : (*byte & ~mask));
  cx.rb().Integer(old ? 1 : 0);
}

// GETBIT key offset: bits past the end are 0.
void CmdGetBit(CmdContext& cx) {
  uint64_t off;
  if (!ParseBitOffset(cx, cx.arg(2), false, 0, &off)) return;
  bool err;
  Entry* e = FindStringRead(cx, cx.arg(1), &err);
  if (err) return;
  uint64_t byte = off >> 3;
  bool bit = e && byte < e->val_len() && (Bytes(e)[byte] & (0x80 >> (off & 7)));
  cx.rb().Integer(bit ? 1 : 0);
}

// BITCOUNT key [start end [BYTE|BIT]].
void CmdBitCount(CmdContext& cx) {
  int64_t start = 0, end = -1;
  bool isbit = false, ranged = cx.argc() == 4 || cx.argc() == 5;
  if (ranged) {
    if (!ParseI64(cx, cx.arg(2), &start) || !ParseI64(cx, cx.arg(3), &end)) return;
    if (cx.argc() == 5 && !ParseUnit(cx, cx.arg(4), &isbit)) return;
  } else if (cx.argc() != 2) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  bool err;
  Entry* e = FindStringRead(cx, cx.arg(1), &err);
  if (err) return;
  if (!e || (ranged && start < 0 && end < 0 && start > end)) {
    cx.rb().Integer(0);
    return;
  }
  int64_t total = static_cast<int64_t>(e->val_len()) * (isbit ? 8 : 1);
  if (!ResolveRange(total, &start, &end)) {
    cx.rb().Integer(0);
    return;
  }
  uint64_t sb = isbit ? start : start * 8, eb = isbit ? end : end * 8 + 7;
  cx.rb().Integer(static_cast<int64_t>(CountBitRange(Bytes(e), sb, eb)));
}

// BITPOS key 0|1 [start [end [BYTE|BIT]]]. A missing key is all zeros.
// Looking for 0 without an explicit end treats the string as zero-padded,
// so an all-ones range answers the first bit after it.
void CmdBitPos(CmdContext& cx) {
  int64_t bit;
  if (!ParseI64(cx, cx.arg(2), &bit)) return;
  if (bit != 0 && bit != 1) {
    cx.rb().Error(kErrBitArg);
    return;
  }
  int64_t start = 0, end = -1;
  bool isbit = false, end_given = cx.argc() >= 5;
  if (cx.argc() > 6) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  if (cx.argc() >= 4 && !ParseI64(cx, cx.arg(3), &start)) return;
  if (cx.argc() == 6 && !ParseUnit(cx, cx.arg(5), &isbit)) return;
  if (end_given && !ParseI64(cx, cx.arg(4), &end)) return;
  bool err;
  Entry* e = FindStringRead(cx, cx.arg(1), &err);
  if (err) return;
  if (!e) {
    cx.rb().Integer(bit ? -1 : 0);
    return;
  }
  int64_t total = static_cast<int64_t>(e->val_len()) * (isbit ? 8 : 1);
  if (!ResolveRange(total, &start, &end)) {
    cx.rb().Integer(-1);
    return;
  }
  uint64_t sb = isbit ? start : start * 8, eb = isbit ? end : end * 8 + 7;
  int64_t pos = FindBit(Bytes(e), sb, eb, static_cast<int>(bit));
  if (pos < 0 && bit == 0 && !end_given) pos = static_cast<int64_t>(eb + 1);
  cx.rb().Integer(pos);
}

enum class BitOp { kAnd, kOr, kXor, kNot };

// res[0..n) op= src[0..n), eight bytes at a time.
void ApplyOp(BitOp op, uint8_t* res, const uint8_t* src, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t a = Load64(res + i), b = Load64(src + i);
    a = op == BitOp::kAnd ? (a & b) : op == BitOp::kOr ? (a | b) : (a ^ b);
    std::memcpy(res + i, &a, 8);
  }
  for (; i < n; ++i) {
    res[i] = op == BitOp::kAnd ? (res[i] & src[i]) : op == BitOp::kOr ? (res[i] | src[i]) : (res[i] ^ src[i]);
  }
}

// BITOP AND|OR|XOR|NOT destkey srckey [srckey ...]: missing sources are
// empty, shorter ones zero-padded; the result replaces destkey (any type,
// TTL dropped), or deletes it when empty. Replies the result's length.
void CmdBitOp(CmdContext& cx) {
  std::string_view name = cx.arg(1);
  BitOp op;
  if (EqualsIgnoreCase(name, "and")) {
    op = BitOp::kAnd;
  } else if (EqualsIgnoreCase(name, "or")) {
    op = BitOp::kOr;
  } else if (EqualsIgnoreCase(name, "xor")) {
    op = BitOp::kXor;
  } else if (EqualsIgnoreCase(name, "not")) {
    op = BitOp::kNot;
  } else {
    cx.rb().Error(kErrSyntax);
    return;
  }
  if (op == BitOp::kNot && cx.argc() != 4) {
    cx.rb().Error(kErrBitopNot);
    return;
  }
  std::vector<std::string_view> srcs;
  size_t maxlen = 0;
  for (size_t j = 3; j < cx.argc(); ++j) {
    bool err;
    Entry* e = FindStringRead(cx, cx.arg(j), &err);
    if (err) return;
    srcs.push_back(e ? e->str() : std::string_view());
    maxlen = std::max(maxlen, srcs.back().size());
  }
  std::string_view dest = cx.arg(2);
  Db& db = cx.DbFor(dest);
  if (maxlen == 0) {
    db.Delete(dest);
    cx.rb().Integer(0);
    return;
  }
  std::string res(maxlen, '\0');
  auto* r = reinterpret_cast<uint8_t*>(res.data());
  std::memcpy(r, srcs[0].data(), srcs[0].size());
  if (op == BitOp::kNot) {
    for (size_t i = 0; i < maxlen; ++i) r[i] = static_cast<uint8_t>(~r[i]);
  }
  for (size_t k = 1; k < srcs.size(); ++k) {
    ApplyOp(op, r, reinterpret_cast<const uint8_t*>(srcs[k].data()), srcs[k].size());
    if (op == BitOp::kAnd) std::memset(r + srcs[k].size(), 0, maxlen - srcs[k].size());
  }
  db.SetString(dest, res, 0, /*keep_ttl=*/false);
  cx.rb().Integer(static_cast<int64_t>(maxlen));
}

}  // namespace

void RegisterBitopsFamily(CommandRegistry& reg) {
  const char* cat = "bitmap";
  reg.Add({"setbit", 4, kWrite | kDenyOom, {1, 1, 1}, CmdSetBit, cat});
  reg.Add({"getbit", 3, kReadOnly | kFast, {1, 1, 1}, CmdGetBit, cat});
  reg.Add({"bitcount", -2, kReadOnly, {1, 1, 1}, CmdBitCount, cat});
  reg.Add({"bitpos", -3, kReadOnly, {1, 1, 1}, CmdBitPos, cat});
  reg.Add({"bitop", -4, kWrite | kDenyOom, {2, -1, 1}, CmdBitOp, cat});
  RegisterBitfieldCommands(reg);
}

}  // namespace yotta
