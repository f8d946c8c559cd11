// YottaStore. Licensed under the Apache License 2.0.
// JSON paths as RedisJSON 2.x reads them. A path starting with '$' is
// JSONPath ($.a, $..a, [*], .*, [1:3:2], [0,2], ['a','b'],
// [?(@.price < 10 && @.tag == "x")] with == != < <= > >= =~ && || ! and
// parentheses). Anything else is a legacy path, rewritten the module's way
// ("." -> "$", ".a" -> "$.a", "a" -> "$.a", "[0]" -> "$.[0]") and evaluated
// by the same engine; legacy commands then reply single values.
#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_value.h"

namespace yotta::json {

struct FilterExpr;

struct Segment {
  enum Type : uint8_t { kNames, kIndexes, kWildcard, kSlice, kFilter };
  Type type = kNames;
  bool descent = false;  // preceded by ".."
  std::vector<std::string> names;
  std::vector<int64_t> indexes;
  bool has_start = false, has_end = false;
  int64_t start = 0, end = 0, step = 1;
  std::shared_ptr<FilterExpr> filter;
};

// A match: the value and where it sits (member/element index per level
// from the root), so that writers can delete and insert.
struct Match {
  JsonValue* value;
  std::vector<uint32_t> loc;
};

class Path {
 public:
  // false with a message if the text does not parse.
  bool Parse(std::string_view text, std::string* err);

  bool legacy() const { return legacy_; }
  // The JSONPath form RedisJSON names in its errors ("$.a" for ".a").
  const std::string& fixed() const { return fixed_; }
  bool is_root() const { return segments_.empty(); }
  // Only single names and indexes: such a path can create its last key.
  bool is_static() const;
  const std::vector<Segment>& segments() const { return segments_; }
  // Drops the last segment (the parent of a key to create).
  Segment PopLast();

  std::vector<Match> Evaluate(JsonValue* root) const;

 private:
  bool legacy_ = false;
  std::string fixed_;
  std::vector<Segment> segments_;
};

// Evaluates segments from `node` (filters use it for @ paths).
void EvaluateSegments(const std::vector<Segment>& segs, size_t i, JsonValue* node, JsonValue* root,
                      std::vector<uint32_t>* loc, std::vector<Match>* out);

// The value at `loc` from root (nullptr if the location no longer exists).
JsonValue* Resolve(JsonValue* root, const std::vector<uint32_t>& loc);

}  // namespace yotta::json
