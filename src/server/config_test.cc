// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for server/config: memory units, CONFIG SET validation and its
// error texts (checked against redis-server 7.0), aliases and GET globs.
// Config is a process-wide singleton: every test restores what it changes.
#include "server/config.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace yotta {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Saves the named directives and puts them back (startup=true, so that
// immutable ones can be restored too) when the scope ends.
class Restore {
 public:
  explicit Restore(std::vector<std::string> names) {
    for (std::string& n : names) saved_.emplace_back(n, Config::Get().GetString(n));
  }
  ~Restore() {
    std::string err;
    for (auto& p : saved_) {
      bool ok = Config::Get().Set({p}, true, &err);
      CHECK_MESSAGE(ok, "restoring ", p.first, ": ", err);
    }
  }

 private:
  Pairs saved_;
};

// The error CONFIG SET would reply, or "OK".
std::string SetErr(const Pairs& pairs) {
  std::string err;
  return Config::Get().Set(pairs, false, &err) ? "OK" : err;
}

std::string Failed(const std::string& name, const std::string& why) {
  return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why;
}

int64_t Mem(std::string_view s) {
  int64_t v = -12345;
  REQUIRE_MESSAGE(ParseMemory(s, &v), "ParseMemory(", s, ")");
  return v;
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("ParseMemory understands Redis's units, case-insensitively") {
    CHECK(Mem("0") == 0);
    CHECK(Mem("100") == 100);
    CHECK(Mem("1b") == 1);
    CHECK(Mem("1k") == 1000);
    CHECK(Mem("1kb") == 1024);
    CHECK(Mem("1m") == 1000000);
    CHECK(Mem("1mb") == 1048576);
    CHECK(Mem("1g") == 1000000000);
    CHECK(Mem("1gb") == 1073741824);
    CHECK(Mem("1GB") == 1073741824);
    CHECK(Mem("5Mb") == 5 * 1048576);
    CHECK(Mem("1024gb") == 1024ll << 30);
  }

  TEST_CASE("ParseMemory rejects malformed values") {
    int64_t v = 0;
    for (const char* s : {"abc", "1x", "1tb", "1.5gb", " 1", "1 ", "kb", "gb1", "99999999999gb"}) {
      CAPTURE(s);
      CHECK_FALSE(ParseMemory(s, &v));
    }
  }

  TEST_CASE("CONFIG SET applies valid values and mirrors them into the atomics") {
    Restore r(
        {"hz", "maxmemory", "maxmemory-policy", "loglevel", "protected-mode", "slowlog-max-len"});
    Config& c = Config::Get();
    CHECK(SetErr({{"hz", "20"}}) == "OK");
    CHECK(c.hz.load() == 20);
    CHECK(c.GetString("hz") == "20");

    SUBCASE("memory values are stored in bytes") {
      CHECK(SetErr({{"maxmemory", "1GB"}}) == "OK");
      CHECK(c.maxmemory.load() == 1073741824);
      CHECK(c.GetString("maxmemory") == "1073741824");
    }
    SUBCASE("enums match case-insensitively and store the canonical name") {
      CHECK(SetErr({{"maxmemory-policy", "ALLKEYS-LRU"}}) == "OK");
      CHECK(c.GetString("maxmemory-policy") == "allkeys-lru");
      CHECK(c.maxmemory_policy.load() == static_cast<int64_t>(EvictionPolicy::kAllKeysLru));
      CHECK(SetErr({{"loglevel", "Warning"}}) == "OK");
      CHECK(c.loglevel.load() == 3);
    }
    SUBCASE("booleans take yes/no in any case") {
      CHECK(SetErr({{"protected-mode", "NO"}}) == "OK");
      CHECK(c.GetString("protected-mode") == "no");
    }
    SUBCASE("names are case-insensitive") {
      CHECK(SetErr({{"HZ", "11"}}) == "OK");
      CHECK(c.hz.load() == 11);
    }
    SUBCASE("several pairs apply together") {
      CHECK(SetErr({{"hz", "30"}, {"slowlog-max-len", "7"}}) == "OK");
      CHECK(c.hz.load() == 30);
      CHECK(c.slowlog_max_len.load() == 7);
    }
  }

  TEST_CASE("CONFIG SET rejects bad values with Redis's texts") {
    Restore r({"hz", "maxmemory"});
    CHECK(SetErr({{"nosuch", "1"}}) ==
          "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
    CHECK(SetErr({{"hz", "abc"}}) == Failed("hz", "argument couldn't be parsed into an integer"));
    CHECK(SetErr({{"maxmemory", "-1"}}) == Failed("maxmemory", "argument must be a memory value"));
    CHECK(SetErr({{"maxmemory", "abc"}}) == Failed("maxmemory", "argument must be a memory value"));
    CHECK(SetErr({{"maxmemory", "1.5gb"}}) ==
          Failed("maxmemory", "argument must be a memory value"));
    CHECK(SetErr({{"appendonly", "maybe"}}) ==
          Failed("appendonly", "argument must be 'yes' or 'no'"));
    CHECK(SetErr({{"loglevel", "LOUD"}}) ==
          Failed("loglevel",
                 "argument(s) must be one of the following: debug, verbose, notice, warning"));
    CHECK(SetErr({{"databases", "5"}}) == Failed("databases", "can't set immutable config"));
    CHECK(SetErr({{"hash-max-listpack-entries", "-1"}}) ==
          Failed("hash-max-listpack-entries",
                 "argument must be between 0 and 9223372036854775807 inclusive"));
    CHECK(SetErr({{"hash-max-ziplist-entries", "abc"}}) ==
          Failed("hash-max-ziplist-entries", "argument couldn't be parsed into an integer"));
  }

  TEST_CASE("hz is clamped into 1..500 instead of rejected, as Redis does") {
    Restore r({"hz"});
    CHECK(SetErr({{"hz", "0"}}) == "OK");
    CHECK(Config::Get().GetString("hz") == "1");
    CHECK(SetErr({{"hz", "501"}}) == "OK");
    CHECK(Config::Get().GetString("hz") == "500");
    CHECK(Config::Get().hz.load() == 500);
    CHECK(SetErr({{"hz", "-1"}}) != "OK");
  }

  TEST_CASE("an alias next to its canonical name is not a duplicate; the last wins") {
    Restore r({"hash-max-listpack-entries"});
    CHECK(SetErr({{"hash-max-listpack-entries", "100"}, {"hash-max-ziplist-entries", "7"}}) ==
          "OK");
    CHECK(Config::Get().hash_max_listpack_entries.load() == 7);
  }

  TEST_CASE("CONFIG SET validates every pair before applying any") {
    Restore r({"hz", "maxmemory"});
    int64_t hz = Config::Get().hz.load();
    CHECK(SetErr({{"hz", "20"}, {"maxmemory", "-1"}}) ==
          Failed("maxmemory", "argument must be a memory value"));
    CHECK(Config::Get().hz.load() == hz);
    CHECK(SetErr({{"hz", "20"}, {"nosuch", "1"}}) != "OK");
    CHECK(Config::Get().hz.load() == hz);
  }

  TEST_CASE("startup Set may change immutable directives") {
    Restore r({"databases"});
    std::string err;
    CHECK(Config::Get().Set({{"databases", "32"}}, true, &err));
    CHECK(Config::Get().databases.load() == 32);
    CHECK_FALSE(Config::Get().Set({{"databases", "zero"}}, true, &err));
    CHECK(err.find("databases") != std::string::npos);
  }

  TEST_CASE("aliases read and write the same directive") {
    Restore r({"hash-max-listpack-entries", "zset-max-listpack-value"});
    Config& c = Config::Get();
    CHECK(SetErr({{"hash-max-ziplist-entries", "200"}}) == "OK");
    CHECK(c.hash_max_listpack_entries.load() == 200);
    CHECK(c.GetString("hash-max-listpack-entries") == "200");
    CHECK(c.GetString("hash-max-ziplist-entries") == "200");
    CHECK(SetErr({{"zset-max-listpack-value", "33"}}) == "OK");
    CHECK(c.GetString("zset-max-ziplist-value") == "33");
  }

  TEST_CASE("GetMatching returns directives and aliases matching a glob") {
    Config& c = Config::Get();
    auto names = [&](std::string_view pattern) {
      std::vector<std::string> n;
      for (auto& [name, value] : c.GetMatching(pattern)) n.push_back(name);
      std::sort(n.begin(), n.end());
      return n;
    };
    CHECK(names("hz") == std::vector<std::string>{"hz"});
    CHECK(names("HZ") == std::vector<std::string>{"hz"});
    CHECK(names("nosuch*").empty());
    CHECK(names("hash-max-*") ==
          std::vector<std::string>{"hash-max-listpack-entries", "hash-max-listpack-value",
                                   "hash-max-ziplist-entries", "hash-max-ziplist-value"});
    auto all = c.GetMatching("*");
    CHECK(all.size() > 50);
    bool has_maxmemory = false;
    for (auto& [name, value] : all) has_maxmemory |= name == "maxmemory";
    CHECK(has_maxmemory);
    auto one = c.GetMatching("maxmemory-polic?");
    REQUIRE(one.size() == 1);
    CHECK(one[0].second == c.GetString("maxmemory-policy"));
  }

  TEST_CASE("client-output-buffer-limit accepts any subset of classes") {
    Restore r({"client-output-buffer-limit"});
    Config& c = Config::Get();
    CHECK(SetErr({{"client-output-buffer-limit", "normal 1mb 2mb 3"}}) == "OK");
    CHECK(c.obuf_normal_hard.load() == 1048576);
    CHECK(c.obuf_normal_soft.load() == 2097152);
    CHECK(c.obuf_normal_soft_secs.load() == 3);
    CHECK(c.GetString("client-output-buffer-limit").rfind("normal 1048576 2097152 3 ", 0) == 0);
    CHECK(SetErr({{"client-output-buffer-limit", "pubsub 64mb 16mb 60"}}) == "OK");
    CHECK(c.obuf_pubsub_hard.load() == 64 << 20);
    CHECK(c.obuf_normal_hard.load() == 1048576);  // other classes keep their values
  }

  // Texts pinned from redis-server 7.0.
  TEST_CASE("CONFIG SET error texts that must match Redis 7.0") {
    Restore r({"maxmemory-policy", "timeout", "maxclients", "slowlog-log-slower-than",
               "maxmemory-samples", "proto-max-bulk-len", "client-output-buffer-limit"});
    CHECK(SetErr({{"maxmemory-policy", "foo"}}) ==
          Failed("maxmemory-policy",
                 "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                 "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                 "noeviction"));
    CHECK(SetErr({{"maxmemory-samples", "0"}}) ==
          Failed("maxmemory-samples", "argument must be between 1 and 2147483647 inclusive"));
    CHECK(SetErr({{"timeout", "-1"}}) ==
          Failed("timeout", "argument must be between 0 and 2147483647 inclusive"));
    CHECK(SetErr({{"maxclients", "0"}}) ==
          Failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
    CHECK(SetErr({{"slowlog-log-slower-than", "-5"}}) ==
          Failed("slowlog-log-slower-than",
                 "argument must be between -1 and 9223372036854775807 inclusive"));
    CHECK(SetErr({{"proto-max-bulk-len", "100"}}) ==
          Failed("proto-max-bulk-len",
                 "argument must be between 1048576 and 9223372036854775807 inclusive"));
    CHECK(SetErr({{"client-output-buffer-limit", "bogus"}}) ==
          Failed("client-output-buffer-limit",
                 "Wrong number of arguments in buffer limit configuration."));
    CHECK(SetErr({{"client-output-buffer-limit", "foo 1 2 3"}}) ==
          Failed("client-output-buffer-limit",
                 "Invalid client class specified in buffer limit configuration."));
    CHECK(SetErr({{"client-output-buffer-limit", "normal x 2 3"}}) ==
          Failed("client-output-buffer-limit",
                 "Error in hard, soft or soft_seconds setting in buffer limit configuration."));
  }
}

}  // namespace yotta
