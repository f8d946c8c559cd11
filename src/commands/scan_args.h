// YottaStore. Licensed under the Apache License 2.0.
// Argument parsing shared by SCAN, SSCAN, HSCAN and ZSCAN: cursor
// [MATCH p] [COUNT n] (and SCAN's TYPE t), with Redis's checks and texts.
#pragma once

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/errors.h"

namespace yotta::scan_args {

inline constexpr std::string_view kErrInvalidCursor = "ERR invalid cursor";
// Buckets a hashtable SCAN visits per requested element (Redis's count*10).
inline constexpr int64_t kBucketsPerElement = 10;

struct Args {
  uint64_t cursor = 0;
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  std::string_view type;  // SCAN's TYPE filter; empty = any
  bool Match(std::string_view s) const { return !use_pattern || GlobMatch(pattern, s); }
};

// The cursor at argument `at`, with strtoul's rules as Redis parses it:
// leading '+'/'-' and an empty string pass; leading space, trailing junk or
// overflow do not.
inline bool ParseCursor(CmdContext& cx, Args* a, size_t at = 2) {
  std::string z(cx.arg(at));
  char* end;
  errno = 0;
  if (!z.empty() && std::isspace(static_cast<unsigned char>(z[0]))) errno = EINVAL;
  if (!errno) a->cursor = std::strtoull(z.c_str(), &end, 10);
  if (errno || *end != '\0') {
    cx.rb().Error(kErrInvalidCursor);
    return false;
  }
  return true;
}

// Options from argument `first` on (TYPE only if allow_type). Replies and
// returns false on error.
inline bool ParseOptions(CmdContext& cx, Args* a, size_t first = 3, bool allow_type = false) {
  for (size_t i = first; i < cx.argc(); i += 2) {
    std::string_view o = cx.arg(i);
    if (i + 1 >= cx.argc()) {
      cx.rb().Error(kErrSyntax);
      return false;
    }
    if (EqualsIgnoreCase(o, "COUNT")) {
      if (!ParseInt64(cx.arg(i + 1), &a->count)) {
        cx.rb().Error(kErrNotInteger);
        return false;
      }
      if (a->count < 1) {
        cx.rb().Error(kErrSyntax);
        return false;
      }
    } else if (EqualsIgnoreCase(o, "MATCH")) {
      a->pattern = cx.arg(i + 1);
      a->use_pattern = a->pattern != "*";
    } else if (allow_type && EqualsIgnoreCase(o, "TYPE")) {
      a->type = cx.arg(i + 1);
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace yotta::scan_args
