// YottaStore. Licensed under the Apache License 2.0.
// Blocked clients (see blocking.h). A Waiter is shared by the queues of the
// keys it waits on (one per key, in the key's Db) and by its client.
//
// Claiming: `state` goes kWaiting -> kServing (a thread is trying to serve
// it) -> kDone, or back to kWaiting when that try finds nothing. A shard
// that meets a waiter in kServing cannot wait for the other thread, so it
// re-posts its ready key to itself and tries again later; the timeout and
// the disconnect path retry on a short timer for the same reason.
#include "server/blocking.h"

#include <uv.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/connection.h"
#include "server/dispatcher.h"
#include "server/errors.h"
#include "server/shard.h"
#include "server/shard_set.h"
#include "server/transaction.h"

namespace yotta {

namespace {

constexpr std::string_view kErrTimeoutRange = "ERR timeout is out of range";
std::atomic<int64_t> g_blocked{0};

enum State : int { kWaiting = 0, kServing = 1, kDone = 2 };

struct Waiter {
  std::atomic<int> state{kWaiting};
  const CommandSpec* spec = nullptr;
  std::vector<std::string> args;  // owned copy of the command
  int db = 0;
  int resp = 2;
  ServeFn serve = nullptr;
  Shard* home = nullptr;
  Connection* conn = nullptr;  // home thread only; kept alive by the park
  Connection::Completion complete;
  uv_timer_t* timer = nullptr;  // home loop
  bool cancelled = false;       // home thread: the client went away
  struct Place {
    int shard;
    Db* db;
    std::string key;
  };
  std::vector<Place> places;

