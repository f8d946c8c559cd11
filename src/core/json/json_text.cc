// YottaStore. Licensed under the Apache License 2.0.
// Static-path lookups over canonical JSON text (see json_text.h).
#include "core/json/json_text.h"

#include <cstring>
#include <string>

#include "core/json/json_write.h"

namespace yotta::json {
namespace {

// Past the string starting at text[i] == '"' (npos if unterminated).
size_t SkipString(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    const void* q = std::memchr(t.data() + i, '"', t.size() - i);
    if (!q) return std::string_view::npos;
    size_t j = static_cast<size_t>(static_cast<const char*>(q) - t.data());
    // The quote ends the string unless an odd run of backslashes precedes it.
    size_t bs = 0;
    while (j - bs > i && t[j - bs - 1] == '\\') ++bs;
    if (bs % 2 == 0) return j + 1;
    i = j;
  }
  return std::string_view::npos;
}

// Past the value starting at text[i] (npos if the text ends inside it).
size_t SkipValue(std::string_view t, size_t i) {
  if (i >= t.size()) return std::string_view::npos;
  char c = t[i];
  if (c == '"') return SkipString(t, i);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < t.size()) {
      c = t[i];
      if (c == '"') {
        i = SkipString(t, i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }
  while (i < t.size() && t[i] != ',' && t[i] != ']' && t[i] != '}') ++i;
  return i;
}

}  // namespace

SpanResult FindSpan(std::string_view t, const Path& path, std::string_view* span) {
  constexpr size_t npos = std::string_view::npos;
  if (!path.is_static()) return SpanResult::kFallback;
  size_t b = 0, e = t.size();  // the current value: t[b, e)
  std::string quoted;
  for (const Segment& s : path.segments()) {
    if (b >= e) return SpanResult::kFallback;
    if (s.type == Segment::kNames) {
      if (t[b] != '{') return SpanResult::kMissing;
      quoted.clear();
      AppendQuoted(s.names[0], &quoted);  // keys are stored escaped this way
      size_t i = b + 1;
      bool found = false;
      while (i < e && t[i] != '}') {
        size_t kend = SkipString(t, i);
        if (kend == npos || kend >= e || t[kend] != ':') return SpanResult::kFallback;
        size_t vend = SkipValue(t, kend + 1);
        if (vend == npos || vend >= e) return SpanResult::kFallback;
        if (t.substr(i, kend - i) == quoted) {
          b = kend + 1, e = vend, found = true;
          break;
        }
        i = t[vend] == ',' ? vend + 1 : vend;
      }
      if (!found) return SpanResult::kMissing;
    } else {
      if (t[b] != '[') return SpanResult::kMissing;
      int64_t want = s.indexes[0];
      if (want < 0) {  // count the elements first
        int64_t n = 0;
        for (size_t i = b + 1; i < e && t[i] != ']'; ++n) {
          size_t v = SkipValue(t, i);
          if (v == npos || v >= e) return SpanResult::kFallback;
          i = t[v] == ',' ? v + 1 : v;
        }
        want += n;
        if (want < 0) return SpanResult::kMissing;
      }
      size_t i = b + 1;
      for (int64_t k = 0;; ++k) {
        if (i >= e || t[i] == ']') return SpanResult::kMissing;
        size_t v = SkipValue(t, i);
        if (v == npos || v >= e) return SpanResult::kFallback;
        if (k == want) {
          b = i, e = v;
          break;
        }
        i = t[v] == ',' ? v + 1 : v;
      }
    }
  }
  *span = t.substr(b, e - b);
  return SpanResult::kFound;
}

}  // namespace yotta::json
