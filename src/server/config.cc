// YottaStore. Licensed under the Apache License 2.0.
#include "server/config.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/logging.h"
#include "base/str_util.h"

namespace yotta {

enum class Kind { kInt, kMemory, kBool, kEnum, kString, kSpecial };

struct Config::Param {
  std::string name;
  std::vector<std::string> aliases;
  Kind kind;
  bool is_mutable;
  std::string value;  // canonical text, guarded by Config::mu_
  std::string default_value;
  std::atomic<int64_t>* mirror = nullptr;
  std::vector<std::string> enum_values;  // kEnum: index = mirrored value
  int64_t min = INT64_MIN, max = INT64_MAX;
  // kSpecial: validates and applies, may canonicalize the value.
  // (value, apply) -> empty on success, else the reason.
  std::function<std::string(std::string* value, bool apply)> special;
};

bool ParseMemory(std::string_view s, int64_t* out) {
  std::string l(s);
  ToLowerInPlace(&l);
  int64_t mul = 1;
  auto strip = [&](std::string_view suffix, int64_t m) {
    if (l.size() > suffix.size() && l.compare(l.size() - suffix.size(), suffix.size(), suffix) == 0) {
      l.resize(l.size() - suffix.size());
      mul = m;
      return true;
    }
    return false;
  };
  strip("gb", 1ll << 30) || strip("mb", 1ll << 20) || strip("kb", 1024) || strip("g", 1000000000) ||
      strip("m", 1000000) || strip("k", 1000) || strip("b", 1);
  // Like Redis's memtoull: plain digits (leading zeros allowed), no sign.
  if (l.empty() || l.size() > 19 || l.find_first_not_of("0123456789") != std::string::npos) return false;
  int64_t v = std::stoll(l);
  if (v > INT64_MAX / mul) return false;
  *out = v * mul;
  return true;
}

namespace {

bool ParseBool(std::string_view s, bool* out) {
  if (EqualsIgnoreCase(s, "yes")) {
    *out = true;
    return true;
  }
  if (EqualsIgnoreCase(s, "no")) {
    *out = false;
    return true;
  }
  return false;
}

// Redis's config-file tokenizer: same quoting rules as inline commands.
std::vector<std::string> SplitLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool in_token = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == '\\' && i + 1 < line.size() && quote == '"') {
        char n = line[++i];
        cur.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
      } else if (c == quote) {
        quote = 0;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_token = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_token) out.push_back(cur), cur.clear(), in_token = false;
    } else {
      cur.push_back(c);
      in_token = true;
    }
  }
  if (in_token) out.push_back(cur);
  return out;
}

