// YottaStore. Licensed under the Apache License 2.0.
// List commands: the QuickList type's hooks (core/quicklist.h), the shared
// helpers of list_family.h, pushes, pops, LLEN LRANGE LINDEX LSET LINSERT
// and the registration of the whole family. LREM LTRIM LPOS LMOVE LMPOP
// live in list_edit.cc, the blocking commands in list_blocking.cc.
#include "commands/list_family.h"

#include <algorithm>
#include <string>

#include "base/str_util.h"
#include "server/config.h"
#include "server/errors.h"

namespace yotta {

namespace list {

// list_edit.cc.
void RegisterEditCommands(CommandRegistry& reg);

int Fill() {
  return static_cast<int>(Config::Get().list_max_listpack_size.load(std::memory_order_relaxed));
}

Entry* Find(CmdContext& cx, Db& db, std::string_view key, bool read, bool* wrongtype) {
  Entry* e = read ? db.FindRead(key) : db.Find(key);
  *wrongtype = e && e->type() != ObjType::kList;
  if (*wrongtype) {
    cx.rb().Error(kErrWrongType);
    return nullptr;
  }
  return e;
}

QuickList* Create(Db& db, std::string_view key) {
  auto* ql = new QuickList();
  Entry* e = EntryAlloc::NewObject(key, ObjType::kList, ql, 0, db.slice().bytes_counter());
  db.slice().AdjustBytes(static_cast<int64_t>(ql->bytes()));
  db.Insert(e);
  return ql;
}

void FinishEdit(Db& db, std::string_view key, QuickList* ql, size_t before, bool shrinking) {
  if (shrinking && !ql->empty()) ql->ShrinkCheck(Fill());
  db.slice().AdjustBytes(static_cast<int64_t>(ql->bytes()) - static_cast<int64_t>(before));
  if (ql->empty()) db.Delete(key);
}

bool ParseWhere(CmdContext& cx, std::string_view arg, bool* left) {
  if (EqualsIgnoreCase(arg, "LEFT")) {
    *left = true;
  } else if (EqualsIgnoreCase(arg, "RIGHT")) {
    *left = false;
  } else {
    cx.rb().Error(kErrSyntax);
    return false;
  }
  return true;
}

void PopRangeReply(CmdContext& cx, Db& db, std::string_view key, QuickList* ql, bool left,
                   int64_t count) {
  int64_t n = std::min<int64_t>(count, static_cast<int64_t>(ql->size()));
  cx.rb().Array(static_cast<size_t>(n));
  auto it = left ? ql->Begin() : ql->Last();
  for (int64_t i = 0; i < n; ++i) {
    cx.rb().Bulk(QuickList::Get(it));
    left ? ql->Next(&it) : ql->Prev(&it);
  }
  size_t before = ql->bytes();
  ql->DeleteRange(left ? 0 : -n, n);
  FinishEdit(db, key, ql, before, true);
}

}  // namespace list

namespace {

using list::FinishEdit;

// ---------------------------------------------------------------------------
// The type's hooks.

void ListFree(void* obj) { delete static_cast<QuickList*>(obj); }
size_t ListBytes(const void* obj) { return static_cast<const QuickList*>(obj)->bytes(); }
void* ListClone(const void* obj) { return static_cast<const QuickList*>(obj)->Clone(); }
size_t ListLength(const void* obj) { return static_cast<const QuickList*>(obj)->size(); }
void ListDump(const void* obj, std::string* out) { static_cast<const QuickList*>(obj)->Serialize(out); }

std::string_view ListEncoding(const void* obj) {
  return static_cast<const QuickList*>(obj)->packed() ? "listpack" : "quicklist";
}

// As Redis loading a list: a listpack over today's limit becomes a
// quicklist, a single-node quicklist under it a listpack.
void* ListRestore(std::string_view payload) {
  QuickList* ql = QuickList::Parse(payload);
  if (!ql) return nullptr;
  ql->GrowCheck(list::Fill(), 0, 0);
  ql->ShrinkCheck(list::Fill(), /*shrinking=*/false);
  return ql;
}

// ---------------------------------------------------------------------------
// Pushes and pops.

// LPUSH/RPUSH/LPUSHX/RPUSHX key element...: the length after the push;
// the X forms push only onto an existing list (else 0).
void PushGeneric(CmdContext& cx, bool left, bool only_existing) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = list::Find(cx, db, key, false, &wrongtype);
  if (wrongtype) return;
  if (!e && only_existing) {
    cx.rb().Integer(0);
    return;
  }
  QuickList* ql = e ? list::Of(e) : list::Create(db, key);
  size_t before = ql->bytes();
  size_t add = 0;
  for (size_t i = 2; i < cx.argc(); ++i) add += cx.arg(i).size();
  ql->GrowCheck(list::Fill(), add, cx.argc() - 2);
  for (size_t i = 2; i < cx.argc(); ++i) ql->Push(left, cx.arg(i));
  int64_t len = static_cast<int64_t>(ql->size());
  FinishEdit(db, key, ql, before, false);
  cx.rb().Integer(len);
}

void CmdLPush(CmdContext& cx) { PushGeneric(cx, true, false); }
void CmdRPush(CmdContext& cx) { PushGeneric(cx, false, false); }
void CmdLPushX(CmdContext& cx) { PushGeneric(cx, true, true); }
void CmdRPushX(CmdContext& cx) { PushGeneric(cx, false, true); }

// LPOP/RPOP key [count]: one element as a bulk string, or with a count an
// array of up to count (nil array for a missing key). The count is checked
// before the key, as Redis does.
void PopGeneric(CmdContext& cx, bool left) {
  if (cx.argc() > 3) {
    cx.rb().Error(ErrWrongArgs(cx.spec().name));
    return;
  }
  bool has_count = cx.argc() == 3;
  int64_t count = 0;
  if (has_count && (!ParseInt64(cx.arg(2), &count) || count < 0)) {
    cx.rb().Error("ERR value is out of range, must be positive");
    return;
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = list::Find(cx, db, key, false, &wrongtype);
  if (wrongtype) return;
  if (!e) {
    has_count ? cx.rb().NullArray() : cx.rb().Null();
    return;
  }
  QuickList* ql = list::Of(e);
  if (has_count) {
    if (count == 0) {
      cx.rb().Array(0);
    } else {
      list::PopRangeReply(cx, db, key, ql, left, count);
    }
    return;
  }
  size_t before = ql->bytes();
  cx.rb().Bulk(left ? ql->Front() : ql->Back());
  ql->Pop(left);
  FinishEdit(db, key, ql, before, true);
}

void CmdLPop(CmdContext& cx) { PopGeneric(cx, true); }
void CmdRPop(CmdContext& cx) { PopGeneric(cx, false); }

// ---------------------------------------------------------------------------
// Reads by position.

void CmdLLen(CmdContext& cx) {
  bool wrongtype;
  Entry* e = list::Find(cx, cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrongtype);
  if (wrongtype) return;
  cx.rb().Integer(e ? static_cast<int64_t>(list::Of(e)->size()) : 0);
}

// Redis's range normalization (LRANGE, LTRIM): negative indexes count from
// the end; false if the range is empty, else [*start, *end] within the list.
bool NormalizeRange(int64_t len, int64_t* start, int64_t* end) {
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

void CmdLRange(CmdContext& cx) {
  int64_t start, end;
  if (!ParseInt64(cx.arg(2), &start) || !ParseInt64(cx.arg(3), &end)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  bool wrongtype;
  Entry* e = list::Find(cx, cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!e || !NormalizeRange(static_cast<int64_t>(list::Of(e)->size()), &start, &end)) {
    cx.rb().Array(0);
    return;
  }
  QuickList* ql = list::Of(e);
  cx.rb().Array(static_cast<size_t>(end - start + 1));
  auto it = ql->At(start);
  for (int64_t i = start; i <= end; ++i, ql->Next(&it)) cx.rb().Bulk(QuickList::Get(it));
}

// LINDEX key index: the key is looked up before the index is parsed.
void CmdLIndex(CmdContext& cx) {
  bool wrongtype;
  Entry* e = list::Find(cx, cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!e) {
    cx.rb().Null();
    return;
  }
  int64_t index;
  if (!ParseInt64(cx.arg(2), &index)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  auto it = list::Of(e)->At(index);
  it.valid() ? cx.rb().Bulk(QuickList::Get(it)) : cx.rb().Null();
}

// LSET key index element. As 7.2, the growing conversion is checked before
// the index, the shrinking one after the replacement.
void CmdLSet(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = list::Find(cx, db, key, false, &wrongtype);
  if (wrongtype) return;
  if (!e) {
    cx.rb().Error(kErrNoSuchKey);
    return;
  }
  int64_t index;
  if (!ParseInt64(cx.arg(2), &index)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  QuickList* ql = list::Of(e);
  size_t before = ql->bytes();
  ql->GrowCheck(list::Fill(), cx.arg(3).size(), 1);
  auto it = ql->At(index);
  if (!it.valid()) {
    cx.rb().Error("ERR index out of range");
    return;
  }
  ql->Replace(it, cx.arg(3));
  FinishEdit(db, key, ql, before, true);
  cx.rb().Ok();
}

// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the
// pivot, 0 without the key.
void CmdLInsert(CmdContext& cx) {
  bool after;
  if (EqualsIgnoreCase(cx.arg(2), "AFTER")) {
    after = true;
  } else if (EqualsIgnoreCase(cx.arg(2), "BEFORE")) {
    after = false;
  } else {
    cx.rb().Error(kErrSyntax);
    return;
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = list::Find(cx, db, key, false, &wrongtype);
  if (wrongtype) return;
  if (!e) {
    cx.rb().Integer(0);
    return;
  }
  QuickList* ql = list::Of(e);
  size_t before = ql->bytes();
  ql->GrowCheck(list::Fill(), cx.arg(4).size(), 1);
  auto it = ql->Begin();
  while (it.valid() && QuickList::Get(it) != cx.arg(3)) ql->Next(&it);
  if (it.valid()) ql->Insert(it, cx.arg(4), after);
  FinishEdit(db, key, ql, before, false);
  cx.rb().Integer(it.valid() ? static_cast<int64_t>(ql->size()) : -1);
}

}  // namespace

void RegisterListFamily(CommandRegistry& reg) {
  RegisterObjectOps(ObjType::kList, ObjectOps{ListFree, ListBytes, ListClone, ListEncoding,
                                              ListDump, ListRestore, ListLength});
  const char* cat = "list";
  reg.Add({"lpush", -3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdLPush, cat});
  reg.Add({"rpush", -3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdRPush, cat});
  reg.Add({"lpushx", -3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdLPushX, cat});
  reg.Add({"rpushx", -3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdRPushX, cat});
  reg.Add({"lpop", -2, kWrite | kFast, {1, 1, 1}, CmdLPop, cat});
  reg.Add({"rpop", -2, kWrite | kFast, {1, 1, 1}, CmdRPop, cat});
  reg.Add({"llen", 2, kReadOnly | kFast, {1, 1, 1}, CmdLLen, cat});
  reg.Add({"lrange", 4, kReadOnly, {1, 1, 1}, CmdLRange, cat});
  reg.Add({"lindex", 3, kReadOnly, {1, 1, 1}, CmdLIndex, cat});
  reg.Add({"lset", 4, kWrite | kDenyOom, {1, 1, 1}, CmdLSet, cat});
  reg.Add({"linsert", 5, kWrite | kDenyOom, {1, 1, 1}, CmdLInsert, cat});
  list::RegisterEditCommands(reg);
  list::RegisterBlockingCommands(reg);
}

}  // namespace yotta
