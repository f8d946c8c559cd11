// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for server/resp_parser: multibulk and inline requests, input
// split at every byte, and each protocol error Redis 7 sends (texts checked
// against redis-server).
#include "server/resp_parser.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace yotta {
namespace {

using Args = std::vector<std::string>;
using Status = RespParser::Status;

struct Result {
  Status status;
  size_t consumed = 0;
  Args args;
  std::string error;
};

// One Parse call on `buf`; copies the argument views out.
Result ParseOnce(RespParser& p, std::string_view buf, const RespParser::Limits& limits = {}) {
  Result r;
  std::vector<std::string_view> views;
  r.status = p.Parse(buf, limits, &r.consumed, &views);
  for (std::string_view v : views) r.args.emplace_back(v);
  if (r.status == Status::kError) r.error = std::string(p.error());
  return r;
}

Result ParseAll(std::string_view buf, const RespParser::Limits& limits = {}) {
  RespParser p;
  return ParseOnce(p, buf, limits);
}

// Parses a stream of commands, skipping empty ones, as Connection does.
std::vector<Args> ParseStream(std::string_view buf) {
  RespParser p;
  std::vector<Args> out;
  while (!buf.empty()) {
    Result r = ParseOnce(p, buf);
    REQUIRE(r.status == Status::kOk);
    if (!r.args.empty()) out.push_back(r.args);
    buf.remove_prefix(r.consumed);
  }
  return out;
}

std::string Multibulk(const Args& args) {
  std::string s = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return s;
}

std::string ErrorOf(std::string_view buf, const RespParser::Limits& limits = {}) {
  Result r = ParseAll(buf, limits);
  return r.status == Status::kError ? r.error : "<status " + std::to_string(int(r.status)) + ">";
}

}  // namespace

