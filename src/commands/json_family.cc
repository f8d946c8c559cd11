// YottaStore. Licensed under the Apache License 2.0.
// The JSON type (RedisJSON 2.x): its ObjectOps hooks, the shared helpers of
// json_common.h (the document object itself is in json_doc.cc), and
// JSON.SET GET MGET MSET MERGE DEL FORGET TYPE RESP DEBUG.
// Replies follow https://redis.io/docs/latest/commands/?group=json and
// RedisJSON's redis_json/src/commands.rs.
#include <algorithm>
#include <cstring>

#include "base/str_util.h"
#include "commands/json_common.h"
#include "core/json/json_merge.h"
#include "core/json/json_parse.h"
#include "core/json/json_text.h"
#include "core/json/json_write.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace json_cmd {

using json::Match;

// ---- shared helpers ----

Found Lookup(CmdContext& cx, std::string_view key, bool write, Entry** e) {
  Db& db = cx.DbFor(key);
  *e = write ? db.Find(key) : db.FindRead(key);
  if (!*e) return Found::kMissing;
  if ((*e)->type() != ObjType::kJson) {
    cx.rb().Error(kErrWrongKeyType);
    return Found::kReplied;
  }
  return Found::kDoc;
}

bool ParsePath(CmdContext& cx, std::string_view text, Path* p) {
  std::string err;
  if (p->Parse(text, &err)) return true;
  cx.rb().Error(err);
  return false;
}

bool OptionalPath(CmdContext& cx, size_t i, Path* p) {
  return ParsePath(cx, i < cx.argc() ? cx.arg(i) : ".", p);
}

bool ParseValueErr(CmdContext& cx, std::string_view text, JsonValue* v) {
  std::string err;
  if (json::Parse(text, v, &err)) return true;
  cx.rb().Error("ERR " + err);
  return false;
}

bool ParseValue(CmdContext& cx, std::string_view text, JsonValue* v) {
  std::string err;
  if (json::Parse(text, v, &err)) return true;
  cx.rb().Error(err);
  return false;
}

bool TooDeep(CmdContext& cx, size_t level, const JsonValue& v) {
  if (level + static_cast<size_t>(v.Depth()) <= kMaxDocDepth) return false;
  cx.rb().Error(kErrTooDeep);
  return true;
}

std::string ErrNoPathOr(std::string_view p, std::string_view what) {
  return "ERR Path '" + std::string(p) + "' does not exist or " + std::string(what);
}

std::string ErrNoPath(std::string_view p) { return "ERR Path '" + std::string(p) + "' does not exist"; }

std::string ErrExpected(std::string_view want, std::string_view got) {
  return "WRONGTYPE wrong type of path value - expected " + std::string(want) + " but found " +
         std::string(got);
}

void ReplyNumber(ReplyBuilder& rb, const JsonValue& v) {
  if (v.kind() == json::Kind::kInt) {
    rb.Integer(v.as_int());
  } else {
    rb.Double(v.number());
  }
}

