// YottaStore. Licensed under the Apache License 2.0.
#include "server/command_registry.h"

#include "base/logging.h"
#include "base/str_util.h"

namespace yotta {

bool CommandSpec::KeyIndexes(std::span<const std::string_view> args, std::vector<int>* out) const {
  out->clear();
  if (!keys.has_keys()) return true;
  if (keys.find) return keys.find(args, out);
  int argc = static_cast<int>(args.size());
  int first = keys.first, last, step = keys.step > 0 ? keys.step : 1;
  if (keys.numkeys_at > 0) {
    if (keys.numkeys_at >= argc) return false;
    int64_t n;
    if (!ParseInt64(args[keys.numkeys_at], &n) || n < 0 || n > argc - first) return false;
    last = first + static_cast<int>(n) - 1;
  } else {
    last = keys.last < 0 ? argc + keys.last : keys.last;
  }
  if (last >= argc) return false;
  for (int i = first; i <= last; i += step) out->push_back(i);
  return true;
}

void CommandRegistry::Add(CommandSpec spec) {
  ToLowerInPlace(&spec.name);
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  owned->id = static_cast<uint32_t>(specs_.size());
  CommandSpec* p = owned.get();
  specs_.push_back(std::move(owned));
  size_t bar = p->name.find('|');
  if (bar != std::string::npos) {
    auto it = by_name_.find(p->name.substr(0, bar));
    YCHECK(it != by_name_.end());
    p->parent = it->second;
    it->second->subcommands.push_back(p);
    if (p->category.empty()) p->category = it->second->category;
  } else {
    YCHECK(by_name_.find(p->name) == by_name_.end());
    top_.push_back(p);
  }
  by_name_[p->name] = p;
}

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  if (name.size() > 64) return nullptr;
  char buf[64];
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;  // ASCII only, like Redis
  }
  auto it = by_name_.find(std::string_view(buf, name.size()));
  if (it == by_name_.end() || it->second->parent) return nullptr;
  return it->second;
}

const CommandSpec* CommandRegistry::FindSub(const CommandSpec& container, std::string_view sub) const {
  for (CommandSpec* s : container.subcommands) {
    if (EqualsIgnoreCase(std::string_view(s->name).substr(container.name.size() + 1), sub)) return s;
  }
  return nullptr;
}

CommandRegistry& CommandRegistry::Global() {
  static CommandRegistry* reg = new CommandRegistry();
  return *reg;
}

}  // namespace yotta
