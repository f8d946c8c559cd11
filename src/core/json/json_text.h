// YottaStore. Licensed under the Apache License 2.0.
// Navigation inside a document kept as its canonical text (what Write()
// prints: minified, keys unique, strings escaped one way only). Because the
// text is canonical, the text of any value inside it is that value's own
// canonical text, so a static path ($.a.b, .a[3]) can be answered, and a
// single value edited, by locating its byte span: no tree is built.
#pragma once

#include <string_view>

#include "core/json/json_path.h"

namespace yotta::json {

enum class SpanResult {
  kFound,     // *span is the value at the path
  kMissing,   // the path selects nothing
  kFallback,  // not a static path: evaluate on a tree instead
};

// Locates the value a static path selects in canonical text `text` (as
// Path::Evaluate would: names select in objects only, indexes in arrays
// only, negative indexes count from the end).
SpanResult FindSpan(std::string_view text, const Path& path, std::string_view* span);

}  // namespace yotta::json
