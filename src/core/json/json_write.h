// YottaStore. Licensed under the Apache License 2.0.
// JsonValue -> JSON text, byte for byte as RedisJSON prints it: serde_json's
// compact form (integers as integers, doubles in ryu's shortest round-trip
// form: 1.0 stays "1.0", 1e300 is "1e300", 1e-7 is "1e-7"; strings escape
// only '"', '\\' and control characters), or RedisJSON's formatter with
// INDENT / NEWLINE / SPACE.
#pragma once

#include <string>
#include <string_view>

#include "core/json/json_value.h"

namespace yotta::json {

struct WriteFormat {
  std::string_view indent, newline, space;
  bool compact() const { return indent.empty() && newline.empty() && space.empty(); }
};

void Write(const JsonValue& v, std::string* out);
void Write(const JsonValue& v, const WriteFormat& f, std::string* out);
std::string ToString(const JsonValue& v);

// serde_json's (ryu's) text of a finite double.
void AppendDouble(double d, std::string* out);
void AppendNumber(const JsonValue& v, std::string* out);
void AppendQuoted(std::string_view s, std::string* out);

}  // namespace yotta::json
