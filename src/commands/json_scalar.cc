// YottaStore. Licensed under the Apache License 2.0.
// JSON commands on scalars: STRLEN STRAPPEND NUMINCRBY NUMMULTBY TOGGLE
// CLEAR. Legacy paths reply one value (and errors); $ paths one entry per
// match, nil where the match has the wrong type.
#include <cmath>
#include <optional>

#include "base/str_util.h"
#include "commands/json_common.h"
#include "core/json/json_parse.h"
#include "core/json/json_write.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta::json_cmd {
namespace {

using json::Kind;
using json::Match;

// Opens a document for a writer: a missing key is an error.
Doc* OpenForWrite(CmdContext& cx, Entry** e) {
  Found f = Lookup(cx, cx.arg(1), true, e);
  if (f == Found::kReplied) return nullptr;
  if (f == Found::kMissing) {
    cx.rb().Error(kErrNoKey);
    return nullptr;
  }
  return DocOf(*e);
}

void ReplyOptInts(ReplyBuilder& rb, const std::vector<std::optional<int64_t>>& v) {
  rb.Array(v.size());
  for (const auto& x : v) x ? rb.Integer(*x) : rb.Null();
}

void CmdStrLen(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), false, &e);
  if (f == Found::kReplied) return;
  Path path;
  if (!OptionalPath(cx, 2, &path)) return;
  // A missing key: nil for a legacy path, an error for a $ path.
  if (f == Found::kMissing) return path.legacy() ? cx.rb().Null() : cx.rb().Error(kErrNoKey);
  std::vector<Match> ms = ReadEvaluate(DocOf(e), path);
  if (path.legacy()) {
    if (ms.empty()) return cx.rb().Error(ErrNoPath(path.fixed()));
    if (!ms[0].value->is_string()) return cx.rb().Error(ErrExpected("string", ms[0].value->TypeName()));
    return cx.rb().Integer(static_cast<int64_t>(ms[0].value->str().size()));
  }
  std::vector<std::optional<int64_t>> out;
  for (const Match& m : ms) {
    out.push_back(m.value->is_string() ? std::optional<int64_t>(m.value->str().size()) : std::nullopt);
  }
  ReplyOptInts(cx.rb(), out);
}

