// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for server/reply_builder: the exact RESP2 and RESP3 bytes of each
// reply type, and error sanitizing.
#include "server/reply_builder.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace yotta {
namespace {

// The bytes a reply produces under RESP2 and RESP3.
template <class F>
std::pair<std::string, std::string> Both(F&& write) {
  std::string r2, r3;
  ReplyBuilder b2(&r2, 2), b3(&r3, 3);
  write(b2);
  write(b3);
  return {r2, r3};
}

using Pair = std::pair<std::string, std::string>;

}  // namespace

TEST_SUITE("reply_builder") {
  TEST_CASE("scalar replies are the same in RESP2 and RESP3") {
    CHECK(Both([](ReplyBuilder& b) { b.Ok(); }) == Pair{"+OK\r\n", "+OK\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.SimpleString("PONG"); }) == Pair{"+PONG\r\n", "+PONG\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Integer(-42); }) == Pair{":-42\r\n", ":-42\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Integer(INT64_MIN); }) ==
          Pair{":-9223372036854775808\r\n", ":-9223372036854775808\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Bulk("hello"); }) ==
          Pair{"$5\r\nhello\r\n", "$5\r\nhello\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Bulk(""); }) == Pair{"$0\r\n\r\n", "$0\r\n\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Bulk(std::string("a\r\n\0", 4)); }) ==
          Pair{std::string("$4\r\na\r\n\0\r\n", 10), std::string("$4\r\na\r\n\0\r\n", 10)});
    CHECK(Both([](ReplyBuilder& b) { b.Array(3); }) == Pair{"*3\r\n", "*3\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Raw("+RAW\r\n"); }) == Pair{"+RAW\r\n", "+RAW\r\n"});
  }

  TEST_CASE("null is $-1 or *-1 in RESP2 and _ in RESP3") {
    CHECK(Both([](ReplyBuilder& b) { b.Null(); }) == Pair{"$-1\r\n", "_\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.NullArray(); }) == Pair{"*-1\r\n", "_\r\n"});
  }

  TEST_CASE("maps flatten to arrays of 2n in RESP2") {
    auto out = Both([](ReplyBuilder& b) {
      b.Map(2);
      b.Bulk("a");
      b.Integer(1);
      b.Bulk("b");
      b.Integer(2);
    });
    CHECK(out.first == "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n");
    CHECK(out.second == "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n");
    CHECK(Both([](ReplyBuilder& b) { b.Map(0); }) == Pair{"*0\r\n", "%0\r\n"});
  }

  TEST_CASE("sets and pushes are arrays in RESP2") {
    CHECK(Both([](ReplyBuilder& b) { b.Set(2); }) == Pair{"*2\r\n", "~2\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Push(3); }) == Pair{"*3\r\n", ">3\r\n"});
  }

  TEST_CASE("doubles are bulk strings in RESP2 and ',' in RESP3") {
    CHECK(Both([](ReplyBuilder& b) { b.Double(1.5); }) == Pair{"$3\r\n1.5\r\n", ",1.5\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Double(3); }) == Pair{"$1\r\n3\r\n", ",3\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Double(HUGE_VAL); }) == Pair{"$3\r\ninf\r\n", ",inf\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Double(-HUGE_VAL); }) ==
          Pair{"$4\r\n-inf\r\n", ",-inf\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Double(0.1); }) ==
          Pair{"$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.DoubleText("10.6"); }) ==
          Pair{"$4\r\n10.6\r\n", ",10.6\r\n"});
  }

  TEST_CASE("booleans are :1/:0 in RESP2 and #t/#f in RESP3") {
    CHECK(Both([](ReplyBuilder& b) { b.Bool(true); }) == Pair{":1\r\n", "#t\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Bool(false); }) == Pair{":0\r\n", "#f\r\n"});
  }

  TEST_CASE("verbatim strings carry the txt: format in RESP3 only") {
    CHECK(Both([](ReplyBuilder& b) { b.Verbatim("Some string"); }) ==
          Pair{"$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"});
    CHECK(Both([](ReplyBuilder& b) { b.Verbatim(""); }) == Pair{"$0\r\n\r\n", "=4\r\ntxt:\r\n"});
  }

  TEST_CASE("Error writes its code word and can never break framing") {
    SUBCASE("a plain error") {
      CHECK(Both([](ReplyBuilder& b) { b.Error("ERR syntax error"); }) ==
            Pair{"-ERR syntax error\r\n", "-ERR syntax error\r\n"});
    }
    SUBCASE("CR and LF become spaces") {
      std::string out;
      ReplyBuilder b(&out, 2);
      b.Error("ERR bad\r\ninjected\nline\r");
      CHECK(out == "-ERR bad  injected line \r\n");
    }
    SUBCASE("errors are counted, other replies are not") {
      std::string out;
      ReplyBuilder b(&out, 3);
      b.Ok();
      b.Bulk("x");
      CHECK(b.errors() == 0);
      b.Error("ERR one");
      b.Error("WRONGTYPE two");
      CHECK(b.errors() == 2);
    }
    SUBCASE("sanitizing touches only the error, not earlier output") {
      std::string out;
      ReplyBuilder b(&out, 2);
      b.Bulk("a\r\nb");
      b.Error("ERR x\ny");
      CHECK(out == "$4\r\na\r\nb\r\n-ERR x y\r\n");
    }
  }

  TEST_CASE("BulkArray writes a header and one bulk per element") {
    std::vector<std::string> v = {"a", "bc", ""};
    CHECK(
        Both([&](ReplyBuilder& b) { b.BulkArray(v); }) ==
        Pair{"*3\r\n$1\r\na\r\n$2\r\nbc\r\n$0\r\n\r\n", "*3\r\n$1\r\na\r\n$2\r\nbc\r\n$0\r\n\r\n"});
    std::vector<std::string> none;
    CHECK(Both([&](ReplyBuilder& b) { b.BulkArray(none); }) == Pair{"*0\r\n", "*0\r\n"});
  }

  TEST_CASE("set_output redirects later replies") {
    std::string a, b;
    ReplyBuilder rb(&a, 2);
    rb.Integer(1);
    rb.set_output(&b);
    rb.Integer(2);
    CHECK(a == ":1\r\n");
    CHECK(b == ":2\r\n");
    CHECK(rb.output() == &b);
    CHECK(rb.resp() == 2);
  }
}

}  // namespace yotta
