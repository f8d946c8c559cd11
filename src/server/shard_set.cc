// YottaStore. Licensed under the Apache License 2.0.
#include "server/shard_set.h"

#include <sched.h>

#include <condition_variable>

#include "server/config.h"
#include "server/listener.h"
#include "server/transaction.h"

namespace yotta {
namespace {
ShardSet* g_set = nullptr;
std::condition_variable g_start_cv;
}  // namespace

ShardSet* ShardSet::Global() { return g_set; }
void ShardSet::SetGlobal(ShardSet* s) { g_set = s; }

ShardSet::ShardSet(int n, int num_dbs) : n_(n) {
  for (int i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(i, this, num_dbs));
}

ShardSet::~ShardSet() { Stop(); }

void ShardSet::Schedule(Txn* txn) {
  std::lock_guard lock(seq_mu_);
  for (int s : txn->shards()) shards_[s]->PostArrive(txn);
}

bool ShardSet::Start(std::string* err) {
  if (!CheckAddressesFree(err)) return false;
  // Pin shard i to the i-th CPU this process may use (taskset is honoured).
  std::vector<int> cpus;
  cpu_set_t allowed;
  if (Config::Get().pin_threads.load() && sched_getaffinity(0, sizeof(allowed), &allowed) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
    }
  }
  for (int i = 0; i < n_; ++i) {
    int cpu = cpus.size() >= static_cast<size_t>(n_) ? cpus[i] : -1;
    shards_[i]->Start(cpu);
  }
  std::unique_lock lock(start_mu_);
  g_start_cv.wait(lock, [&] { return started_ == n_; });
  if (!start_err_.empty()) {
    *err = start_err_;
    return false;
  }
  return true;
}

void ShardSet::ReportListen(bool ok, const std::string& err) {
  std::lock_guard lock(start_mu_);
  if (!ok && start_err_.empty()) start_err_ = err;
  ++started_;
  g_start_cv.notify_all();
}

void ShardSet::Stop() {
  for (auto& s : shards_) s->Stop();
  for (auto& s : shards_) s->Join();
}

}  // namespace yotta
