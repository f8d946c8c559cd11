// YottaStore. Licensed under the Apache License 2.0.
#include "server/shard.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>

#include "base/clock.h"
#include "base/logging.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/connection.h"
#include "server/listener.h"
#include "server/shard_set.h"
#include "server/transaction.h"

namespace yotta {
namespace {
thread_local Shard* tl_shard = nullptr;
constexpr int64_t kExpireBudgetUs = 2000;  // per cron tick
constexpr int64_t kRehashBudgetUs = 1000;
}  // namespace

Shard::Shard(int index, ShardSet* set, int num_dbs)
    : index_(index), set_(set), slice_(num_dbs, &stats_), store_(this, num_dbs) {
  slice_.set_store(&store_);
  stats_.SizeCommands(CommandRegistry::Global().total_with_subcommands());
  // The loop and its wake-up handle exist before any shard thread starts:
  // a shard that starts first may accept a client and post to this one at
  // once. (A loop may be created on one thread and run on another.)
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &wake_, &Shard::OnWake);
  wake_.data = this;
  uv_timer_init(&loop_, &cron_);
  cron_.data = this;
  uv_idle_init(&loop_, &busy_poll_);
  busy_poll_.data = this;
  uv_check_init(&loop_, &flush_check_);
  flush_check_.data = this;
}

void Shard::OnCheck(uv_check_t* h) {
  auto* s = static_cast<Shard*>(h->data);
  if (s->CanRunInline()) s->store_.Flush();
}

void Shard::NotifyStorageProgress() {
  if (progress_queued_.exchange(true)) return;
  PostControl([this] {
    progress_queued_.store(false);
    std::vector<uint64_t> ids;
    ids.swap(durable_waiters_);
    for (uint64_t id : ids) {
      if (Connection* c = FindConnection(id)) c->Flush();
    }
    PostData([this] { store_.OnProgress(); });
  });
}

Shard::~Shard() = default;

Shard* Shard::Current() { return tl_shard; }

void Shard::Push(Msg m) {
  std::lock_guard lock(mu_);
  if (closed_) return;  // shutting down: the loop will never run it
  bool was_empty = inbox_.empty();
  inbox_.push_back(std::move(m));
  // uv_async_send coalesces; sending only on the empty->non-empty edge saves
  // syscalls, and the drain loop re-checks the inbox before sleeping.
  if (was_empty) uv_async_send(&wake_);
}

void Shard::PostData(std::function<void()> fn) { Push(Msg{Msg::kData, nullptr, std::move(fn)}); }
void Shard::PostControl(std::function<void()> fn) { Push(Msg{Msg::kControl, nullptr, std::move(fn)}); }
void Shard::PostArrive(Txn* txn) { Push(Msg{Msg::kArrive, txn, {}}); }

void Shard::OnWake(uv_async_t* h) { static_cast<Shard*>(h->data)->Drain(); }

void Shard::Drain() {
  // Bounded rounds so one busy producer cannot starve the loop's I/O; if
  // messages remain, wake ourselves again.
  for (int round = 0; round < 16; ++round) {
    {
      std::lock_guard lock(mu_);
      if (inbox_.empty()) return;
      draining_.swap(inbox_);
    }
    for (Msg& m : draining_) Handle(m);
    draining_.clear();
  }
  uv_async_send(&wake_);
}

void Shard::Handle(Msg& m) {
  if (m.kind == Msg::kControl) {
    m.fn();
    return;
  }
  if (held_by_) {
    deferred_.push_back(std::move(m));
    return;
  }
  Run(m);
}

void Shard::Run(Msg& m) {
  if (m.kind == Msg::kArrive) {
    held_by_ = m.txn;
    m.txn->OnHeld();
  } else {
    m.fn();
  }
}

void Shard::Resume(Txn* txn) {
  YCHECK(held_by_ == txn);
  held_by_ = nullptr;
  while (!held_by_ && !deferred_.empty()) {
    Msg m = std::move(deferred_.front());
    deferred_.pop_front();
    Run(m);
  }
}

void Shard::OnTimer(uv_timer_t* h) { static_cast<Shard*>(h->data)->Cron(); }

void Shard::NoteIo() {
  if (Config::Get().busy_poll_us.load(std::memory_order_relaxed) <= 0) return;
  last_io_us_ = MonotonicUs();
  if (!uv_is_active(reinterpret_cast<uv_handle_t*>(&busy_poll_))) uv_idle_start(&busy_poll_, &Shard::OnIdle);
}

// An active idle handle makes libuv poll with a zero timeout; stop it once
// the shard has seen no I/O for busy-poll-us.
void Shard::OnIdle(uv_idle_t* h) {
  auto* s = static_cast<Shard*>(h->data);
  if (MonotonicUs() - s->last_io_us_ > Config::Get().busy_poll_us.load(std::memory_order_relaxed)) {
    uv_idle_stop(h);
  }
}

void Shard::Cron() {
  if (stopping_.load()) return;
  for (Connection* c : std::vector<Connection*>(conns_)) c->Cron();
  if (held_by_) return;  // the keyspace is someone else's right now
  slice_.ActiveExpire(kExpireBudgetUs);
  int64_t start = MonotonicUs();
  for (int i = 0; i < slice_.num_dbs(); ++i) {
    KeyTable& t = slice_.db(i).table();
    while (t.RehashStep(100)) {
      if (MonotonicUs() - start > kRehashBudgetUs) return;
    }
  }
}

Connection* Shard::FindConnection(uint64_t id) const {
  for (Connection* c : conns_) {
    if (c->id() == id) return c;
  }
  return nullptr;
}

void Shard::RemoveConnection(Connection* c) {
  auto it = std::find(conns_.begin(), conns_.end(), c);
  if (it != conns_.end()) {
    *it = conns_.back();
    conns_.pop_back();
  }
}

void Shard::Start(int cpu) {
  thread_ = std::thread([this, cpu] { ThreadMain(cpu); });
}

void Shard::ThreadMain(int cpu) {
  tl_shard = this;
  char name[16];
  std::snprintf(name, sizeof(name), "shard-%d", index_);
  pthread_setname_np(pthread_self(), name);
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  }
  int64_t period = std::max<int64_t>(1, 1000 / Config::Get().hz.load());
  uv_timer_start(&cron_, &Shard::OnTimer, period, period);
  uv_check_start(&flush_check_, &Shard::OnCheck);

  std::string err;
  bool ok = Listen(this, &listeners_, &err);
  set_->ReportListen(ok, err);
  if (ok) uv_run(&loop_, UV_RUN_DEFAULT);
  CloseAll();
  tl_shard = nullptr;
}

void Shard::Stop() {
  if (stopping_.exchange(true)) return;
  PostControl([this] { uv_stop(&loop_); });
}

void Shard::CloseAll() {
  if (CanRunInline()) store_.Flush();
  uv_check_stop(&flush_check_);
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_check_), nullptr);
  for (Connection* c : std::vector<Connection*>(conns_)) c->Close();
  for (uv_tcp_t* l : listeners_) {
    uv_close(reinterpret_cast<uv_handle_t*>(l), [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
  }
  listeners_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&cron_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&busy_poll_), nullptr);
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
  // Let close callbacks and in-flight writes finish.
  for (int i = 0; i < 100 && uv_run(&loop_, UV_RUN_NOWAIT) != 0; ++i) {
  }
  uv_loop_close(&loop_);
}

void Shard::Join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace yotta
