// YottaStore. Licensed under the Apache License 2.0.
// Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS
// HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN. The value
// object (listpack / hashtable encodings) is hash_object.h.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "base/str_util.h"
#include "commands/scan_args.h"
#include "commands/hash_object.h"
#include "commands/set_object.h"
#include "commands/member_codec.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {

constexpr std::string_view kErrHashNotInt = "ERR hash value is not an integer";
constexpr std::string_view kErrHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kErrCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
constexpr std::string_view kErrOutOfRange = "ERR value is out of range";
constexpr std::string_view kErrIncrNotFinite = "ERR value is NaN or Infinity";
constexpr size_t kRandfieldSubStrategyMul = 3;

using hash_obj::Size;

// The hash at key for writing: existing (e set, *before its bytes) or a
// new empty object (e null). Replies WRONGTYPE and returns false.
struct Target {
  Entry* e = nullptr;
  void* obj = nullptr;
  size_t before = 0;
};
bool OpenForWrite(CmdContext& cx, Db& db, std::string_view key, Target* t) {
  bool wrong;
  t->e = hash_obj::Find(db, key, false, &wrong);
  if (wrong) {
    cx.rb().Error(kErrWrongType);
    return false;
  }
  t->obj = t->e ? t->e->obj() : hash_obj::Create();
  t->before = t->e ? hash_obj::Bytes(t->obj) : 0;
  return true;
}
void Finish(Db& db, std::string_view key, Target& t) {
  if (t.e) {
    hash_obj::Commit(db, key, t.e, t.obj, t.before);
  } else if (Size(t.obj) == 0) {
    hash_obj::Free(t.obj);
  } else {
    db.Insert(EntryAlloc::NewObject(key, ObjType::kHash, t.obj, 0, db.slice().bytes_counter()));
    db.slice().AdjustBytes(static_cast<int64_t>(hash_obj::Bytes(t.obj)));  // NewObject charges the entry only
  }
}

// HSET key f v [f v ...] (HMSET replies OK).
void SetGeneric(CmdContext& cx, bool hmset) {
  if (cx.argc() % 2 != 0) return cx.rb().Error(ErrWrongArgs(hmset ? "hmset" : "hset"));
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Target t;
  if (!OpenForWrite(cx, db, key, &t)) return;
  for (size_t i = 2; i < cx.argc(); ++i) t.obj = hash_obj::PrepareFor(t.obj, cx.arg(i));
  int64_t created = 0;
  for (size_t i = 2; i < cx.argc(); i += 2) {
    bool is_new;
    t.obj = hash_obj::Set(t.obj, cx.arg(i), cx.arg(i + 1), &is_new);
    created += is_new;
  }
  Finish(db, key, t);
  if (hmset) return cx.rb().Ok();
  cx.rb().Integer(created);
}
void CmdHSet(CmdContext& cx) { SetGeneric(cx, false); }
void CmdHMSet(CmdContext& cx) { SetGeneric(cx, true); }

void CmdHSetNx(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Target t;
  if (!OpenForWrite(cx, db, key, &t)) return;
  bool is_new = false;
  if (!hash_obj::Get(t.obj, cx.arg(2))) t.obj = hash_obj::Set(t.obj, cx.arg(2), cx.arg(3), &is_new);
  Finish(db, key, t);
  cx.rb().Integer(is_new ? 1 : 0);
}

// The hash for a read command, or nullptr (missing: *done false; wrong
// type: replied, *done true).
Entry* OpenForRead(CmdContext& cx, bool* replied) {
  bool wrong;
  Entry* e = hash_obj::Find(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrong);
  if (wrong) cx.rb().Error(kErrWrongType);
  *replied = wrong;
  return e;
}

void CmdHGet(CmdContext& cx) {
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  auto v = e ? hash_obj::Get(e->obj(), cx.arg(2)) : std::nullopt;
  if (!v) return cx.rb().Null();
  cx.rb().Bulk(*v);
}

void CmdHMGet(CmdContext& cx) {
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  cx.rb().Array(cx.argc() - 2);
  for (size_t i = 2; i < cx.argc(); ++i) {
    auto v = e ? hash_obj::Get(e->obj(), cx.arg(i)) : std::nullopt;
    if (v) cx.rb().Bulk(*v);
    else cx.rb().Null();
  }
}