namespace {

bool ReplaceAll(std::vector<Match> ms, const JsonValue& v);

// ---- ObjectOps ----

void DocFree(void* o) { delete static_cast<Doc*>(o); }
size_t DocBytes(const void* o) { return static_cast<const Doc*>(o)->bytes; }
void* DocClone(const void* o) {
  auto* d = static_cast<const Doc*>(o);
  auto* c = new Doc;
  if (d->is_text) {
    c->text = static_cast<char*>(std::malloc(d->len ? d->len : 1));
    if (!c->text) std::abort();
    std::memcpy(c->text, d->text, d->len);
    c->len = d->len;
    c->is_text = true;
  } else {
    c->root = d->root.Clone();
  }
  c->bytes = d->bytes;
  return c;
}
// Redis reports module values as "raw" (module objects keep
// OBJ_ENCODING_RAW).
std::string_view DocEncoding(const void*) { return "raw"; }
void DocDump(const void* o, std::string* out) {
  auto* d = static_cast<const Doc*>(o);
  if (d->is_text) {
    out->append(d->str());
  } else {
    json::Write(d->root, out);
  }
}
void* DocRestore(std::string_view payload) {
  JsonValue v;
  std::string err;
  if (!json::Parse(payload, &v, &err, static_cast<int>(kMaxDocDepth) + 2)) return nullptr;
  return NewDoc(std::move(v));
}
size_t DocLength(const void* o) { return static_cast<const Doc*>(o)->bytes / sizeof(JsonValue); }

// ---- JSON.SET ----

// Adds the last key of a static path under each parent object that lacks
// it. Replies as RedisJSON's find_add_paths/dict_add do.
void AddAtPath(CmdContext& cx, DocEdit& ed, Doc* d, Path path, const JsonValue& v) {
  if (!path.is_static()) return cx.rb().Error(kErrStatic);
  json::Segment last = path.PopLast();
  if (last.type != json::Segment::kNames) return cx.rb().Error(kErrIndexRange);
  bool added = false;
  std::vector<Match> parents = ed.EvaluateStatic(path);
  for (const Match& m : parents) {
    if (TooDeep(cx, m.loc.size() + 1, v)) return;
  }
  for (Match& m : parents) {
    if (!m.value->is_object() || m.value->Find(last.names[0])) continue;
    m.value->Put(last.names[0], v.Clone());
    added = true;
  }
  if (added) {
    Recount(cx.DbFor(cx.arg(1)), d);
    cx.rb().Ok();
  } else {
    cx.rb().Null();
  }
}

// Sets `v` at every match; false if nothing matched.
bool ReplaceMatches(DocEdit& ed, const Path& path, const JsonValue& v) {
  if (path.is_root()) {
    *ed.root() = v.Clone();
    return true;
  }
  return ReplaceAll(ed.EvaluateStatic(path), v);
}

// Deepest level among the matches (for the depth limit).
size_t MaxLevel(const std::vector<Match>& ms) {
  size_t n = 0;
  for (const Match& m : ms) n = std::max(n, m.loc.size());
  return n;
}

bool ReplaceAll(std::vector<Match> ms, const JsonValue& v) {
  // Later matches are descendants or later siblings: replace them first.
  for (auto it = ms.rbegin(); it != ms.rend(); ++it) *it->value = v.Clone();
  return !ms.empty();
}

void CmdJsonSet(CmdContext& cx) {
  bool nx = false, xx = false;
  for (size_t i = 4; i < cx.argc(); ++i) {
    if (EqualsIgnoreCase(cx.arg(i), "NX") && !nx && !xx) {
      nx = true;
    } else if (EqualsIgnoreCase(cx.arg(i), "XX") && !nx && !xx) {
      xx = true;
    } else {
      return cx.rb().Error(kErrSyntax);
    }
  }
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), true, &e);
  if (f == Found::kReplied) return;
  Db& db = cx.DbFor(cx.arg(1));
  Path path;
  std::string path_err;
  // A whole document goes from the argument to its canonical text in one
  // pass, no tree (the common JSON.SET). Anything else, errors included,
  // takes the general route below, which replies them in RedisJSON's order
  // (value before path).
  if (path.Parse(cx.arg(2), &path_err) && path.is_root()) {
    thread_local std::string text;  // reused: the document is copied out of it
    bool ok = json::ParseToText(cx.arg(3), &text);
    bool skip = ok && (f == Found::kMissing ? xx : nx);
    if (ok && !skip) {
      f == Found::kMissing ? CreateDocFromText(db, cx.arg(1), text) : ReplaceRootText(db, DocOf(e), text);
    }
    if (text.capacity() > 64 * 1024) std::string().swap(text);  // keep no big buffer
    if (skip) return cx.rb().Null();
    if (ok) return cx.rb().Ok();
  }
  JsonValue v;
  if (!ParseValue(cx, cx.arg(3), &v)) return;
  if (!ParsePath(cx, cx.arg(2), &path)) return;
  if (f == Found::kMissing) {
    if (xx) return cx.rb().Null();
    if (!path.is_root()) return cx.rb().Error(kErrRoot);
    CreateDoc(db, cx.arg(1), std::move(v));
    return cx.rb().Ok();
  }
  Doc* d = DocOf(e);
  if (path.is_root()) {
    if (nx) return cx.rb().Null();
    ReplaceRoot(db, d, std::move(v));
    return cx.rb().Ok();
  }
  DocEdit ed(db, d);
  if (!nx) {
    std::vector<Match> ms = ed.EvaluateStatic(path);
    if (!ms.empty() && TooDeep(cx, MaxLevel(ms), v)) return;
    if (ReplaceAll(std::move(ms), v)) {
      Recount(db, d);
      return cx.rb().Ok();
    }
  }
  if (xx) return cx.rb().Null();
  AddAtPath(cx, ed, d, std::move(path), v);
}

