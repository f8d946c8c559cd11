// YottaStore. Licensed under the Apache License 2.0.
// COMMAND [INFO|DOCS|COUNT|LIST|GETKEYS|GETKEYSANDFLAGS|HELP]: everything is
// generated from the registry rows (server/command.h), never written per
// command: Redis 7's 10-element COMMAND INFO shape, flags in Redis's order,
// ACL categories implied by the flags plus those named in the row's category
// string, key specs derived from the KeySpec.
//
// COMMAND is one row whose handler parses its subcommand: the dispatcher
// rejects a container called without one, but bare COMMAND is valid.
#include <string>
#include <vector>

#include "base/str_util.h"
#include "commands/server_family.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {

// Redis's ACL categories, in the order COMMAND INFO lists them.
constexpr const char* kAclCategories[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};
constexpr int kNumAcl = static_cast<int>(std::size(kAclCategories));

int AclIndex(std::string_view name) {
  for (int i = 0; i < kNumAcl; ++i) {
    if (EqualsIgnoreCase(name, kAclCategories[i])) return i;
  }
  return -1;
}

// The row's category string: words separated by spaces or commas. The first
// is the family (COMMAND DOCS group); any word naming an ACL category adds it.
std::vector<std::string_view> CategoryWords(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find_first_of(" ,", i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Bit i set = kAclCategories[i]. Implied categories follow Redis's
// setImplicitACLCategories: write, read (not for scripting), admin +
// dangerous, pubsub, fast, blocking, and slow for everything not fast.
uint32_t AclMask(const CommandSpec& s) {
  uint32_t m = 0;
  auto bit = [](const char* name) { return 1u << AclIndex(name); };
  for (std::string_view w : CategoryWords(s.category)) {
    int i = AclIndex(w);
    if (i >= 0) m |= 1u << i;
  }
  if (s.flags & kWrite) m |= bit("write");
  if ((s.flags & kReadOnly) && !(m & bit("scripting"))) m |= bit("read");
  if (s.flags & kAdmin) m |= bit("admin") | bit("dangerous");
  if (s.flags & kPubSub) m |= bit("pubsub");
  if (s.flags & kFast) m |= bit("fast");
  if (s.flags & kBlocking) m |= bit("blocking");
  if (!(m & bit("fast"))) m |= bit("slow");
  return m;
}

// COMMAND DOCS "group": Redis's group names for our family words.
std::string DocGroup(const CommandSpec& s) {
  std::vector<std::string_view> w = CategoryWords(s.category);
  std::string g = w.empty() ? "server" : std::string(w[0]);
  ToLowerInPlace(&g);
  if (g == "keyspace") return "generic";
  if (g == "sortedset") return "sorted-set";
  if (g == "transaction") return "transactions";
  return g;
}

bool IsMovable(const CommandSpec& s) { return s.keys.movable(); }

// Flag names in Redis's order; routing flags and may_replicate (which Redis
// hides too) are not shown.
std::vector<const char*> FlagNames(const CommandSpec& s) {
  static const std::pair<uint32_t, const char*> kNames[] = {{kWrite, "write"},
                                                            {kReadOnly, "readonly"},
                                                            {kDenyOom, "denyoom"},
                                                            {kAdmin, "admin"},
                                                            {kPubSub, "pubsub"},
                                                            {kNoScript, "noscript"},
                                                            {kBlocking, "blocking"},
                                                            {kLoading, "loading"},
                                                            {kStale, "stale"},
                                                            {kSkipMonitor, "skip_monitor"},
                                                            {kSkipSlowlog, "skip_slowlog"},
                                                            {kFast, "fast"},
                                                            {kNoAuth, "no_auth"},
                                                            {kNoMulti, "no_multi"}};
  std::vector<const char*> out;
  for (const auto& [f, name] : kNames) {
    if (s.flags & f) out.push_back(name);
  }
  if (IsMovable(s)) out.push_back("movablekeys");
  if (s.flags & kAllowBusy) out.push_back("allow_busy");
  return out;
}

// Key-spec flags. The row says only read or write, so a writer gets the
// conservative claim Redis itself makes when it cannot tell (RW access
// update).
std::vector<const char*> KeyFlags(const CommandSpec& s) {
  if (s.flags & kWrite) return {"RW", "access", "update"};
  if (s.flags & kReadOnly) return {"RO", "access"};
  return {"RO"};
}

void StatusSet(ReplyBuilder& rb, const std::vector<const char*>& v) {
  rb.Set(v.size());
  for (const char* x : v) rb.SimpleString(x);
}

void ReplyKeySpecs(ReplyBuilder& rb, const CommandSpec& s) {
  if (!s.keys.has_keys()) {
    rb.Set(0);
    return;
  }
  const KeySpec& k = s.keys;
  bool keynum = k.numkeys_at > 0;
  rb.Set(1);
  rb.Map(3);
  rb.Bulk("flags");
  StatusSet(rb, KeyFlags(s));
  rb.Bulk("begin_search");
  rb.Map(2);
  rb.Bulk("type");
  rb.Bulk("index");
  rb.Bulk("spec");
  rb.Map(1);
  rb.Bulk("index");
  rb.Integer(keynum ? k.numkeys_at : k.first);
  rb.Bulk("find_keys");
  rb.Map(2);
  rb.Bulk("type");
  rb.Bulk(keynum ? "keynum" : "range");
  rb.Bulk("spec");
  rb.Map(3);
  if (keynum) {
    rb.Bulk("keynumidx");
    rb.Integer(0);
    rb.Bulk("firstkey");
    rb.Integer(k.first - k.numkeys_at);
    rb.Bulk("keystep");
    rb.Integer(k.step > 0 ? k.step : 1);
  } else {
    rb.Bulk("lastkey");
    rb.Integer(k.last < 0 ? k.last : k.last - k.first);
    rb.Bulk("keystep");
    rb.Integer(k.step > 0 ? k.step : 1);
    rb.Bulk("limit");
    rb.Integer(0);
  }
}

// Redis 7's COMMAND INFO entry: name, arity, flags, first key, last key,
// step, ACL categories, tips, key specs, subcommands. Keys counted by a
// numkeys argument are not a fixed range: 0 0 0 plus "movablekeys".
void ReplyCommandInfo(ReplyBuilder& rb, const CommandSpec& s) {
  // A custom finder keeps the row's legacy range (ZUNIONSTORE: 1 1 1).
  bool range = s.keys.has_keys() && (s.keys.find || !IsMovable(s));
  rb.Array(10);
  rb.Bulk(s.name);
  rb.Integer(s.arity);
  StatusSet(rb, FlagNames(s));
  rb.Integer(range ? s.keys.first : 0);
  rb.Integer(range ? s.keys.last : 0);
  rb.Integer(range ? (s.keys.step > 0 ? s.keys.step : 1) : 0);
  std::vector<std::string> cats;
  uint32_t m = AclMask(s);
  for (int i = 0; i < kNumAcl; ++i) {
    if (m & (1u << i)) cats.push_back(std::string("@") + kAclCategories[i]);
  }
  rb.Set(cats.size());
  for (const std::string& c : cats) rb.SimpleString(c);
  rb.Set(0);  // tips: the registry has none
  ReplyKeySpecs(rb, s);
  if (s.subcommands.empty()) {
    rb.Set(0);
  } else {
    rb.Array(s.subcommands.size());
    for (const CommandSpec* sub : s.subcommands) ReplyCommandInfo(rb, *sub);
  }
}

// What the registry can say about a command's documentation: its group,
// and its subcommands' docs.
void ReplyCommandDocs(ReplyBuilder& rb, const CommandSpec& s) {
  rb.Map(s.subcommands.empty() ? 1 : 2);
  rb.Bulk("group");
  rb.Bulk(DocGroup(s));
  if (s.subcommands.empty()) return;
  rb.Bulk("subcommands");
  rb.Map(s.subcommands.size());
  for (const CommandSpec* sub : s.subcommands) {
    rb.Bulk(sub->name);
    ReplyCommandDocs(rb, *sub);
  }
}

// "get", "GET", and "config|get" for a subcommand.
const CommandSpec* FindByFullName(std::string_view name) {
  const CommandRegistry& reg = CommandRegistry::Global();
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return reg.Find(name);
  const CommandSpec* parent = reg.Find(name.substr(0, bar));
  return parent ? reg.FindSub(*parent, name.substr(bar + 1)) : nullptr;
}

void CmdCommandAll(CmdContext& cx) {
  const auto& all = CommandRegistry::Global().all();
  cx.rb().Array(all.size());
  for (const CommandSpec* s : all) ReplyCommandInfo(cx.rb(), *s);
}

void CmdCommandInfo(CmdContext& cx) {
  if (cx.argc() == 2) {
    CmdCommandAll(cx);
    return;
  }
  cx.rb().Array(cx.argc() - 2);
  for (size_t i = 2; i < cx.argc(); ++i) {
    const CommandSpec* s = FindByFullName(cx.arg(i));
    if (s) {
      ReplyCommandInfo(cx.rb(), *s);
    } else {
      cx.rb().Null();
    }
  }
}

void CmdCommandDocs(CmdContext& cx) {
  std::vector<const CommandSpec*> specs;
  if (cx.argc() == 2) {
    specs = {CommandRegistry::Global().all().begin(), CommandRegistry::Global().all().end()};
  }
  for (size_t i = 2; i < cx.argc(); ++i) {
    if (const CommandSpec* s = FindByFullName(cx.arg(i))) specs.push_back(s);
  }
  cx.rb().Map(specs.size());
  for (const CommandSpec* s : specs) {
    cx.rb().Bulk(s->name);
    ReplyCommandDocs(cx.rb(), *s);
  }
}

void CmdCommandCount(CmdContext& cx) {
  cx.rb().Integer(static_cast<int64_t>(CommandRegistry::Global().count()));
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]:
// every command and subcommand name.
void CmdCommandList(CmdContext& cx) {
  enum { kAll, kModule, kAclCat, kPattern } filter = kAll;
  if (cx.argc() == 5 && EqualsIgnoreCase(cx.arg(2), "FILTERBY")) {
    std::string_view type = cx.arg(3);
    filter = EqualsIgnoreCase(type, "MODULE")    ? kModule
             : EqualsIgnoreCase(type, "ACLCAT")  ? kAclCat
             : EqualsIgnoreCase(type, "PATTERN") ? kPattern
                                                 : kAll;
    if (filter == kAll) {
      cx.rb().Error(kErrSyntax);
      return;
    }
  } else if (cx.argc() != 2) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  int acl = filter == kAclCat ? AclIndex(cx.arg(4)) : -1;
  std::vector<std::string_view> names;
  auto consider = [&](const CommandSpec& s) {
    if (filter == kModule) return;  // no module commands exist
    if (filter == kAclCat && (acl < 0 || !(AclMask(s) & (1u << acl)))) return;
    if (filter == kPattern && !GlobMatch(cx.arg(4), s.name, true)) return;
    names.push_back(s.name);
  };
  for (const CommandSpec* s : CommandRegistry::Global().all()) {
    consider(*s);
    for (const CommandSpec* sub : s->subcommands) consider(*sub);
  }
  cx.rb().BulkArray(names);
}

// Resolves the command of COMMAND GETKEYS*: its spec and key indexes into
// `args` (the command's own arguments), or replies with Redis's error.
bool GetKeys(CmdContext& cx, std::span<const std::string_view> args, const CommandSpec** spec,
             std::vector<int>* keys) {
  const CommandRegistry& reg = CommandRegistry::Global();
  const CommandSpec* s = reg.Find(args[0]);
  if (s && s->is_container()) s = reg.FindSub(*s, args[1]);
  if (!s) {
    cx.rb().Error("ERR Invalid command specified");
    return false;
  }
  if (!s->keys.has_keys()) {
    cx.rb().Error("ERR The command has no key arguments");
    return false;
  }
  int argc = static_cast<int>(args.size());
  if ((s->arity > 0 && argc != s->arity) || argc < -s->arity) {
    cx.rb().Error("ERR Invalid number of arguments specified for command");
    return false;
  }
  if (!s->KeyIndexes(args, keys)) {
    cx.rb().Error("ERR Invalid arguments specified for command");
    return false;
  }
  *spec = s;
  return true;
}

void CmdCommandGetKeys(CmdContext& cx) {
  auto args = cx.args().subspan(2);
  const CommandSpec* s;
  std::vector<int> keys;
  if (!GetKeys(cx, args, &s, &keys)) return;
  cx.rb().Array(keys.size());
  for (int i : keys) cx.rb().Bulk(args[i]);
}

void CmdCommandGetKeysAndFlags(CmdContext& cx) {
  auto args = cx.args().subspan(2);
  const CommandSpec* s;
  std::vector<int> keys;
  if (!GetKeys(cx, args, &s, &keys)) return;
  cx.rb().Array(keys.size());
  for (int i : keys) {
    cx.rb().Array(2);
    cx.rb().Bulk(args[i]);
    StatusSet(cx.rb(), KeyFlags(*s));
  }
}

void CmdCommandHelp(CmdContext& cx) {
  static const char* kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  cx.rb().SimpleStringArray(kLines);
}

// Subcommand table with Redis's arities, checked here because COMMAND is
// not a registry container (see the file comment).
struct SubCommand {
  const char* name;
  int arity;
  Handler handler;
};
constexpr SubCommand kSubCommands[] = {
    {"info", -2, CmdCommandInfo},       {"docs", -2, CmdCommandDocs},
    {"count", 2, CmdCommandCount},      {"list", -2, CmdCommandList},
    {"getkeys", -4, CmdCommandGetKeys}, {"getkeysandflags", -4, CmdCommandGetKeysAndFlags},
    {"help", 2, CmdCommandHelp},
};

void CmdCommand(CmdContext& cx) {
  if (cx.argc() == 1) {
    CmdCommandAll(cx);
    return;
  }
  int argc = static_cast<int>(cx.argc());
  for (const SubCommand& sub : kSubCommands) {
    if (!EqualsIgnoreCase(cx.arg(1), sub.name)) continue;
    if ((sub.arity > 0 && argc != sub.arity) || argc < -sub.arity) {
      cx.rb().Error(ErrWrongArgs(std::string("command|") + sub.name));
      return;
    }
    sub.handler(cx);
    return;
  }
  cx.rb().Error(ErrUnknownSubcommand(cx.arg(1), "command"));
}

}  // namespace

void RegisterCommandCommands(CommandRegistry& reg) {
  reg.Add({"command", -1, kLoading | kStale | kConnection, {}, CmdCommand, "server connection"});
}

}  // namespace yotta
