// YottaStore. Licensed under the Apache License 2.0.
// JSON commands on arrays and objects: ARRAPPEND ARRINDEX ARRINSERT ARRLEN
// ARRPOP ARRTRIM OBJKEYS OBJLEN.
#include <algorithm>
#include <optional>

#include "base/str_util.h"
#include "commands/json_common.h"
#include "core/json/json_write.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta::json_cmd {
namespace {

using json::Match;

std::string ErrNotArray(std::string_view p) {
  return "ERR Path '" + std::string(p) + "' does not exist or not an array";
}

void ReplyOptInts(ReplyBuilder& rb, const std::vector<std::optional<int64_t>>& v) {
  rb.Array(v.size());
  for (const auto& x : v) x ? rb.Integer(*x) : rb.Null();
}

bool ParseIndex(CmdContext& cx, std::string_view s, int64_t* v) {
  if (ParseInt64(s, v)) return true;
  cx.rb().Error(kErrNotInt);
  return false;
}

Doc* OpenForWrite(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), true, &e);
  if (f == Found::kReplied) return nullptr;
  if (f == Found::kMissing) {
    cx.rb().Error(kErrNoKey);
    return nullptr;
  }
  return DocOf(e);
}

// Replies per array match: legacy = the last one's length (error if none),
// $ = one entry per match.
void ReplyLengths(CmdContext& cx, const Path& path, std::string_view text,
                  const std::vector<std::optional<int64_t>>& out) {
  if (!path.legacy()) return ReplyOptInts(cx.rb(), out);
  for (auto it = out.rbegin(); it != out.rend(); ++it) {
    if (*it) return cx.rb().Integer(**it);
  }
  cx.rb().Error(ErrNotArray(text));
}

// ARRAPPEND (index empty: at the end) and ARRINSERT: copies of `vals` into
// every array the path (argument 2) matches. Every target is checked first,
// so an error changes nothing. The legacy "not an array" error names the
// path as typed (ARRAPPEND) or normalised (ARRINSERT, legacy_err_fixed_path).
void InsertIntoArrays(CmdContext& cx, const std::vector<JsonValue>& vals, std::optional<int64_t> index,
                      bool legacy_err_fixed_path) {
  Doc* d = OpenForWrite(cx);
  if (!d) return;
  Path path;
  if (!ParsePath(cx, cx.arg(2), &path)) return;
  DocEdit ed(cx.DbFor(cx.arg(1)), d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  auto position = [&](const json::Array& a) {
    auto n = static_cast<int64_t>(a.size());
    return !index ? n : (*index < 0 ? n + *index : *index);
  };
  for (const Match& m : ms) {
    if (index) {  // ARRINSERT checks only the arrays it will grow
      if (!m.value->is_array()) continue;
      int64_t at = position(m.value->array());
      if (at < 0 || at > static_cast<int64_t>(m.value->array().size())) return cx.rb().Error(kErrIndexBounds);
    }
    for (const JsonValue& v : vals) {
      if (TooDeep(cx, m.loc.size() + 1, v)) return;
    }
  }
  std::vector<std::optional<int64_t>> out(ms.size());
  int64_t delta = 0, added = 0;
  for (const JsonValue& v : vals) added += static_cast<int64_t>(v.MemUsage());
  // Last match first: a match may be an element of an earlier one, which
  // growing that array would move (pre-order: descendants come later).
  for (size_t i = ms.size(); i-- > 0;) {
    Match& m = ms[i];
    if (!m.value->is_array()) continue;
    json::Array& a = m.value->array();
    int64_t at = position(a);
    std::vector<JsonValue> copies;
    for (const JsonValue& v : vals) copies.push_back(v.Clone());
    delta -= ArraySlack(a);
    a.insert(a.begin() + at, std::make_move_iterator(copies.begin()), std::make_move_iterator(copies.end()));
    delta += ArraySlack(a) + added;
    out[i] = static_cast<int64_t>(a.size());
  }
  Charge(cx.DbFor(cx.arg(1)), d, delta);
  ReplyLengths(cx, path, legacy_err_fixed_path ? std::string_view(path.fixed()) : cx.arg(2), out);
}

void CmdArrAppend(CmdContext& cx) {
  std::vector<JsonValue> vals(cx.argc() - 3);
  for (size_t i = 3; i < cx.argc(); ++i) {
    if (!ParseValue(cx, cx.arg(i), &vals[i - 3])) return;
  }
  InsertIntoArrays(cx, vals, std::nullopt, false);
}

void CmdArrInsert(CmdContext& cx) {
  int64_t index;
  if (!ParseIndex(cx, cx.arg(3), &index)) return;
  std::vector<JsonValue> vals(cx.argc() - 4);
  for (size_t i = 4; i < cx.argc(); ++i) {
    if (!ParseValue(cx, cx.arg(i), &vals[i - 4])) return;
  }
  InsertIntoArrays(cx, vals, index, true);
}

// RedisJSON's ARRINDEX range: start clamps into the array, stop 0 (or
// absent) means the end, negative counts from the end; [start, stop).
int64_t IndexOf(const json::Array& a, const JsonValue& v, int64_t start, int64_t stop) {
  auto n = static_cast<int64_t>(a.size());
  if (n == 0) return -1;
  if (start < 0) start = std::max<int64_t>(0, n + start);
  if (stop == 0 || stop > n) stop = n;
  if (stop < 0) stop = std::max<int64_t>(0, n + stop);
  for (int64_t i = start; i < stop; ++i) {
    if (a[static_cast<size_t>(i)].Equals(v)) return i;
  }
  return -1;
}

void CmdArrIndex(CmdContext& cx) {
  if (cx.argc() > 6) return cx.rb().Error(ErrWrongArgs("json.arrindex"));
  int64_t start = 0, stop = 0;
  if (cx.argc() > 4 && !ParseIndex(cx, cx.arg(4), &start)) return;
  if (cx.argc() > 5 && !ParseIndex(cx, cx.arg(5), &stop)) return;
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), false, &e);
  if (f == Found::kReplied) return;
  JsonValue v;
  if (!ParseValueErr(cx, cx.arg(3), &v)) return;
  // A missing key names the path as written (json_arr_index).
  if (f == Found::kMissing) return cx.rb().Error(ErrNoPath(cx.arg(2)));
  Path path;
  if (!ParsePath(cx, cx.arg(2), &path)) return;
  std::vector<Match> ms = ReadEvaluate(DocOf(e), path);
  if (path.legacy()) {
    if (ms.empty()) return cx.rb().Error(ErrNoPath(path.fixed()));
    if (!ms[0].value->is_array()) return cx.rb().Error(ErrExpected("array", ms[0].value->TypeName()));
    return cx.rb().Integer(IndexOf(ms[0].value->array(), v, start, stop));
  }
  std::vector<std::optional<int64_t>> out;
  for (const Match& m : ms) {
    out.push_back(m.value->is_array() ? std::optional<int64_t>(IndexOf(m.value->array(), v, start, stop))
                                      : std::nullopt);
  }
  ReplyOptInts(cx.rb(), out);
}

