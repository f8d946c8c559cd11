// YottaStore. Licensed under the Apache License 2.0.
// The JSON serializer (compact and RedisJSON-formatted).
#include "core/json/json_write.h"

#include <charconv>
#include <cstdlib>

namespace yotta::json {

void AppendDouble(double d, std::string* out) {
  // Shortest round-trip digits, then ryu's layout rules (serde_json uses
  // ryu): plain decimal for exponents in (-5, 16], else d.ddde<exp>.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  if (!s.empty() && s[0] == '-') {
    out->push_back('-');
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  int len = static_cast<int>(digits.size());
  int kk = exp + 1;  // 10^(kk-1) <= v < 10^kk
  int k = kk - len;
  if (k >= 0 && kk <= 16) {
    out->append(digits);
    out->append(static_cast<size_t>(k), '0');
    out->append(".0");
  } else if (kk > 0 && kk <= 16) {
    out->append(digits, 0, static_cast<size_t>(kk));
    out->push_back('.');
    out->append(digits, static_cast<size_t>(kk));
  } else if (kk > -5 && kk <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-kk), '0');
    out->append(digits);
  } else {
    out->push_back(digits[0]);
    if (len > 1) {
      out->push_back('.');
      out->append(digits, 1);
    }
    out->push_back('e');
    out->append(std::to_string(kk - 1));
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
