// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/json: parsing (simdjson and the serde-compatible
// fallback agree), serde_json's error texts, number printing, the
// formatter, JSONPath evaluation and merge patch.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "core/json/json_merge.h"
#include "core/json/json_parse.h"
#include "core/json/json_path.h"
#include "core/json/json_text.h"
#include "core/json/json_value.h"
#include "core/json/json_write.h"

namespace yotta::json {
namespace {

std::string RoundTrip(std::string_view text) {
  JsonValue v;
  std::string err;
  if (!Parse(text, &v, &err)) return "ERR:" + err;
  return ToString(v);
}

std::string Eval(std::string_view doc, std::string_view path) {
  JsonValue v;
  std::string err;
  REQUIRE(Parse(doc, &v, &err));
  Path p;
  if (!p.Parse(path, &err)) return "BADPATH";
  JsonValue arr = JsonValue::NewArray();
  for (const Match& m : p.Evaluate(&v)) arr.array().push_back(m.value->Clone());
  return ToString(arr);
}

TEST_CASE("json: node layout is 16 bytes and short strings are inline") {
  CHECK(sizeof(JsonValue) == 16);
  JsonValue s = JsonValue::String("fourteen bytes");
  CHECK(s.str() == "fourteen bytes");
  CHECK(s.MemUsage() == sizeof(JsonValue));
  JsonValue l = JsonValue::String("fifteen bytes!!");
  CHECK(l.str() == "fifteen bytes!!");
  CHECK(l.MemUsage() > sizeof(JsonValue));
}

TEST_CASE("json: numbers print as serde_json prints them") {
  CHECK(RoundTrip("1.0") == "1.0");
  CHECK(RoundTrip("1e300") == "1e300");
  CHECK(RoundTrip("1E2") == "100.0");
  CHECK(RoundTrip("-0") == "-0.0");
  CHECK(RoundTrip("-0.0") == "-0.0");
  CHECK(RoundTrip("0.1") == "0.1");
  CHECK(RoundTrip("1.5e-7") == "1.5e-7");
  CHECK(RoundTrip("0.0001") == "0.0001");
  CHECK(RoundTrip("0.00001") == "0.00001");
  CHECK(RoundTrip("0.000001") == "1e-6");
  CHECK(RoundTrip("1e16") == "1e16");
  CHECK(RoundTrip("123456789.125") == "123456789.125");
  CHECK(RoundTrip("18446744073709551615") == "18446744073709551615");
  CHECK(RoundTrip("-9223372036854775808") == "-9223372036854775808");
  CHECK(RoundTrip("18446744073709551616") == "1.8446744073709552e19");
  CHECK(RoundTrip("[1,-2,3.25]") == "[1,-2,3.25]");
}

TEST_CASE("json: strings escape like serde_json") {
  CHECK(RoundTrip(R"("a\"b\\c\/d\u0001\u001f\n\t")") == R"("a\"b\\c/d\u0001\u001f\n\t")");
  CHECK(RoundTrip(R"("\u00e9\ud83d\ude00")") == "\"\xc3\xa9\xf0\x9f\x98\x80\"");
  CHECK(RoundTrip("\"\x7f\"") == "\"\x7f\"");
}

TEST_CASE("json: serde_json error texts and positions") {
  CHECK(RoundTrip("") == "ERR:EOF while parsing a value at line 1 column 0");
  CHECK(RoundTrip("x") == "ERR:expected value at line 1 column 1");
  CHECK(RoundTrip("{") == "ERR:EOF while parsing an object at line 1 column 1");
  CHECK(RoundTrip("[1") == "ERR:EOF while parsing a list at line 1 column 2");
  CHECK(RoundTrip("[1,]") == "ERR:trailing comma at line 1 column 4");
  CHECK(RoundTrip("{\"a\":1,}") == "ERR:trailing comma at line 1 column 8");
  CHECK(RoundTrip("{1:2}") == "ERR:key must be a string at line 1 column 2");
  CHECK(RoundTrip("[1 2]") == "ERR:expected `,` or `]` at line 1 column 4");
  CHECK(RoundTrip("{\"a\":1 \"b\"}") == "ERR:expected `,` or `}` at line 1 column 8");
  CHECK(RoundTrip("tru") == "ERR:EOF while parsing a value at line 1 column 3");
  CHECK(RoundTrip("trux") == "ERR:expected ident at line 1 column 4");
  CHECK(RoundTrip("\"abc") == "ERR:EOF while parsing a string at line 1 column 4");
  CHECK(RoundTrip("\"\\q\"") == "ERR:invalid escape at line 1 column 3");
  CHECK(RoundTrip("1 x") == "ERR:trailing characters at line 1 column 3");
  CHECK(RoundTrip("[\n1,\nx]") == "ERR:expected value at line 3 column 1");
  CHECK(RoundTrip("01") == "ERR:trailing characters at line 1 column 2");
  CHECK(RoundTrip("1e400").rfind("ERR:number out of range", 0) == 0);
  CHECK(RoundTrip("\"a\x01\"") ==
        "ERR:control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3");
  std::string ok = std::string(127, '[') + std::string(127, ']');
  CHECK(RoundTrip(ok) == ok);
  std::string deep = std::string(128, '[') + std::string(128, ']');
  CHECK(RoundTrip(deep) == "ERR:recursion limit exceeded at line 1 column 128");
}

TEST_CASE("json: duplicate keys keep the first position and the last value") {
  CHECK(RoundTrip(R"({"a":1,"b":2,"a":3})") == R"({"a":3,"b":2})");
  std::string big = "{";
  for (int i = 0; i < 40; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  big += "\"k0\":99}";
  CHECK(RoundTrip(big).rfind("{\"k0\":99,\"k1\":1", 0) == 0);
}

// Random documents: the simdjson path and the fallback build equal trees.
std::string RandomDoc(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 3 ? 5 : 7)) {
    case 0: return std::to_string(static_cast<int>(rng() % 2000) - 1000);
    case 1: return std::to_string((rng() % 100000) / 7.0);
    case 2: return "\"s" + std::to_string(rng() % 100) + "\\n\\u00e9\"";
    case 3: return rng() % 2 ? "true" : "null";
    case 4: return "-0.5e-3";
    case 5: {
      std::string s = "[";
      for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) s += (i ? "," : "") + RandomDoc(rng, depth + 1);
      return s + "]";
    }
    default: {
      std::string s = "{";
      for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) {
        s += (i ? ",\"" : "\"") + std::string(1, static_cast<char>('a' + rng() % 3)) + "\": " + RandomDoc(rng, depth + 1);
      }
      return s + "}";
    }
  }
}

