// YottaStore. Licensed under the Apache License 2.0.
// JSONPath parsing (segments and filter expressions) and evaluation.
#include "core/json/json_path.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "core/json/json_parse.h"

namespace yotta::json {

// A filter operand: a literal, or a path relative to @ or to $.
struct Operand {
  enum Kind : uint8_t { kLiteral, kCurrent, kRoot };
  Kind kind = kLiteral;
  std::shared_ptr<JsonValue> literal;
  std::vector<Segment> path;
};

struct FilterExpr {
  enum Op : uint8_t { kOr, kAnd, kNot, kExists, kEq, kNe, kLt, kLe, kGt, kGe, kRegex };
  Op op = kExists;
  std::unique_ptr<FilterExpr> l, r;
  Operand a, b;
  std::shared_ptr<std::regex> re;  // =~ with a literal pattern, compiled once
  bool bad_re = false;
};

namespace {

constexpr size_t kMaxRegexSubject = 1024;
constexpr size_t kMaxRegexPattern = 256;

class PathParser {
 public:
  PathParser(std::string_view s, std::string* err) : s_(s), err_(err) {}

  // Segments after a leading '$' or '@' (already consumed).
  bool Segments(std::vector<Segment>* out, bool in_filter) {
    for (;;) {
      SkipWsIf(in_filter);
      if (Eof()) return true;
      char c = s_[i_];
      if (c == '.') {
        ++i_;
        Segment seg;
        if (!Eof() && s_[i_] == '.') {
          ++i_;
          seg.descent = true;
        }
        if (Eof()) return Fail();
        if (s_[i_] == '[') {
          if (!Bracket(&seg)) return false;
        } else if (s_[i_] == '*') {
          ++i_;
          seg.type = Segment::kWildcard;
        } else if (!Name(&seg, in_filter)) {
          return false;
        }
        out->push_back(std::move(seg));
      } else if (c == '[') {
        Segment seg;
        if (!Bracket(&seg)) return false;
        out->push_back(std::move(seg));
      } else if (in_filter) {
        return true;  // the operator or ')' that follows
      } else {
        return Fail();
      }
    }
  }

  bool Filter(std::unique_ptr<FilterExpr>* out) { return Or(out); }

  size_t pos() const { return i_; }
  bool Eof() const { return i_ >= s_.size(); }