// ---- JSON.GET / JSON.MGET ----

void Serialize(const JsonValue& v, const json::WriteFormat& f, std::string* out) { json::Write(v, f, out); }

// The JSONPath reply form: an array of every match.
void SerializeMatches(const std::vector<Match>& ms, const json::WriteFormat& f, std::string* out) {
  if (f.compact()) {  // the common case: no copy of the matches
    out->push_back('[');
    for (size_t i = 0; i < ms.size(); ++i) {
      if (i) out->push_back(',');
      json::Write(*ms[i].value, out);
    }
    out->push_back(']');
    return;
  }
  JsonValue arr = JsonValue::NewArray();
  for (const Match& m : ms) arr.array().push_back(m.value->Clone());
  Serialize(arr, f, out);
}

// A bulk string "[" s "]" written without building it.
void BulkBracketed(ReplyBuilder& rb, std::string_view s) {
  rb.Raw("$" + std::to_string(s.size() + 2) + "\r\n[");
  rb.Raw(s);
  rb.Raw("]\r\n");
}

enum class TextRead { kReplied, kMissing, kNo };

// The compact reply of one path straight from a text-mode document's text
// (the whole text, or a static path's span); kMissing: a legacy path that
// selects nothing (the caller replies); kNo: evaluate on a tree instead.
TextRead ReplyFromText(ReplyBuilder& rb, Doc* d, const Path& path) {
  if (!d->is_text) return TextRead::kNo;
  std::string_view span = d->str();
  if (!path.is_root()) {
    switch (json::FindSpan(d->str(), path, &span)) {
      case json::SpanResult::kFallback: return TextRead::kNo;
      case json::SpanResult::kMissing:
        if (path.legacy()) return TextRead::kMissing;
        rb.Bulk("[]");
        return TextRead::kReplied;
      case json::SpanResult::kFound: break;
    }
  }
  path.legacy() ? rb.Bulk(span) : BulkBracketed(rb, span);
  return TextRead::kReplied;
}

void CmdJsonGet(CmdContext& cx) {
  json::WriteFormat fmt;
  std::vector<std::string_view> texts;
  for (size_t i = 2; i < cx.argc(); ++i) {
    std::string_view a = cx.arg(i);
    bool has_next = i + 1 < cx.argc();
    if (EqualsIgnoreCase(a, "INDENT") && has_next) {
      fmt.indent = cx.arg(++i);
    } else if (EqualsIgnoreCase(a, "NEWLINE") && has_next) {
      fmt.newline = cx.arg(++i);
    } else if (EqualsIgnoreCase(a, "SPACE") && has_next) {
      fmt.space = cx.arg(++i);
    } else if (EqualsIgnoreCase(a, "NOESCAPE")) {
      // Accepted and ignored, as RedisJSON 2.x does.
    } else {
      texts.push_back(a);
    }
  }
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), false, &e);
  if (f == Found::kReplied) return;
  if (f == Found::kMissing) return cx.rb().Null();
  // No path: the legacy root, in RESP3 too (RedisJSON 2.6 json_get).
  if (texts.empty()) texts.push_back(".");
  std::vector<Path> paths(texts.size());
  bool legacy = true;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!ParsePath(cx, texts[i], &paths[i])) return;
    legacy = legacy && paths[i].legacy();
  }
  Doc* d = DocOf(e);
  std::string out;
  if (paths.size() == 1 && fmt.compact()) {
    TextRead r = ReplyFromText(cx.rb(), d, paths[0]);
    if (r == TextRead::kReplied) return;
    if (r == TextRead::kMissing) return cx.rb().Error(ErrNoPath(paths[0].fixed()));
  }
  if (paths.size() == 1) {
    std::vector<Match> ms = ReadEvaluate(d, paths[0]);
    if (!legacy) {
      SerializeMatches(ms, fmt, &out);
    } else if (ms.empty()) {
      return cx.rb().Error(ErrNoPath(paths[0].fixed()));
    } else {
      Serialize(*ms[0].value, fmt, &out);
    }
    return cx.rb().Bulk(out);
  }
  // Several paths: an object keyed by each path as written (first wins).
  JsonValue* root = ReadRoot(d);
  JsonValue obj = JsonValue::NewObject();
  for (size_t i = 0; i < paths.size(); ++i) {
    if (obj.Find(texts[i])) continue;
    std::vector<Match> ms = paths[i].Evaluate(root);
    if (legacy) {
      if (ms.empty()) return cx.rb().Error(ErrNoPath(texts[i]));
      obj.Put(texts[i], ms[0].value->Clone());
    } else {
      JsonValue arr = JsonValue::NewArray();
      for (const Match& m : ms) arr.array().push_back(m.value->Clone());
      obj.Put(texts[i], std::move(arr));
    }
  }
  Serialize(obj, fmt, &out);
  cx.rb().Bulk(out);
}