std::string Quote(const std::string& v) {
  if (v.empty()) return "\"\"";
  if (v.find_first_of(" \t\"'") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  return q + "\"";
}

// "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60", any subset of
// classes. Returns "" or Redis's reason.
std::string ApplyOutputBufferLimit(std::string* value, bool apply) {
  std::vector<std::string> t = SplitLine(*value);
  if (t.empty() || t.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  struct Cls { int64_t hard, soft, secs; };
  Cls normal{Config::Get().obuf_normal_hard.load(), Config::Get().obuf_normal_soft.load(),
             Config::Get().obuf_normal_soft_secs.load()};
  Cls replica{256ll << 20, 64ll << 20, 60}, pubsub{Config::Get().obuf_pubsub_hard.load(), 8ll << 20, 60};
  for (size_t i = 0; i < t.size(); i += 4) {
    Cls c;
    std::string cls = t[i];
    ToLowerInPlace(&cls);
    if (cls != "normal" && cls != "replica" && cls != "slave" && cls != "pubsub") {
      return "Invalid client class specified in buffer limit configuration.";
    }
    if (!ParseMemory(t[i + 1], &c.hard) || !ParseMemory(t[i + 2], &c.soft) ||
        !ParseInt64(t[i + 3], &c.secs) || c.secs < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    (cls == "normal" ? normal : cls == "pubsub" ? pubsub : replica) = c;
  }
  if (apply) {
    Config& cfg = Config::Get();
    cfg.obuf_normal_hard = normal.hard;
    cfg.obuf_normal_soft = normal.soft;
    cfg.obuf_normal_soft_secs = normal.secs;
    cfg.obuf_pubsub_hard = pubsub.hard;
  }
  auto fmt = [](const char* n, const Cls& c) {
    return std::string(n) + " " + std::to_string(c.hard) + " " + std::to_string(c.soft) + " " +
           std::to_string(c.secs);
  };
  *value = fmt("normal", normal) + " " + fmt("slave", replica) + " " + fmt("pubsub", pubsub);
  return "";
}

}  // namespace

Config& Config::Get() {
  static Config* c = new Config();
  return *c;
}

Config::Config() {
  auto num = [&](std::string name, std::atomic<int64_t>* m, bool mut, int64_t lo = INT64_MIN,
                 int64_t hi = INT64_MAX, std::vector<std::string> aliases = {}) {
    Param p{.name = name, .aliases = aliases, .kind = Kind::kInt, .is_mutable = mut};
    p.mirror = m;
    p.min = lo;
    p.max = hi;
    p.value = p.default_value = std::to_string(m->load());
    params_.push_back(std::move(p));
  };
  auto mem = [&](std::string name, std::atomic<int64_t>* m, bool mut, int64_t lo = 0) {
    Param p{.name = name, .kind = Kind::kMemory, .is_mutable = mut};
    p.mirror = m;
    p.min = lo;
    p.value = p.default_value = std::to_string(m->load());
    params_.push_back(std::move(p));
  };
  auto boolean = [&](std::string name, std::string def, bool mut, std::atomic<int64_t>* m = nullptr) {
    Param p{.name = name, .kind = Kind::kBool, .is_mutable = mut, .value = def, .default_value = def};
    p.mirror = m;
    params_.push_back(std::move(p));
  };
  auto enm = [&](std::string name, std::vector<std::string> values, int def, bool mut,
                 std::atomic<int64_t>* m = nullptr, std::vector<std::string> aliases = {}) {
    Param p{.name = name, .aliases = aliases, .kind = Kind::kEnum, .is_mutable = mut};
    p.enum_values = values;
    p.mirror = m;
    p.value = p.default_value = values[def];
    if (m) m->store(def);
    params_.push_back(std::move(p));
  };
  auto str = [&](std::string name, std::string def, bool mut) {
    params_.push_back(Param{.name = name, .kind = Kind::kString, .is_mutable = mut, .value = def,
                            .default_value = def});
  };

  num("port", &port, false, 0, 65535);
  num("shards", &shards, false, 0, 1024);
  num("databases", &databases, false, 1, 1 << 20);
  num("maxclients", &maxclients, true, 1, UINT32_MAX);
  mem("maxmemory", &maxmemory, true);
  enm("maxmemory-policy",
      {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
       "allkeys-random", "noeviction"},
      static_cast<int>(EvictionPolicy::kNoEviction), true, &maxmemory_policy);
  num("maxmemory-samples", &maxmemory_samples, true, 1, INT32_MAX);
  num("timeout", &timeout, true, 0, INT32_MAX);
  num("tcp-keepalive", &tcp_keepalive, true, 0);
  num("tcp-backlog", &tcp_backlog, false, 0);
  mem("proto-max-bulk-len", &proto_max_bulk_len, true, 1024 * 1024);
  mem("client-query-buffer-limit", &client_query_buffer_limit, true, 1024 * 1024);
  num("hz", &hz, true, 1, 500);
  num("slowlog-log-slower-than", &slowlog_log_slower_than, true, -1);
  num("slowlog-max-len", &slowlog_max_len, true, 0);
  num("latency-monitor-threshold", &latency_monitor_threshold, true, 0);
  enm("enable-debug-command", {"no", "yes", "local"}, 0, false, &enable_debug_command);
  enm("loglevel", {"debug", "verbose", "notice", "warning"}, 2, true, &loglevel);
  num("hash-max-listpack-entries", &hash_max_listpack_entries, true, 0, INT64_MAX, {"hash-max-ziplist-entries"});
  num("hash-max-listpack-value", &hash_max_listpack_value, true, 0, INT64_MAX, {"hash-max-ziplist-value"});
  num("set-max-intset-entries", &set_max_intset_entries, true, 0);
  num("set-max-listpack-entries", &set_max_listpack_entries, true, 0);
  num("set-max-listpack-value", &set_max_listpack_value, true, 0);
  num("zset-max-listpack-entries", &zset_max_listpack_entries, true, 0, INT64_MAX, {"zset-max-ziplist-entries"});
  num("zset-max-listpack-value", &zset_max_listpack_value, true, 0, INT64_MAX, {"zset-max-ziplist-value"});
  num("list-max-listpack-size", &list_max_listpack_size, true, INT32_MIN, INT32_MAX, {"list-max-ziplist-size"});
  num("hll-sparse-max-bytes", &hll_sparse_max_bytes, true, 0);
  boolean("pin-threads", "yes", false, &pin_threads);
  num("busy-poll-us", &busy_poll_us, true, 0, 1000000);
  str("bind", "127.0.0.1 -::1", false);
  str("requirepass", "", true);
  // The storage tier opens its RocksDB there at startup; it cannot move.
  str("dir", "./data", false);
  str("dbfilename", "dump.rdb", true);
  str("logfile", "", false);
  str("pidfile", "", false);
  str("save", "", true);
  str("notify-keyspace-events", "", true);
  enm("persistence", {"no", "everysec", "always"}, 1, true, &persistence);
  boolean("tiering", "no", true, &tiering);
  boolean("storage-fault-injection", "no", false, &storage_fault_injection);
  boolean("appendonly", "no", true);
  enm("appendfsync", {"always", "everysec", "no"}, 1, true);
  boolean("protected-mode", "yes", true);
  boolean("daemonize", "no", false);
  boolean("activerehashing", "yes", true);
  boolean("lazyfree-lazy-eviction", "no", true);
  boolean("lazyfree-lazy-expire", "no", true);
  boolean("lazyfree-lazy-server-del", "no", true);
  boolean("lazyfree-lazy-user-del", "no", true);
  boolean("lazyfree-lazy-user-flush", "no", true);
  boolean("replica-read-only", "yes", true);
  boolean("cluster-enabled", "no", false);
  num("list-compress-depth", new std::atomic<int64_t>(0), true, 0);
  num("stream-node-max-bytes", new std::atomic<int64_t>(4096), true, 0);
  num("stream-node-max-entries", new std::atomic<int64_t>(100), true, 0);
  num("lua-time-limit", new std::atomic<int64_t>(5000), true, 0, INT64_MAX, {"busy-reply-threshold"});
  num("io-threads", new std::atomic<int64_t>(1), false, 1, 128);
  num("active-expire-effort", new std::atomic<int64_t>(1), true, 1, 10);
  num("lfu-log-factor", &lfu_log_factor, true, 0);
  num("lfu-decay-time", &lfu_decay_time, true, 0);
  num("maxmemory-eviction-tenacity", new std::atomic<int64_t>(10), true, 0, 100);

  Param obuf{.name = "client-output-buffer-limit", .kind = Kind::kSpecial, .is_mutable = true};
  obuf.special = ApplyOutputBufferLimit;
  obuf.value = obuf.default_value =
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  params_.push_back(std::move(obuf));
}

Config::Param* Config::FindParam(std::string_view name) {
  for (Param& p : params_) {
    if (EqualsIgnoreCase(p.name, name)) return &p;
    for (const std::string& a : p.aliases) {
      if (EqualsIgnoreCase(a, name)) return &p;
    }
  }
  return nullptr;
}

const Config::Param* Config::FindParam(std::string_view name) const {
  return const_cast<Config*>(this)->FindParam(name);
}

bool Config::Set(const std::vector<std::pair<std::string, std::string>>& pairs, bool startup,
                 std::string* err) {
  struct Change {
    Param* p;
    std::string value;
    int64_t num = 0;
  };
  std::vector<Change> changes;
  for (const auto& [name, raw] : pairs) {
    Param* p = FindParam(name);
    if (!p) {
      *err = "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'";
      return false;
    }
    // Redis treats an alias and its canonical name as distinct arguments
    // (the last one wins); exact repeats are rejected by CONFIG SET itself.
    if (!p->is_mutable && !startup) {
      *err = "ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config";
      return false;
    }
    Change c{p, raw};
    bool ok = true;
    std::string why = "argument couldn't be parsed into an integer";
    switch (p->kind) {
      case Kind::kInt:
        ok = ParseInt64(raw, &c.num);
        // Redis accepts any hz >= 0 and clamps it into [1, 500].
        if (ok && p->name == "hz" && c.num >= 0) c.num = std::clamp<int64_t>(c.num, p->min, p->max);
        if (ok && (c.num < p->min || c.num > p->max)) {
          ok = false;
          why = "argument must be between " + std::to_string(p->min) + " and " + std::to_string(p->max) + " inclusive";
        }
        c.value = std::to_string(c.num);
        break;
      case Kind::kMemory:
        ok = ParseMemory(raw, &c.num);
        why = "argument must be a memory value";
        if (ok && c.num < p->min) {
          ok = false;
          why = "argument must be between " + std::to_string(p->min) + " and " + std::to_string(p->max) +
                " inclusive";
        }
        c.value = std::to_string(c.num);
        break;
      case Kind::kBool: {
        bool b = false;
        ok = ParseBool(raw, &b);
        why = "argument must be 'yes' or 'no'";
        c.num = b;
        c.value = b ? "yes" : "no";
        break;
      }
      case Kind::kEnum: {
        ok = false;
        for (size_t i = 0; i < p->enum_values.size(); ++i) {
          if (EqualsIgnoreCase(p->enum_values[i], raw)) {
            ok = true;
            c.num = static_cast<int64_t>(i);
            c.value = p->enum_values[i];
          }
        }
        why = "argument(s) must be one of the following: ";
        for (size_t i = 0; i < p->enum_values.size(); ++i) why += (i ? ", " : "") + p->enum_values[i];
        break;
      }
      case Kind::kString:
        break;
      case Kind::kSpecial:
        why = p->special(&c.value, false);
        ok = why.empty();
        break;
    }
    if (!ok) {
      *err = startup ? "Bad directive or wrong number of arguments: '" + name + "' - " + why
                     : "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why;
      return false;
    }
    changes.push_back(std::move(c));
  }
  std::lock_guard lock(mu_);
  for (Change& c : changes) {
    if (c.p->kind == Kind::kSpecial) c.p->special(&c.value, true);
    c.p->value = c.value;
    if (c.p->mirror) c.p->mirror->store(c.num);
    if (c.p->name == "requirepass") has_requirepass = !c.value.empty();
    if (c.p->name == "loglevel") SetLogLevel(static_cast<LogLevel>(c.num));
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> Config::GetMatching(std::string_view pattern) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const Param& p : params_) {
    if (GlobMatch(pattern, p.name, true)) out.emplace_back(p.name, p.value);
    for (const std::string& a : p.aliases) {
      if (GlobMatch(pattern, a, true)) out.emplace_back(a, p.value);
    }
  }
  return out;
}

std::string Config::GetString(std::string_view name) const {
  std::lock_guard lock(mu_);
  const Param* p = FindParam(name);
  return p ? p->value : std::string();
}

bool Config::LoadFile(const std::string& path, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = "Fatal error, can't open config file '" + path + "': " + std::strerror(errno);
    return false;
  }
  config_file_ = path;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::vector<std::string> t = SplitLine(line);
    if (t.empty() || t[0][0] == '#') continue;
    std::string value;
    for (size_t i = 1; i < t.size(); ++i) value += (i > 1 ? " " : "") + t[i];
    std::string e;
    if (!Set({{t[0], value}}, true, &e)) {
      *err = "*** FATAL CONFIG FILE ERROR *** line " + std::to_string(lineno) + ": " + e;
      return false;
    }
  }
  return true;
}

