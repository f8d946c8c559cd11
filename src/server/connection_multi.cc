// YottaStore. Licensed under the Apache License 2.0.
// MULTI/EXEC/DISCARD/WATCH state of a Connection. EXEC runs the whole queue
// as one transaction (server/transaction.h) holding every shard any queued
// command touches, so it is atomic across shards; clients blocked on keys
// it fills are served after the last command, as in Redis.
#include <algorithm>

#include "server/blocking.h"
#include "server/command_registry.h"
#include "server/connection.h"
#include "server/dispatcher.h"
#include "server/reply_builder.h"
#include "server/shard.h"
#include "server/shard_set.h"
#include "server/transaction.h"
#include "server/watch.h"

namespace yotta {
namespace {
constexpr std::string_view kErrNotInMulti = "ERR Command not allowed inside a transaction";
constexpr std::string_view kErrExecAbort = "EXECABORT Transaction discarded because of previous errors.";

// The commands Redis runs at once even inside MULTI.
bool RunsInsideMulti(const CommandSpec* spec) {
  const CommandSpec* top = spec->parent ? spec->parent : spec;
  static const char* kNames[] = {"exec", "discard", "multi", "watch", "quit", "reset"};
  return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return top->name == n; });
}
}  // namespace

void Connection::BeginMulti() { multi_ = std::make_unique<MultiQueue>(); }

void Connection::MarkMultiError() {
  if (multi_) multi_->dirty = true;
}

bool Connection::QueueIfMulti(const CommandSpec* spec, std::span<const std::string_view> args) {
  if (RunsInsideMulti(spec)) return false;
  if (spec->flags & kNoMulti) {
    multi_->dirty = true;
    ReplyError(kErrNotInMulti);
    return true;
  }
  multi_->cmds.push_back({spec, std::vector<std::string>(args.begin(), args.end())});
  ReplySimple("QUEUED");
  return true;
}

void Connection::DiscardMulti() {
  multi_.reset();
  Unwatch();
}

std::shared_ptr<WatchSet> Connection::watch_set() {
  if (!watch_) watch_ = std::make_shared<WatchSet>();
  return watch_;
}

void Connection::Unwatch() {
  if (watch_) UnwatchAll(watch_);
  watch_.reset();
}

struct Connection::ExecState {
  std::shared_ptr<MultiQueue> q;
  std::vector<int> shards;
  std::function<void(std::string*)> body;
  Completion done;
  std::string reply;
  std::shared_ptr<ColdKeys> cold;
};

void Connection::ExecMulti(ReplyBuilder& rb) {
  std::shared_ptr<MultiQueue> q(std::move(multi_));
  bool watch_failed = watch_ && watch_->dirty.load();
  Unwatch();
  if (q->dirty) {
    rb.Error(kErrExecAbort);
    return;
  }
  if (watch_failed) {
    rb.NullArray();
    return;
  }
  ShardSet* set = ShardSet::Global();
  std::vector<int> shards, idx;
  for (const MultiQueue::Cmd& c : q->cmds) {
    std::vector<std::string_view> views(c.args.begin(), c.args.end());
    if (c.spec->flags & kGlobal) {
      for (int i = 0; i < set->size(); ++i) shards.push_back(i);
    } else if (!(c.spec->flags & kConnection) && c.spec->KeyIndexes(views, &idx)) {
      for (int i : idx) shards.push_back(set->ShardOf(views[i]));
    }
  }
  std::sort(shards.begin(), shards.end());
  shards.erase(std::unique(shards.begin(), shards.end()), shards.end());

  // Runs the queue into `out`; on this thread, with `shards` held.
  auto body = [this, q](std::string* out) {
    ReplyBuilder arr(out, resp_);
    arr.Array(q->cmds.size());
    DeferReadyKeys defer;
    in_exec_ = true;
    for (const MultiQueue::Cmd& c : q->cmds) {
      std::vector<std::string_view> views(c.args.begin(), c.args.end());
      ReplyBuilder one(out, resp_);
      // A blocking command inside MULTI does not block: it answers as on timeout.
      Connection* conn = (closed_ || (c.spec->flags & kBlocking)) ? nullptr : this;
      ExecuteCommand(c.spec, views, &one, db_, conn, info_.get());
    }
    in_exec_ = false;
  };
  if (shards.empty()) {  // nothing touches the keyspace
    body(rb.output());
    return;
  }
  SendHops();  // commands pipelined before EXEC reach their shards first
  auto st = std::make_shared<ExecState>();
  st->q = q;
  st->shards = std::move(shards);
  st->body = body;
  st->done = Park();
  RunExecTxn(std::move(st));
}

// The queue runs with its shards held; if a key is on disk only, nothing
// runs: the keys are loaded and the transaction is scheduled again.
void Connection::RunExecTxn(std::shared_ptr<ExecState> st) {
  home_->stats().txns_coordinated.Add();
  st->cold = std::make_shared<ColdKeys>();
  auto* txn = new Txn(
      st->shards, home_,
      [this, st] {
        for (const MultiQueue::Cmd& c : st->q->cmds) {
          std::vector<std::string_view> views(c.args.begin(), c.args.end());
          FindColdKeys(c.spec, views, db_, st->cold.get());
        }
        if (!st->cold->empty()) return;
        std::vector<std::string_view> keys;
        std::vector<int> idx;
        for (const MultiQueue::Cmd& c : st->q->cmds) {
          std::vector<std::string_view> views(c.args.begin(), c.args.end());
          idx.clear();
          if (c.spec->keys.has_keys() && c.spec->KeyIndexes(views, &idx)) {
            for (int i : idx) keys.push_back(views[i]);  // views of c.args: alive with q
          }
        }
        EvictionGuard guard(std::move(keys));
        st->body(&st->reply);
        FinishTxnWrites(st->shards);
      },
      [this, st] {
        if (st->cold->empty() || closed_) {
          st->done(std::move(st->reply));
          return;
        }
        LoadCold(st->cold, st->q, [this, st] {
          if (closed_) {
            st->done(std::move(st->reply));
            return;
          }
          RunExecTxn(st);
        });
      });
  ShardSet::Global()->Schedule(txn);
}

}  // namespace yotta
