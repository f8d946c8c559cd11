// YottaStore. Licensed under the Apache License 2.0.
// Argument parsing shared by SSCAN and HSCAN: cursor [MATCH p] [COUNT n],
// with Redis's checks and error texts.
#pragma once

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/errors.h"

namespace yotta::coll_scan {

inline constexpr std::string_view kErrInvalidCursor = "ERR invalid cursor";
// Buckets a hashtable SCAN visits per requested element (Redis's count*10).
inline constexpr int64_t kBucketsPerElement = 10;

struct Args {
  uint64_t cursor = 0;
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  bool Match(std::string_view s) const { return !use_pattern || GlobMatch(pattern, s); }
};

// strtoul's rules, as Redis parses cursors.
inline bool ParseCursor(CmdContext& cx, Args* a) {
  std::string z(cx.arg(2));
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

// Options from argument 3 on. Replies and returns false on error.
inline bool ParseOptions(CmdContext& cx, Args* a) {
  for (size_t i = 3; i < cx.argc(); i += 2) {
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
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace yotta::coll_scan