void CmdJsonMGet(CmdContext& cx) {
  Path path;
  if (!ParsePath(cx, cx.arg(cx.argc() - 1), &path)) return;
  size_t n = cx.argc() - 2;
  cx.rb().Array(n);
  for (size_t i = 1; i <= n; ++i) {
    Entry* e = cx.DbFor(cx.arg(i)).FindRead(cx.arg(i));
    // Missing keys and keys of other types are nil, as in RedisJSON.
    if (!e || e->type() != ObjType::kJson) {
      cx.rb().Null();
      continue;
    }
    TextRead r = ReplyFromText(cx.rb(), DocOf(e), path);
    if (r == TextRead::kReplied) continue;
    if (r == TextRead::kMissing) {
      cx.rb().Null();
      continue;
    }
    std::vector<Match> ms = ReadEvaluate(DocOf(e), path);
    std::string out;
    if (!path.legacy()) {
      SerializeMatches(ms, {}, &out);
    } else if (ms.empty()) {
      cx.rb().Null();
      continue;
    } else {
      json::Write(*ms[0].value, &out);
    }
    cx.rb().Bulk(out);
  }
}

// ---- JSON.MSET (atomic: everything is checked before anything changes) ----

void CmdJsonMSet(CmdContext& cx) {
  if ((cx.argc() - 1) % 3 != 0) return cx.rb().Error(ErrWrongArgs("json.mset"));
  size_t n = (cx.argc() - 1) / 3;
  std::vector<JsonValue> values(n);
  std::vector<Path> paths(n);
  for (size_t t = 0; t < n; ++t) {
    std::string_view key = cx.arg(1 + 3 * t);
    Entry* e;
    Found f = Lookup(cx, key, true, &e);
    if (f == Found::kReplied) return;
    if (!ParsePath(cx, cx.arg(2 + 3 * t), &paths[t])) return;
    if (!ParseValue(cx, cx.arg(3 + 3 * t), &values[t])) return;
    // A key that does not exist yet takes only a root path, even when an
    // earlier triple creates it (RedisJSON checks each against the keyspace
    // before applying any).
    if (f == Found::kMissing && !paths[t].is_root()) return cx.rb().Error(kErrRoot);
    if (f == Found::kDoc && !paths[t].is_root()) {
      std::vector<Match> ms = ReadEvaluate(DocOf(e), paths[t]);
      if (ms.empty() && !paths[t].is_static()) return cx.rb().Error(kErrStatic);
      // +1: a created key sits one level below its parent's path.
      if (TooDeep(cx, std::max(MaxLevel(ms), paths[t].segments().size()), values[t])) return;
    }
  }
  for (size_t t = 0; t < n; ++t) {
    std::string_view key = cx.arg(1 + 3 * t);
    Db& db = cx.DbFor(key);
    Entry* e = db.Find(key);
    if (!e) {
      if (paths[t].is_root()) CreateDoc(db, key, std::move(values[t]));
      continue;
    }
    Doc* d = DocOf(e);
    if (paths[t].is_root()) {
      ReplaceRoot(db, d, std::move(values[t]));
      continue;
    }
    DocEdit ed(db, d);
    if (!ReplaceMatches(ed, paths[t], values[t]) && paths[t].is_static()) {
      Path parent = paths[t];
      json::Segment last = parent.PopLast();
      if (last.type == json::Segment::kNames) {
        for (Match& m : ed.EvaluateStatic(parent)) {
          if (m.value->is_object() && !m.value->Find(last.names[0])) m.value->Put(last.names[0], values[t].Clone());
        }
      }
    }
    Recount(db, d);
  }
  cx.rb().Ok();
}

// ---- JSON.MERGE ----

