// YottaStore. Licensed under the Apache License 2.0.
// String commands that work on byte ranges of a value: APPEND, STRLEN,
// GETRANGE/SUBSTR, SETRANGE, and LCS (longest common subsequence of two keys).
// APPEND and SETRANGE grow the inline value geometrically, so building a
// string by repeated appends costs amortized O(1) per byte.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/errors.h"

namespace yotta {
namespace {

constexpr std::string_view kErrLcsNotString = "ERR The specified keys must contain string values";
constexpr std::string_view kErrLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kErrLcsTooLong = "ERR String too long for LCS";
constexpr std::string_view kErrLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

// Finds a live string entry's slot, touching its access info as Find does;
// nullptr if absent. Replies WRONGTYPE and sets *wrongtype if the key holds
// another type.
Entry** FindStringLink(CmdContext& cx, Db& db, std::string_view key, bool* wrongtype) {
  Entry** link = db.Find(key) ? db.FindLink(key) : nullptr;
  *wrongtype = link && (*link)->type() != ObjType::kString;
  if (*wrongtype) {
    cx.rb().Error(kErrWrongType);
    return nullptr;
  }
  return link;
}

// Redis's checkStringLength: a string may not grow past proto-max-bulk-len
// (nor past what the Entry's 32-bit length holds). Replies on failure.
[[nodiscard]] bool CheckStringLength(CmdContext& cx, uint64_t size, uint64_t append) {
  uint64_t limit =
      static_cast<uint64_t>(Config::Get().proto_max_bulk_len.load(std::memory_order_relaxed));
  limit = std::min<uint64_t>(limit, UINT32_MAX);
  if (size > limit || append > limit - size) {
    cx.rb().Error(kErrStringTooLong);
    return false;
  }
  return true;
}

// APPEND key value: creates the key when missing; replies the new length.
void CmdAppend(CmdContext& cx) {
  std::string_view key = cx.arg(1), val = cx.arg(2);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry** link = FindStringLink(cx, db, key, &wrongtype);
  if (wrongtype) return;
  if (!link) {
    db.SetString(key, val, 0, false);
    cx.rb().Integer(static_cast<int64_t>(val.size()));
    return;
  }
  size_t old_len = (*link)->val_len();
  if (!CheckStringLength(cx, old_len, val.size())) return;
  size_t total = old_len + val.size();
  Entry* e = db.GrowString(link, total);
  if (!val.empty()) std::memcpy(e->mutable_str() + old_len, val.data(), val.size());
  e->set_val_len(static_cast<uint32_t>(total));
  cx.rb().Integer(static_cast<int64_t>(total));
}

void CmdStrlen(CmdContext& cx) {
  Entry* e = cx.DbFor(cx.arg(1)).FindRead(cx.arg(1));
  if (e && e->type() != ObjType::kString) {
    cx.rb().Error(kErrWrongType);
  } else {
    cx.rb().Integer(e ? e->val_len() : 0);
  }
}

// GETRANGE key start end (and SUBSTR): inclusive, negative indexes count
// from the end; out-of-range ends are clamped; a missing key is "".
void CmdGetRange(CmdContext& cx) {
  int64_t start, end;
  if (!ParseInt64(cx.arg(2), &start) || !ParseInt64(cx.arg(3), &end)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  Entry* e = cx.DbFor(cx.arg(1)).FindRead(cx.arg(1));
  if (e && e->type() != ObjType::kString) {
    cx.rb().Error(kErrWrongType);
    return;
  }
  std::string_view s = e ? e->str() : std::string_view();
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) {
    cx.rb().Bulk("");
    return;
  }
  if (start < 0) start = std::max<int64_t>(0, len + start);
  if (end < 0) end = std::max<int64_t>(0, len + end);
  end = std::min(end, len - 1);
  if (len == 0 || start > end) {
    cx.rb().Bulk("");
  } else {
    cx.rb().Bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
  }
}

// SETRANGE key offset value: overwrites from `offset`, zero-padding a gap
// past the end. An empty value changes nothing (not even creating the key)
// and replies the current length.
void CmdSetRange(CmdContext& cx) {
  std::string_view key = cx.arg(1), val = cx.arg(3);
  int64_t offset;
  if (!ParseInt64(cx.arg(2), &offset)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  if (offset < 0) {
    cx.rb().Error(kErrOffsetOutOfRange);
    return;
  }
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry** link = FindStringLink(cx, db, key, &wrongtype);
  if (wrongtype) return;
  size_t old_len = link ? (*link)->val_len() : 0;
  if (val.empty()) {
    cx.rb().Integer(static_cast<int64_t>(old_len));
    return;
  }
  if (!CheckStringLength(cx, static_cast<uint64_t>(offset), val.size())) return;
  size_t off = static_cast<size_t>(offset);
  size_t new_len = std::max(old_len, off + val.size());
  Entry* e;
  if (link) {
    e = db.GrowString(link, new_len);
  } else {
    e = EntryAlloc::NewString(key, "", 0, db.slice().bytes_counter(), new_len);
    db.Insert(e);
  }
  if (off > old_len) std::memset(e->mutable_str() + old_len, 0, off - old_len);
  std::memcpy(e->mutable_str() + off, val.data(), val.size());
  e->set_val_len(static_cast<uint32_t>(new_len));
  cx.rb().Integer(static_cast<int64_t>(new_len));
}

// ---------------------------------------------------------------------------
// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]

struct LcsMatch {
  uint32_t a_start, a_end, b_start, b_end;
};

// The dynamic-programming table of LCS lengths of every pair of prefixes,
// (alen+1) x (blen+1), as Redis builds it (so backtracking ties resolve the
// same way and IDX replies are identical).
class LcsTable {
 public:
  LcsTable(std::string_view a, std::string_view b) : a_(a), b_(b), cols_(b.size() + 1) {}
  // False if the table cannot be allocated.
  [[nodiscard]] bool Build() {
    uint64_t cells = static_cast<uint64_t>(a_.size() + 1) * cols_;
    if (cells > SIZE_MAX / sizeof(uint32_t)) return false;
    t_.reset(static_cast<uint32_t*>(std::malloc(cells * sizeof(uint32_t))));
    if (!t_) return false;
    for (size_t i = 0; i <= a_.size(); ++i) {
      for (size_t j = 0; j <= b_.size(); ++j) {
        if (i == 0 || j == 0) {
          At(i, j) = 0;
        } else if (a_[i - 1] == b_[j - 1]) {
          At(i, j) = At(i - 1, j - 1) + 1;
        } else {
          At(i, j) = std::max(At(i - 1, j), At(i, j - 1));
        }
      }
    }
    return true;
  }
  uint32_t At(size_t i, size_t j) const { return t_.get()[i * cols_ + j]; }
  uint32_t& At(size_t i, size_t j) { return t_.get()[i * cols_ + j]; }
  uint32_t Length() const { return At(a_.size(), b_.size()); }

  // Walks back from the end, filling the common subsequence and the
  // contiguous matching ranges (last ones first) of at least min_len bytes.
  void Backtrack(int64_t min_len, std::string* lcs, std::vector<LcsMatch>* matches) const {
    lcs->assign(Length(), '\0');
    size_t i = a_.size(), j = b_.size(), k = lcs->size();
    bool open = false;  // a range is being extended
    LcsMatch m{};
    auto close = [&] {
      if (static_cast<int64_t>(m.a_end - m.a_start + 1) >= min_len) matches->push_back(m);
      open = false;
    };
    while (i > 0 && j > 0) {
      if (a_[i - 1] == b_[j - 1]) {
        (*lcs)[--k] = a_[i - 1];
        if (!open) {
          m = {static_cast<uint32_t>(i - 1), static_cast<uint32_t>(i - 1),
               static_cast<uint32_t>(j - 1), static_cast<uint32_t>(j - 1)};
          open = true;
        } else {
          --m.a_start;  // the previous match was at (i, j): contiguous
          --m.b_start;
        }
        --i;
        --j;
        if (m.a_start == 0 || m.b_start == 0) close();
      } else {
        if (At(i - 1, j) > At(i, j - 1)) {
          --i;
        } else {
          --j;
        }
        if (open) close();
      }
    }
  }

 private:
  struct Free {
    void operator()(uint32_t* p) const { std::free(p); }
  };
  std::string_view a_, b_;
  size_t cols_;
  std::unique_ptr<uint32_t, Free> t_;
};

struct LcsOpts {
  bool len = false;
  bool idx = false;
  bool withmatchlen = false;
  int64_t minmatchlen = 0;
};

[[nodiscard]] bool ParseLcsOpts(CmdContext& cx, LcsOpts* o) {
  for (size_t i = 3; i < cx.argc(); ++i) {
    std::string_view a = cx.arg(i);
    if (EqualsIgnoreCase(a, "IDX")) {
      o->idx = true;
    } else if (EqualsIgnoreCase(a, "LEN")) {
      o->len = true;
    } else if (EqualsIgnoreCase(a, "WITHMATCHLEN")) {
      o->withmatchlen = true;
    } else if (EqualsIgnoreCase(a, "MINMATCHLEN") && i + 1 < cx.argc()) {
      if (!ParseInt64(cx.arg(++i), &o->minmatchlen)) {
        cx.rb().Error(kErrNotInteger);
        return false;
      }
      o->minmatchlen = std::max<int64_t>(o->minmatchlen, 0);
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  if (o->idx && o->len) {
    cx.rb().Error(kErrLcsLenAndIdx);
    return false;
  }
  return true;
}

void ReplyLcsIdx(CmdContext& cx, const LcsOpts& o, const std::vector<LcsMatch>& matches,
                 uint32_t len) {
  ReplyBuilder& rb = cx.rb();
  rb.Map(2);
  rb.Bulk("matches");
  rb.Array(matches.size());
  for (const LcsMatch& m : matches) {
    rb.Array(o.withmatchlen ? 3 : 2);
    rb.Array(2);
    rb.Integer(m.a_start);
    rb.Integer(m.a_end);
    rb.Array(2);
    rb.Integer(m.b_start);
    rb.Integer(m.b_end);
    if (o.withmatchlen) rb.Integer(m.a_end - m.a_start + 1);
  }
  rb.Bulk("len");
  rb.Integer(len);
}

// The keys may live on different shards; the dispatcher holds both. Types
// are checked before options, as in Redis. Missing keys count as "".
void CmdLcs(CmdContext& cx) {
  Entry* ea = cx.DbFor(cx.arg(1)).FindRead(cx.arg(1));
  Entry* eb = cx.DbFor(cx.arg(2)).FindRead(cx.arg(2));
  if ((ea && ea->type() != ObjType::kString) || (eb && eb->type() != ObjType::kString)) {
    cx.rb().Error(kErrLcsNotString);
    return;
  }
  LcsOpts o;
  if (!ParseLcsOpts(cx, &o)) return;
  std::string_view a = ea ? ea->str() : std::string_view(), b = eb ? eb->str() : std::string_view();
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    cx.rb().Error(kErrLcsTooLong);
    return;
  }
  LcsTable table(a, b);
  if (!table.Build()) {
    cx.rb().Error(kErrLcsNoMemory);
    return;
  }
  if (o.len) {
    cx.rb().Integer(table.Length());
    return;
  }
  std::string lcs;
  std::vector<LcsMatch> matches;
  table.Backtrack(o.minmatchlen, &lcs, &matches);
  if (o.idx) {
    ReplyLcsIdx(cx, o, matches, table.Length());
  } else {
    cx.rb().Bulk(lcs);
  }
}

}  // namespace

// Called by RegisterStringFamily (string_family.cc).
void RegisterStringRangeCommands(CommandRegistry& reg) {
  const char* cat = "string";
  reg.Add({"append", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdAppend, cat});
  reg.Add({"strlen", 2, kReadOnly | kFast, {1, 1, 1}, CmdStrlen, cat});
  reg.Add({"getrange", 4, kReadOnly, {1, 1, 1}, CmdGetRange, cat});
  reg.Add({"substr", 4, kReadOnly, {1, 1, 1}, CmdGetRange, cat});
  reg.Add({"setrange", 4, kWrite | kDenyOom, {1, 1, 1}, CmdSetRange, cat});
  reg.Add({"lcs", -3, kReadOnly, {1, 2, 1}, CmdLcs, cat});
}

}  // namespace yotta