void CmdStrAppend(CmdContext& cx) {
  bool has_path = cx.argc() > 3;
  if (cx.argc() > 4) return cx.rb().Error(ErrWrongArgs("json.strappend"));
  Entry* e;
  Doc* d = OpenForWrite(cx, &e);
  if (!d) return;
  Path path;
  if (!ParsePath(cx, has_path ? cx.arg(2) : (cx.rb().resp() >= 3 ? "$" : "."), &path)) return;
  std::string_view text = cx.arg(has_path ? 3 : 2);
  DocEdit ed(cx.DbFor(cx.arg(1)), d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  bool any = false;
  for (const Match& m : ms) any |= m.value->is_string();
  if (path.legacy() && !any) return cx.rb().Error(ErrNoPathOr(path.fixed(), "not a string"));
  // The value is read only when there is a string to append to.
  JsonValue v;
  if (any) {
    if (!ParseValueErr(cx, text, &v)) return;
    if (!v.is_string()) return cx.rb().Error(ErrExpected("string", text));
  }
  std::vector<std::optional<int64_t>> out;
  std::optional<int64_t> last;
  int64_t delta = 0;
  for (Match& m : ms) {
    if (!m.value->is_string()) {
      out.push_back(std::nullopt);
      continue;
    }
    std::string s(m.value->str());
    s.append(v.str());
    delta -= static_cast<int64_t>(m.value->MemUsage());
    *m.value = JsonValue::String(s);
    delta += static_cast<int64_t>(m.value->MemUsage());
    out.push_back(static_cast<int64_t>(s.size()));
    last = static_cast<int64_t>(s.size());
  }
  Charge(cx.DbFor(cx.arg(1)), d, delta);
  if (path.legacy()) return cx.rb().Integer(*last);
  ReplyOptInts(cx.rb(), out);
}

// NUMINCRBY / NUMMULTBY: integers stay integers while the result fits in
// int64; otherwise the result is a double (RedisJSON's do_num_op).
enum class NumOpKind { kAdd, kMul, kPow };

// Integer power with overflow detection (false on overflow or a negative
// exponent, which then goes through doubles).
bool IntPow(int64_t b, int64_t e, int64_t* r) {
  if (e < 0) return false;
  if (b == 0 || b == 1) {
    *r = e == 0 ? 1 : b;
    return true;
  }
  if (b == -1) {
    *r = e % 2 ? -1 : 1;
    return true;
  }
  *r = 1;
  while (e-- > 0) {  // at most 63 rounds before overflow
    if (__builtin_mul_overflow(*r, b, r)) return false;
  }
  return true;
}

bool NumOp(const JsonValue& cur, const JsonValue& by, NumOpKind op, JsonValue* out) {
  if (cur.kind() == Kind::kInt && by.kind() == Kind::kInt) {
    int64_t r;
    bool ok = op == NumOpKind::kMul   ? !__builtin_mul_overflow(cur.as_int(), by.as_int(), &r)
              : op == NumOpKind::kAdd ? !__builtin_add_overflow(cur.as_int(), by.as_int(), &r)
                                      : IntPow(cur.as_int(), by.as_int(), &r);
    if (ok) {
      *out = JsonValue::Int(r);
      return true;
    }
  }
  double r = op == NumOpKind::kMul   ? cur.number() * by.number()
             : op == NumOpKind::kAdd ? cur.number() + by.number()
                                     : std::pow(cur.number(), by.number());
  if (!std::isfinite(r)) return false;
  *out = JsonValue::Double(r);
  return true;
}

void NumCommand(CmdContext& cx, NumOpKind op) {
  Entry* e;
  Doc* d = OpenForWrite(cx, &e);
  if (!d) return;
  Path path;
  if (!ParsePath(cx, cx.arg(2), &path)) return;
  bool resp3 = cx.rb().resp() >= 3;
  DocEdit ed(cx.DbFor(cx.arg(1)), d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  bool any = false;
  for (const Match& m : ms) any |= m.value->is_number();
  // RESP3 replies per match for legacy paths too (json_num_op), so it has
  // no "does not exist" error.
  if (path.legacy() && !resp3 && !any) {
    return cx.rb().Error(ErrNoPathOr(path.fixed(), "does not contains a number"));
  }
  // The operand is read only when there is a number to apply it to.
  JsonValue by;
  if (any) {
    if (!ParseValueErr(cx, cx.arg(3), &by)) return;
    if (!by.is_number()) return cx.rb().Error("ERR bad input");
  }
  std::vector<JsonValue> results(ms.size());
  for (size_t i = 0; i < ms.size(); ++i) {
    if (!ms[i].value->is_number()) continue;
    if (!NumOp(*ms[i].value, by, op, &results[i])) return cx.rb().Error("ERR result is not a number");
  }
  for (size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].value->is_number()) *ms[i].value = results[i].Clone();
  }
  // Numbers replace numbers in place: the tree's size does not change
  // (a zero charge still marks a text-mode document for rewriting).
  if (any) Charge(cx.DbFor(cx.arg(1)), d, 0);
  if (path.legacy() && !resp3) {
    // The last number updated.
    for (size_t i = ms.size(); i-- > 0;) {
      if (!ms[i].value->is_number()) continue;
      std::string s;
      json::AppendNumber(results[i], &s);
      return cx.rb().Bulk(s);
    }
  }
  if (resp3) {
    cx.rb().Array(ms.size());
    for (size_t i = 0; i < ms.size(); ++i) {
      ms[i].value->is_number() ? ReplyNumber(cx.rb(), results[i]) : cx.rb().Null();
    }
    return;
  }
  JsonValue arr = JsonValue::NewArray();
  for (size_t i = 0; i < ms.size(); ++i) {
    arr.array().push_back(ms[i].value->is_number() ? results[i].Clone() : JsonValue::Null());
  }
  cx.rb().Bulk(json::ToString(arr));
}