  bool Claim() {
    int expect = kWaiting;
    return state.compare_exchange_strong(expect, kServing);
  }
};
using WaiterPtr = std::shared_ptr<Waiter>;

// A CmdContext for running the blocked command's serve function.
struct BlockedCommand {
  explicit BlockedCommand(Waiter& w, std::string* out) : rb(out, w.resp) {
    views.assign(w.args.begin(), w.args.end());
  }
  CmdContext Context(Waiter& w, Connection* conn) {
    return CmdContext(w.spec, views, &rb, w.db, conn, ShardSet::Global());
  }
  std::vector<std::string_view> views;
  ReplyBuilder rb;
};

bool IsBlockingType(ObjType t) { return t == ObjType::kList || t == ObjType::kZSet; }

}  // namespace

struct KeyWaiters {
  std::unordered_map<std::string, std::deque<WaiterPtr>> queues;
};

void FreeKeyWaiters(KeyWaiters* w) { delete w; }

void EraseWaiter(KeyWaiters* kw, const std::string& key, const Waiter* w) {
  auto it = kw->queues.find(key);
  if (it == kw->queues.end()) return;
  auto& q = it->second;
  q.erase(std::remove_if(q.begin(), q.end(), [w](const WaiterPtr& p) { return p.get() == w; }), q.end());
  if (q.empty()) kw->queues.erase(it);
}

namespace {

// Ready keys found by this thread during the current command.
thread_local std::vector<std::pair<Db*, std::string>> t_ready;

// Home thread: the waiter is done (served, timed out or cancelled).
void Finish(const WaiterPtr& w, std::string reply) {
  if (w->timer) {
    uv_timer_stop(w->timer);
    uv_close(reinterpret_cast<uv_handle_t*>(w->timer), [](uv_handle_t* h) {
      delete static_cast<WaiterPtr*>(h->data);
      delete reinterpret_cast<uv_timer_t*>(h);
    });
    w->timer = nullptr;
  }
  if (!w->cancelled) w->conn->SetOnClose(nullptr);
  g_blocked.fetch_sub(1, std::memory_order_relaxed);
  auto complete = std::move(w->complete);
  complete(std::move(reply));
  // Remove the waiter from every key queue, on each queue's shard.
  for (const Waiter::Place& p : w->places) {
    ShardSet::Global()->shard(p.shard)->PostData([w, db = p.db, key = p.key] {
      if (KeyWaiters* kw = db->waiters()) EraseWaiter(kw, key, w.get());
    });
  }
}

// Home thread: the timer fired (timeout) or the client went away.
void OnTimer(uv_timer_t* h) {
  auto* w = static_cast<WaiterPtr*>(h->data);
  WaiterPtr waiter = *w;
  int expect = kWaiting;
  if (waiter->state.compare_exchange_strong(expect, kDone)) {
    std::string reply;
    if (!waiter->cancelled) ReplyBuilder(&reply, waiter->resp).NullArray();
    Finish(waiter, std::move(reply));
  } else if (expect == kServing) {
    uv_timer_start(h, OnTimer, 1, 0);  // a shard is trying it now: look again soon
  }
}

}  // namespace


void SignalKeyReady(Db& db, const Entry* e) {
  if (!IsBlockingType(e->type())) return;
  if (!db.waiters()->queues.count(std::string(e->key()))) return;
  for (const auto& [d, k] : t_ready) {
    if (d == &db && k == e->key()) return;
  }
  t_ready.emplace_back(&db, std::string(e->key()));
}

namespace {

void ServeKey(Db* db, const std::string& key);

// Reruns the claimed waiter's command on its home thread with every shard of
// its keys held (a destination on another shard).
void ServeWithAllShards(const WaiterPtr& w, std::string key) {
  std::vector<int> shards;
  for (const Waiter::Place& p : w->places) shards.push_back(p.shard);
  ShardSet* set = ShardSet::Global();
  std::vector<int> idx;
  std::vector<std::string_view> views(w->args.begin(), w->args.end());
  if (w->spec->KeyIndexes(views, &idx)) {
    for (int i : idx) shards.push_back(set->ShardOf(views[i]));
  }
  std::sort(shards.begin(), shards.end());
  shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
  auto reply = std::make_shared<std::string>();
  auto served = std::make_shared<bool>(false);
  auto* txn = new Txn(
      shards, w->home,
      [w, key, reply, served, shards] {
        BlockedCommand bc(*w, reply.get());
        CmdContext cx = bc.Context(*w, nullptr);
        *served = w->serve(cx, key, true) == ServeResult::kServed;
        if (*served) {
          // Pops change objects in place: record the keys for the storage
          // tier, and submit the held shards' changes as one batch (a move
          // between shards is atomic on disk too).
          std::vector<std::string_view> views(w->args.begin(), w->args.end());
          MarkCommandKeys(w->spec, views, w->db);
          std::vector<ShardStore*> stores;
          for (int s : shards) stores.push_back(&ShardSet::Global()->shard(s)->store());
          ShardStore::FlushTogether(stores);
        }
        DrainReadyKeys();  // the move may have created a key others wait for
      },
      [w, key, reply, served] {
        if (*served) {
          w->state.store(kDone);
          Finish(w, std::move(*reply));
        } else {
          w->state.store(kWaiting);  // still queued on every key, same place
          if (w->cancelled && w->timer) uv_timer_start(w->timer, OnTimer, 0, 0);
        }
        // The key's later waiters waited for this one; go on with them.
        for (const Waiter::Place& p : w->places) {
          if (p.key != key) continue;
          ShardSet::Global()->shard(p.shard)->PostData([db = p.db, key] {
            ServeKey(db, key);
            DrainReadyKeys();
          });
        }
      });
  set->Schedule(txn);
}

// Serves the waiters of one ready key, oldest first. Runs with the key's
// shard held by the calling thread.
void ServeKey(Db* db, const std::string& key) {
  KeyWaiters* kw = db->waiters();
  if (!kw) return;
  auto it = kw->queues.find(key);
  if (it == kw->queues.end()) return;
  std::vector<WaiterPtr> queue(it->second.begin(), it->second.end());  // serving may edit it
  bool retry_later = false;
  for (const WaiterPtr& w : queue) {
    if (!db->Peek(key)) break;  // consumed (empty collections are deleted)
    if (!w->Claim()) {
      // Being served elsewhere: the ones behind it wait, to keep the order.
      if (w->state.load() == kServing) {
        retry_later = true;
        break;
      }
      continue;
    }
    std::string reply;
    BlockedCommand bc(*w, &reply);
    CmdContext cx = bc.Context(*w, nullptr);
    ServeResult r = w->serve(cx, key, false);
    if (r == ServeResult::kServed) {
      // Pops change objects in place. Only this key's shard is held here
      // (a serve that needs another one reruns with all held, below).
      std::vector<std::string_view> views(w->args.begin(), w->args.end());
      MarkCommandKeys(w->spec, views, w->db, ShardSet::Global()->ShardOf(key));
      w->state.store(kDone);
      w->home->PostControl([w, reply = std::move(reply)]() mutable { Finish(w, std::move(reply)); });
    } else if (r == ServeResult::kNeedAllShards) {
      // Later waiters of this key wait for it: the transaction's completion
      // serves the key again, so they keep the order they blocked in.
      w->home->PostControl([w, key] { ServeWithAllShards(w, key); });
      break;
    } else {
      w->state.store(kWaiting);
    }
  }
  if (retry_later) {
    int shard = ShardSet::Global()->ShardOf(key);
    ShardSet::Global()->shard(shard)->PostData([db, key] {
      ServeKey(db, key);
      DrainReadyKeys();
    });
  }
}

}  // namespace

namespace {
thread_local int t_defer_depth = 0;
}  // namespace

DeferReadyKeys::DeferReadyKeys() { ++t_defer_depth; }
DeferReadyKeys::~DeferReadyKeys() {
  if (--t_defer_depth == 0) DrainReadyKeys();
}

void DrainReadyKeys() {
  if (t_defer_depth > 0) return;
  // Serving may push to other keys (BLMOVE), which adds to t_ready.
  for (size_t i = 0; i < t_ready.size(); ++i) {
    auto [db, key] = t_ready[i];
    ServeKey(db, key);
  }
  t_ready.clear();
}

void BlockClient(CmdContext& cx, std::span<const std::string_view> keys, int64_t timeout_ms,
                 ServeFn serve) {
  Connection* conn = cx.conn();
  auto w = std::make_shared<Waiter>();
  w->spec = &cx.spec();
  w->args.assign(cx.args().begin(), cx.args().end());
  w->db = cx.db_index();
  w->resp = cx.rb().resp();
  w->serve = serve;
  w->home = Shard::Current();
  w->conn = conn;
  ShardSet& set = cx.shards();
  for (std::string_view k : keys) {
    bool seen = false;
    for (const Waiter::Place& p : w->places) seen |= p.key == k;
    if (seen) continue;
    Db& db = cx.DbFor(k);
    if (!db.waiters()) db.waiters() = new KeyWaiters;
    db.waiters()->queues[std::string(k)].push_back(w);
    w->places.push_back({set.ShardOf(k), &db, std::string(k)});
  }
  w->complete = conn->Park();
  g_blocked.fetch_add(1, std::memory_order_relaxed);
  w->timer = new uv_timer_t;
  uv_timer_init(w->home->loop(), w->timer);
  w->timer->data = new WaiterPtr(w);
  if (timeout_ms > 0) uv_timer_start(w->timer, OnTimer, static_cast<uint64_t>(timeout_ms), 0);
  conn->SetOnClose([w] {
    w->cancelled = true;
    if (w->timer) uv_timer_start(w->timer, OnTimer, 0, 0);
  });
}

bool ParseBlockTimeout(CmdContext& cx, std::string_view arg, int64_t* timeout_ms) {
  // As Redis's getTimeoutFromObjectOrReply: milliseconds rounded up, so
  // -0.0001 is 0 (forever) and 0.0001 is 1 ms.
  long double secs;
  if (!ParseLongDouble(arg, &secs) || std::isnan(secs)) {
    cx.rb().Error(kErrTimeoutNotFloat);
    return false;
  }
  long double ms = std::ceil(secs * 1000);
  if (ms > static_cast<long double>(INT64_MAX / 2)) {
    cx.rb().Error(kErrTimeoutRange);
    return false;
  }
  if (ms < 0) {
    cx.rb().Error(kErrTimeoutNegative);
    return false;
  }
  *timeout_ms = static_cast<int64_t>(ms);
  return true;
}

int64_t BlockedClientCount() { return g_blocked.load(std::memory_order_relaxed); }

}  // namespace yotta
