// YottaStore. Licensed under the Apache License 2.0.
// JSON text -> JsonValue. simdjson (error-code API) parses; a small
// recursive-descent parser that follows serde_json's rules takes over when
// simdjson refuses, so that errors carry RedisJSON's (serde_json's) exact
// words and positions ("expected value at line 1 column 1"), and so that the
// inputs serde accepts and simdjson does not (integers beyond 64 bits, which
// serde stores as doubles; "-0", which serde keeps as -0.0) parse alike.
#pragma once

#include <string>
#include <string_view>

#include "core/json/json_value.h"

namespace yotta::json {

// serde_json's recursion limit, which RedisJSON keeps: the 128th nested
// container is refused ("recursion limit exceeded").
inline constexpr int kMaxDepth = 128;

// Parses a whole document. On failure returns false with serde's message.
// `max_depth` is raised only to reload stored documents (RESTORE), which
// writes may have nested deeper than a parse allows.
bool Parse(std::string_view text, JsonValue* out, std::string* err, int max_depth = kMaxDepth);

// Parses and prints the canonical compact text (what Write() of Parse()'s
// value prints) in one pass, without building a tree. Returns false when
// this fast path does not apply (invalid input, "-0", integers past 64
// bits, duplicate keys, nesting at max_depth): then call Parse, which
// handles those and words the errors.
bool ParseToText(std::string_view text, std::string* out, int max_depth = kMaxDepth);

// The serde-compatible parser alone (tests compare the two).
bool ParseSlow(std::string_view text, JsonValue* out, std::string* err, int max_depth = kMaxDepth);

}  // namespace yotta::json
