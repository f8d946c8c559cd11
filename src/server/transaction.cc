// YottaStore. Licensed under the Apache License 2.0.
#include "server/transaction.h"

#include "server/shard.h"
#include "server/shard_set.h"

namespace yotta {

void Txn::OnHeld() {
  // Read the size before counting: once the last shard counts, the
  // coordinator may run and delete this Txn at any moment.
  size_t n = shards_.size();
  if (held_.fetch_add(1, std::memory_order_acq_rel) + 1 == n) {
    coordinator_->PostControl([this] { Run(); });
  }
}

void Txn::Run() {
  body_();
  ShardSet* set = coordinator_->set();
  for (int s : shards_) {
    Shard* shard = set->shard(s);
    if (shard == coordinator_) {
      shard->Resume(this);
    } else {
      shard->PostControl([shard, this] { shard->Resume(this); });
    }
  }
  // Resumes only compare the pointer; they never dereference it, so the Txn
  // may go now.
  auto done = std::move(done_);
  delete this;
  done();
}

}  // namespace yotta
