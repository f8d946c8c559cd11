// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for base/str_util: Redis's number parsing and formatting rules
// (string2ll, string2ld, ld2string) and its glob matcher (stringmatchlen).
#include "base/str_util.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <string>

namespace yotta {
namespace {

bool Int(std::string_view s, int64_t* v) { return ParseInt64(s, v); }

bool RejectsInt(std::string_view s) {
  int64_t v = 12345;
  bool ok = ParseInt64(s, &v);
  return !ok && v == 12345;  // a rejected parse leaves the output alone
}

long double Ld(std::string_view s) {
  long double v = 0;
  REQUIRE(ParseLongDouble(s, &v));
  return v;
}

// Runs GlobMatch in a forked child that SIGALRM kills after `secs`, so a
// pathological matcher fails the test instead of hanging the suite.
// Returns 1 (match), 0 (no match) or -1 (timed out or crashed).
int GlobWithin(const std::string& pattern, const std::string& subject, unsigned secs) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    alarm(secs);
    _exit(GlobMatch(pattern, subject) ? 1 : 0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_SUITE("str_util") {
  TEST_CASE("ParseInt64 accepts what Redis's string2ll accepts") {
    int64_t v = 0;
    SUBCASE("zero and small numbers") {
      CHECK(Int("0", &v));
      CHECK(v == 0);
      CHECK(Int("7", &v));
      CHECK(v == 7);
      CHECK(Int("-7", &v));
      CHECK(v == -7);
      CHECK(Int("1234567890", &v));
      CHECK(v == 1234567890);
    }
    SUBCASE("the int64 extremes") {
      CHECK(Int("9223372036854775807", &v));
      CHECK(v == INT64_MAX);
      CHECK(Int("-9223372036854775808", &v));
      CHECK(v == INT64_MIN);
    }
  }

  TEST_CASE("ParseInt64 rejects what Redis's string2ll rejects") {
    SUBCASE("signs, spaces and leading zeros") {
      CHECK(RejectsInt("-0"));
      CHECK(RejectsInt("+1"));
      CHECK(RejectsInt(" 1"));
      CHECK(RejectsInt("1 "));
      CHECK(RejectsInt("01"));
      CHECK(RejectsInt("-01"));
      CHECK(RejectsInt("00"));
      CHECK(RejectsInt("-"));
      CHECK(RejectsInt(""));
    }
    SUBCASE("non-digits") {
      CHECK(RejectsInt("1a"));
      CHECK(RejectsInt("a1"));
      CHECK(RejectsInt("1.0"));
      CHECK(RejectsInt("1e3"));
      CHECK(RejectsInt("0x10"));
      CHECK(RejectsInt(std::string_view("1\0", 2)));
    }
    SUBCASE("one past the int64 extremes and longer") {
      CHECK(RejectsInt("9223372036854775808"));
      CHECK(RejectsInt("-9223372036854775809"));
      CHECK(RejectsInt("18446744073709551615"));
      CHECK(RejectsInt("18446744073709551616"));
      CHECK(RejectsInt("99999999999999999999999"));
      CHECK(RejectsInt("-99999999999999999999999"));
    }
  }

  TEST_CASE("ParseUint64 covers the whole unsigned range and nothing more") {
    uint64_t v = 0;
    CHECK(ParseUint64("18446744073709551615", &v));
    CHECK(v == UINT64_MAX);
    CHECK(ParseUint64("0", &v));
    CHECK(v == 0);
    CHECK_FALSE(ParseUint64("18446744073709551616", &v));
    CHECK_FALSE(ParseUint64("-1", &v));
    CHECK_FALSE(ParseUint64("01", &v));
    CHECK_FALSE(ParseUint64("", &v));
  }

  TEST_CASE("ParseLongDouble follows string2ld") {
    long double v = 0;
    SUBCASE("plain, signed and exponent forms") {
      CHECK(Ld("10.5") == 10.5L);
      CHECK(Ld("-3") == -3.0L);
      CHECK(Ld("+3") == 3.0L);  // strtold takes a '+', and so does Redis
      CHECK(Ld("5.0e3") == 5000.0L);
      CHECK(Ld(".5") == 0.5L);
      CHECK(Ld("1e-10") == 1e-10L);
    }
    SUBCASE("infinities are accepted, NaN is not") {
      CHECK(std::isinf(Ld("inf")));
      CHECK(Ld("-inf") < 0);
      CHECK(std::isinf(Ld("+inf")));
      CHECK_FALSE(ParseLongDouble("nan", &v));
      CHECK_FALSE(ParseLongDouble("-nan", &v));
    }
    SUBCASE("the whole string must parse, without surrounding space") {
      CHECK_FALSE(ParseLongDouble("", &v));
      CHECK_FALSE(ParseLongDouble(" 1", &v));
      CHECK_FALSE(ParseLongDouble("1 ", &v));
      CHECK_FALSE(ParseLongDouble("1.5x", &v));
      CHECK_FALSE(ParseLongDouble("abc", &v));
      CHECK_FALSE(ParseLongDouble(std::string_view("1\0"
                                                   "5",
                                                   3),
                                  &v));
    }
    SUBCASE("overflow and underflow to zero are errors") {
      CHECK_FALSE(ParseLongDouble("1e99999", &v));
      CHECK_FALSE(ParseLongDouble("-1e99999", &v));
      CHECK_FALSE(ParseLongDouble("1e-99999", &v));
    }
    SUBCASE("absurdly long input is rejected, not copied") {
      CHECK_FALSE(ParseLongDouble(std::string(6000, '1'), &v));
    }
  }

  TEST_CASE("ParseDouble follows the same rules at double precision") {
    double d = 0;
    CHECK(ParseDouble("1.5", &d));
    CHECK(d == 1.5);
    CHECK(ParseDouble("-inf", &d));
    CHECK(std::isinf(d));
    CHECK_FALSE(ParseDouble("nan", &d));
    CHECK_FALSE(ParseDouble(" 1.5", &d));
    CHECK_FALSE(ParseDouble("1e400", &d));
    CHECK_FALSE(ParseDouble("", &d));
  }

  TEST_CASE("FormatLongDouble prints INCRBYFLOAT results as Redis does") {
    SUBCASE("the examples from the INCRBYFLOAT documentation") {
      CHECK(FormatLongDouble(Ld("10.50") + Ld("0.1")) == "10.6");
      CHECK(FormatLongDouble(Ld("5.0e3") + Ld("2.0e2")) == "5200");
    }
    SUBCASE("trailing zeros and the point go, integers stay integers") {
      CHECK(FormatLongDouble(3.0L) == "3");
      CHECK(FormatLongDouble(-2.5L) == "-2.5");
      CHECK(FormatLongDouble(0.0L) == "0");
      CHECK(FormatLongDouble(-0.0L) == "0");
      CHECK(FormatLongDouble(100.0L) == "100");
      CHECK(FormatLongDouble(1e20L) == "100000000000000000000");
    }
    SUBCASE("infinities") {
      CHECK(FormatLongDouble(HUGE_VALL) == "inf");
      CHECK(FormatLongDouble(-HUGE_VALL) == "-inf");
    }
    SUBCASE("round trip through ParseLongDouble") {
      for (const char* s : {"1.1", "0.001", "-123.456", "3.14159", "1000000.5"}) {
        CHECK(FormatLongDouble(Ld(s)) == s);
      }
    }
  }

  TEST_CASE("FormatDouble uses %.17g as Redis 7.0 replies") {
    CHECK(FormatDouble(1.5) == "1.5");
    CHECK(FormatDouble(3) == "3");
    CHECK(FormatDouble(0.1) == "0.10000000000000001");
    CHECK(FormatDouble(HUGE_VAL) == "inf");
    CHECK(FormatDouble(-HUGE_VAL) == "-inf");
    CHECK(FormatDouble(1e300) == "1.0000000000000001e+300");
  }

  TEST_CASE("AppendInt and IntLen agree on every magnitude") {
    for (int64_t v : {int64_t{0}, int64_t{9}, int64_t{10}, int64_t{-1}, int64_t{-10},
                      int64_t{1234567}, INT64_MAX, INT64_MIN}) {
      std::string s;
      AppendInt(&s, v);
      CHECK(s == std::to_string(v));
      CHECK(IntLen(v) == static_cast<int>(s.size()));
    }
  }

  TEST_CASE("GlobMatch implements stringmatchlen") {
    SUBCASE("literals, ? and *") {
      CHECK(GlobMatch("hello", "hello"));
      CHECK_FALSE(GlobMatch("hello", "hell"));
      CHECK_FALSE(GlobMatch("hell", "hello"));
      CHECK(GlobMatch("h?llo", "hallo"));
      CHECK_FALSE(GlobMatch("h?llo", "hllo"));
      CHECK(GlobMatch("h*llo", "hllo"));
      CHECK(GlobMatch("h*llo", "heeeello"));
      CHECK(GlobMatch("*", ""));
      CHECK(GlobMatch("**", "anything"));
      CHECK_FALSE(GlobMatch("?", ""));
      CHECK(GlobMatch("", ""));
      CHECK_FALSE(GlobMatch("", "a"));
      CHECK(GlobMatch("a*b*c", "aXXbYYc"));
      CHECK_FALSE(GlobMatch("a*b*c", "aXXbYY"));
      CHECK(GlobMatch("user:*:name", "user:1000:name"));
    }
    SUBCASE("classes, ranges and negation") {
      CHECK(GlobMatch("h[ae]llo", "hello"));
      CHECK(GlobMatch("h[ae]llo", "hallo"));
      CHECK_FALSE(GlobMatch("h[ae]llo", "hillo"));
      CHECK(GlobMatch("h[^e]llo", "hallo"));
      CHECK_FALSE(GlobMatch("h[^e]llo", "hello"));
      CHECK(GlobMatch("h[a-b]llo", "hbllo"));
      CHECK_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
      CHECK(GlobMatch("[z-a]", "m"));  // reversed ranges are swapped
      CHECK(GlobMatch("[^a-c]x", "dx"));
      CHECK_FALSE(GlobMatch("[^a-c]x", "bx"));
      // "[a-]" is the range 'a'..']' (swapped: ']'..'a'), as redis-server
      // KEYS shows; a '-' does not match.
      CHECK(GlobMatch("[a-]", "_"));
      CHECK(GlobMatch("[a-]", "]"));
      CHECK(GlobMatch("[a-]", "a"));
      CHECK_FALSE(GlobMatch("[a-]", "-"));
      CHECK_FALSE(GlobMatch("[a-]", "b"));
      CHECK(GlobMatch("[abc", "a"));  // an unterminated class ends at the pattern's end
      CHECK_FALSE(GlobMatch("[abc", "d"));
    }
    SUBCASE("escapes") {
      CHECK(GlobMatch("\\*", "*"));
      CHECK_FALSE(GlobMatch("\\*", "a"));
      CHECK(GlobMatch("a\\?b", "a?b"));
      CHECK_FALSE(GlobMatch("a\\?b", "axb"));
      CHECK(GlobMatch("[\\]]", "]"));
      CHECK(GlobMatch("[\\-]", "-"));
      CHECK(GlobMatch("\\[x\\]", "[x]"));
      CHECK(GlobMatch("trailing\\", "trailing\\"));  // a lone trailing '\' is literal
    }
    SUBCASE("nocase") {
      CHECK(GlobMatch("HeLLo", "hello", true));
      CHECK_FALSE(GlobMatch("HeLLo", "hello", false));
      CHECK(GlobMatch("[A-C]x", "bX", true));
      CHECK(GlobMatch("[^A-C]x", "dX", true));
      CHECK_FALSE(GlobMatch("[^A-C]x", "bX", true));
    }
    SUBCASE("binary bytes") {
      std::string s("a\0b", 3);
      CHECK(GlobMatch(std::string_view("a?b"), s));
      CHECK(GlobMatch(std::string_view("a\0*", 3), s));
    }
  }

  TEST_CASE("GlobMatch with many stars does not blow up exponentially") {
    // Redis 7.0.9 (CVE-2022-36021) fixed patterns like "*a*a*a...*b": once a
    // star has tried every suffix of the string, outer stars cannot do better.
    std::string pattern;
    for (int i = 0; i < 30; ++i) pattern += "*a";
    pattern += "*b";
    std::string subject(60, 'a');
    CHECK(GlobWithin(pattern, subject, 2) == 0);  // -1 = still running
    CHECK(GlobWithin(pattern, subject + "b", 2) == 1);
  }

  TEST_CASE("GlobMatch bounds its recursion on absurd patterns") {
    std::string pattern;
    for (int i = 0; i < 5000; ++i) pattern += "a*";
    CHECK(GlobWithin(pattern, std::string(3000, 'a'), 2) == 0);
  }

  TEST_CASE("case helpers are ASCII only") {
    CHECK(EqualsIgnoreCase("GeT", "get"));
    CHECK_FALSE(EqualsIgnoreCase("get", "gets"));
    std::string s = "MiXeD";
    ToLowerInPlace(&s);
    CHECK(s == "mixed");
    CHECK(ToUpper("config|get") == "CONFIG|GET");
  }
}

}  // namespace yotta