void CmdHDel(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrong;
  Entry* e = hash_obj::Find(db, key, false, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  if (!e) return cx.rb().Integer(0);
  void* obj = e->obj();
  size_t before = hash_obj::Bytes(obj);
  int64_t n = 0;
  for (size_t i = 2; i < cx.argc() && Size(obj) > 0; ++i) {
    bool r;
    obj = hash_obj::Del(obj, cx.arg(i), &r);
    n += r;
  }
  hash_obj::Commit(db, key, e, obj, before);
  cx.rb().Integer(n);
}

void CmdHLen(CmdContext& cx) {
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  cx.rb().Integer(e ? static_cast<int64_t>(Size(e->obj())) : 0);
}

void CmdHStrLen(CmdContext& cx) {
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  auto v = e ? hash_obj::Get(e->obj(), cx.arg(2)) : std::nullopt;
  cx.rb().Integer(v ? static_cast<int64_t>(v->size()) : 0);
}

void CmdHExists(CmdContext& cx) {
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  cx.rb().Integer(e && hash_obj::Get(e->obj(), cx.arg(2)) ? 1 : 0);
}

// HKEYS / HVALS / HGETALL.
void ReplyAll(CmdContext& cx, bool keys, bool vals) {
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  ReplyBuilder& rb = cx.rb();
  size_t n = e ? Size(e->obj()) : 0;
  if (keys && vals) rb.Map(n);
  else rb.Array(n);
  if (!e) return;
  hash_obj::ForEach(e->obj(), [&](std::string_view f, std::string_view v) {
    if (keys) rb.Bulk(f);
    if (vals) rb.Bulk(v);
  });
}
void CmdHKeys(CmdContext& cx) { ReplyAll(cx, true, false); }
void CmdHVals(CmdContext& cx) { ReplyAll(cx, false, true); }
void CmdHGetAll(CmdContext& cx) { ReplyAll(cx, true, true); }

void CmdHIncrBy(CmdContext& cx) {
  std::string_view key = cx.arg(1), field = cx.arg(2);
  int64_t incr, cur = 0;
  if (!ParseInt64(cx.arg(3), &incr)) return cx.rb().Error(kErrNotInteger);
  Db& db = cx.DbFor(key);
  Target t;
  if (!OpenForWrite(cx, db, key, &t)) return;
  auto old = hash_obj::Get(t.obj, field);
  if (old && !ParseInt64(*old, &cur)) {
    Finish(db, key, t);
    return cx.rb().Error(kErrHashNotInt);
  }
  if ((incr < 0 && cur < 0 && incr < INT64_MIN - cur) || (incr > 0 && cur > 0 && incr > INT64_MAX - cur)) {
    Finish(db, key, t);
    return cx.rb().Error(kErrOverflow);
  }
  cur += incr;
  std::string s;
  AppendInt(&s, cur);
  bool is_new;
  t.obj = hash_obj::Set(t.obj, field, s, &is_new);
  Finish(db, key, t);
  cx.rb().Integer(cur);
}

void CmdHIncrByFloat(CmdContext& cx) {
  std::string_view key = cx.arg(1), field = cx.arg(2);
  long double incr, cur = 0;
  if (!ParseLongDouble(cx.arg(3), &incr)) return cx.rb().Error(kErrNotFloat);
  if (std::isinf(incr)) return cx.rb().Error(kErrIncrNotFinite);
  Db& db = cx.DbFor(key);
  Target t;
  if (!OpenForWrite(cx, db, key, &t)) return;
  auto old = hash_obj::Get(t.obj, field);
  if (old && !ParseLongDouble(*old, &cur)) {
    Finish(db, key, t);
    return cx.rb().Error(kErrHashNotFloat);
  }
  cur += incr;
  if (std::isnan(cur) || std::isinf(cur)) {
    Finish(db, key, t);
    return cx.rb().Error(kErrIncrNanInf);
  }
  std::string s = FormatLongDouble(cur);
  bool is_new;
  t.obj = hash_obj::Set(t.obj, field, s, &is_new);
  Finish(db, key, t);
  cx.rb().Bulk(s);
}

// One field (and value) of HRANDFIELD's reply: RESP3 WITHVALUES pairs are
// 2-element arrays, RESP2 flat.
void ReplyPair(ReplyBuilder& rb, std::string_view f, std::string_view v, bool withvalues) {
  if (withvalues && rb.resp() >= 3) rb.Array(2);
  rb.Bulk(f);
  if (withvalues) rb.Bulk(v);
}

void ReplyDistinctFields(void* obj, size_t count, bool wv, ReplyBuilder& rb) {
  uint64_t* rng = set_obj::Rng();
  rb.Array(wv && rb.resp() < 3 ? 2 * count : count);
  if (count * kRandfieldSubStrategyMul > Size(obj)) {
    // Close to the size: copy, drop random fields down to count.
    void* copy = hash_obj::Clone(obj);
    while (Size(copy) > count) {
      bool r;
      copy = hash_obj::Del(copy, hash_obj::Random(copy, rng).first, &r);
    }
    hash_obj::ForEach(copy, [&](std::string_view f, std::string_view v) { ReplyPair(rb, f, v, wv); });
    hash_obj::Free(copy);
    return;
  }
  StrMap seen(false);
  while (seen.size() < count) {
    auto [f, v] = hash_obj::Random(obj, rng);
    if (seen.Add(f)) ReplyPair(rb, f, v, wv);
  }
}

// HRANDFIELD key [count [WITHVALUES]]
void CmdHRandField(CmdContext& cx) {
  bool with_count = cx.argc() >= 3, wv = false;
  int64_t count = 0;
  if (cx.argc() > 4 || (cx.argc() == 4 && !EqualsIgnoreCase(cx.arg(3), "WITHVALUES"))) {
    return cx.rb().Error(kErrSyntax);
  }
  wv = cx.argc() == 4;
  if (with_count) {
    if (!ParseInt64(cx.arg(2), &count)) return cx.rb().Error(kErrNotInteger);
    if (count == INT64_MIN) return cx.rb().Error(kErrCountRange);
    // Redis refuses counts whose reply length (2*|count|) would overflow.
    if (wv && count < -INT64_MAX / 2) return cx.rb().Error(kErrOutOfRange);
  }
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  ReplyBuilder& rb = cx.rb();
  if (!e) return with_count ? rb.Array(0) : rb.Null();
  void* obj = e->obj();
  uint64_t* rng = set_obj::Rng();
  if (!with_count) return rb.Bulk(hash_obj::Random(obj, rng).first);
  if (count == 0) return rb.Array(0);
  if (count < 0) {
    uint64_t n = static_cast<uint64_t>(-count);
    rb.Array(wv && rb.resp() < 3 ? 2 * n : n);
    for (uint64_t i = 0; i < n; ++i) {
      auto [f, v] = hash_obj::Random(obj, rng);
      ReplyPair(rb, f, v, wv);
    }
    return;
  }
  size_t size = Size(obj);
  if (static_cast<uint64_t>(count) >= size) {
    rb.Array(wv && rb.resp() < 3 ? 2 * size : size);
    hash_obj::ForEach(obj, [&](std::string_view f, std::string_view v) { ReplyPair(rb, f, v, wv); });
    return;
  }
  ReplyDistinctFields(obj, static_cast<size_t>(count), wv, rb);
}

void CmdHScan(CmdContext& cx) {
  scan_args::Args a;
  if (!scan_args::ParseCursor(cx, &a)) return;
  bool replied;
  Entry* e = OpenForRead(cx, &replied);
  if (replied) return;
  if (!e) {
    cx.rb().Array(2);
    cx.rb().Bulk("0");
    return cx.rb().Array(0);
  }
  if (!scan_args::ParseOptions(cx, &a)) return;
  void* obj = e->obj();
  std::vector<std::string> out;
  auto take = [&](std::string_view f, std::string_view v) {
    if (!a.Match(f)) return;
    out.emplace_back(f);
    out.emplace_back(v);
  };
  uint64_t cursor = 0;
  if (!hash_obj::IsMap(obj)) {
    hash_obj::ForEach(obj, take);
  } else {
    const StrMap* map = hash_obj::Map(obj);
    cursor = a.cursor;
    int64_t buckets = std::min<int64_t>(a.count, int64_t{1} << 40) * scan_args::kBucketsPerElement;
    size_t visited = 0;
    do {
      cursor = map->Scan(cursor, [&](const StrMap::Node* n) {
        ++visited;
        take(StrMap::Key(n), map->Value(n));
      });
    } while (cursor != 0 && --buckets > 0 && visited < static_cast<size_t>(a.count));
  }
  cx.rb().Array(2);
  cx.rb().Bulk(std::to_string(cursor));
  cx.rb().BulkArray(out);
}

}  // namespace

