// YottaStore. Licensed under the Apache License 2.0.
// Number parsing and formatting with Redis's exact rules, and glob matching.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace yotta {

// Redis's string2ll: optional '-', no '+', no spaces, no leading zeros, must
// fit in int64. "-0" is rejected as Redis does.
[[nodiscard]] bool ParseInt64(std::string_view s, int64_t* out);
[[nodiscard]] bool ParseUint64(std::string_view s, uint64_t* out);

// Redis's string2ld/strtold use: the whole string must parse, no leading
// space, NaN rejected. Accepts "inf", "-inf", exponents.
[[nodiscard]] bool ParseLongDouble(std::string_view s, long double* out);
[[nodiscard]] bool ParseDouble(std::string_view s, double* out);

// Appends the decimal form of v.
void AppendInt(std::string* out, int64_t v);
// Number of characters AppendInt writes.
int IntLen(int64_t v);

// Redis's ld2string in human-friendly mode (INCRBYFLOAT, HINCRBYFLOAT):
// "%.17Lf" with trailing zeros (and a trailing '.') removed.
std::string FormatLongDouble(long double v);
// Redis 7's double reply text: "%.17g", "inf", "-inf".
std::string FormatDouble(double v);

// Redis's stringmatchlen: glob with * ? [abc] [^a-z] and \ escapes.
bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase = false);

// ASCII case-insensitive equality (command names, options).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
void ToLowerInPlace(std::string* s);
std::string ToUpper(std::string_view s);

}  // namespace yotta