 private:
  bool Fail() {
    if (err_->empty()) {
      *err_ = "Error occurred on position " + std::to_string(i_ + 1) + ", invalid JSONPath";
    }
    return false;
  }
  void SkipWs() {
    while (!Eof() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  void SkipWsIf(bool b) {
    if (b) SkipWs();
  }
  bool Eat(std::string_view tok) {
    SkipWs();
    if (s_.substr(i_, tok.size()) == tok) {
      i_ += tok.size();
      return true;
    }
    return false;
  }

  bool Name(Segment* seg, bool in_filter) {
    size_t start = i_;
    while (!Eof()) {
      char c = s_[i_];
      if (c == '.' || c == '[' || c == ']') break;
      if (in_filter && (c == ' ' || c == ')' || c == '=' || c == '!' || c == '<' || c == '>' ||
                        c == '&' || c == '|' || c == ',')) {
        break;
      }
      ++i_;
    }
    if (i_ == start) return Fail();
    seg->type = Segment::kNames;
    seg->names.emplace_back(s_.substr(start, i_ - start));
    return true;
  }

  bool Quoted(std::string* out) {
    char q = s_[i_++];
    while (!Eof() && s_[i_] != q) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out->push_back(s_[i_++]);
    }
    if (Eof()) return Fail();
    ++i_;
    return true;
  }

  bool Int(int64_t* v) {
    SkipWs();
    size_t start = i_;
    if (!Eof() && s_[i_] == '-') ++i_;
    while (!Eof() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    if (i_ == start || (i_ == start + 1 && s_[start] == '-')) return Fail();
    errno = 0;
    *v = std::strtoll(std::string(s_.substr(start, i_ - start)).c_str(), nullptr, 10);
    if (errno) return Fail();
    return true;
  }

  bool Bracket(Segment* seg) {
    ++i_;  // '['
    SkipWs();
    if (Eof()) return Fail();
    char c = s_[i_];
    if (c == '*') {
      ++i_;
      seg->type = Segment::kWildcard;
    } else if (c == '?') {
      ++i_;
      if (!Eat("(")) return Fail();
      seg->type = Segment::kFilter;
      std::unique_ptr<FilterExpr> f;
      if (!Filter(&f)) return false;
      if (!Eat(")")) return Fail();
      seg->filter = std::move(f);
    } else if (c == '\'' || c == '"') {
      seg->type = Segment::kNames;
      for (;;) {
        SkipWs();
        if (Eof() || (s_[i_] != '\'' && s_[i_] != '"')) return Fail();
        std::string name;
        if (!Quoted(&name)) return false;
        seg->names.push_back(std::move(name));
        if (!Eat(",")) break;
      }
    } else if (!IndexOrSlice(seg)) {
      return false;
    }
    SkipWs();
    if (Eof() || s_[i_] != ']') return Fail();
    ++i_;
    return true;
  }

  bool IndexOrSlice(Segment* seg) {
    SkipWs();
    int64_t first = 0;
    bool has_first = false;
    if (!Eof() && s_[i_] != ':') {
      if (!Int(&first)) return false;
      has_first = true;
    }
    SkipWs();
    if (!Eof() && s_[i_] == ':') {
      ++i_;
      seg->type = Segment::kSlice;
      seg->has_start = has_first;
      seg->start = first;
      SkipWs();
      if (!Eof() && s_[i_] != ':' && s_[i_] != ']') {
        if (!Int(&seg->end)) return false;
        seg->has_end = true;
      }
      SkipWs();
      if (!Eof() && s_[i_] == ':') {
        ++i_;
        SkipWs();
        if (!Eof() && s_[i_] != ']' && !Int(&seg->step)) return false;
      }
      return true;
    }
    if (!has_first) return Fail();
    seg->type = Segment::kIndexes;
    seg->indexes.push_back(first);
    while (Eat(",")) {
      int64_t v;
      if (!Int(&v)) return false;
      seg->indexes.push_back(v);
    }
    return true;
  }

  // ---- filter expressions ----
  bool Or(std::unique_ptr<FilterExpr>* out) {
    if (!And(out)) return false;
    while (Eat("||")) {
      auto e = std::make_unique<FilterExpr>();
      e->op = FilterExpr::kOr;
      e->l = std::move(*out);
      if (!And(&e->r)) return false;
      *out = std::move(e);
    }
    return true;
  }
  bool And(std::unique_ptr<FilterExpr>* out) {
    if (!Unary(out)) return false;
    while (Eat("&&")) {
      auto e = std::make_unique<FilterExpr>();
      e->op = FilterExpr::kAnd;
      e->l = std::move(*out);
      if (!Unary(&e->r)) return false;
      *out = std::move(e);
    }
    return true;
  }
  bool Unary(std::unique_ptr<FilterExpr>* out) {
    SkipWs();
    if (!Eof() && s_[i_] == '!' && s_.substr(i_, 2) != "!=") {
      ++i_;
      auto e = std::make_unique<FilterExpr>();
      e->op = FilterExpr::kNot;
      if (!Unary(&e->l)) return false;
      *out = std::move(e);
      return true;
    }
    if (Eat("(")) {
      if (!Or(out)) return false;
      if (!Eat(")")) return Fail();
      return true;
    }
    return Comparison(out);
  }
  bool Comparison(std::unique_ptr<FilterExpr>* out) {
    auto e = std::make_unique<FilterExpr>();
    if (!Value(&e->a)) return false;
    static const std::pair<std::string_view, FilterExpr::Op> kOps[] = {
        {"==", FilterExpr::kEq}, {"!=", FilterExpr::kNe}, {"<=", FilterExpr::kLe}, {">=", FilterExpr::kGe},
        {"=~", FilterExpr::kRegex}, {"<", FilterExpr::kLt}, {">", FilterExpr::kGt}};
    e->op = FilterExpr::kExists;
    for (auto& [tok, op] : kOps) {
      if (Eat(tok)) {
        e->op = op;
        break;
      }
    }
    if (e->op == FilterExpr::kExists) {
      if (e->a.kind == Operand::kLiteral) return Fail();
    } else {
      if (!Value(&e->b)) return false;
      if (e->op == FilterExpr::kRegex && e->b.kind == Operand::kLiteral && e->b.literal->is_string() &&
          e->b.literal->str().size() <= kMaxRegexPattern) {
        CompileRegex(e.get(), e->b.literal->str());
      }
    }
    *out = std::move(e);
    return true;
  }
  static void CompileRegex(FilterExpr* e, std::string_view pattern) {
    try {
      e->re = std::make_shared<std::regex>(std::string(pattern), std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      e->bad_re = true;  // an invalid pattern matches nothing
    }
  }
  bool Value(Operand* v) {
    SkipWs();
    if (Eof()) return Fail();
    char c = s_[i_];
    if (c == '@' || c == '$') {
      ++i_;
      v->kind = c == '@' ? Operand::kCurrent : Operand::kRoot;
      return Segments(&v->path, true);
    }
    if (c == '\'' || c == '"') {
      std::string s;
      if (!Quoted(&s)) return false;
      v->literal = std::make_shared<JsonValue>(JsonValue::String(s));
      return true;
    }
    // A number, true, false or null: as JSON.
    size_t start = i_;
    while (!Eof() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                      s_[i_] == '+' || s_[i_] == '.')) {
      ++i_;
    }
    JsonValue lit;
    std::string perr;
    if (i_ == start || !ParseSlow(s_.substr(start, i_ - start), &lit, &perr) || lit.is_container()) {
      i_ = start;
      return Fail();
    }
    v->literal = std::make_shared<JsonValue>(std::move(lit));
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string* err_;
};

// ---- evaluation ----

void Select(const Segment& seg, JsonValue* node, JsonValue* root, std::vector<uint32_t>* loc,
            const std::vector<Segment>& segs, size_t next, std::vector<Match>* out);

bool EvalFilter(const FilterExpr& e, JsonValue* cur, JsonValue* root);

void OperandValues(const Operand& o, JsonValue* cur, JsonValue* root, std::vector<const JsonValue*>* out) {
  if (o.kind == Operand::kLiteral) {
    out->push_back(o.literal.get());
    return;
  }
  std::vector<Match> m;
  std::vector<uint32_t> loc;
  EvaluateSegments(o.path, 0, o.kind == Operand::kCurrent ? cur : root, root, &loc, &m);
  for (const Match& x : m) out->push_back(x.value);
}

bool Compare(FilterExpr::Op op, const JsonValue& a, const JsonValue& b, const FilterExpr& e) {
  switch (op) {
    case FilterExpr::kEq: return a.Equals(b);
    case FilterExpr::kNe: return !a.Equals(b);
    case FilterExpr::kRegex: {
      if (!a.is_string() || !b.is_string() || e.bad_re) return false;
      // libstdc++'s regex backtracks recursively: bound the work (and the
      // stack) so no document can crash the shard. RedisJSON's Rust regex
      // is linear; longer subjects or patterns match nothing here.
      if (a.str().size() > kMaxRegexSubject || b.str().size() > kMaxRegexPattern) return false;
      std::string subject(a.str());
      if (e.re) return std::regex_search(subject, *e.re);
      try {
        std::regex re{std::string(b.str())};
        return std::regex_search(subject, re);
      } catch (const std::regex_error&) {
        return false;
      }
    }
    default: break;
  }
  int cmp;
  if (a.is_number() && b.is_number()) {
    double x = a.number(), y = b.number();
    if (a.kind() != Kind::kDouble && b.kind() != Kind::kDouble && a.kind() == Kind::kInt &&
        b.kind() == Kind::kInt) {
      cmp = a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    } else {
      cmp = x < y ? -1 : x > y ? 1 : 0;
    }
  } else if (a.is_string() && b.is_string()) {
    int c = a.str().compare(b.str());
    cmp = c < 0 ? -1 : c > 0 ? 1 : 0;
  } else {
    return false;
  }
  switch (op) {
    case FilterExpr::kLt: return cmp < 0;
    case FilterExpr::kLe: return cmp <= 0;
    case FilterExpr::kGt: return cmp > 0;
    case FilterExpr::kGe: return cmp >= 0;
    default: return false;
  }
}

bool EvalFilter(const FilterExpr& e, JsonValue* cur, JsonValue* root) {
  switch (e.op) {
    case FilterExpr::kOr: return EvalFilter(*e.l, cur, root) || EvalFilter(*e.r, cur, root);
    case FilterExpr::kAnd: return EvalFilter(*e.l, cur, root) && EvalFilter(*e.r, cur, root);
    case FilterExpr::kNot: return !EvalFilter(*e.l, cur, root);
    case FilterExpr::kExists: {
      std::vector<const JsonValue*> a;
      OperandValues(e.a, cur, root, &a);
      return !a.empty();
    }
    default: {
      std::vector<const JsonValue*> a, b;
      OperandValues(e.a, cur, root, &a);
      OperandValues(e.b, cur, root, &b);
      for (const JsonValue* x : a) {
        for (const JsonValue* y : b) {
          if (Compare(e.op, *x, *y, e)) return true;
        }
      }
      return false;
    }
  }
}

void Emit(JsonValue* v, uint32_t idx, JsonValue* root, std::vector<uint32_t>* loc,
          const std::vector<Segment>& segs, size_t next, std::vector<Match>* out) {
  loc->push_back(idx);
  EvaluateSegments(segs, next, v, root, loc, out);
  loc->pop_back();
}

void Select(const Segment& seg, JsonValue* node, JsonValue* root, std::vector<uint32_t>* loc,
            const std::vector<Segment>& segs, size_t next, std::vector<Match>* out) {
  switch (seg.type) {
    case Segment::kNames:
      if (!node->is_object()) return;
      for (const std::string& name : seg.names) {
        Object& o = node->object();
        for (size_t k = 0; k < o.size(); ++k) {
          if (o[k].key.str() == name) {
            Emit(&o[k].value, static_cast<uint32_t>(k), root, loc, segs, next, out);
            break;
          }
        }
      }
      return;
    case Segment::kIndexes:
      if (!node->is_array()) return;
      for (int64_t i : seg.indexes) {
        auto n = static_cast<int64_t>(node->array().size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) continue;
        Emit(&node->array()[static_cast<size_t>(i)], static_cast<uint32_t>(i), root, loc, segs, next, out);
      }
      return;
    case Segment::kWildcard:
      if (node->is_array()) {
        for (size_t k = 0; k < node->array().size(); ++k) {
          Emit(&node->array()[k], static_cast<uint32_t>(k), root, loc, segs, next, out);
        }
      } else if (node->is_object()) {
        for (size_t k = 0; k < node->object().size(); ++k) {
          Emit(&node->object()[k].value, static_cast<uint32_t>(k), root, loc, segs, next, out);
        }
      }
      return;
    case Segment::kSlice: {
      if (!node->is_array() || seg.step <= 0) return;
      auto n = static_cast<int64_t>(node->array().size());
      int64_t s = seg.has_start ? seg.start : 0, e = seg.has_end ? seg.end : n;
      if (s < 0) s = std::max<int64_t>(0, s + n);
      if (e < 0) e = std::max<int64_t>(0, e + n);
      e = std::min(e, n);
      for (int64_t k = s; k < e; k += seg.step) {
        Emit(&node->array()[static_cast<size_t>(k)], static_cast<uint32_t>(k), root, loc, segs, next, out);
      }
      return;
    }
    case Segment::kFilter:
      if (node->is_array()) {
        for (size_t k = 0; k < node->array().size(); ++k) {
          if (EvalFilter(*seg.filter, &node->array()[k], root)) {
            Emit(&node->array()[k], static_cast<uint32_t>(k), root, loc, segs, next, out);
          }
        }
      } else if (node->is_object()) {
        for (size_t k = 0; k < node->object().size(); ++k) {
          if (EvalFilter(*seg.filter, &node->object()[k].value, root)) {
            Emit(&node->object()[k].value, static_cast<uint32_t>(k), root, loc, segs, next, out);
          }
        }
      }
      return;
  }
}

// Recursive descent: the selector at this node, then at every descendant
// (pre-order, document order), as RedisJSON does.
void Descend(const Segment& seg, JsonValue* node, JsonValue* root, std::vector<uint32_t>* loc,
             const std::vector<Segment>& segs, size_t next, std::vector<Match>* out) {
  Select(seg, node, root, loc, segs, next, out);
  if (node->is_array()) {
    for (size_t k = 0; k < node->array().size(); ++k) {
      loc->push_back(static_cast<uint32_t>(k));
      Descend(seg, &node->array()[k], root, loc, segs, next, out);
      loc->pop_back();
    }
  } else if (node->is_object()) {
    for (size_t k = 0; k < node->object().size(); ++k) {
      loc->push_back(static_cast<uint32_t>(k));
      Descend(seg, &node->object()[k].value, root, loc, segs, next, out);
      loc->pop_back();
    }
  }
}

}  // namespace

void EvaluateSegments(const std::vector<Segment>& segs, size_t i, JsonValue* node, JsonValue* root,
                      std::vector<uint32_t>* loc, std::vector<Match>* out) {
  if (i == segs.size()) {
    out->push_back(Match{node, *loc});
    return;
  }
  if (segs[i].descent) {
    Descend(segs[i], node, root, loc, segs, i + 1, out);
  } else {
    Select(segs[i], node, root, loc, segs, i + 1, out);
  }
}

bool Path::Parse(std::string_view text, std::string* err) {
  err->clear();
  legacy_ = text.empty() || text[0] != '$';
  if (!legacy_) {
    fixed_ = std::string(text);
  } else if (text == ".") {
    fixed_ = "$";
  } else if (!text.empty() && text[0] == '.') {
    fixed_ = "$" + std::string(text);
  } else {
    fixed_ = "$." + std::string(text);
  }
  segments_.clear();
  PathParser p(std::string_view(fixed_).substr(1), err);
  if (!p.Segments(&segments_, false)) {
    if (err->empty()) *err = "Error occurred on position 1, invalid JSONPath";
    return false;
  }
  return true;
}

bool Path::is_static() const {
  for (const Segment& s : segments_) {
    if (s.descent) return false;
    if (s.type == Segment::kNames && s.names.size() == 1) continue;
    if (s.type == Segment::kIndexes && s.indexes.size() == 1) continue;
    return false;
  }
  return true;
}

Segment Path::PopLast() {
  Segment s = std::move(segments_.back());
  segments_.pop_back();
  return s;
}

std::vector<Match> Path::Evaluate(JsonValue* root) const {
  std::vector<Match> out;
  std::vector<uint32_t> loc;
  EvaluateSegments(segments_, 0, root, root, &loc, &out);
  return out;
}

JsonValue* Resolve(JsonValue* root, const std::vector<uint32_t>& loc) {
  JsonValue* v = root;
  for (uint32_t i : loc) {
    if (v->is_array() && i < v->array().size()) {
      v = &v->array()[i];
    } else if (v->is_object() && i < v->object().size()) {
      v = &v->object()[i].value;
    } else {
      return nullptr;
    }
  }
  return v;
}

}  // namespace yotta::json
