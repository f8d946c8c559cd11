// YottaStore. Licensed under the Apache License 2.0.
// The command table. Built once at start-up by the Register*Family functions
// (server/command_families.h), read-only afterwards and so safe to read from
// any thread.
#pragma once

#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/command.h"

namespace yotta {

class CommandRegistry {
 public:
  // Adds a row. A name with '|' adds a subcommand to its container, which
  // must already be registered.
  void Add(CommandSpec spec);

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Case-insensitive lookup of a subcommand of `container`.
  const CommandSpec* FindSub(const CommandSpec& container, std::string_view sub) const;

  const std::vector<CommandSpec*>& all() const { return top_; }
  size_t count() const { return top_.size(); }
  size_t total_with_subcommands() const { return specs_.size(); }
  const CommandSpec* by_id(uint32_t id) const { return specs_[id].get(); }

  // The process-wide table.
  static CommandRegistry& Global();

 private:
  std::vector<std::unique_ptr<CommandSpec>> specs_;  // index = id
  std::vector<CommandSpec*> top_;
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, CommandSpec*, NameHash, std::equal_to<>> by_name_;
};

}  // namespace yotta
