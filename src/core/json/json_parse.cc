// YottaStore. Licensed under the Apache License 2.0.
// simdjson glue and the serde_json-compatible fallback parser.
#include "core/json/json_parse.h"

#include <simdjson.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "core/json/json_write.h"

namespace yotta::json {
namespace {

// ---- simdjson fast path -------------------------------------------------

// Adds a member, replacing an earlier one of the same key in place (serde
// keeps the first position and the last value).
void AddMember(JsonValue* obj, std::string_view k, JsonValue v,
               std::unordered_map<std::string_view, size_t>* index) {
  Object& o = obj->object();
  if (index) {
    auto [it, fresh] = index->try_emplace(k, o.size());
    if (!fresh) {
      o[it->second].value = std::move(v);
      return;
    }
    o.push_back(Member{JsonValue::String(k), std::move(v)});
    return;
  }
  obj->Put(k, std::move(v));
}

// false if nesting reaches kMaxDepth (the slow path words the error).
bool Convert(simdjson::dom::element e, int depth, int max_depth, JsonValue* out) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: *out = JsonValue::Null(); return true;
    case T::BOOL: *out = JsonValue::Bool(bool(e)); return true;
    case T::INT64: *out = JsonValue::Int(int64_t(e)); return true;
    case T::UINT64: *out = JsonValue::Uint(uint64_t(e)); return true;
    case T::DOUBLE: *out = JsonValue::Double(double(e)); return true;
    case T::STRING: *out = JsonValue::String(std::string_view(e)); return true;
    case T::ARRAY: {
      if (depth + 1 >= max_depth) return false;
      simdjson::dom::array a(e);
      *out = JsonValue::NewArray();
      out->array().reserve(a.size());
      for (simdjson::dom::element x : a) {
        out->array().emplace_back();
        if (!Convert(x, depth + 1, max_depth, &out->array().back())) return false;
      }
      return true;
    }
    case T::OBJECT: {
      if (depth + 1 >= max_depth) return false;
      simdjson::dom::object o(e);
      *out = JsonValue::NewObject();
      size_t n = o.size();
      out->object().reserve(n);
      std::unordered_map<std::string_view, size_t> index;
      for (auto field : o) {
        JsonValue v;
        if (!Convert(field.value, depth + 1, max_depth, &v)) return false;
        AddMember(out, field.key, std::move(v), n > 16 ? &index : nullptr);
      }
      return true;
    }
  }
  return false;
}

// Writes `e` as Write(Convert(e)) would print it; false where that would
// differ or Convert would refuse (duplicate keys, depth).
bool WriteDom(simdjson::dom::element e, int depth, int max_depth, std::string* out) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: out->append("null"); return true;
    case T::BOOL: out->append(bool(e) ? "true" : "false"); return true;
    case T::INT64: AppendNumber(JsonValue::Int(int64_t(e)), out); return true;
    case T::UINT64: AppendNumber(JsonValue::Uint(uint64_t(e)), out); return true;
    case T::DOUBLE: AppendNumber(JsonValue::Double(double(e)), out); return true;
    case T::STRING: AppendQuoted(std::string_view(e), out); return true;
    case T::ARRAY: {
      if (depth + 1 >= max_depth) return false;
      out->push_back('[');
      bool first = true;
      for (simdjson::dom::element x : simdjson::dom::array(e)) {
        if (!first) out->push_back(',');
        first = false;
        if (!WriteDom(x, depth + 1, max_depth, out)) return false;
      }
      out->push_back(']');
      return true;
    }
    case T::OBJECT: {
      if (depth + 1 >= max_depth) return false;
      simdjson::dom::object o(e);
      size_t n = o.size();
      if (n > 16) {
        std::unordered_set<std::string_view> seen;
        for (auto field : o) {
          if (!seen.insert(field.key).second) return false;
        }
      } else if (n > 1) {
        const char* kp[16];  // left uninitialized: this runs per object
        size_t kn[16];
        size_t k = 0;
        for (auto field : o) {
          std::string_view key = field.key;
          for (size_t j = 0; j < k; ++j) {
            if (kn[j] == key.size() && std::memcmp(kp[j], key.data(), key.size()) == 0) return false;
          }
          kp[k] = key.data();
          kn[k++] = key.size();
        }
      }
      out->push_back('{');
      bool first = true;
      for (auto field : o) {
        if (!first) out->push_back(',');
        first = false;
        AppendQuoted(field.key, out);
        out->push_back(':');
        if (!WriteDom(field.value, depth + 1, max_depth, out)) return false;
      }
      out->push_back('}');
      return true;
    }
  }
  return false;
}

