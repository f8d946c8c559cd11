// YottaStore. Licensed under the Apache License 2.0.
// BITFIELD and BITFIELD_RO: GET/SET/INCRBY of signed (i1..i64) and unsigned
// (u1..u63) integers at any bit offset of a string, with OVERFLOW WRAP|SAT|
// FAIL, exactly as Redis (including its overflow-check quirks at the edges
// of int64). Every subcommand is parsed before anything is executed.
#include <cstring>
#include <vector>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {

// bitops_family.cc.
bool ParseBitOffset(CmdContext& cx, std::string_view a, bool hash, int bits, uint64_t* out);
Entry* StringForBits(CmdContext& cx, std::string_view key, uint64_t maxbit, bool* grown);

namespace {

constexpr std::string_view kErrBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
constexpr std::string_view kErrBadOverflow = "ERR Invalid OVERFLOW type specified";
constexpr std::string_view kErrRoOnlyGet = "ERR BITFIELD_RO only supports the GET subcommand";

enum class Overflow { kWrap, kSat, kFail };
enum class FieldOp { kGet, kSet, kIncrBy };

struct Field {
  FieldOp op;
  Overflow overflow;
  bool sign;
  int bits;
  uint64_t offset;
  int64_t value;
};

// Reads `bits` bits at bit `offset` of p, most significant first.
uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, int bits) {
  uint64_t v = 0;
  for (int j = 0; j < bits; ++j, ++offset) {
    v = (v << 1) | ((p[offset >> 3] >> (7 - (offset & 7))) & 1);
  }
  return v;
}

int64_t GetSigned(const uint8_t* p, uint64_t offset, int bits) {
  uint64_t v = GetUnsigned(p, offset, bits);
  if (bits < 64 && (v & (uint64_t{1} << (bits - 1)))) v |= ~uint64_t{0} << bits;  // sign-extend
  return static_cast<int64_t>(v);
}

void SetBits(uint8_t* p, uint64_t offset, int bits, uint64_t v) {
  for (int j = bits - 1; j >= 0; --j, ++offset) {
    uint8_t mask = static_cast<uint8_t>(1 << (7 - (offset & 7)));
    if ((v >> j) & 1) {
      p[offset >> 3] |= mask;
    } else {
      p[offset >> 3] &= static_cast<uint8_t>(~mask);
    }
  }
}

// Redis's checkUnsignedBitfieldOverflow: value + incr in `bits` bits.
// Returns true on overflow and sets *limit to the wrapped or saturated value.
bool UnsignedOverflow(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* limit) {
  uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  int64_t maxincr = static_cast<int64_t>(max - value);
  int64_t minincr = static_cast<int64_t>(0 - value);
  bool up = value > max || (incr > 0 && incr > maxincr);
  bool down = !up && incr < 0 && incr < minincr;
  if (!up && !down) return false;
  if (ow == Overflow::kWrap) {
    uint64_t res = value + static_cast<uint64_t>(incr);
    *limit = bits == 64 ? res : res & max;
  } else if (ow == Overflow::kSat) {
    *limit = up ? max : 0;
  }
  return true;
}

// Redis's checkSignedBitfieldOverflow, same contract. maxincr/minincr are
// computed with wrap-around as Redis does, which decides its edge cases.
bool SignedOverflow(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* limit) {
  int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  int64_t min = -max - 1;
  int64_t maxincr = static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  int64_t minincr = static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  bool up = value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr);
  bool down = !up && (value < min || (bits != 64 && incr < minincr) ||
                      (value < 0 && incr < 0 && incr < minincr));
  if (!up && !down) return false;
  if (ow == Overflow::kWrap) {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      uint64_t mask = ~uint64_t{0} << bits;
      c = (c & (uint64_t{1} << (bits - 1))) ? (c | mask) : (c & ~mask);
    }
    *limit = static_cast<int64_t>(c);
  } else if (ow == Overflow::kSat) {
    *limit = up ? max : min;
  }
  return true;
}

// "i<1-64>" or "u<1-63>" (lower case only, as Redis).
[[nodiscard]] bool ParseType(CmdContext& cx, std::string_view a, bool* sign, int* bits) {
  int64_t n;
  bool ok = a.size() >= 2 && (a[0] == 'i' || a[0] == 'u') && ParseInt64(a.substr(1), &n);
  *sign = ok && a[0] == 'i';
  if (!ok || n < 1 || n > (*sign ? 64 : 63)) {
    cx.rb().Error(kErrBadType);
    return false;
  }
  *bits = static_cast<int>(n);
  return true;
}

