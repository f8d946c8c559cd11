// YottaStore. Licensed under the Apache License 2.0.
// The JSON serializer (compact and RedisJSON-formatted).
#include "core/json/json_write.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace yotta::json {

void AppendDouble(double d, std::string* out) {
  // Shortest round-trip digits, then ryu's layout rules (serde_json uses
  // ryu): plain decimal for exponents in (-5, 16], else d.ddde<exp>. All in
  // stack buffers: documents are full of doubles.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  const char* p = buf;
  if (*p == '-') {
    out->push_back('-');
    ++p;
  }
  char digits[40];
  size_t len = 0;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p != '.') digits[len++] = *p;
  }
  int exp = 0;
  bool neg = false;
  if (p < r.ptr) ++p;  // 'e'
  if (p < r.ptr && (*p == '-' || *p == '+')) neg = *p++ == '-';
  for (; p < r.ptr; ++p) exp = exp * 10 + (*p - '0');
  if (neg) exp = -exp;
  int kk = exp + 1;  // 10^(kk-1) <= v < 10^kk
  int k = kk - static_cast<int>(len);
  if (k >= 0 && kk <= 16) {
    out->append(digits, len);
    out->append(static_cast<size_t>(k), '0');
    out->append(".0");
  } else if (kk > 0 && kk <= 16) {
    out->append(digits, static_cast<size_t>(kk));
    out->push_back('.');
    out->append(digits + kk, len - static_cast<size_t>(kk));
  } else if (kk > -5 && kk <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-kk), '0');
    out->append(digits, len);
  } else {
    out->push_back(digits[0]);
    if (len > 1) {
      out->push_back('.');
      out->append(digits + 1, len - 1);
    }
    out->push_back('e');
    auto e = std::to_chars(buf, buf + sizeof(buf), kk - 1);
    out->append(buf, e.ptr);
  }
}

void AppendNumber(const JsonValue& v, std::string* out) {
  char buf[32];
  switch (v.kind()) {
    case Kind::kInt: {
      auto r = std::to_chars(buf, buf + sizeof(buf), v.as_int());
      out->append(buf, r.ptr);
      break;
    }
    case Kind::kUint: {
      auto r = std::to_chars(buf, buf + sizeof(buf), v.as_uint());
      out->append(buf, r.ptr);
      break;
    }
    case Kind::kDouble: AppendDouble(v.as_double(), out); break;
    default: break;
  }
}

void AppendQuoted(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  size_t plain = 0;  // the common case: nothing to escape, one append
  while (plain < s.size()) {
    auto c = static_cast<unsigned char>(s[plain]);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++plain;
  }
  if (plain == s.size()) {
    size_t n = out->size();
    out->resize(n + s.size() + 2);
    char* w = out->data() + n;
    *w = '"';
    std::memcpy(w + 1, s.data(), s.size());
    w[s.size() + 1] = '"';
    return;
  }
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    const char* esc = nullptr;
    switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      default:
        if (c >= 0x20) continue;
    }
    out->append(s.substr(run, i - run));
    run = i + 1;
    if (esc) {
      out->append(esc);
    } else {
      char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out->append(u, 6);
    }
  }
  out->append(s.substr(run));
  out->push_back('"');
}

namespace {

void WriteCompact(const JsonValue& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kNull: out->append("null"); break;
    case Kind::kBool: out->append(v.as_bool() ? "true" : "false"); break;
    case Kind::kString: AppendQuoted(v.str(), out); break;
    case Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const JsonValue& x : v.array()) {
        if (!first) out->push_back(',');
        first = false;
        WriteCompact(x, out);
      }
      out->push_back(']');
      break;
    }
    case Kind::kObject: {
      out->push_back('{');
      bool first = true;
      for (const Member& m : v.object()) {
        if (!first) out->push_back(',');
        first = false;
        AppendQuoted(m.key.str(), out);
        out->push_back(':');
        WriteCompact(m.value, out);
      }
      out->push_back('}');
      break;
    }
    default: AppendNumber(v, out); break;
  }
}

// RedisJSON's formatter: every element starts on a new line indented to its
// level; a non-empty container closes on its own line; ':' is followed by
// SPACE.
void NewLine(const WriteFormat& f, int level, std::string* out) {
  out->append(f.newline);
  for (int i = 0; i < level; ++i) out->append(f.indent);
}

void WritePretty(const JsonValue& v, const WriteFormat& f, int level, std::string* out) {
  if (v.is_array()) {
    out->push_back('[');
    bool first = true;
    for (const JsonValue& x : v.array()) {
      if (!first) out->push_back(',');
      first = false;
      NewLine(f, level + 1, out);
      WritePretty(x, f, level + 1, out);
    }
    if (!first) NewLine(f, level, out);
    out->push_back(']');
  } else if (v.is_object()) {
    out->push_back('{');
    bool first = true;
    for (const Member& m : v.object()) {
      if (!first) out->push_back(',');
      first = false;
      NewLine(f, level + 1, out);
      AppendQuoted(m.key.str(), out);
      out->push_back(':');
      out->append(f.space);
      WritePretty(m.value, f, level + 1, out);
    }
    if (!first) NewLine(f, level, out);
    out->push_back('}');
  } else {
    WriteCompact(v, out);
  }
}

}  // namespace

void Write(const JsonValue& v, std::string* out) { WriteCompact(v, out); }

void Write(const JsonValue& v, const WriteFormat& f, std::string* out) {
  if (f.compact()) {
    WriteCompact(v, out);
  } else {
    WritePretty(v, f, 0, out);
  }
}

std::string ToString(const JsonValue& v) {
  std::string s;
  WriteCompact(v, &s);
  return s;
}

}  // namespace yotta::json
