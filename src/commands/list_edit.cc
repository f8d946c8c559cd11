// YottaStore. Licensed under the Apache License 2.0.
// List commands that search or move: LREM LTRIM LPOS, LMOVE RPOPLPUSH
// (atomic across shards: the dispatcher holds both keys' shards) and LMPOP,
// with the move and multi-pop bodies the blocking forms reuse.
#include <algorithm>
#include <climits>
#include <string>

#include "base/str_util.h"
#include "commands/list_family.h"
#include "server/errors.h"

namespace yotta {

namespace list {

bool Move(CmdContext& cx, std::string_view src, std::string_view dst, bool from_left, bool to_left,
          bool reply_missing) {
  Db& sdb = cx.DbFor(src);
  bool wrongtype;
  Entry* se = Find(cx, sdb, src, false, &wrongtype);
  if (wrongtype) return true;
  if (!se) {
    if (reply_missing) cx.rb().Null();
    return false;
  }
  Db& ddb = cx.DbFor(dst);
  Entry* de = Find(cx, ddb, dst, false, &wrongtype);
  if (wrongtype) return true;
  QuickList* sq = Of(se);
  QuickList* dq = de ? Of(de) : nullptr;  // the same list when src == dst
  std::string value(from_left ? sq->Front() : sq->Back());
  size_t sbefore = sq->bytes();
  sq->Pop(from_left);
  if (!dq) dq = Create(ddb, dst);
  size_t dbefore = dq == sq ? sbefore : dq->bytes();
  dq->GrowCheck(Fill(), value.size(), 1);
  dq->Push(to_left, value);
  if (dq != sq) FinishEdit(ddb, dst, dq, dbefore, false);
  FinishEdit(sdb, src, sq, sbefore, true);
  cx.rb().Bulk(value);
  return true;
}

bool ParseMpop(CmdContext& cx, size_t numkeys_at, MpopArgs* a) {
  constexpr std::string_view kErrNumKeys = "ERR numkeys should be greater than 0";
  int64_t numkeys;
  if (!ParseInt64(cx.arg(numkeys_at), &numkeys) || numkeys < 1) {
    cx.rb().Error(kErrNumKeys);
    return false;
  }
  size_t where_at = numkeys_at + 1;
  if (static_cast<uint64_t>(numkeys) >= cx.argc() - where_at) {
    cx.rb().Error(kErrSyntax);
    return false;
  }
  where_at += static_cast<size_t>(numkeys);
  if (!ParseWhere(cx, cx.arg(where_at), &a->left)) return false;
  bool has_count = false;
  for (size_t i = where_at + 1; i < cx.argc(); ++i) {
    if (!has_count && EqualsIgnoreCase(cx.arg(i), "COUNT") && i + 1 < cx.argc()) {
      if (!ParseInt64(cx.arg(++i), &a->count) || a->count < 1) {
        cx.rb().Error("ERR count should be greater than 0");
        return false;
      }
      has_count = true;
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  a->keys.assign(cx.args().begin() + numkeys_at + 1, cx.args().begin() + where_at);
  return true;
}

bool MpopFirst(CmdContext& cx, const MpopArgs& a) {
  for (std::string_view key : a.keys) {
    Db& db = cx.DbFor(key);
    bool wrongtype;
    Entry* e = Find(cx, db, key, false, &wrongtype);
    if (wrongtype) return true;
    if (!e) continue;
    cx.rb().Array(2);
    cx.rb().Bulk(key);
    PopRangeReply(cx, db, key, Of(e), a.left, a.count);
    return true;
  }
  return false;
}

}  // namespace list

namespace {

using list::FinishEdit;

// LREM key count element: removes up to |count| matches from the head
// (count > 0), the tail (count < 0) or all of them (0).
void CmdLRem(CmdContext& cx) {
  int64_t count;
  if (!ParseInt64(cx.arg(2), &count)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  std::string_view key = cx.arg(1), value = cx.arg(3);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = list::Find(cx, db, key, false, &wrongtype);
  if (wrongtype) return;
  if (!e) {
    cx.rb().Integer(0);
    return;
  }
  QuickList* ql = list::Of(e);
  bool forward = count >= 0;
  uint64_t limit = count == 0 ? UINT64_MAX : (count < 0 ? 0 - static_cast<uint64_t>(count) : count);
  size_t before = ql->bytes();
  uint64_t removed = 0;
  auto it = forward ? ql->Begin() : ql->Last();
  while (it.valid() && removed < limit) {
    if (QuickList::Get(it) == value) {
      it = ql->Erase(it, forward);
      ++removed;
    } else {
      forward ? ql->Next(&it) : ql->Prev(&it);
    }
  }
  FinishEdit(db, key, ql, before, removed > 0);
  cx.rb().Integer(static_cast<int64_t>(removed));
}

// LTRIM key start stop: keeps [start, stop]; an empty range deletes the key.
void CmdLTrim(CmdContext& cx) {
  int64_t start, end;
  if (!ParseInt64(cx.arg(2), &start) || !ParseInt64(cx.arg(3), &end)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = list::Find(cx, db, key, false, &wrongtype);
  if (wrongtype) return;
  if (!e) {
    cx.rb().Ok();
    return;
  }
  QuickList* ql = list::Of(e);
  int64_t len = static_cast<int64_t>(ql->size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  int64_t ltrim = len, rtrim = 0;
  if (start <= end && start < len) {
    end = std::min(end, len - 1);
    ltrim = start;
    rtrim = len - end - 1;
  }
  size_t before = ql->bytes();
  ql->DeleteRange(0, ltrim);
  ql->DeleteRange(-rtrim, rtrim);
  FinishEdit(db, key, ql, before, true);
  cx.rb().Ok();
}

struct LposOpts {
  int64_t rank = 1;
  int64_t count = -1;  // -1: no COUNT option (reply a single index)
  int64_t maxlen = 0;  // 0: scan everything
};

// RANK, COUNT and MAXLEN with Redis 7.2's checks and texts.
bool ParseLposOpts(CmdContext& cx, LposOpts* o) {
  for (size_t i = 3; i < cx.argc(); ++i) {
    std::string_view opt = cx.arg(i);
    bool more = i + 1 < cx.argc();
    if (EqualsIgnoreCase(opt, "RANK") && more) {
      if (!ParseInt64(cx.arg(++i), &o->rank)) {
        cx.rb().Error(kErrNotInteger);
        return false;
      }
      if (o->rank == INT64_MIN) {  // -rank would overflow
        cx.rb().Error(
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
        return false;
      }
      if (o->rank == 0) {
        cx.rb().Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "COUNT") && more) {
      if (!ParseInt64(cx.arg(++i), &o->count) || o->count < 0) {
        cx.rb().Error("ERR COUNT can't be negative");
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "MAXLEN") && more) {
      if (!ParseInt64(cx.arg(++i), &o->maxlen) || o->maxlen < 0) {
        cx.rb().Error("ERR MAXLEN can't be negative");
        return false;
      }
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// LPOS key element [RANK r] [COUNT n] [MAXLEN m]: indexes of matches, as
// LINDEX numbers them, scanning from the tail for a negative rank.
void CmdLPos(CmdContext& cx) {
  LposOpts o;
  if (!ParseLposOpts(cx, &o)) return;
  bool forward = o.rank > 0;
  int64_t rank = forward ? o.rank : -o.rank;
  bool wrongtype;
  Entry* e = list::Find(cx, cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!e) {
    o.count != -1 ? cx.rb().Array(0) : cx.rb().Null();
    return;
  }
  QuickList* ql = list::Of(e);
  int64_t len = static_cast<int64_t>(ql->size());
  std::vector<int64_t> found;
  int64_t matches = 0;
  auto it = forward ? ql->Begin() : ql->Last();
  for (int64_t i = 0; it.valid() && (o.maxlen == 0 || i < o.maxlen); ++i) {
    if (QuickList::Get(it) == cx.arg(2) && ++matches >= rank) {
      found.push_back(forward ? i : len - i - 1);
      if (o.count == -1 || (o.count > 0 && static_cast<int64_t>(found.size()) >= o.count)) break;
    }
    forward ? ql->Next(&it) : ql->Prev(&it);
  }
  if (o.count != -1) {
    cx.rb().Array(found.size());
    for (int64_t i : found) cx.rb().Integer(i);
  } else if (found.empty()) {
    cx.rb().Null();
  } else {
    cx.rb().Integer(found[0]);
  }
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT.
void CmdLMove(CmdContext& cx) {
  bool from_left, to_left;
  if (!list::ParseWhere(cx, cx.arg(3), &from_left) || !list::ParseWhere(cx, cx.arg(4), &to_left)) {
    return;
  }
  list::Move(cx, cx.arg(1), cx.arg(2), from_left, to_left, true);
}

void CmdRPopLPush(CmdContext& cx) { list::Move(cx, cx.arg(1), cx.arg(2), false, true, true); }

// LMPOP numkeys key... LEFT|RIGHT [COUNT n]: [key, [elements]] from the
// first non-empty list, else a nil array.
void CmdLMPop(CmdContext& cx) {
  list::MpopArgs a;
  if (!list::ParseMpop(cx, 1, &a)) return;
  if (!list::MpopFirst(cx, a)) cx.rb().NullArray();
}

}  // namespace

namespace list {

void RegisterEditCommands(CommandRegistry& reg) {
  const char* cat = "list";
  reg.Add({"lrem", 4, kWrite, {1, 1, 1}, CmdLRem, cat});
  reg.Add({"ltrim", 4, kWrite, {1, 1, 1}, CmdLTrim, cat});
  reg.Add({"lpos", -3, kReadOnly, {1, 1, 1}, CmdLPos, cat});
  reg.Add({"lmove", 5, kWrite | kDenyOom, {1, 2, 1}, CmdLMove, cat});
  reg.Add({"rpoplpush", 3, kWrite | kDenyOom, {1, 2, 1}, CmdRPopLPush, cat});
  reg.Add({"lmpop", -4, kWrite, KeySpec::NumKeysAt(1), CmdLMPop, cat});
}

}  // namespace list
}  // namespace yotta
