// YottaStore. Licensed under the Apache License 2.0.
// CONFIG GET/SET/RESETSTAT/REWRITE/HELP over the directive table of
// server/config.h. They run on the client's thread and touch no keyspace;
// RESETSTAT reaches each shard's counters through that shard's inbox.
#include <string>
#include <utility>
#include <vector>

#include "base/str_util.h"
#include "commands/server_family.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/storage.h"
#include "server/errors.h"
#include "server/shard_set.h"

namespace yotta {
namespace {

bool HasGlobChars(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// CONFIG GET pattern [pattern ...]: each directive once, even when several
// patterns match it. An exact name (no glob characters) is echoed as typed,
// as Redis does ("CONFIG GET MAXMEMORY" -> "MAXMEMORY").
void CmdConfigGet(CmdContext& cx) {
  std::vector<std::pair<std::string, std::string>> out;
  auto seen = [&](std::string_view name) {
    for (const auto& [n, v] : out) {
      if (EqualsIgnoreCase(n, name)) return true;
    }
    return false;
  };
  const Config& cfg = Config::Get();
  for (size_t i = 2; i < cx.argc(); ++i) {
    std::string_view pattern = cx.arg(i);
    bool exact = !HasGlobChars(pattern);
    for (auto& [name, value] : cfg.GetMatching(pattern)) {
      std::string shown = exact ? std::string(pattern) : std::move(name);
      if (!seen(shown)) out.emplace_back(std::move(shown), std::move(value));
    }
  }
  cx.rb().Map(out.size());
  for (const auto& [name, value] : out) {
    cx.rb().Bulk(name);
    cx.rb().Bulk(value);
  }
}

// CONFIG SET name value [name value ...]: all pairs are checked before any
// is applied (Config::Set), so a bad pair changes nothing. Unknown names and
// repeated names are reported first, in argument order, as Redis does.
void CmdConfigSet(CmdContext& cx) {
  if ((cx.argc() - 2) % 2 != 0) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  const Config& cfg = Config::Get();
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 2; i < cx.argc(); i += 2) {
    std::string_view name = cx.arg(i);
    if (HasGlobChars(name) || cfg.GetMatching(name).empty()) {
      cx.rb().Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                    std::string(name) + "'");
      return;
    }
    for (const auto& p : pairs) {
      if (EqualsIgnoreCase(p.first, name)) {
        cx.rb().Error("ERR CONFIG SET failed (possibly related to argument '" + std::string(name) +
                      "') - duplicate parameter");
        return;
      }
    }
    pairs.emplace_back(std::string(name), std::string(cx.arg(i + 1)));
  }
  std::string err;
  if (!Config::Get().Set(pairs, false, &err)) {
    cx.rb().Error(err);
    return;
  }
  ApplyStorageConfig();  // persistence / tiering
  cx.rb().Ok();
}

// Counters have one writer, their shard's thread (or a transaction holding
// that shard, for keyspace counters). So each shard resets its own: the
// client's shard at once when no transaction holds it (commands this client
// runs inline next then count from zero), every other shard through a data
// message, which runs on that shard's thread and never while a transaction
// holds it. Later hops and transactions of this client are queued behind
// those messages, so whatever it runs after the reply counts from zero.
void CmdConfigResetStat(CmdContext& cx) {
  ShardSet& set = cx.shards();
  Shard* self = Shard::Current();
  for (int i = 0; i < set.size(); ++i) {
    Shard* shard = set.shard(i);
    if (shard == self && shard->CanRunInline()) {
      shard->stats().Reset();
    } else {
      shard->PostData([shard] { shard->stats().Reset(); });
    }
  }
  cx.rb().Ok();
}

void CmdConfigRewrite(CmdContext& cx) {
  std::string err;
  if (!Config::Get().Rewrite(&err)) {
    cx.rb().Error(err);
    return;
  }
  cx.rb().Ok();
}

void CmdConfigHelp(CmdContext& cx) {
  static const char* kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  cx.rb().SimpleStringArray(kLines);
}

void CmdConfig(CmdContext& cx) { cx.rb().Error(ErrWrongArgs("config")); }

}  // namespace

void RegisterConfigCommands(CommandRegistry& reg) {
  constexpr uint32_t kSub = kAdmin | kNoScript | kLoading | kStale | kConnection;
  reg.Add({"config", -2, kConnection, {}, CmdConfig, "server"});
  reg.Add({"config|get", -3, kSub, {}, CmdConfigGet});
  reg.Add({"config|set", -4, kSub, {}, CmdConfigSet});
  reg.Add({"config|resetstat", 2, kSub, {}, CmdConfigResetStat});
  reg.Add({"config|rewrite", 2, kSub, {}, CmdConfigRewrite});
  reg.Add({"config|help", 2, kLoading | kStale | kConnection, {}, CmdConfigHelp});
}

}  // namespace yotta