void RegisterHashFamily(CommandRegistry& reg) {
  RegisterObjectOps(ObjType::kHash, ObjectOps{hash_obj::Free, hash_obj::Bytes, hash_obj::Clone,
                                              hash_obj::Encoding, hash_obj::Dump, hash_obj::Restore,
                                              hash_obj::Length});
  const char* cat = "hash";
  reg.Add({"hset", -4, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdHSet, cat, member_codec::PairsFrom2});
  reg.Add({"hsetnx", 4, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdHSetNx, cat, member_codec::At2});
  reg.Add({"hmset", -4, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdHMSet, cat, member_codec::PairsFrom2});
  reg.Add({"hget", 3, kReadOnly | kFast, {1, 1, 1}, CmdHGet, cat});
  reg.Add({"hmget", -3, kReadOnly | kFast, {1, 1, 1}, CmdHMGet, cat});
  reg.Add({"hdel", -3, kWrite | kFast, {1, 1, 1}, CmdHDel, cat, member_codec::AllFrom2});
  reg.Add({"hlen", 2, kReadOnly | kFast, {1, 1, 1}, CmdHLen, cat});
  reg.Add({"hstrlen", 3, kReadOnly | kFast, {1, 1, 1}, CmdHStrLen, cat});
  reg.Add({"hexists", 3, kReadOnly | kFast, {1, 1, 1}, CmdHExists, cat});
  reg.Add({"hkeys", 2, kReadOnly, {1, 1, 1}, CmdHKeys, cat});
  reg.Add({"hvals", 2, kReadOnly, {1, 1, 1}, CmdHVals, cat});
  reg.Add({"hgetall", 2, kReadOnly, {1, 1, 1}, CmdHGetAll, cat});
  reg.Add({"hincrby", 4, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdHIncrBy, cat, member_codec::At2});
  reg.Add({"hincrbyfloat", 4, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdHIncrByFloat, cat, member_codec::At2});
  reg.Add({"hrandfield", -2, kReadOnly, {1, 1, 1}, CmdHRandField, cat});
  reg.Add({"hscan", -3, kReadOnly, {1, 1, 1}, CmdHScan, cat});
}

}  // namespace yotta
