// YottaStore. Licensed under the Apache License 2.0.
// ShardSet: all shards, key -> shard routing, and the transaction sequencer.
// Key routing: slot = CRC16(hashtag(key)) mod 16384, shard = slot mod N
// (Redis Cluster's rule), so keys sharing a {tag} share a shard.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "base/hash.h"
#include "server/shard.h"

namespace yotta {

class Txn;

class ShardSet {
 public:
  explicit ShardSet(int n, int num_dbs);
  ~ShardSet();

  int size() const { return static_cast<int>(shards_.size()); }
  Shard* shard(int i) { return shards_[i].get(); }
  int ShardOf(std::string_view key) const {
    return n_ == 1 ? 0 : static_cast<int>(KeySlot(key) % static_cast<uint32_t>(n_));
  }

  // Any thread. Posts the transaction's arrivals atomically (see transaction.h).
  void Schedule(Txn* txn);

  // Starts every shard thread; returns once all listen (or one failed).
  bool Start(std::string* err);
  void Stop();

  // Called by a shard thread after it tried to listen.
  void ReportListen(bool ok, const std::string& err);

  // The process-wide instance.
  static ShardSet* Global();
  static void SetGlobal(ShardSet* s);

 private:
  int n_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex seq_mu_;

  std::mutex start_mu_;
  int started_ = 0;
  std::string start_err_;
};

}  // namespace yotta
