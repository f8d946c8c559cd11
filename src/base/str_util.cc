// YottaStore. Licensed under the Apache License 2.0.
#include "base/str_util.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace yotta {

bool ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  if (s[0] < '1' || s[0] > '9') return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = s[0] == '-';
  std::string_view digits = neg ? s.substr(1) : s;
  if (neg && (digits.empty() || digits[0] == '0')) return false;
  uint64_t v;
  if (!ParseUint64(digits, &v)) return false;
  if (neg) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

namespace {
// Redis's strtold/strtod use: the whole string must be a number, no leading
// space, no NaN, no overflow to infinity and no underflow to zero.
template <class T, T (*Parse)(const char*, char**)>
bool ParseFloating(std::string_view s, T huge, T* out) {
  if (s.empty() || s.size() >= 5120) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  char buf[5121];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end;
  errno = 0;
  T v = Parse(buf, &end);
  if (static_cast<size_t>(end - buf) != s.size()) return false;
  if (std::isnan(v)) return false;
  if (errno == ERANGE && (v == huge || v == -huge || std::fpclassify(v) == FP_ZERO)) return false;
  *out = v;
  return true;
}
}  // namespace

bool ParseLongDouble(std::string_view s, long double* out) {
  return ParseFloating<long double, std::strtold>(s, HUGE_VALL, out);
}

bool ParseDouble(std::string_view s, double* out) {
  return ParseFloating<double, std::strtod>(s, HUGE_VAL, out);
}

int IntLen(int64_t v) {
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  int n = v < 0 ? 2 : 1;
  while (u >= 10) {
    u /= 10;
    ++n;
  }
  return n;
}

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  char* p = buf + sizeof(buf);
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--p = '-';
  out->append(p, buf + sizeof(buf) - p);
}

std::string FormatLongDouble(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[5200];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (n <= 0 || n >= static_cast<int>(sizeof(buf))) return "0";
  if (std::strchr(buf, '.')) {
    while (n > 0 && buf[n - 1] == '0') --n;
    if (n > 0 && buf[n - 1] == '.') --n;
  }
  std::string s(buf, n);
  if (s == "-0") s = "0";
  return s;
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, n);
}

namespace {
inline unsigned char Fold(unsigned char c, bool nocase) {
  return nocase ? static_cast<unsigned char>(std::tolower(c)) : c;
}

// Iterative-with-recursion-on-star glob, as Redis's stringmatchlen; depth is
// bounded by the number of '*' in the pattern, and consecutive stars collapse.
// *skip_longer: once the rest of the pattern after a '*' failed against every
// suffix, no other placement of an earlier '*' can succeed either, so all
// callers give up at once. Without it, "*a*a*...*b" takes exponential time
// (Redis's CVE-2022-36021).
bool Match(const char* p, size_t plen, const char* s, size_t slen, bool nocase, int depth,
           bool* skip_longer) {
  if (depth > 1000) return false;
  while (plen && slen) {
    switch (*p) {
      case '*': {
        while (plen > 1 && p[1] == '*') {
          ++p;
          --plen;
        }
        if (plen == 1) return true;
        for (size_t i = 0; i <= slen; ++i) {
          if (Match(p + 1, plen - 1, s + i, slen - i, nocase, depth + 1, skip_longer)) return true;
          if (*skip_longer) return false;
        }
        *skip_longer = true;
        return false;
      }
      case '?':
        ++s;
        --slen;
        break;
      case '[': {
        ++p;
        --plen;
        bool negate = plen && *p == '^';
        if (negate) {
          ++p;
          --plen;
        }
        bool matched = false;
        while (plen) {
          if (*p == '\\' && plen >= 2) {
            ++p;
            --plen;
            if (Fold(*p, nocase) == Fold(*s, nocase)) matched = true;
          } else if (*p == ']') {
            break;
          } else if (plen >= 3 && p[1] == '-') {
            unsigned char lo = Fold(p[0], nocase), hi = Fold(p[2], nocase), c = Fold(*s, nocase);
            if (lo > hi) std::swap(lo, hi);
            if (c >= lo && c <= hi) matched = true;
            p += 2;
            plen -= 2;
          } else if (Fold(*p, nocase) == Fold(*s, nocase)) {
            matched = true;
          }
          ++p;
          --plen;
        }
        if (plen == 0) {  // unterminated class: Redis treats end as ']'
          ++plen;
          --p;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        ++s;
        --slen;
        break;
      }
      case '\\':
        if (plen >= 2) {
          ++p;
          --plen;
        }
        [[fallthrough]];
      default:
        if (Fold(*p, nocase) != Fold(*s, nocase)) return false;
        ++s;
        --slen;
        break;
    }
    ++p;
    --plen;
  }
  while (plen && *p == '*') {
    ++p;
    --plen;
  }
  return plen == 0 && slen == 0;
}
}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase) {
  bool skip_longer = false;
  return Match(pattern.data(), pattern.size(), s.data(), s.size(), nocase, 0, &skip_longer);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

void ToLowerInPlace(std::string* s) {
  for (char& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string ToUpper(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

}  // namespace yotta