TEST_SUITE("resp_parser") {
  TEST_CASE("a multibulk request parses into its arguments") {
    std::string req = Multibulk({"SET", "key", "value"});
    Result r = ParseAll(req);
    CHECK(r.status == Status::kOk);
    CHECK(r.consumed == req.size());
    CHECK(r.args == Args{"SET", "key", "value"});

    SUBCASE("bulk data may hold CR, LF and NUL") {
      std::string bin("a\r\nb\0c", 6);
      Result b = ParseAll(Multibulk({"ECHO", bin}));
      CHECK(b.args == Args{"ECHO", bin});
    }
    SUBCASE("empty bulk strings") {
      CHECK(ParseAll(Multibulk({"ECHO", ""})).args == Args{"ECHO", ""});
    }
    SUBCASE("pipelined requests are consumed one at a time") {
      std::string two = Multibulk({"PING"}) + Multibulk({"GET", "k"});
      Result first = ParseAll(two);
      CHECK(first.args == Args{"PING"});
      CHECK(first.consumed == Multibulk({"PING"}).size());
      CHECK(ParseStream(two) == std::vector<Args>{{"PING"}, {"GET", "k"}});
    }
    SUBCASE("the trailing CRLF of a bulk is not verified, as in Redis") {
      CHECK(ParseStream("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n") ==
            std::vector<Args>{{"PING"}, {"PING"}});
    }
  }

  TEST_CASE("empty and non-positive multibulk counts are skipped") {
    for (const char* req : {"*0\r\n", "*-1\r\n", "*-100\r\n"}) {
      CAPTURE(req);
      Result r = ParseAll(req);
      CHECK(r.status == Status::kOk);
      CHECK(r.args.empty());
      CHECK(r.consumed == std::string_view(req).size());
    }
    CHECK(ParseStream("*0\r\n*1\r\n$4\r\nPING\r\n") == std::vector<Args>{{"PING"}});
  }

  TEST_CASE("inline requests split like sdssplitargs") {
    SUBCASE("plain words, any amount of space, LF or CRLF") {
      CHECK(ParseAll("SET key value\r\n").args == Args{"SET", "key", "value"});
      CHECK(ParseAll("  GET   k  \n").args == Args{"GET", "k"});
      CHECK(ParseAll("GET\tk\r\n").args == Args{"GET", "k"});
      Result r = ParseAll("PING\nPING\n");
      CHECK(r.consumed == 5);
    }
    SUBCASE("double quotes with escapes") {
      CHECK(ParseAll("ECHO \"hello world\"\r\n").args == Args{"ECHO", "hello world"});
      CHECK(ParseAll("ECHO \"\\x41\\x4g\"\r\n").args == Args{"ECHO", "Ax4g"});
      CHECK(ParseAll("ECHO \"a\\\"b\"\r\n").args == Args{"ECHO", "a\"b"});
      CHECK(ParseAll("ECHO \"\\n\\r\\t\\b\\a\\\\\"\r\n").args == Args{"ECHO", "\n\r\t\b\a\\"});
      CHECK(ParseAll("ECHO \"\\x00\"\r\n").args == Args{"ECHO", std::string("\0", 1)});
      CHECK(ParseAll("ECHO \"\"\r\n").args == Args{"ECHO", ""});
    }
    SUBCASE("single quotes take only \\' as an escape") {
      CHECK(ParseAll("ECHO 'it\\'s'\r\n").args == Args{"ECHO", "it's"});
      CHECK(ParseAll("ECHO 'a\\nb'\r\n").args == Args{"ECHO", "a\\nb"});
    }
    SUBCASE("a quote may start mid-word") {
      CHECK(ParseAll("ECHO ab\"c d\"\r\n").args == Args{"ECHO", "abc d"});
    }
    SUBCASE("unbalanced quotes are a protocol error") {
      for (const char* req : {"ECHO \"unterminated\r\n", "ECHO 'x\r\n", "SET \"a\"b c\r\n",
                              "ECHO 'a'b\r\n", "ECHO \"trailing backslash\\\r\n"}) {
        CAPTURE(req);
        CHECK(ErrorOf(req) == "ERR Protocol error: unbalanced quotes in request");
      }
    }
    SUBCASE("empty lines yield no arguments and are consumed") {
      for (const char* req : {"\r\n", "\n", "   \r\n", "\t\n"}) {
        CAPTURE(req);
        Result r = ParseAll(req);
        CHECK(r.status == Status::kOk);
        CHECK(r.args.empty());
        CHECK(r.consumed == std::string_view(req).size());
      }
      CHECK(ParseStream("\r\n\r\nPING\r\n") == std::vector<Args>{{"PING"}});
    }
    SUBCASE("inline and multibulk interleave") {
      CHECK(ParseStream("PING\r\n" + Multibulk({"GET", "k"}) + "ECHO x\n") ==
            std::vector<Args>{{"PING"}, {"GET", "k"}, {"ECHO", "x"}});
    }
  }

  TEST_CASE("input split at every byte resumes correctly") {
    std::string big(100, 'z');
    std::string stream = Multibulk({"SET", "key", big}) + "ECHO \"a b\" 'c'\r\n" + Multibulk({}) +
                         Multibulk({"MGET", "a", "", "b"}) + "\r\n" + Multibulk({"PING"});
    std::vector<Args> expect = {
        {"SET", "key", big}, {"ECHO", "a b", "c"}, {"MGET", "a", "", "b"}, {"PING"}};
    // Feed the bytes one at a time, keeping the unconsumed tail contiguous.
    RespParser p;
    std::string buf;
    std::vector<Args> got;
    for (char c : stream) {
      buf.push_back(c);
      while (!buf.empty()) {
        Result r = ParseOnce(p, buf);
        REQUIRE(r.status != Status::kError);
        if (r.status == Status::kIncomplete) break;
        if (!r.args.empty()) got.push_back(r.args);
        buf.erase(0, r.consumed);
      }
    }
    CHECK(buf.empty());
    CHECK(got == expect);

    SUBCASE("and in chunks of every size") {
      for (size_t chunk = 2; chunk < 40; ++chunk) {
        RespParser q;
        std::string b;
        std::vector<Args> g;
        for (size_t i = 0; i < stream.size(); i += chunk) {
          b += stream.substr(i, chunk);
          while (!b.empty()) {
            Result r = ParseOnce(q, b);
            REQUIRE(r.status != Status::kError);
            if (r.status == Status::kIncomplete) break;
            if (!r.args.empty()) g.push_back(r.args);
            b.erase(0, r.consumed);
          }
        }
        CAPTURE(chunk);
        CHECK(g == expect);
      }
    }
  }

  TEST_CASE("malformed lengths are protocol errors with Redis's texts") {
    SUBCASE("multibulk count") {
      CHECK(ErrorOf("*abc\r\n") == "ERR Protocol error: invalid multibulk length");
      CHECK(ErrorOf("*1x\r\n") == "ERR Protocol error: invalid multibulk length");
      CHECK(ErrorOf("*+1\r\n") == "ERR Protocol error: invalid multibulk length");
      CHECK(ErrorOf("*\r\n") == "ERR Protocol error: invalid multibulk length");
      CHECK(ErrorOf("*2147483648\r\n") == "ERR Protocol error: invalid multibulk length");
      CHECK(ErrorOf("*99999999999999999999\r\n") == "ERR Protocol error: invalid multibulk length");
    }
    SUBCASE("Redis accepts any multibulk count up to INT_MAX") {
      CHECK(ParseAll("*2147483647\r\n").status == Status::kIncomplete);
      CHECK(ParseAll("*2000000\r\n$3\r\n").status == Status::kIncomplete);
    }
    SUBCASE("bulk length") {
      CHECK(ErrorOf("*1\r\n$abc\r\n") == "ERR Protocol error: invalid bulk length");
      CHECK(ErrorOf("*1\r\n$-1\r\n") == "ERR Protocol error: invalid bulk length");
      CHECK(ErrorOf("*1\r\n$+1\r\nx\r\n") == "ERR Protocol error: invalid bulk length");
      CHECK(ErrorOf("*1\r\n$\r\n") == "ERR Protocol error: invalid bulk length");
    }
    SUBCASE("a bulk header must start with '$'") {
      CHECK(ErrorOf("*1\r\n:1\r\n") == "ERR Protocol error: expected '$', got ':'");
      CHECK(ErrorOf("*2\r\n$1\r\na\r\nx") == "ERR Protocol error: expected '$', got 'x'");
    }
    SUBCASE("count lines without CRLF are bounded") {
      CHECK(ErrorOf("*" + std::string(70000, '1')) ==
            "ERR Protocol error: too big mbulk count string");
      CHECK(ErrorOf("*1\r\n$" + std::string(70000, '1')) ==
            "ERR Protocol error: too big bulk count string");
      CHECK(ParseAll("*" + std::string(1000, '1')).status == Status::kIncomplete);
    }
    SUBCASE("an inline line without LF is bounded") {
      CHECK(ErrorOf(std::string(70000, 'a')) == "ERR Protocol error: too big inline request");
      CHECK(ParseAll(std::string(60000, 'a')).status == Status::kIncomplete);
    }
  }

  TEST_CASE("bulk lengths are checked against proto-max-bulk-len") {
    RespParser::Limits limits;
    limits.max_bulk_len = 1000;
    CHECK(ErrorOf("*1\r\n$1001\r\n", limits) == "ERR Protocol error: invalid bulk length");
    CHECK(ParseAll("*1\r\n$1000\r\n", limits).status == Status::kIncomplete);
    SUBCASE("the default is 512 MiB") {
      CHECK(ErrorOf("*1\r\n$536870913\r\n") == "ERR Protocol error: invalid bulk length");
      CHECK(ParseAll("*1\r\n$536870912\r\n").status == Status::kIncomplete);
    }
  }

  TEST_CASE("unauthenticated clients get Redis's tight limits") {
    RespParser::Limits limits;
    limits.authenticated = false;
    CHECK(ErrorOf("*11\r\n", limits) == "ERR Protocol error: unauthenticated multibulk length");
    CHECK(ErrorOf("*10\r\n$16385\r\n", limits) ==
          "ERR Protocol error: unauthenticated bulk length");
    CHECK(ParseAll("*10\r\n$16384\r\n", limits).status == Status::kIncomplete);
    CHECK(ParseAll(Multibulk({"AUTH", "secret"}), limits).args == Args{"AUTH", "secret"});
    CHECK(ParseAll("AUTH secret\r\n", limits).args == Args{"AUTH", "secret"});
  }

  TEST_CASE("bytes_needed reports the size of a large bulk in progress") {
    std::string head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n";
    std::string req = head + std::string(1000000, 'v') + "\r\n";
    RespParser p;
    CHECK(ParseOnce(p, req.substr(0, head.size() + 10)).status == Status::kIncomplete);
    CHECK(p.bytes_needed() == req.size());
    CHECK(ParseOnce(p, req.substr(0, req.size() - 1)).status == Status::kIncomplete);
    CHECK(p.bytes_needed() == req.size());
    Result r = ParseOnce(p, req);
    CHECK(r.status == Status::kOk);
    CHECK(r.consumed == req.size());
    CHECK(r.args.size() == 3);
    CHECK(r.args[2].size() == 1000000);
    CHECK(p.bytes_needed() == 0);  // reset once the command completes
  }

  TEST_CASE("a parser is reusable after a protocol error") {
    RespParser p;
    CHECK(ParseOnce(p, "*1\r\n$x\r\n").status == Status::kError);
    CHECK(ParseOnce(p, Multibulk({"PING"})).args == Args{"PING"});
    CHECK(ParseOnce(p, "ECHO \"x\r\n").status == Status::kError);
    CHECK(ParseOnce(p, "PING\r\n").args == Args{"PING"});
  }

  TEST_CASE("empty input is incomplete") {
    CHECK(ParseAll("").status == Status::kIncomplete);
    CHECK(ParseAll("*").status == Status::kIncomplete);
    CHECK(ParseAll("*1\r").status == Status::kIncomplete);
    CHECK(ParseAll("*1\r\n").status == Status::kIncomplete);
    CHECK(ParseAll("*1\r\n$4\r\nPING\r").status == Status::kIncomplete);
    CHECK(ParseAll("PING").status == Status::kIncomplete);
  }
}

}  // namespace yotta
