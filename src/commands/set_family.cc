// YottaStore. Licensed under the Apache License 2.0.
// Set commands on one or two keys: SADD SREM SMEMBERS SISMEMBER SMISMEMBER
// SCARD SPOP SRANDMEMBER SMOVE SSCAN. The value object is set_object.h; the
// multi-set algebra (SINTER SUNION SDIFF ...) is set_algebra.cc.
#include <algorithm>
#include <string>
#include <vector>

#include "commands/scan_args.h"
#include "commands/set_object.h"
#include "commands/member_codec.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {

void RegisterSetAlgebraCommands(CommandRegistry& reg);  // set_algebra.cc

namespace {

constexpr std::string_view kErrMustBePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kErrCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// SPOP with count: pop one by one while the remainder is large compared
// with the count, else rebuild from the survivors (Redis's strategy).
constexpr size_t kSpopMoveStrategyMul = 5;
// SRANDMEMBER: copy-and-remove when count is this close to the size.
constexpr size_t kSrandmemberSubStrategyMul = 3;

using set_obj::Size;

void CmdSAdd(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrong;
  Entry* e = set_obj::Find(db, key, false, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  void* obj = e ? e->obj() : set_obj::Create(cx.arg(2), cx.argc() - 2);
  size_t before = e ? set_obj::Bytes(obj) : 0;
  int64_t added = 0;
  for (size_t i = 2; i < cx.argc(); ++i) {
    bool a;
    obj = set_obj::Add(obj, cx.arg(i), &a);
    added += a;
  }
  if (e) {
    set_obj::Commit(db, key, e, obj, before);
  } else {
    db.Insert(EntryAlloc::NewObject(key, ObjType::kSet, obj, 0, db.slice().bytes_counter()));
    db.slice().AdjustBytes(static_cast<int64_t>(set_obj::Bytes(obj)));  // NewObject charges the entry only
  }
  cx.rb().Integer(added);
}

void CmdSRem(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrong;
  Entry* e = set_obj::Find(db, key, false, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  if (!e) return cx.rb().Integer(0);
  void* obj = e->obj();
  size_t before = set_obj::Bytes(obj);
  int64_t removed = 0;
  for (size_t i = 2; i < cx.argc() && Size(obj) > 0; ++i) {
    bool r;
    obj = set_obj::Remove(obj, cx.arg(i), &r);
    removed += r;
  }
  set_obj::Commit(db, key, e, obj, before);
  cx.rb().Integer(removed);
}

void CmdSMembers(CmdContext& cx) {
  bool wrong;
  Entry* e = set_obj::Find(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  if (!e) return cx.rb().Set(0);
  set_obj::ReplyMembers(cx.rb(), e->obj());
}

void CmdSIsMember(CmdContext& cx) {
  bool wrong;
  Entry* e = set_obj::Find(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  cx.rb().Integer(e && set_obj::Contains(e->obj(), cx.arg(2)) ? 1 : 0);
}

void CmdSMIsMember(CmdContext& cx) {
  bool wrong;
  Entry* e = set_obj::Find(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  cx.rb().Array(cx.argc() - 2);
  for (size_t i = 2; i < cx.argc(); ++i) {
    cx.rb().Integer(e && set_obj::Contains(e->obj(), cx.arg(i)) ? 1 : 0);
  }
}

void CmdSCard(CmdContext& cx) {
  bool wrong;
  Entry* e = set_obj::Find(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  cx.rb().Integer(e ? static_cast<int64_t>(Size(e->obj())) : 0);
}

// Removes `count` (< size) random members, replying them as a set.
void* PopSome(void* obj, size_t count, ReplyBuilder& rb) {
  size_t size = Size(obj);
  size_t remaining = size - count;
  uint64_t* rng = set_obj::Rng();
  rb.Set(count);
  if (remaining * kSpopMoveStrategyMul > count) {
    for (size_t i = 0; i < count; ++i) {
      std::string m = set_obj::RandomMember(obj, rng);
      rb.Bulk(m);
      bool r;
      obj = set_obj::Remove(obj, m, &r);
    }
    return obj;
  }
  // Few survivors: pick them into a new set, reply every other member,
  // and the survivors become the set.
  void* keep = set_obj::CreateIntset();
  while (Size(keep) < remaining) {
    bool a;
    keep = set_obj::Add(keep, set_obj::RandomMember(obj, rng), &a);
  }
  set_obj::ForEach(obj, [&](std::string_view m) {
    if (!set_obj::Contains(keep, m)) rb.Bulk(m);
  });
  set_obj::Free(obj);
  return keep;
}

void CmdSPop(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  if (cx.argc() > 3) return cx.rb().Error(kErrSyntax);
  int64_t count = 1;
  bool with_count = cx.argc() == 3;
  if (with_count) {
    if (!ParseInt64(cx.arg(2), &count)) return cx.rb().Error(kErrMustBePositive);
    if (count < 0) return cx.rb().Error(kErrMustBePositive);
  }
  Db& db = cx.DbFor(key);
  bool wrong;
  Entry* e = set_obj::Find(db, key, false, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  if (!e) return with_count ? cx.rb().Set(0) : cx.rb().Null();
  void* obj = e->obj();
  size_t before = set_obj::Bytes(obj);
  if (!with_count) {
    std::string m = set_obj::RandomMember(obj, set_obj::Rng());
    bool r;
    obj = set_obj::Remove(obj, m, &r);
    set_obj::Commit(db, key, e, obj, before);
    return cx.rb().Bulk(m);
  }
  if (count == 0) return cx.rb().Set(0);
  if (static_cast<size_t>(count) >= Size(obj)) {
    set_obj::ReplyMembers(cx.rb(), obj);
    db.Delete(key);
    return;
  }
  obj = PopSome(obj, static_cast<size_t>(count), cx.rb());
  set_obj::Commit(db, key, e, obj, before);
}

// SRANDMEMBER key count, count > 0 and < size: distinct members.
void ReplyDistinct(void* obj, size_t count, ReplyBuilder& rb) {
  uint64_t* rng = set_obj::Rng();
  rb.Array(count);
  if (count * kSrandmemberSubStrategyMul > Size(obj)) {
    // Close to the size: copy, then drop random members down to count.
    void* copy = set_obj::Clone(obj);
    while (Size(copy) > count) {
      bool r;
      copy = set_obj::Remove(copy, set_obj::RandomMember(copy, rng), &r);
    }
    set_obj::ForEach(copy, [&](std::string_view m) { rb.Bulk(m); });
    set_obj::Free(copy);
    return;
  }
  StrMap seen(false);
  while (seen.size() < count) {
    std::string m = set_obj::RandomMember(obj, rng);
    if (seen.Add(m)) rb.Bulk(m);
  }
}

void CmdSRandMember(CmdContext& cx) {
  if (cx.argc() > 3) return cx.rb().Error(kErrSyntax);
  bool wrong;
  int64_t count = 0;
  bool with_count = cx.argc() == 3;
  if (with_count && (!ParseInt64(cx.arg(2), &count) || count == INT64_MIN)) {
    return cx.rb().Error(with_count && ParseInt64(cx.arg(2), &count) ? kErrCountRange : kErrNotInteger);
  }
  Entry* e = set_obj::Find(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  if (!e) return with_count ? cx.rb().Array(0) : cx.rb().Null();
  void* obj = e->obj();
  uint64_t* rng = set_obj::Rng();
  if (!with_count) return cx.rb().Bulk(set_obj::RandomMember(obj, rng));
  if (count < 0) {
    // Repetitions allowed: O(|count|).
    uint64_t n = static_cast<uint64_t>(-count);
    cx.rb().Array(n);
    for (uint64_t i = 0; i < n; ++i) cx.rb().Bulk(set_obj::RandomMember(obj, rng));
    return;
  }
  if (count == 0) return cx.rb().Array(0);
  if (static_cast<size_t>(count) >= Size(obj)) {
    cx.rb().Array(Size(obj));
    set_obj::ForEach(obj, [&](std::string_view m) { cx.rb().Bulk(m); });
    return;
  }
  ReplyDistinct(obj, static_cast<size_t>(count), cx.rb());
}

void CmdSMove(CmdContext& cx) {
  std::string_view src = cx.arg(1), dst = cx.arg(2), m = cx.arg(3);
  Db& sdb = cx.DbFor(src);
  Db& ddb = cx.DbFor(dst);
  // Redis's order: a missing source wins over a wrong-typed destination.
  bool swrong, dwrong;
  Entry* se = set_obj::Find(sdb, src, false, &swrong);
  Entry* de = set_obj::Find(ddb, dst, false, &dwrong);
  if (!se && !swrong) return cx.rb().Integer(0);
  if (swrong || dwrong) return cx.rb().Error(kErrWrongType);
  if (src == dst) return cx.rb().Integer(set_obj::Contains(se->obj(), m) ? 1 : 0);
  void* sobj = se->obj();
  size_t before = set_obj::Bytes(sobj);
  bool removed;
  sobj = set_obj::Remove(sobj, m, &removed);
  if (!removed) return cx.rb().Integer(0);
  set_obj::Commit(sdb, src, se, sobj, before);
  bool added;
  if (de) {
    void* dobj = de->obj();
    size_t dbefore = set_obj::Bytes(dobj);
    dobj = set_obj::Add(dobj, m, &added);
    set_obj::Commit(ddb, dst, de, dobj, dbefore);
  } else {
    void* dobj = set_obj::Add(set_obj::Create(m, 1), m, &added);
    ddb.Insert(EntryAlloc::NewObject(dst, ObjType::kSet, dobj, 0, ddb.slice().bytes_counter()));
    ddb.slice().AdjustBytes(static_cast<int64_t>(set_obj::Bytes(dobj)));  // NewObject charges the entry only
  }
  cx.rb().Integer(1);
}

void CmdSScan(CmdContext& cx) {
  scan_args::Args a;
  a.cursor = 0;
  // Redis parses the cursor argument at index 2 before the key lookup.
  if (!scan_args::ParseCursor(cx, &a)) return;
  bool wrong;
  Entry* e = set_obj::Find(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrong);
  if (wrong) return cx.rb().Error(kErrWrongType);
  if (!e) {
    cx.rb().Array(2);
    cx.rb().Bulk("0");
    return cx.rb().Array(0);
  }
  if (!scan_args::ParseOptions(cx, &a)) return;
  void* obj = e->obj();
  std::vector<std::string> out;
  uint64_t cursor = 0;
  if (set_obj::EncOf(obj) != set_obj::Enc::kHashtable) {
    set_obj::ForEach(obj, [&](std::string_view m) {
      if (a.Match(m)) out.emplace_back(m);
    });
  } else {
    const StrMap* map = set_obj::Map(obj);
    cursor = a.cursor;
    int64_t buckets = std::min<int64_t>(a.count, int64_t{1} << 40) * scan_args::kBucketsPerElement;
    size_t visited = 0;
    do {
      cursor = map->Scan(cursor, [&](const StrMap::Node* n) {
        ++visited;
        std::string_view m = StrMap::Key(n);
        if (a.Match(m)) out.emplace_back(m);
      });
    } while (cursor != 0 && --buckets > 0 && visited < static_cast<size_t>(a.count));
  }
  cx.rb().Array(2);
  cx.rb().Bulk(std::to_string(cursor));
  cx.rb().BulkArray(out);
}

}  // namespace

void RegisterSetFamily(CommandRegistry& reg) {
  RegisterObjectOps(ObjType::kSet, ObjectOps{set_obj::Free, set_obj::Bytes, set_obj::Clone,
                                             set_obj::Encoding, set_obj::Dump, set_obj::Restore,
                                             set_obj::Length});
  const char* cat = "set";
  reg.Add({"sadd", -3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdSAdd, cat, member_codec::AllFrom2});
  reg.Add({"srem", -3, kWrite | kFast, {1, 1, 1}, CmdSRem, cat, member_codec::AllFrom2});
  reg.Add({"smembers", 2, kReadOnly, {1, 1, 1}, CmdSMembers, cat});
  reg.Add({"sismember", 3, kReadOnly | kFast, {1, 1, 1}, CmdSIsMember, cat});
  reg.Add({"smismember", -3, kReadOnly | kFast, {1, 1, 1}, CmdSMIsMember, cat});
  reg.Add({"scard", 2, kReadOnly | kFast, {1, 1, 1}, CmdSCard, cat});
  reg.Add({"spop", -2, kWrite | kFast, {1, 1, 1}, CmdSPop, cat});
  reg.Add({"srandmember", -2, kReadOnly, {1, 1, 1}, CmdSRandMember, cat});
  reg.Add({"smove", 4, kWrite | kFast, {1, 2, 1}, CmdSMove, cat});
  reg.Add({"sscan", -3, kReadOnly, {1, 1, 1}, CmdSScan, cat});
  RegisterSetAlgebraCommands(reg);
}

}  // namespace yotta