// Parses every subcommand; replies and returns false on the first error.
[[nodiscard]] bool ParseFields(CmdContext& cx, std::vector<Field>* fields) {
  Overflow ow = Overflow::kWrap;
  for (size_t j = 2; j < cx.argc(); ++j) {
    size_t rem = cx.argc() - j - 1;
    std::string_view sub = cx.arg(j);
    Field f{};
    if (EqualsIgnoreCase(sub, "get") && rem >= 2) {
      f.op = FieldOp::kGet;
    } else if (EqualsIgnoreCase(sub, "set") && rem >= 3) {
      f.op = FieldOp::kSet;
    } else if (EqualsIgnoreCase(sub, "incrby") && rem >= 3) {
      f.op = FieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(sub, "overflow") && rem >= 1) {
      std::string_view t = cx.arg(++j);
      if (EqualsIgnoreCase(t, "wrap")) {
        ow = Overflow::kWrap;
      } else if (EqualsIgnoreCase(t, "sat")) {
        ow = Overflow::kSat;
      } else if (EqualsIgnoreCase(t, "fail")) {
        ow = Overflow::kFail;
      } else {
        cx.rb().Error(kErrBadOverflow);
        return false;
      }
      continue;
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
    if (!ParseType(cx, cx.arg(j + 1), &f.sign, &f.bits)) return false;
    if (!ParseBitOffset(cx, cx.arg(j + 2), true, f.bits, &f.offset)) return false;
    if (f.op != FieldOp::kGet && !ParseInt64(cx.arg(j + 3), &f.value)) {
      cx.rb().Error(kErrNotInteger);
      return false;
    }
    f.overflow = ow;
    fields->push_back(f);
    j += f.op == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

// GET reads through a zero-padded 9-byte window, so fields past the end of
// the string (or of a missing key) read as zeros.
void ReplyGet(CmdContext& cx, const Field& f, std::string_view s) {
  uint8_t buf[9] = {0};
  uint64_t byte = f.offset >> 3;
  for (uint64_t i = 0; i < 9 && byte + i < s.size(); ++i) buf[i] = static_cast<uint8_t>(s[byte + i]);
  uint64_t off = f.offset - byte * 8;
  if (f.sign) {
    cx.rb().Integer(GetSigned(buf, off, f.bits));
  } else {
    cx.rb().Integer(static_cast<int64_t>(GetUnsigned(buf, off, f.bits)));
  }
}

// SET or INCRBY on p. Replies the old value (SET) or the new one (INCRBY),
// or nil when OVERFLOW FAIL stops the write.
void ApplyWrite(CmdContext& cx, const Field& f, uint8_t* p) {
  bool incr = f.op == FieldOp::kIncrBy, overflow;
  if (f.sign) {
    int64_t old = GetSigned(p, f.offset, f.bits), nv, wrapped = 0;
    if (incr) {
      overflow = SignedOverflow(old, f.value, f.bits, f.overflow, &wrapped);
      nv = overflow ? wrapped : static_cast<int64_t>(static_cast<uint64_t>(old) + f.value);
    } else {
      overflow = SignedOverflow(f.value, 0, f.bits, f.overflow, &wrapped);
      nv = overflow ? wrapped : f.value;
    }
    if (overflow && f.overflow == Overflow::kFail) {
      cx.rb().Null();
      return;
    }
    cx.rb().Integer(incr ? nv : old);
    SetBits(p, f.offset, f.bits, static_cast<uint64_t>(nv));
  } else {
    uint64_t old = GetUnsigned(p, f.offset, f.bits), nv, wrapped = 0;
    if (incr) {
      overflow = UnsignedOverflow(old, f.value, f.bits, f.overflow, &wrapped);
      nv = overflow ? wrapped : old + static_cast<uint64_t>(f.value);
    } else {
      nv = static_cast<uint64_t>(f.value);
      overflow = UnsignedOverflow(nv, 0, f.bits, f.overflow, &wrapped);
      if (overflow) nv = wrapped;
    }
    if (overflow && f.overflow == Overflow::kFail) {
      cx.rb().Null();
      return;
    }
    cx.rb().Integer(static_cast<int64_t>(incr ? nv : old));
    SetBits(p, f.offset, f.bits, nv);
  }
}

void BitfieldGeneric(CmdContext& cx, bool ro_command) {
  std::vector<Field> fields;
  if (!ParseFields(cx, &fields)) return;
  bool writes = false;
  uint64_t maxbit = 0;
  for (const Field& f : fields) {
    if (f.op == FieldOp::kGet) continue;
    writes = true;
    maxbit = std::max(maxbit, f.offset + f.bits - 1);
  }
  std::string_view key = cx.arg(1);
  Entry* e = nullptr;
  if (!writes) {
    // Only GETs: a read lookup; a missing key reads as zeros.
    e = cx.DbFor(key).FindRead(key);
    if (e && e->type() != ObjType::kString) {
      cx.rb().Error(kErrWrongType);
      return;
    }
  } else {
    if (ro_command) {
      cx.rb().Error(kErrRoOnlyGet);
      return;
    }
    bool grown;
    e = StringForBits(cx, key, maxbit, &grown);
    if (!e) return;
  }
  cx.rb().Array(fields.size());
  for (const Field& f : fields) {
    if (f.op == FieldOp::kGet) {
      ReplyGet(cx, f, e ? e->str() : std::string_view());
    } else {
      ApplyWrite(cx, f, reinterpret_cast<uint8_t*>(e->mutable_str()));
    }
  }
}

void CmdBitfield(CmdContext& cx) { BitfieldGeneric(cx, false); }
void CmdBitfieldRo(CmdContext& cx) { BitfieldGeneric(cx, true); }

}  // namespace

// Called by RegisterBitopsFamily (bitops_family.cc).
void RegisterBitfieldCommands(CommandRegistry& reg) {
  reg.Add({"bitfield", -2, kWrite | kDenyOom, {1, 1, 1}, CmdBitfield, "bitmap"});
  reg.Add({"bitfield_ro", -2, kReadOnly | kFast, {1, 1, 1}, CmdBitfieldRo, "bitmap"});
}

}  // namespace yotta