void CmdArrLen(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), false, &e);
  if (f == Found::kReplied) return;
  Path path;
  if (!OptionalPath(cx, 2, &path)) return;
  if (f == Found::kMissing) return path.legacy() ? cx.rb().Null() : cx.rb().Error(kErrNoKey);
  std::vector<Match> ms = ReadEvaluate(DocOf(e), path);
  if (path.legacy()) {
    // json_arr_len names the path as written.
    std::string_view text = cx.argc() > 2 ? cx.arg(2) : ".";
    if (ms.empty()) return cx.rb().Error(ErrNoPath(text));
    if (!ms[0].value->is_array()) return cx.rb().Error(ErrNoPathOr(text, "not an array"));
    return cx.rb().Integer(static_cast<int64_t>(ms[0].value->array().size()));
  }
  std::vector<std::optional<int64_t>> out;
  for (const Match& m : ms) {
    out.push_back(m.value->is_array() ? std::optional<int64_t>(m.value->array().size()) : std::nullopt);
  }
  ReplyOptInts(cx.rb(), out);
}

void CmdArrPop(CmdContext& cx) {
  // No path: the last element of the root; an index that does not parse
  // counts as -1 (json_arr_pop: next_i64().unwrap_or(-1)).
  int64_t index = cx.argc() > 2 ? -1 : INT64_MAX;
  if (cx.argc() > 3 && !ParseInt64(cx.arg(3), &index)) index = -1;
  Doc* d = OpenForWrite(cx);
  if (!d) return;
  Path path;
  if (!OptionalPath(cx, 2, &path)) return;
  DocEdit ed(cx.DbFor(cx.arg(1)), d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  std::vector<std::optional<std::string>> out(ms.size());
  int64_t delta = 0;
  bool any_array = false;
  for (size_t i = ms.size(); i-- > 0;) {  // last first, as ARRAPPEND
    Match& m = ms[i];
    if (!m.value->is_array()) continue;
    any_array = true;
    json::Array& a = m.value->array();
    if (a.empty()) continue;
    auto n = static_cast<int64_t>(a.size());
    int64_t at = index < 0 ? std::max<int64_t>(0, n + index) : std::min(index, n - 1);
    out[i] = json::ToString(a[static_cast<size_t>(at)]);
    delta -= ArraySlack(a) + static_cast<int64_t>(a[static_cast<size_t>(at)].MemUsage());
    a.erase(a.begin() + at);
    delta += ArraySlack(a);
  }
  Charge(cx.DbFor(cx.arg(1)), d, delta);
  if (path.legacy()) {
    if (!any_array) return cx.rb().Error(ErrNotArray(path.fixed()));
    for (auto it = out.rbegin(); it != out.rend(); ++it) {
      if (*it) return cx.rb().Bulk(**it);
    }
    return cx.rb().Null();
  }
  cx.rb().Array(out.size());
  for (const auto& x : out) x ? cx.rb().Bulk(*x) : cx.rb().Null();
}

void CmdArrTrim(CmdContext& cx) {
  int64_t start, stop;
  if (!ParseIndex(cx, cx.arg(3), &start) || !ParseIndex(cx, cx.arg(4), &stop)) return;
  Doc* d = OpenForWrite(cx);
  if (!d) return;
  Path path;
  if (!ParsePath(cx, cx.arg(2), &path)) return;
  DocEdit ed(cx.DbFor(cx.arg(1)), d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  std::vector<std::optional<int64_t>> out(ms.size());
  int64_t delta = 0;
  for (size_t k = ms.size(); k-- > 0;) {  // last first, as ARRAPPEND
    Match& m = ms[k];
    if (!m.value->is_array()) continue;
    json::Array& a = m.value->array();
    auto n = static_cast<int64_t>(a.size());
    int64_t s = start < 0 ? std::max<int64_t>(0, n + start) : start;
    int64_t e = stop < 0 ? n + stop : std::min(stop, n - 1);
    if (n == 0 || s >= n || s > e) s = 0, e = -1;  // keep nothing
    delta -= ArraySlack(a);
    for (int64_t i = 0; i < n; ++i) {
      if (i < s || i > e) delta -= static_cast<int64_t>(a[static_cast<size_t>(i)].MemUsage());
    }
    a.erase(a.begin() + e + 1, a.end());
    a.erase(a.begin(), a.begin() + s);
    delta += ArraySlack(a);
    out[k] = static_cast<int64_t>(a.size());
  }
  Charge(cx.DbFor(cx.arg(1)), d, delta);
  ReplyLengths(cx, path, path.fixed(), out);
}

void ObjCommand(CmdContext& cx, bool keys) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), false, &e);
  if (f == Found::kReplied) return;
  Path path;
  if (!OptionalPath(cx, 2, &path)) return;
  if (f == Found::kMissing) {
    if (path.legacy()) return cx.rb().Null();
    return cx.rb().Error(keys ? std::string(kErrNoKey) : ErrNoPathOr(path.fixed(), "not an object"));
  }
  std::vector<Match> ms = ReadEvaluate(DocOf(e), path);
  auto reply_one = [&](const JsonValue& v) {
    if (!keys) return cx.rb().Integer(static_cast<int64_t>(v.object().size()));
    cx.rb().Array(v.object().size());
    for (const json::Member& m : v.object()) cx.rb().Bulk(m.key.str());
  };
  if (path.legacy()) {
    if (ms.empty()) return cx.rb().Null();
    if (!ms[0].value->is_object()) {
      return cx.rb().Error(keys ? ErrNoPathOr(path.fixed(), "not an object")
                                : ErrExpected("object", ms[0].value->TypeName()));
    }
    return reply_one(*ms[0].value);
  }
  cx.rb().Array(ms.size());
  for (const Match& m : ms) m.value->is_object() ? reply_one(*m.value) : cx.rb().Null();
}