// ---- serde_json-compatible parser ----------------------------------------

class SlowParser {
 public:
  SlowParser(std::string_view s, int max_depth) : s_(s), max_depth_(max_depth) {}

  bool Document(JsonValue* out, std::string* err) {
    if (!Value(out, 0)) return Fail(err);
    SkipWs();
    if (i_ < s_.size()) {
      Error("trailing characters", i_);
      return Fail(err);
    }
    return true;
  }

 private:
  bool Fail(std::string* err) {
    *err = msg_;
    return false;
  }
  // serde reports 1-based line and the column of the offending character
  // (or, at the end of input, of the last one).
  bool Error(std::string_view what, size_t at) {
    size_t pos = at < s_.size() ? at + 1 : s_.size();
    size_t line = 1, col = 0;
    for (size_t k = 0; k < pos; ++k) {
      if (s_[k] == '\n') {
        ++line;
        col = 0;
      } else {
        ++col;
      }
    }
    msg_ = std::string(what) + " at line " + std::to_string(line) + " column " + std::to_string(col);
    return false;
  }
  void SkipWs() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool Eof() const { return i_ >= s_.size(); }

  bool Value(JsonValue* out, int depth) {
    SkipWs();
    if (Eof()) return Error("EOF while parsing a value", i_);
    char c = s_[i_];
    switch (c) {
      case 'n': return Ident("null", out, JsonValue::Null());
      case 't': return Ident("true", out, JsonValue::Bool(true));
      case 'f': return Ident("false", out, JsonValue::Bool(false));
      case '"': {
        ++i_;
        std::string s;
        if (!String(&s)) return false;
        *out = JsonValue::String(s);
        return true;
      }
      case '[':
        if (depth + 1 >= max_depth_) return Error("recursion limit exceeded", i_);
        ++i_;
        return ArrayBody(out, depth + 1);
      case '{':
        if (depth + 1 >= max_depth_) return Error("recursion limit exceeded", i_);
        ++i_;
        return ObjectBody(out, depth + 1);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
        return Error("expected value", i_);
    }
  }

  bool Ident(std::string_view word, JsonValue* out, JsonValue v) {
    for (size_t k = 0; k < word.size(); ++k, ++i_) {
      if (Eof()) return Error("EOF while parsing a value", i_);
      if (s_[i_] != word[k]) return Error("expected ident", i_);
    }
    *out = std::move(v);
    return true;
  }

  bool Digits(size_t* count) {
    *count = 0;
    while (!Eof() && s_[i_] >= '0' && s_[i_] <= '9') ++i_, ++*count;
    return true;
  }

  bool Number(JsonValue* out) {
    size_t start = i_;
    bool neg = s_[i_] == '-';
    if (neg) ++i_;
    if (Eof()) return Error("EOF while parsing a value", i_);
    if (s_[i_] == '0') {
      ++i_;
    } else if (s_[i_] >= '1' && s_[i_] <= '9') {
      size_t n;
      Digits(&n);
    } else {
      return Error("invalid number", i_);
    }
    bool is_float = false;
    if (!Eof() && s_[i_] == '.') {
      is_float = true;
      ++i_;
      size_t n;
      Digits(&n);
      if (n == 0) return Eof() ? Error("EOF while parsing a value", i_) : Error("invalid number", i_);
    }
    if (!Eof() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      is_float = true;
      ++i_;
      if (!Eof() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      size_t n;
      Digits(&n);
      if (n == 0) return Eof() ? Error("EOF while parsing a value", i_) : Error("invalid number", i_);
    }
    std::string text(s_.substr(start, i_ - start));
    if (!is_float) {
      errno = 0;
      if (neg) {
        long long v = std::strtoll(text.c_str(), nullptr, 10);
        if (errno == 0 && v != 0) {
          *out = JsonValue::Int(v);
          return true;
        }
      } else {
        unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
        if (errno == 0) {
          *out = JsonValue::Uint(v);
          return true;
        }
      }
      // -0 and integers beyond 64 bits become doubles, as in serde.
    }
    errno = 0;
    double d = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE && (d > 1 || d < -1)) return Error("number out of range", i_ - 1);
    *out = JsonValue::Double(d);
    return true;
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(uint32_t* v) {
    *v = 0;
    for (int k = 0; k < 4; ++k, ++i_) {
      if (Eof()) return Error("EOF while parsing a string", i_);
      int h = Hex(s_[i_]);
      if (h < 0) return Error("invalid escape", i_);
      *v = *v * 16 + static_cast<uint32_t>(h);
    }
    return true;
  }
  static void Utf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // After the opening quote.
  bool String(std::string* out) {
    for (;;) {
      if (Eof()) return Error("EOF while parsing a string", i_);
      char c = s_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Error("control character (\\u0000-\\u001F) found while parsing a string", i_);
      }
      if (c != '\\') {
        out->push_back(c);
        ++i_;
        continue;
      }
      ++i_;
      if (Eof()) return Error("EOF while parsing a string", i_);
      char e = s_[i_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone leading surrogate in hex escape", i_ - 1);
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i_ + 1 >= s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') {
              return Error("unexpected end of hex escape", i_);
            }
            i_ += 2;
            uint32_t lo;
            if (!Hex4(&lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return Error("lone leading surrogate in hex escape", i_ - 1);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          Utf8(cp, out);
          break;
        }
        default: return Error("invalid escape", i_ - 1);
      }
    }
  }

