// YottaStore. Licensed under the Apache License 2.0.
// The JSON document object's two modes (text / tree, see json_common.h):
// creation, reads through a scratch tree, and DocEdit's write-back.
#include <cstring>

#include "base/logging.h"
#include "commands/json_common.h"
#include "core/json/json_parse.h"
#include "core/json/json_text.h"
#include "core/json/json_write.h"

namespace yotta::json_cmd {
namespace {

// Stored text may nest deeper than a parse of user input allows (values
// set inside values), up to kMaxDocDepth.
constexpr int kStoredDepth = static_cast<int>(kMaxDocDepth) + 2;

size_t SizeOf(const Doc* d) { return sizeof(Doc) + (d->is_text ? d->len : d->root.MemUsage()); }

// Makes `d` hold `text` in text mode (the tree is dropped).
void SetText(Doc* d, std::string_view text) {
  char* p = static_cast<char*>(std::malloc(text.size() ? text.size() : 1));
  if (!p) std::abort();
  std::memcpy(p, text.data(), text.size());
  std::free(d->text);
  d->text = p;
  d->len = static_cast<uint32_t>(text.size());
  d->is_text = true;
  d->root = JsonValue();
}

// Puts `root` into `d` in the mode its text size calls for.
void Fill(Doc* d, JsonValue root) {
  std::string text;
  json::Write(root, &text);
  if (text.size() <= kTextMax) {
    SetText(d, text);
  } else {
    std::free(d->text);
    d->text = nullptr;
    d->len = 0;
    d->is_text = false;
    d->root = std::move(root);
  }
  d->dirty = false;
}

// Parses stored text (canonical, so it parses; a failure would be a bug:
// it is logged and reads see null rather than crashing the shard).
void ParseStored(std::string_view text, JsonValue* out) {
  std::string err;
  if (!json::Parse(text, out, &err, kStoredDepth)) {
    YLOG(kWarning, "stored JSON text does not parse: %s", err.c_str());
    *out = JsonValue();
  }
}

}  // namespace

Doc* NewDoc(JsonValue root) {
  auto* d = new Doc;
  Fill(d, std::move(root));
  d->bytes = SizeOf(d);
  return d;
}

void ReplaceRoot(Db& db, Doc* d, JsonValue root) {
  Fill(d, std::move(root));
  size_t now = SizeOf(d);
  db.slice().AdjustBytes(static_cast<int64_t>(now) - static_cast<int64_t>(d->bytes));
  d->bytes = now;
}

void Recount(Db& db, Doc* d) {
  if (d->is_text) {
    d->dirty = true;
    return;
  }
  size_t now = SizeOf(d);
  db.slice().AdjustBytes(static_cast<int64_t>(now) - static_cast<int64_t>(d->bytes));
  d->bytes = now;
}

void CreateDoc(Db& db, std::string_view key, JsonValue root) {
  Doc* d = NewDoc(std::move(root));
  Entry* e = EntryAlloc::NewObject(key, ObjType::kJson, d, 0, db.slice().bytes_counter());
  // NewObject counts the entry only; the object is the caller's to charge.
  db.slice().AdjustBytes(static_cast<int64_t>(d->bytes));
  db.Insert(e);
}

void ReplaceRootText(Db& db, Doc* d, std::string_view text) {
  if (text.size() <= kTextMax) {
    SetText(d, text);
    d->dirty = false;
  } else {
    JsonValue tree;
    ParseStored(text, &tree);
    Fill(d, std::move(tree));
  }
  size_t now = SizeOf(d);
  db.slice().AdjustBytes(static_cast<int64_t>(now) - static_cast<int64_t>(d->bytes));
  d->bytes = now;
}

void CreateDocFromText(Db& db, std::string_view key, std::string_view text) {
  auto* d = new Doc;
  d->bytes = SizeOf(d);
  Entry* e = EntryAlloc::NewObject(key, ObjType::kJson, d, 0, db.slice().bytes_counter());
  db.slice().AdjustBytes(static_cast<int64_t>(d->bytes));  // then the text's growth
  ReplaceRootText(db, d, text);
  db.Insert(e);
}

JsonValue* ReadRoot(Doc* d) {
  if (!d->is_text) return &d->root;
  thread_local JsonValue scratch;
  ParseStored(d->str(), &scratch);
  return &scratch;
}

std::vector<json::Match> ReadEvaluate(Doc* d, const Path& p) {
  if (d->is_text && !p.is_root()) {
    std::string_view span;
    switch (json::FindSpan(d->str(), p, &span)) {
      case json::SpanResult::kMissing: return {};
      case json::SpanResult::kFallback: break;
      case json::SpanResult::kFound: {
        thread_local JsonValue sub;
        ParseStored(span, &sub);
        std::vector<json::Match> ms(1);
        ms[0].value = &sub;
        ms[0].loc.assign(p.segments().size(), 0);
        return ms;
      }
    }
  }
  return p.Evaluate(ReadRoot(d));
}

// ---- DocEdit ----

JsonValue* DocEdit::root() {
  if (!d_->is_text) return &d_->root;
  Flush();
  if (!parsed_) {
    ParseStored(d_->str(), &d_->root);
    parsed_ = true;
  }
  return &d_->root;
}

std::vector<json::Match> DocEdit::EvaluateStatic(const Path& p) {
  if (!d_->is_text || parsed_ || p.is_root()) return Evaluate(p);
  Flush();
  std::string_view span;
  switch (json::FindSpan(d_->str(), p, &span)) {
    case json::SpanResult::kMissing: return {};
    case json::SpanResult::kFallback: return Evaluate(p);
    case json::SpanResult::kFound: break;
  }
  ParseStored(span, &sub_);
  span_ = true;
  b_ = static_cast<size_t>(span.data() - d_->text);
  e_ = b_ + span.size();
  std::vector<json::Match> ms(1);
  ms[0].value = &sub_;
  ms[0].loc.assign(p.segments().size(), 0);
  return ms;
}

void DocEdit::Flush() {
  if (!span_) return;
  span_ = false;
  if (!d_->dirty) return;
  // In place: only the tail moves (NUMINCRBY's same-length result moves
  // nothing); realloc mostly stays within the block's size class.
  std::string piece;
  json::Write(sub_, &piece);
  size_t old_n = e_ - b_, tail = d_->len - e_;
  size_t len = d_->len - old_n + piece.size();
  if (len > d_->len) {
    char* p = static_cast<char*>(std::realloc(d_->text, len));
    if (!p) std::abort();
    d_->text = p;
  }
  std::memmove(d_->text + b_ + piece.size(), d_->text + e_, tail);
  std::memcpy(d_->text + b_, piece.data(), piece.size());
  if (len < d_->len && len > 0) {
    char* p = static_cast<char*>(std::realloc(d_->text, len));
    if (p) d_->text = p;
  }
  d_->len = static_cast<uint32_t>(len);
  sub_ = JsonValue();
  // Still dirty: the destructor charges the new size.
}

DocEdit::~DocEdit() {
  if (!d_->is_text) return;
  Flush();
  if (parsed_ && d_->dirty) {
    JsonValue tree = std::move(d_->root);
    Fill(d_, std::move(tree));
  } else if (d_->is_text && d_->len > kTextMax) {  // a span edit grew it
    JsonValue tree;
    ParseStored(d_->str(), &tree);
    Fill(d_, std::move(tree));
  }
  if (d_->is_text) d_->root = JsonValue();  // an unchanged parse
  sub_ = JsonValue();
  d_->dirty = false;
  size_t now = SizeOf(d_);
  db_.slice().AdjustBytes(static_cast<int64_t>(now) - static_cast<int64_t>(d_->bytes));
  d_->bytes = now;
}

}  // namespace yotta::json_cmd
