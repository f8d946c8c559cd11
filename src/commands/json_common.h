// YottaStore. Licensed under the Apache License 2.0.
// What the JSON command files share: the document object stored in an
// Entry, key lookup with RedisJSON's errors, path arguments, and byte
// accounting after a mutation.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/entry.h"
#include "core/json/json_path.h"
#include "core/json/json_value.h"
#include "server/command_context.h"
#include "server/command_registry.h"

namespace yotta::json_cmd {

using json::JsonValue;
using json::Path;

// RedisJSON's texts (redis_json/src/error.rs, commands.rs;
// https://github.com/RedisJSON/RedisJSON). A key of another Redis type gets
// redis-module-rs's verify_type text, not WRONGTYPE.
inline constexpr std::string_view kErrWrongKeyType = "Existing key has wrong Redis type";
inline constexpr std::string_view kErrNoKey = "ERR could not perform this operation on a key that doesn't exist";
inline constexpr std::string_view kErrRoot = "ERR new objects must be created at the root";
inline constexpr std::string_view kErrStatic = "Err wrong static path";
inline constexpr std::string_view kErrIndexRange = "ERR array index out of range";
inline constexpr std::string_view kErrIndexBounds = "ERR index out of bounds";
inline constexpr std::string_view kErrNotInt = "Couldn't parse as integer";

// Documents may grow deeper than a parse allows (values set inside values),
// but every walk over them recurses: a write that would nest deeper than
// this is refused so that no document can exhaust a shard's stack.
inline constexpr size_t kMaxDocDepth = 1000;
inline constexpr std::string_view kErrTooDeep = "ERR nesting depth exceeds the limit (1000)";
// True (after replying) if `v` placed at nesting level `level` would make
// the document deeper than kMaxDocDepth.
bool TooDeep(CmdContext& cx, size_t level, const JsonValue& v);

// A document is kept in one of two forms (the mode never changes during a
// command, only between commands):
//  - text mode (documents whose compact text is at most kTextMax bytes):
//    only the canonical compact text, exactly what JSON.GET prints with no
//    formatting options (json::Write). Costs the text plus this 48-byte
//    header (one jemalloc size class each): ~1.11x the text per key for
//    1 KB documents, entry included, where the tree cost ~4.1x. A root
//    JSON.SET goes from the argument to that text in one simdjson pass
//    (json::ParseToText), no tree. A whole-document read replies the text
//    as is; a static path ($.a.b, .a[2]) read finds the value's span in
//    the text (json_text.h) and replies or parses only that; other reads
//    parse into a per-thread scratch tree. An edit of a static path parses
//    only the selected value and splices its new text back; any other edit
//    parses the whole text into `root`, runs the tree code, and writes the
//    text again (DocEdit). So edits of small documents cost O(document)
//    bytes moved, which at 32 KB stays in the tens of microseconds.
//  - tree mode (bigger documents): the JsonValue tree, edited in place in
//    O(change). A text-mode document that grows past kTextMax switches to
//    tree mode; a tree-mode one switches back only when its root is
//    replaced (JSON.SET of the root, RESTORE, COPY keeps the mode).
inline constexpr size_t kTextMax = 32 * 1024;

struct Doc {
  JsonValue root;        // tree mode: the document; text mode: null outside edits
  char* text = nullptr;  // text mode: the canonical text (malloc'd)
  uint32_t len = 0;
  bool is_text = false;
  bool dirty = false;  // text mode: the edit changed the parsed value
  size_t bytes = 0;    // text: sizeof(Doc) + len; tree: root.MemUsage() + sizeof(Doc)
  Doc() = default;
  Doc(const Doc&) = delete;
  ~Doc() { std::free(text); }
  std::string_view str() const { return {text, len}; }
};

// A new document holding `root`, in the mode its size calls for.
Doc* NewDoc(JsonValue root);
// Replaces the whole document (root SET), choosing the mode again, and
// charges the size change.
void ReplaceRoot(Db& db, Doc* d, JsonValue root);

// The same from canonical text (json::ParseToText's output).
void CreateDocFromText(Db& db, std::string_view key, std::string_view text);
void ReplaceRootText(Db& db, Doc* d, std::string_view text);

// The document's tree for a read. Text mode parses into a per-thread
// scratch tree, valid until the next ReadRoot on this thread.
JsonValue* ReadRoot(Doc* d);

// Path::Evaluate for a read: on a text-mode document a static path parses
// only the value it selects (Match::loc then holds placeholders of the
// right depth), anything else the whole text (ReadRoot). Valid until the
// next read on this thread.
std::vector<json::Match> ReadEvaluate(Doc* d, const Path& p);

// A write to one document. Text mode: parses on demand and, when the
// destructor runs, writes back the text if anything changed (Recount or
// Charge marks the change) and charges the shard. Tree mode: a pass-through.
class DocEdit {
 public:
  DocEdit(Db& db, Doc* d) : db_(db), d_(d) {}
  ~DocEdit();
  DocEdit(const DocEdit&) = delete;
  // The whole tree (parses a text-mode document).
  JsonValue* root();
  std::vector<json::Match> Evaluate(const Path& p) { return p.Evaluate(root()); }
  // As Evaluate, but for a static path on a text-mode document parses only
  // the selected value (Match::loc then holds placeholders of the right
  // depth: use only its size). Invalidates earlier matches.
  std::vector<json::Match> EvaluateStatic(const Path& p);