  bool ArrayBody(JsonValue* out, int depth) {
    *out = JsonValue::NewArray();
    SkipWs();
    if (Eof()) return Error("EOF while parsing a list", i_);
    if (s_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      out->array().emplace_back();
      if (!Value(&out->array().back(), depth)) return false;
      SkipWs();
      if (Eof()) return Error("EOF while parsing a list", i_);
      if (s_[i_] == ']') {
        ++i_;
        out->array().shrink_to_fit();
        return true;
      }
      if (s_[i_] != ',') return Error("expected `,` or `]`", i_);
      ++i_;
      SkipWs();
      if (!Eof() && s_[i_] == ']') return Error("trailing comma", i_);
    }
  }

  bool ObjectBody(JsonValue* out, int depth) {
    *out = JsonValue::NewObject();
    std::unordered_map<std::string, size_t> index;
    SkipWs();
    if (Eof()) return Error("EOF while parsing an object", i_);
    if (s_[i_] == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      SkipWs();
      if (Eof()) return Error("EOF while parsing an object", i_);
      if (s_[i_] != '"') return Error("key must be a string", i_);
      ++i_;
      std::string key;
      if (!String(&key)) return false;
      SkipWs();
      if (Eof()) return Error("EOF while parsing an object", i_);
      if (s_[i_] != ':') return Error("expected `:`", i_);
      ++i_;
      JsonValue v;
      if (!Value(&v, depth)) return false;
      auto [it, fresh] = index.try_emplace(key, out->object().size());
      if (fresh) {
        out->object().push_back(Member{JsonValue::String(key), std::move(v)});
      } else {
        out->object()[it->second].value = std::move(v);
      }
      SkipWs();
      if (Eof()) return Error("EOF while parsing an object", i_);
      if (s_[i_] == '}') {
        ++i_;
        out->object().shrink_to_fit();
        return true;
      }
      if (s_[i_] != ',') return Error("expected `,` or `}`", i_);
      ++i_;
      SkipWs();
      if (!Eof() && s_[i_] == '}') return Error("trailing comma", i_);
    }
  }

  std::string_view s_;
  int max_depth_;
  size_t i_ = 0;
  std::string msg_;
};

}  // namespace

bool ParseSlow(std::string_view text, JsonValue* out, std::string* err, int max_depth) {
  SlowParser p(text, max_depth);
  return p.Document(out, err);
}

bool ParseToText(std::string_view text, std::string* out, int max_depth) {
  if (text.find("-0") != std::string_view::npos) return false;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size(), true).get(root) != simdjson::SUCCESS) return false;
  out->clear();
  out->reserve(text.size());
  return WriteDom(root, 0, max_depth, out);
}

bool Parse(std::string_view text, JsonValue* out, std::string* err, int max_depth) {
  // simdjson reads "-0" as integer 0; serde keeps it as -0.0.
  bool neg_zero = text.find("-0") != std::string_view::npos;
  if (!neg_zero) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    auto code = parser.parse(text.data(), text.size(), true).get(root);
    if (code == simdjson::SUCCESS) {
      if (Convert(root, 0, max_depth, out)) return true;
    } else if (code == simdjson::UTF8_ERROR) {
      // RedisJSON takes its arguments as UTF-8 strings first.
      *err = "Couldn't parse as UTF-8 string";
      return false;
    }
  }
  if (ParseSlow(text, out, err, max_depth)) return true;
  return false;
}

}  // namespace yotta::json