void CmdJsonMerge(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), true, &e);
  if (f == Found::kReplied) return;
  JsonValue patch;
  if (!ParseValue(cx, cx.arg(3), &patch)) return;
  Path path;
  if (!ParsePath(cx, cx.arg(2), &path)) return;
  Db& db = cx.DbFor(cx.arg(1));
  if (f == Found::kMissing) {
    if (!path.is_root()) return cx.rb().Error(kErrRoot);
    // A new document is the value as given: nothing to merge with (nulls
    // stay), as RedisJSON's json_merge does.
    CreateDoc(db, cx.arg(1), std::move(patch));
    return cx.rb().Ok();
  }
  Doc* d = DocOf(e);
  DocEdit ed(db, d);
  std::vector<Match> ms = ed.EvaluateStatic(path);
  if (ms.empty()) {
    // A missing last key is created, as JSON.SET does.
    return AddAtPath(cx, ed, d, std::move(path), patch);
  }
  if (TooDeep(cx, MaxLevel(ms), patch)) return;
  for (auto it = ms.rbegin(); it != ms.rend(); ++it) json::MergePatch(it->value, patch);
  Recount(db, d);
  cx.rb().Ok();
}

// ---- JSON.DEL / JSON.FORGET ----

void CmdJsonDel(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), true, &e);
  if (f == Found::kReplied) return;
  if (f == Found::kMissing) return cx.rb().Integer(0);
  Path path;
  if (!ParsePath(cx, cx.argc() > 2 ? cx.arg(2) : ".", &path)) return;
  Db& db = cx.DbFor(cx.arg(1));
  if (path.is_root()) {
    db.Delete(cx.arg(1));
    return cx.rb().Integer(1);
  }
  Doc* d = DocOf(e);
  DocEdit ed(db, d);
  std::vector<Match> ms = ed.Evaluate(path);
  std::vector<std::vector<uint32_t>> locs;
  for (Match& m : ms) locs.push_back(std::move(m.loc));
  std::sort(locs.begin(), locs.end());
  locs.erase(std::unique(locs.begin(), locs.end()), locs.end());
  // Drop locations inside another deleted one.
  std::vector<std::vector<uint32_t>> keep;
  for (auto& l : locs) {
    if (!keep.empty() && l.size() > keep.back().size() &&
        std::equal(keep.back().begin(), keep.back().end(), l.begin())) {
      continue;
    }
    keep.push_back(std::move(l));
  }
  // Last first, so earlier indexes stay valid.
  for (auto it = keep.rbegin(); it != keep.rend(); ++it) {
    std::vector<uint32_t> parent_loc(it->begin(), it->end() - 1);
    JsonValue* parent = json::Resolve(ed.root(), parent_loc);
    uint32_t idx = it->back();
    if (parent->is_array()) {
      parent->array().erase(parent->array().begin() + idx);
    } else {
      parent->object().erase(parent->object().begin() + idx);
    }
  }
  Recount(db, d);
  cx.rb().Integer(static_cast<int64_t>(keep.size()));
}

// ---- JSON.TYPE ----

void CmdJsonType(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), false, &e);
  if (f == Found::kReplied) return;
  Path path;
  if (!OptionalPath(cx, 2, &path)) return;
  // RESP3 wraps the reply in one more array, whatever the path
  // (RedisJSON 2.6 json_type: `vec![value]` when RESP3).
  if (cx.rb().resp() >= 3) cx.rb().Array(1);
  if (f == Found::kMissing) return cx.rb().Null();
  std::vector<Match> ms = ReadEvaluate(DocOf(e), path);
  if (path.legacy()) {
    if (ms.empty()) return cx.rb().Null();
    return cx.rb().Bulk(ms[0].value->TypeName());
  }
  cx.rb().Array(ms.size());
  for (const Match& m : ms) cx.rb().Bulk(m.value->TypeName());
}

// ---- JSON.RESP ----

void ReplyResp(ReplyBuilder& rb, const JsonValue& v) {
  switch (v.kind()) {
    case json::Kind::kNull: rb.Null(); break;
    case json::Kind::kBool: rb.SimpleString(v.as_bool() ? "true" : "false"); break;
    case json::Kind::kInt: rb.Integer(v.as_int()); break;
    case json::Kind::kString: rb.Bulk(v.str()); break;
    case json::Kind::kArray:
      rb.Array(v.array().size() + 1);
      rb.SimpleString("[");
      for (const JsonValue& x : v.array()) ReplyResp(rb, x);
      break;
    case json::Kind::kObject:
      rb.Array(2 * v.object().size() + 1);
      rb.SimpleString("{");
      for (const json::Member& m : v.object()) {
        rb.Bulk(m.key.str());
        ReplyResp(rb, m.value);
      }
      break;
    default:
      // RedisValue::Float (key_value.rs resp_serialize_inner): a RESP3
      // double, or Redis's "%.17g" bulk string in RESP2.
      rb.Double(v.number());
  }
}