TEST_CASE("json: simdjson and the fallback parser agree") {
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    std::string doc = RandomDoc(rng, 0);
    JsonValue a, b;
    std::string err;
    REQUIRE(Parse(doc, &a, &err));
    REQUIRE(ParseSlow(doc, &b, &err));
    CHECK(ToString(a) == ToString(b));
    CHECK(a.Equals(b));
    JsonValue c;
    REQUIRE(Parse(ToString(a), &c, &err));
    CHECK(ToString(c) == ToString(a));
  }
}

TEST_CASE("json: formatter matches RedisJSON's INDENT/NEWLINE/SPACE output") {
  JsonValue v;
  std::string err, out;
  REQUIRE(Parse(R"({"a":[1,{}],"b":[]})", &v, &err));
  Write(v, WriteFormat{"\t", "\n", " "}, &out);
  CHECK(out == "{\n\t\"a\": [\n\t\t1,\n\t\t{}\n\t],\n\t\"b\": []\n}");
  out.clear();
  Write(v, WriteFormat{"", "", " "}, &out);
  CHECK(out == R"({"a": [1,{}],"b": []})");
}

TEST_CASE("json: path syntax and evaluation") {
  const char* doc = R"({"a":1,"b":{"a":2,"c":[1,2,3,4]},"d":[{"p":5,"t":"x"},{"p":15,"t":"y"}]})";
  CHECK(Eval(doc, "$") == std::string("[") + doc + "]");
  CHECK(Eval(doc, ".") == std::string("[") + doc + "]");
  CHECK(Eval(doc, "$..a") == "[1,2]");
  CHECK(Eval(doc, ".b.a") == "[2]");
  CHECK(Eval(doc, "b.c[-1]") == "[4]");
  CHECK(Eval(doc, "[\"b\"]['a']") == "[2]");
  CHECK(Eval(doc, "$.b.c[1:3]") == "[2,3]");
  CHECK(Eval(doc, "$.b.c[::2]") == "[1,3]");
  CHECK(Eval(doc, "$.b.c[-2:]") == "[3,4]");
  CHECK(Eval(doc, "$.b.c[0,3,9]") == "[1,4]");
  CHECK(Eval(doc, "$.b.*") == "[2,[1,2,3,4]]");
  CHECK(Eval(doc, "$.d[*].t") == R"(["x","y"])");
  CHECK(Eval(doc, "$.d[?(@.p > 10)].t") == R"(["y"])");
  CHECK(Eval(doc, "$.d[?(@.p > 1 && @.t == 'x')].t") == R"(["x"])");
  CHECK(Eval(doc, "$.d[?(@.p > 10 || @.t == \"x\")].p") == "[5,15]");
  CHECK(Eval(doc, "$.d[?(!(@.p > 10))].p") == "[5]");
  CHECK(Eval(doc, "$.d[?(@.t =~ \"^y\")].p") == "[15]");
  CHECK(Eval(doc, "$.d[?(@.p == $.a)]") == "[]");
  CHECK(Eval(doc, "$.d[?(@.p >= $.d[0].p)].p") == "[5,15]");
  CHECK(Eval(doc, "$.d[?(@.missing)]") == "[]");
  // Filters select among array elements and object member values alike.
  CHECK(Eval(doc, "$..[?(@ > 2)]") == "[3,4,5,15]");
  CHECK(Eval(doc, "$[") == "BADPATH");
  CHECK(Eval(doc, "$.a b") == "[]");  // a name may hold spaces (legacy-style)
  CHECK(Eval(doc, "$.d[?(@.p >)]") == "BADPATH");
  CHECK(Eval(doc, "$x") == "BADPATH");
  Path p;
  std::string err;
  REQUIRE(p.Parse(".a.b", &err));
  CHECK(p.legacy());
  CHECK(p.fixed() == "$.a.b");
  CHECK(p.is_static());
  REQUIRE(p.Parse("$..a", &err));
  CHECK(!p.legacy());
  CHECK(!p.is_static());
}