bool Config::LoadArgs(const std::vector<std::string>& args, std::string* err) {
  for (size_t i = 0; i < args.size();) {
    if (args[i].rfind("--", 0) != 0) {
      *err = "Invalid argument '" + args[i] + "'";
      return false;
    }
    std::string name = args[i].substr(2), value;
    ++i;
    for (bool first = true; i < args.size() && args[i].rfind("--", 0) != 0; ++i, first = false) {
      value += (first ? "" : " ") + args[i];
    }
    if (!Set({{name, value}}, true, err)) return false;
  }
  return true;
}

bool Config::Rewrite(std::string* err) {
  if (config_file_.empty()) {
    *err = "ERR The server is running without a config file";
    return false;
  }
  std::ifstream in(config_file_);
  std::vector<std::string> lines;
  std::vector<bool> seen(params_.size(), false);
  std::string line;
  std::lock_guard lock(mu_);
  while (std::getline(in, line)) {
    std::vector<std::string> t = SplitLine(line);
    if (!t.empty() && t[0][0] != '#') {
      Param* p = FindParam(t[0]);
      if (p) {
        size_t idx = static_cast<size_t>(p - params_.data());
        if (seen[idx]) continue;  // drop duplicates of a directive
        seen[idx] = true;
        line = p->name + " " + Quote(p->value);
      }
    }
    lines.push_back(line);
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!seen[i] && params_[i].value != params_[i].default_value) {
      lines.push_back(params_[i].name + " " + Quote(params_[i].value));
    }
  }
  std::string tmp = config_file_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const std::string& l : lines) out << l << "\n";
    if (!out.good()) {
      *err = "ERR Rewriting config file: " + std::string(std::strerror(errno));
      return false;
    }
  }
  if (std::rename(tmp.c_str(), config_file_.c_str()) != 0) {
    *err = "ERR Rewriting config file: " + std::string(std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace yotta