void CmdJsonResp(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(1), false, &e);
  if (f == Found::kReplied) return;
  if (f == Found::kMissing) return cx.rb().Null();
  Path path;
  if (!OptionalPath(cx, 2, &path)) return;
  std::vector<Match> ms = ReadEvaluate(DocOf(e), path);
  if (path.legacy()) {
    if (ms.empty()) return cx.rb().Error(ErrNoPath(path.fixed()));
    return ReplyResp(cx.rb(), *ms[0].value);
  }
  cx.rb().Array(ms.size());
  for (const Match& m : ms) ReplyResp(cx.rb(), *m.value);
}

// ---- JSON.DEBUG ----

void CmdJsonDebugMemory(CmdContext& cx) {
  Entry* e;
  Found f = Lookup(cx, cx.arg(2), false, &e);
  if (f == Found::kReplied) return;
  Path path;
  if (!OptionalPath(cx, 3, &path)) return;
  if (f == Found::kMissing) return path.legacy() ? cx.rb().Integer(0) : cx.rb().Array(0);
  Doc* d = DocOf(e);
  std::vector<Match> ms = ReadEvaluate(d, path);
  // What the value costs in the document's mode: its text in text mode
  // (recounted now, so it matches the kept byte count), its nodes in tree
  // mode.
  auto usage = [&](const JsonValue& v) {
    return static_cast<int64_t>(d->is_text ? json::ToString(v).size() : v.MemUsage());
  };
  if (path.legacy()) {
    if (ms.empty()) return cx.rb().Error(ErrNoPath(path.fixed()));
    return cx.rb().Integer(usage(*ms[0].value));
  }
  cx.rb().Array(ms.size());
  for (const Match& m : ms) cx.rb().Integer(usage(*m.value));
}

void CmdJsonDebugHelp(CmdContext& cx) {
  static const char* kHelp[] = {
      "MEMORY <key> [path] - reports memory usage",
      "HELP                - this message",
  };
  cx.rb().Array(2);
  for (const char* s : kHelp) cx.rb().Bulk(s);
}

void CmdJsonDebug(CmdContext& cx) {}  // the dispatcher routes to subcommands

}  // namespace
}  // namespace json_cmd

void RegisterJsonFamily(CommandRegistry& reg) {
  using namespace json_cmd;
  RegisterObjectOps(ObjType::kJson,
                    ObjectOps{DocFree, DocBytes, DocClone, DocEncoding, DocDump, DocRestore, DocLength});
  const std::string cat = "json";
  reg.Add({"json.set", -4, kWrite | kDenyOom, {1, 1, 1}, CmdJsonSet, cat});
  reg.Add({"json.get", -2, kReadOnly, {1, 1, 1}, CmdJsonGet, cat});
  reg.Add({"json.mget", -3, kReadOnly, {1, -2, 1}, CmdJsonMGet, cat});
  reg.Add({"json.mset", -4, kWrite | kDenyOom, {1, -1, 3}, CmdJsonMSet, cat});
  reg.Add({"json.merge", 4, kWrite | kDenyOom, {1, 1, 1}, CmdJsonMerge, cat});
  reg.Add({"json.del", -2, kWrite, {1, 1, 1}, CmdJsonDel, cat});
  reg.Add({"json.forget", -2, kWrite, {1, 1, 1}, CmdJsonDel, cat});
  reg.Add({"json.type", -2, kReadOnly, {1, 1, 1}, CmdJsonType, cat});
  reg.Add({"json.resp", -2, kReadOnly, {1, 1, 1}, CmdJsonResp, cat});
  reg.Add({"json.debug", -2, kReadOnly, {0, 0, 0}, CmdJsonDebug, cat});
  reg.Add({"json.debug|memory", -3, kReadOnly, {2, 2, 1}, CmdJsonDebugMemory, cat});
  reg.Add({"json.debug|help", 2, kReadOnly, {0, 0, 0}, CmdJsonDebugHelp, cat});
  RegisterJsonScalarCommands(reg);
  RegisterJsonArrayCommands(reg);
}

}  // namespace yotta
