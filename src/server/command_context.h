// YottaStore. Licensed under the Apache License 2.0.
// CmdContext: what a handler sees. Handlers are written as if
// single-threaded: the dispatcher runs them where every shard owning one of
// their keys is held (the owner's thread for single-shard commands; the
// coordinator for transactions and global commands), so DbFor(key) is
// always safe for the command's declared keys.
#pragma once

#include <span>
#include <string_view>

#include "server/command.h"
#include "server/db_slice.h"
#include "server/reply_builder.h"
#include "server/shard_set.h"

namespace yotta {

class Connection;

class CmdContext {
 public:
  CmdContext(const CommandSpec* spec, std::span<const std::string_view> args, ReplyBuilder* rb,
             int db_index, Connection* conn, ShardSet* shards)
      : spec_(spec), args_(args), rb_(rb), db_index_(db_index), conn_(conn), shards_(shards) {}

  const CommandSpec& spec() const { return *spec_; }
  std::string_view arg(size_t i) const { return args_[i]; }
  size_t argc() const { return args_.size(); }
  std::span<const std::string_view> args() const { return args_; }
  ReplyBuilder& rb() { return *rb_; }
  int db_index() const { return db_index_; }

  // The db (current SELECT) of `key` on its owner shard.
  Db& DbFor(std::string_view key) { return shards_->shard(shards_->ShardOf(key))->slice().db(db_index_); }
  // Another db index of the same key's shard (MOVE, COPY ... DB).
  Db& DbFor(std::string_view key, int db_index) {
    return shards_->shard(shards_->ShardOf(key))->slice().db(db_index);
  }
  ShardSet& shards() { return *shards_; }

  // The client, for commands that run on its thread (kConnection, kGlobal
  // and multi-shard ones); nullptr when the command runs on another shard.
  Connection* conn() { return conn_; }

 private:
  const CommandSpec* spec_;
  std::span<const std::string_view> args_;
  ReplyBuilder* rb_;
  int db_index_;
  Connection* conn_;
  ShardSet* shards_;
};

}  // namespace yotta