TEST_CASE("json: merge patch follows RFC 7386") {
  auto merged = [](std::string_view target, std::string_view patch) {
    JsonValue t, p;
    std::string err;
    REQUIRE(Parse(target, &t, &err));
    REQUIRE(Parse(patch, &p, &err));
    MergePatch(&t, p);
    return ToString(t);
  };
  // Examples from RFC 7386 appendix A.
  CHECK(merged(R"({"a":"b"})", R"({"a":"c"})") == R"({"a":"c"})");
  CHECK(merged(R"({"a":"b"})", R"({"b":"c"})") == R"({"a":"b","b":"c"})");
  CHECK(merged(R"({"a":"b"})", R"({"a":null})") == "{}");
  CHECK(merged(R"({"a":[{"b":"c"}]})", R"({"a":[1]})") == R"({"a":[1]})");
  CHECK(merged(R"(["a","b"])", R"(["c","d"])") == R"(["c","d"])");
  CHECK(merged(R"({"a":"foo"})", "null") == "null");
  CHECK(merged(R"({"e":null})", R"({"a":1})") == R"({"e":null,"a":1})");
  CHECK(merged("[1,2]", R"({"a":"b","c":null})") == R"({"a":"b"})");
  CHECK(merged("{}", R"({"a":{"bb":{"ccc":null}}})") == R"({"a":{"bb":{}}})");
}

TEST_CASE("json: FindSpan agrees with Evaluate on canonical text") {
  const char* docs[] = {
      R"({"a":{"b":[1,2.5,"x",{"c":null}],"e":true},"s":"q\"\\]}","k\"q":[[]],"":{},"é":-1e-7})",
      R"([{"a":1},[2,[3]],"]",{"}":"{"}])",
      R"("just a string")",
      R"(12)",
  };
  const char* paths[] = {"$.a",     "$.a.b",   "$.a.b[3].c", "$.a.b[-1]", "$.a.b[-5]", "$.a.b[4]",
                         "$.a.e",   "$.s",     "$['k\"q']", "$['k\"q'][0]", "$['']", "$['é']",
                         "$[0].a",  "$[1][1][0]", "$[2]",   "$[3]['}']", "$[-4]", "$.zz", "$.a.b.c",
                         "$.a[0]",  ".a.b[1]", "$[0]",   "$..a",       "$.a.*",     "$.a.b[0,1]"};
  for (const char* d : docs) {
    JsonValue v;
    std::string err;
    REQUIRE(Parse(d, &v, &err));
    std::string text = ToString(v);
    for (const char* ptext : paths) {
      Path p;
      REQUIRE(p.Parse(ptext, &err));
      std::vector<Match> ms = p.Evaluate(&v);
      std::string_view span;
      SpanResult r = FindSpan(text, p, &span);
      CAPTURE(d);
      CAPTURE(ptext);
      if (!p.is_static()) {
        CHECK(r == SpanResult::kFallback);
      } else if (r == SpanResult::kFound) {
        REQUIRE(ms.size() == 1);
        CHECK(span == ToString(*ms[0].value));
      } else {
        CHECK(r == SpanResult::kMissing);
        CHECK(ms.empty());
      }
    }
  }
}

TEST_CASE("json: ParseToText prints what Write(Parse()) prints") {
  const char* ok[] = {
      R"( {"a" : [1, 2.50, -3e2, 1E400000000000000000000000000000, "x\u00e9\n\/"], "b":{}, "c":[]} )",
      R"([true,false,null,18446744073709551615,9223372036854775807,-9223372036854775808,0.1,1e-7,123456789012345680000.0])",
      R"("\ud83d\ude00")", "12", "1.0", R"({"k":{"k":{"k":[[[]]]}}})",
  };
  for (const char* t : ok) {
    std::string text;
    CAPTURE(t);
    if (ParseToText(t, &text)) CHECK(text == RoundTrip(t));
  }
  std::string text;
  CHECK(ParseToText(R"({"a":1,"b":[1.5,"s"]})", &text));
  CHECK(text == R"({"a":1,"b":[1.5,"s"]})");
  CHECK_FALSE(ParseToText(R"({"a":1,"a":2})", &text));  // serde: first place, last value
  CHECK_FALSE(ParseToText("[-0]", &text));
  CHECK_FALSE(ParseToText("[1,]", &text));
  CHECK_FALSE(ParseToText(std::string(200, '[') + std::string(200, ']'), &text));
}

}  // namespace
}  // namespace yotta::json