void CmdObjKeys(CmdContext& cx) { ObjCommand(cx, true); }
void CmdObjLen(CmdContext& cx) { ObjCommand(cx, false); }

}  // namespace

void RegisterJsonArrayCommands(CommandRegistry& reg) {
  const std::string cat = "json";
  reg.Add({"json.arrappend", -4, kWrite | kDenyOom, {1, 1, 1}, CmdArrAppend, cat});
  reg.Add({"json.arrindex", -4, kReadOnly, {1, 1, 1}, CmdArrIndex, cat});
  reg.Add({"json.arrinsert", -5, kWrite | kDenyOom, {1, 1, 1}, CmdArrInsert, cat});
  reg.Add({"json.arrlen", -2, kReadOnly, {1, 1, 1}, CmdArrLen, cat});
  reg.Add({"json.arrpop", -2, kWrite, {1, 1, 1}, CmdArrPop, cat});
  reg.Add({"json.arrtrim", 5, kWrite, {1, 1, 1}, CmdArrTrim, cat});
  reg.Add({"json.objkeys", -2, kReadOnly, {1, 1, 1}, CmdObjKeys, cat});
  reg.Add({"json.objlen", -2, kReadOnly, {1, 1, 1}, CmdObjLen, cat});
}

}  // namespace yotta::json_cmd