 private:
  void Flush();  // splices the edited span value back into the text
  Db& db_;
  Doc* d_;
  bool parsed_ = false;  // root holds the parsed text
  bool span_ = false;    // sub_ holds the value at text[b_, e_)
  size_t b_ = 0, e_ = 0;
  JsonValue sub_;
};

// The document of a JSON entry.
inline Doc* DocOf(Entry* e) { return static_cast<Doc*>(e->obj()); }

enum class Found { kDoc, kMissing, kReplied };

// Looks `key` up (FindRead for readers); replies the wrong-type error.
Found Lookup(CmdContext& cx, std::string_view key, bool write, Entry** e);

// Parses a path argument; replies the error and returns false if it does
// not parse.
bool ParsePath(CmdContext& cx, std::string_view text, Path* p);
// The optional path at argument i, defaulting to the legacy root "." in
// both protocols, as RedisJSON 2.6's commands.rs does (the RESP3 guide on
// redis.io says "$", the code does not).
bool OptionalPath(CmdContext& cx, size_t i, Path* p);

// Parses a JSON argument; replies serde's error and returns false if bad.
// RedisJSON replies serde's text as is where its value manager parses
// (SET, MSET, MERGE, ARRAPPEND, ARRINSERT: ParseValue) and with "ERR "
// where the command calls serde directly (ARRINDEX, STRAPPEND, NUMINCRBY:
// ParseValueErr; redis-module-rs prefixes converted errors).
bool ParseValue(CmdContext& cx, std::string_view text, JsonValue* v);
bool ParseValueErr(CmdContext& cx, std::string_view text, JsonValue* v);

// Recomputes the document's size and charges the difference to the shard
// (O(document); for writes that replace arbitrary parts). Text mode: only
// marks the edit as a change (DocEdit charges when it writes the text).
void Recount(Db& db, Doc* d);
// Charges a known size change (O(1); array and scalar edits compute it).
inline void Charge(Db& db, Doc* d, int64_t delta) {
  if (d->is_text) {
    d->dirty = true;
    return;
  }
  d->bytes = static_cast<size_t>(static_cast<int64_t>(d->bytes) + delta);
  db.slice().AdjustBytes(delta);
}
// The size an array counts beyond its elements' own MemUsage: its spare
// capacity (see JsonValue::MemUsage).
inline int64_t ArraySlack(const json::Array& a) {
  return static_cast<int64_t>(a.heap_bytes() - a.size() * sizeof(JsonValue));
}
// Creates a document entry (the root value moved in).
void CreateDoc(Db& db, std::string_view key, JsonValue root);

// "ERR Path '<p>' does not exist or <what>" (typo "contains" included)
std::string ErrNoPathOr(std::string_view p, std::string_view what);
// "ERR Path '<p>' does not exist"
std::string ErrNoPath(std::string_view p);
// "WRONGTYPE wrong type of path value - expected <want> but found <got>"
std::string ErrExpected(std::string_view want, std::string_view got);

// Replies a JSON integer/double in RESP3 number form (integer reply or
// double), used where RedisJSON replies numbers natively.
void ReplyNumber(ReplyBuilder& rb, const JsonValue& v);

// Registration of the other JSON files.
void RegisterJsonScalarCommands(CommandRegistry& reg);
void RegisterJsonArrayCommands(CommandRegistry& reg);

}  // namespace yotta::json_cmd