void CmdNumIncrBy(CmdContext& cx) { NumCommand(cx, NumOpKind::kAdd); }
void CmdNumMultBy(CmdContext& cx) { NumCommand(cx, NumOpKind::kMul); }
// Deprecated in RedisJSON 2.x but still registered there (lib.rs).
void CmdNumPowBy(CmdContext& cx) { NumCommand(cx, NumOpKind::kPow); }

void CmdToggle(CmdContext& cx) {
  Entry* e;
  Doc* d = OpenForWrite(cx, &e);
  if (!d) return;
  Path path;
  if (!ParsePath(cx, cx.arg(2), &path)) return;
  DocEdit ed(cx.DbFor(cx.arg(1)), d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  std::vector<std::optional<int64_t>> out;
  std::optional<bool> last;
  for (Match& m : ms) {
    if (m.value->kind() != Kind::kBool) {
      out.push_back(std::nullopt);
      continue;
    }
    bool b = !m.value->as_bool();
    *m.value = JsonValue::Bool(b);
    out.push_back(b ? 1 : 0);
    last = b;
  }
  if (last) Charge(cx.DbFor(cx.arg(1)), d, 0);  // marks a text-mode document
  if (path.legacy()) {
    if (!last) return cx.rb().Error(ErrNoPathOr(path.fixed(), "not a bool"));
    return cx.rb().Bulk(*last ? "true" : "false");
  }
  ReplyOptInts(cx.rb(), out);
}

// Containers are emptied and numbers set to 0; each counts.
void CmdClear(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), true, &e);
  if (f == Found::kReplied) return;
  if (f == Found::kMissing) return cx.rb().Error(kErrNoKey);
  Doc* d = DocOf(e);
  Path path;
  if (!ParsePath(cx, cx.argc() > 2 ? cx.arg(2) : "$", &path)) return;
  int64_t n = 0;
  // Only what clearing changes counts: non-empty containers and non-zero
  // numbers (RedisJSON 2.6 json_clear). Later matches first: they may sit
  // inside earlier ones.
  DocEdit ed(cx.DbFor(cx.arg(1)), d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
    JsonValue* v = it->value;
    if (v->is_array() && !v->array().empty()) {
      v->array().clear();
      v->array().shrink_to_fit();
    } else if (v->is_object() && !v->object().empty()) {
      v->object().clear();
      v->object().shrink_to_fit();
    } else if (v->is_number() && v->number() != 0) {
      *v = JsonValue::Int(0);
    } else {
      continue;
    }
    ++n;
  }
  Recount(cx.DbFor(cx.arg(1)), d);
  cx.rb().Integer(n);
}

}  // namespace

void RegisterJsonScalarCommands(CommandRegistry& reg) {
  const std::string cat = "json";
  reg.Add({"json.strlen", -2, kReadOnly, {1, 1, 1}, CmdStrLen, cat});
  reg.Add({"json.strappend", -3, kWrite | kDenyOom, {1, 1, 1}, CmdStrAppend, cat});
  reg.Add({"json.numincrby", 4, kWrite, {1, 1, 1}, CmdNumIncrBy, cat});
  reg.Add({"json.nummultby", 4, kWrite, {1, 1, 1}, CmdNumMultBy, cat});
  reg.Add({"json.numpowby", 4, kWrite, {1, 1, 1}, CmdNumPowBy, cat});
  reg.Add({"json.toggle", 3, kWrite | kDenyOom, {1, 1, 1}, CmdToggle, cat});
  reg.Add({"json.clear", -2, kWrite, {1, 1, 1}, CmdClear, cat});
}

}  // namespace yotta::json_cmd
