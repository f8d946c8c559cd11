// YottaStore. Licensed under the Apache License 2.0.
#include "server/connection.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/clock.h"
#include "base/logging.h"
#include "base/str_util.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/dispatcher.h"
#include "server/errors.h"
#include "server/reply_builder.h"
#include "server/shard.h"
#include "server/shard_set.h"
#include "server/storage.h"
#include "server/transaction.h"
#include "server/watch.h"

namespace yotta {
namespace {
// The db MOVE and COPY ... DB write their key into, or -1.
int OtherDb(const CommandSpec* spec, std::span<const std::string_view> args) {
  int64_t v = -1;
  if (spec->name == "move" && args.size() == 3) {
    if (!ParseInt64(args[2], &v)) return -1;
  } else if (spec->name == "copy") {
    for (size_t i = 3; i + 1 < args.size(); ++i) {
      if (EqualsIgnoreCase(args[i], "DB") && ParseInt64(args[i + 1], &v)) break;
    }
  }
  return v >= 0 && v < Config::Get().databases.load() ? static_cast<int>(v) : -1;
}

// The (db, key) pairs a command touches: its keys in the client's db, and
// the key MOVE or COPY ... DB writes in another db (which must be loaded
// too: a cold destination there is not absent).
void KeyTargets(const CommandSpec* spec, std::span<const std::string_view> args, const std::vector<int>& idx,
                int db, std::vector<std::pair<int, std::string_view>>* out) {
  for (int i : idx) out->emplace_back(db, args[i]);
  int other = OtherDb(spec, args);
  if (other >= 0 && other != db) out->emplace_back(other, spec->name == "move" ? args[1] : args[2]);
}

// The command's (db, key) pairs on `store`'s shard that must be loaded first.
void ColdTargets(ShardStore& store, const CommandSpec* spec, std::span<const std::string_view> args,
                 const std::vector<int>& idx, int db, std::vector<std::pair<int, std::string_view>>* out) {
  thread_local std::vector<std::pair<int, std::string_view>> all;
  all.clear();
  KeyTargets(spec, args, idx, db, &all);
  for (auto& t : all) {
    if (store.NeedsLoad(t.first, t.second)) out->push_back(t);
  }
}

// The seq of `store`'s shard a reply to this command must wait for (under
// persistence always: durable; everysec: written): a write waits for every
// change the shard made so far (its own among them); a read for the
// pending changes of the keys it read; a keyless command for nothing.
uint64_t ReplyNeed(ShardStore& store, const CommandSpec* spec, std::span<const std::string_view> args,
                   const std::vector<int>& idx, int db) {
  if (!store.tracking()) return 0;
  if (spec->flags & kWrite) return store.RequiredSeq();
  uint64_t need = 0;
  for (int i : idx) need = std::max(need, store.PendingSeq(db, args[i]));
  return need;
}

bool HasColdKey(ShardStore& store, const CommandSpec* spec, std::span<const std::string_view> args,
                const std::vector<int>& idx, int db) {
  thread_local std::vector<std::pair<int, std::string_view>> cold;
  cold.clear();
  ColdTargets(store, spec, args, idx, db, &cold);
  return !cold.empty();
}

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kShrinkAbove = 1 << 20;
// Backpressure: stop reading a client whose unsent replies exceed this, so
// a client that never reads cannot make us buffer without bound.
constexpr size_t kOutputPause = 64ull << 20;
std::atomic<int64_t> g_num_clients{0};

std::string SockAddr(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
  }
  return std::string(ip) + ":" + std::to_string(port);
}
}  // namespace

// A command copied out of the read buffer for another thread.
struct Connection::OwnedCmd {
  const CommandSpec* spec;
  std::string blob;
  std::vector<std::string_view> args;
  int db, resp;
  Slot* slot;

  OwnedCmd(const CommandSpec* s, std::span<const std::string_view> a, int d, int r, Slot* sl)
      : spec(s), db(d), resp(r), slot(sl) {
    size_t total = 0;
    for (auto x : a) total += x.size();
    blob.reserve(total);
    for (auto x : a) blob.append(x);
    size_t off = 0;
    args.reserve(a.size());
    for (auto x : a) {
      args.emplace_back(blob.data() + off, x.size());
      off += x.size();
    }
  }
};

struct Connection::HopBatch {
  Connection* conn;
  Shard* home;
  uint64_t need_seq = 0;  // the owner's RequiredSeq after the batch
  // A deque: OwnedCmd's views point into its own `blob`, which a vector's
  // reallocation would move (short blobs live inside the std::string).
  std::deque<OwnedCmd> cmds;
};

Connection::Connection(Shard* home) : home_(home), info_(std::make_shared<ClientInfo>()) {
  tcp_.data = this;
  info_->id = ClientRegistry::Get().NextId();
  info_->home = home;
  info_->created_ms = NowMs();
  info_->last_interaction_ms = info_->created_ms;
  pending_hops_.resize(ShardSet::Global()->size(), nullptr);
  need_.resize(ShardSet::Global()->size(), 0);
  authenticated_ = Config::Get().has_requirepass.load() == 0;
  info_->authenticated = authenticated_;
}

Connection::~Connection() = default;

void Connection::OnNewConnection(uv_stream_t* server, int status) {
  if (status < 0) return;
  auto* shard = static_cast<Shard*>(server->data);
  auto* c = new Connection(shard);
  uv_tcp_init(shard->loop(), &c->tcp_);
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&c->tcp_)) != 0) {
    c->closed_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp_), [](uv_handle_t* h) {
      delete static_cast<Connection*>(h->data);
    });
    return;
  }
  shard->stats().connections_received.Add();
  uv_tcp_nodelay(&c->tcp_, 1);
  int64_t ka = Config::Get().tcp_keepalive.load();
  if (ka > 0) uv_tcp_keepalive(&c->tcp_, 1, static_cast<unsigned>(ka));
  sockaddr_storage ss{};
  int len = sizeof(ss);
  if (uv_tcp_getpeername(&c->tcp_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) c->info_->addr = SockAddr(ss);
  len = sizeof(ss);
  if (uv_tcp_getsockname(&c->tcp_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) c->info_->laddr = SockAddr(ss);
  uv_os_fd_t fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&c->tcp_), &fd) == 0) c->info_->fd = fd;

  if (g_num_clients.load() >= Config::Get().maxclients.load()) {
    shard->stats().rejected_connections.Add();
    c->out_ = "-ERR max number of clients reached\r\n";
    c->close_after_reply_ = true;
    c->Flush();
    if (!c->closed_) c->Close();
    return;
  }
  g_num_clients.fetch_add(1);
  ClientRegistry::Get().Add(c->info_);
  shard->AddConnection(c);
  c->reading_ = true;
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp_), &Connection::OnAlloc, &Connection::OnRead);
}

void Connection::Reserve(size_t free_bytes) {
  if (cap_ - end_ >= free_bytes) return;
  size_t used = end_ - start_;
  if (start_ > 0 && cap_ - used >= free_bytes) {
    std::memmove(data_.get(), data_.get() + start_, used);
    start_ = 0;
    end_ = used;
    return;
  }
  size_t ncap = std::max({cap_ * 2, used + free_bytes, kReadChunk});
  auto nd = std::make_unique<char[]>(ncap);
  if (used) std::memcpy(nd.get(), data_.get() + start_, used);
  data_ = std::move(nd);
  cap_ = ncap;
  start_ = 0;
  end_ = used;
}

void Connection::OnAlloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(h->data);
  size_t want = kReadChunk;
  size_t needed = c->parser_.bytes_needed();
  size_t have = c->end_ - c->start_;
  // A large bulk in progress: make room for all of it at once (bounded by
  // the query buffer limit) so it is read straight into place.
  if (needed > have) {
    size_t cap = static_cast<size_t>(Config::Get().client_query_buffer_limit.load());
    want = std::max(want, std::min(needed - have, cap));
  }
  c->Reserve(want);
  buf->base = c->data_.get() + c->end_;
  buf->len = c->cap_ - c->end_;
}

void Connection::OnRead(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
  auto* c = static_cast<Connection*>(s->data);
  if (nread < 0) {
    c->Close();
    return;
  }
  if (nread == 0) return;
  c->end_ += static_cast<size_t>(nread);
  c->home_->NoteIo();
  c->home_->stats().net_input_bytes.Add(static_cast<uint64_t>(nread));
  c->info_->last_interaction_ms.store(NowMs(), std::memory_order_relaxed);
  if (static_cast<int64_t>(c->end_ - c->start_) > Config::Get().client_query_buffer_limit.load()) {
    YLOG(kWarning, "Closing client that reached max query buffer length: id=%llu",
         static_cast<unsigned long long>(c->id()));
    c->Close();
    return;
  }
  c->ProcessInput();
}

void Connection::ProcessInput() {
  if (in_process_) return;
  in_process_ = true;
  RespParser::Limits limits;
  limits.max_bulk_len = Config::Get().proto_max_bulk_len.load(std::memory_order_relaxed);
  while (!waiting_ && !closed_ && !close_after_reply_ && start_ < end_) {
    limits.authenticated = authenticated_;
    size_t consumed = 0;
    RespParser::Status st = parser_.Parse(Unparsed(), limits, &consumed, &args_);
    if (st == RespParser::Status::kIncomplete) break;
    if (st == RespParser::Status::kError) {
      ReplyError(parser_.error());
      close_after_reply_ = true;
      start_ = end_ = 0;
      break;
    }
    if (!args_.empty()) Dispatch(args_);
    start_ += consumed;
  }
  if (start_ == end_) {
    start_ = end_ = 0;
    if (cap_ > kShrinkAbove) {
      data_.reset();
      cap_ = 0;
    }
  }
  SendHops();
  if (inflight_ > 0) {
    waiting_ = true;
  } else {
    FlushSlots();
  }
  info_->qbuf.store(static_cast<int64_t>(end_ - start_), std::memory_order_relaxed);
  in_process_ = false;
  Flush();
}

bool Connection::TakeSuppress() {
  bool s = reply_mode_ == 1 || skip_next_;
  skip_next_ = false;
  return s;
}

Connection::Slot* Connection::NewSlot(bool suppress) {
  slots_.emplace_back();
  slots_.back().suppress = suppress;
  return &slots_.back();
}

std::string* Connection::ReplyTarget(bool* suppress) {
  *suppress = TakeSuppress();
  if (slots_.empty()) return &out_;
  return &NewSlot(*suppress)->reply;
}

void Connection::ReplyError(std::string_view err) {
  bool suppress;
  std::string* target = ReplyTarget(&suppress);
  if (suppress && target == &out_) return;
  ReplyBuilder rb(target, resp_);
  rb.Error(err);
  home_->stats().error_replies.Add();
}

void Connection::ReplySimple(std::string_view str) {
  bool suppress;
  std::string* target = ReplyTarget(&suppress);
  if (suppress && target == &out_) return;
  ReplyBuilder(target, resp_).SimpleString(str);
}

void Connection::Dispatch(std::span<const std::string_view> args) {
  std::string err;
  const CommandSpec* spec = LookupCommand(args, &err);
  if (!spec) {
    if (multi_) MarkMultiError();
    ReplyError(err);
    return;
  }
  info_->last_cmd.store(spec->id, std::memory_order_relaxed);
  if (!authenticated_ && !(spec->flags & kNoAuth)) {
    ReplyError(kErrNoAuth);
    return;
  }
  // MISCONF: while the storage cannot write, write commands (and PING, as
  // in Redis) are refused at once, also inside MULTI (EXECABORT later).
  if (TheStore() && TheStore()->has_error() && ((spec->flags & kWrite) || spec->name == "ping")) {
    std::string misconf = MisconfError();
    if (!misconf.empty()) {
      if (multi_) MarkMultiError();
      ReplyError(misconf);
      return;
    }
  }
  // Redis 7 feeds neither admin commands nor ones flagged skip_monitor.
  if (MonitorActive() && !(spec->flags & (kSkipMonitor | kAdmin))) MonitorFeed(*info_, db_, args);
  if (multi_ && QueueIfMulti(spec, args)) return;

  ShardSet* set = ShardSet::Global();
  if (spec->flags & kGlobal) {
    std::vector<int> all(set->size());
    for (int i = 0; i < set->size(); ++i) all[i] = i;
    StartTxn(std::move(all), spec, args);
    return;
  }
  if ((spec->flags & kConnection) || !spec->keys.has_keys() || !spec->KeyIndexes(args, &key_idx_) ||
      key_idx_.empty()) {
    RunInline(spec, args);
    return;
  }
  int target = set->ShardOf(args[key_idx_[0]]);
  bool multi = false;
  for (size_t i = 1; i < key_idx_.size(); ++i) {
    if (set->ShardOf(args[key_idx_[i]]) != target) {
      multi = true;
      break;
    }
  }
  // A blocking command runs on this thread even when its keys are all on
  // one shard: it may park the client (server/blocking.h). So does WATCH.
  if (multi || (spec->flags & (kBlocking | kClientThread))) {
    std::vector<int> shards;
    for (int i : key_idx_) shards.push_back(set->ShardOf(args[i]));
    std::sort(shards.begin(), shards.end());
    shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
    StartTxn(std::move(shards), spec, args);
    return;
  }
  // A key that must come from disk first goes the hop way even when local:
  // the hop runner waits for the load on the owner's thread (RunHop).
  if (target == home_->index() && home_->CanRunInline() &&
      (!home_->store().any_cold() || !HasColdKey(home_->store(), spec, args, key_idx_, db_))) {
    RunInline(spec, args);
    NoteDurableNeed(home_->index(), ReplyNeed(home_->store(), spec, args, key_idx_, db_));
  } else {
    AddToHop(target, spec, args);
  }
}

void Connection::RunInline(const CommandSpec* spec, std::span<const std::string_view> args) {
  bool skipped = skip_next_;
  bool suppress;
  std::string* target = ReplyTarget(&suppress);
  Slot* slot = target == &out_ ? nullptr : &slots_.back();  // a handler may Park() and add slots
  size_t mark = target->size();
  suppress_current_ = false;
  ReplyBuilder rb(target, resp_);
  ExecuteCommand(spec, args, &rb, db_, this, info_.get());
  // Redis decides at reply time: a command that turned replies back on
  // (CLIENT REPLY ON, RESET) is answered even though they were off before.
  if (suppress && !skipped && reply_mode_ == 0) suppress = false;
  suppress = suppress || suppress_current_;
  if (slot) {
    slot->suppress = suppress;
  } else if (suppress) {
    target->resize(mark);
  }
}

void Connection::AddToHop(int shard, const CommandSpec* spec, std::span<const std::string_view> args) {
  Slot* slot = NewSlot(TakeSuppress());
  HopBatch*& b = pending_hops_[shard];
  if (!b) b = new HopBatch{this, home_};
  b->cmds.emplace_back(spec, args, db_, resp_, slot);
}

void Connection::SendHops() {
  ShardSet* set = ShardSet::Global();
  for (size_t s = 0; s < pending_hops_.size(); ++s) {
    HopBatch* b = pending_hops_[s];
    if (!b) continue;
    pending_hops_[s] = nullptr;
    ++inflight_;
    home_->stats().hops_sent.Add();
    Shard* owner = set->shard(static_cast<int>(s));
    owner->PostData([b, owner] { RunHop(b, 0, owner); });
  }
}

// On the owner's thread: runs the batch from `from`; a command with keys on
// disk waits for their load, and the rest of the batch with it.
void Connection::RunHop(HopBatch* b, size_t from, Shard* owner) {
  thread_local std::vector<int> idx;
  for (size_t i = from; i < b->cmds.size(); ++i) {
    OwnedCmd& c = b->cmds[i];
    if (owner->store().any_cold()) {
      idx.clear();
      std::vector<std::pair<int, std::string_view>> cold;
      if (c.spec->KeyIndexes(c.args, &idx)) ColdTargets(owner->store(), c.spec, c.args, idx, c.db, &cold);
      if (!cold.empty()) {
        // One load per db; the batch goes on when the last one lands.
        auto remaining = std::make_shared<int>(static_cast<int>(cold.size()));
        for (auto& [db, key] : cold) {
          owner->store().Load(db, std::span<const std::string_view>(&key, 1), [b, i, owner, remaining] {
            if (--*remaining == 0) RunHop(b, i, owner);
          });
        }
        return;
      }
    }
    ReplyBuilder rb(&c.slot->reply, c.resp);
    ExecuteCommand(c.spec, c.args, &rb, c.db, nullptr, nullptr);
    if (owner->store().tracking()) {
      idx.clear();
      if (c.spec->KeyIndexes(c.args, &idx)) {
        b->need_seq = std::max(b->need_seq, ReplyNeed(owner->store(), c.spec, c.args, idx, c.db));
      }
    }
  }
  int s = owner->index();
  b->home->PostControl([b, s] {
    Connection* conn = b->conn;
    conn->NoteDurableNeed(s, b->need_seq);
    delete b;
    conn->OnHopDone();
  });
}

void Connection::StartTxn(std::vector<int> shards, const CommandSpec* spec,
                          std::span<const std::string_view> args) {
  SendHops();  // earlier commands reach their shards before the arrival
  Slot* slot = NewSlot(TakeSuppress());
  auto cmd = std::make_shared<OwnedCmd>(spec, args, db_, resp_, slot);
  ++inflight_;
  waiting_ = true;
  ScheduleTxn(std::move(shards), std::move(cmd));
}

// Runs the command with its shards held. If a key is on disk only, the body
// does nothing; the keys are loaded and the transaction runs again.
void Connection::ScheduleTxn(std::vector<int> shards, std::shared_ptr<OwnedCmd> cmd) {
  home_->stats().txns_coordinated.Add();
  auto cold = std::make_shared<ColdKeys>();
  auto* txn = new Txn(
      shards, home_,
      [this, cmd, cold, shards] {
        FindColdKeys(cmd->spec, cmd->args, cmd->db, cold.get());
        if (!cold->empty()) return;
        ReplyBuilder rb(&cmd->slot->reply, cmd->resp);
        suppress_current_ = false;
        ExecuteCommand(cmd->spec, cmd->args, &rb, cmd->db, closed_ ? nullptr : this, info_.get());
        if (suppress_current_) cmd->slot->suppress = true;
        FinishTxnWrites(shards, cmd->spec, cmd->args, cmd->db);
      },
      [this, cmd, cold, shards] {
        if (cold->empty() || closed_) {
          OnHopDone();
          return;
        }
        LoadCold(cold, cmd, [this, cmd, shards] {
          if (closed_) {
            OnHopDone();
            return;
          }
          ScheduleTxn(shards, cmd);
        });
      });
  ShardSet::Global()->Schedule(txn);
}

void Connection::FinishTxnWrites(const std::vector<int>& shards, const CommandSpec* spec,
                                 std::span<const std::string_view> args, int db) {
  ShardSet* set = ShardSet::Global();
  thread_local std::vector<ShardStore*> stores;
  stores.clear();
  for (int s : shards) stores.push_back(&set->shard(s)->store());
  ShardStore::FlushTogether(stores);
  thread_local std::vector<int> idx;
  idx.clear();
  if (spec && !(spec->flags & kWrite) && spec->keys.has_keys() && spec->KeyIndexes(args, &idx)) {
    for (int i : idx) {
      int s = set->ShardOf(args[i]);
      NoteDurableNeed(s, set->shard(s)->store().PendingSeq(db, args[i]));
    }
    return;
  }
  if (spec && !(spec->flags & kWrite)) return;  // keyless reads (INFO, DBSIZE) wait for nothing
  for (int s : shards) NoteDurableNeed(s, set->shard(s)->store().RequiredSeq());
}

void Connection::FindColdKeys(const CommandSpec* spec, std::span<const std::string_view> args, int db,
                              ColdKeys* out) {
  if (!spec->keys.has_keys() || (spec->flags & kConnection)) return;
  thread_local std::vector<int> idx;
  idx.clear();
  if (!spec->KeyIndexes(args, &idx)) return;
  ShardSet* set = ShardSet::Global();
  thread_local std::vector<std::pair<int, std::string_view>> all;
  all.clear();
  KeyTargets(spec, args, idx, db, &all);
  for (auto& [d, key] : all) {
    int s = set->ShardOf(key);
    if (set->shard(s)->store().NeedsLoad(d, key)) out->push_back({s, d, key});
  }
}

void Connection::LoadCold(std::shared_ptr<ColdKeys> keys, std::shared_ptr<void> keep, std::function<void()> then) {
  ShardSet* set = ShardSet::Global();
  auto remaining = std::make_shared<int>(static_cast<int>(keys->size()));
  auto then_ptr = std::make_shared<std::function<void()>>(std::move(then));
  Shard* home = home_;
  for (const ColdKey& k : *keys) {
    Shard* owner = set->shard(k.shard);
    owner->PostData([owner, home, k, keys, keep, remaining, then_ptr] {
      std::string_view key = k.key;
      owner->store().Load(k.db, std::span<const std::string_view>(&key, 1), [home, keys, keep, remaining, then_ptr] {
        home->PostControl([remaining, then_ptr] {
          if (--*remaining == 0) (*then_ptr)();
        });
      });
    });
  }
}

void Connection::OnHopDone() {
  --inflight_;
  if (closed_) {
    MaybeDelete();
    return;
  }
  if (inflight_ > 0) return;
  waiting_ = false;
  FlushSlots();
  ProcessInput();
}

void Connection::FlushSlots() {
  for (Slot& s : slots_) {
    if (!s.suppress) out_.append(s.reply);
  }
  slots_.clear();
}

bool Connection::Durable(storage::Persistence mode) const {
  storage::Store* store = TheStore();
  for (size_t s = 0; s < need_.size(); ++s) {
    if (need_[s] == 0) continue;
    int i = static_cast<int>(s);
    uint64_t reached = mode == storage::Persistence::kAlways ? store->durable_seq(i) : store->written_seq(i);
    if (need_[s] > reached) return false;
  }
  return true;
}

void Connection::Flush() {
  if (closed_) return;
  bool hold = false;
  storage::Persistence mode = CurrentPersistence();
  if (!out_.empty() && mode != storage::Persistence::kNo && !Durable(mode)) {
    // These replies acknowledge writes not yet fsynced (always) or not yet
    // in the WAL (everysec: as Redis writes its AOF before replying, so at
    // most the last second of acknowledged writes can be lost).
    hold = true;
    home_->AddDurableWaiter(id());
  }
  if (!hold && !write_in_flight_ && !out_.empty()) {
    uv_buf_t b = uv_buf_init(out_.data(), static_cast<unsigned>(out_.size()));
    int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &b, 1);
    size_t written = n > 0 ? static_cast<size_t>(n) : 0;
    if (n < 0 && n != UV_EAGAIN) {
      Close();
      return;
    }
    home_->stats().net_output_bytes.Add(written);
    if (written == out_.size()) {
      out_.clear();
    } else {
      writing_.assign(out_, written);
      out_.clear();
      write_in_flight_ = true;
      write_req_.data = this;
      uv_buf_t wb = uv_buf_init(writing_.data(), static_cast<unsigned>(writing_.size()));
      uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), &wb, 1, &Connection::OnWrite);
    }
    if (out_.capacity() > kShrinkAbove) out_.shrink_to_fit();
  }
  size_t pending = out_.size() + writing_.size();
  info_->obuf.store(static_cast<int64_t>(pending), std::memory_order_relaxed);
  int64_t hard = Config::Get().obuf_normal_hard.load(std::memory_order_relaxed);
  if (hard > 0 && static_cast<int64_t>(pending) > hard) {
    YLOG(kWarning, "Client id=%llu scheduled to be closed for overcoming of output buffer limits.",
         static_cast<unsigned long long>(id()));
    Close();
    return;
  }
  if (pending > kOutputPause && reading_) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
  } else if (pending <= kOutputPause / 4 && !reading_ && !close_after_reply_) {
    reading_ = true;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &Connection::OnAlloc, &Connection::OnRead);
  }
  if (close_after_reply_ && !write_in_flight_ && out_.empty() && inflight_ == 0) Close();
}

void Connection::OnWrite(uv_write_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  c->write_in_flight_ = false;
  if (!c->closed_) c->home_->stats().net_output_bytes.Add(c->writing_.size());
  c->writing_.clear();
  if (c->writing_.capacity() > kShrinkAbove) c->writing_.shrink_to_fit();
  if (c->closed_) {
    c->MaybeDelete();
    return;
  }
  if (status < 0) {
    c->Close();
    return;
  }
  c->Flush();
}

void Connection::WriteRaw(std::string_view s) {
  if (closed_) return;
  out_.append(s);
  Flush();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  if (info_->is_monitor.load()) MonitorRemove(id());
  ClientRegistry::Get().Remove(id());
  home_->RemoveConnection(this);
  g_num_clients.fetch_sub(1);
  if (on_close_) std::exchange(on_close_, nullptr)();
  Unwatch();
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), [](uv_handle_t* h) {
    auto* c = static_cast<Connection*>(h->data);
    c->handle_closed_ = true;
    c->MaybeDelete();
  });
}

void Connection::MaybeDelete() {
  if (handle_closed_ && inflight_ == 0 && !write_in_flight_) {
    for (HopBatch* b : pending_hops_) delete b;
    delete this;
  }
}

void Connection::Cron() {
  int64_t timeout = Config::Get().timeout.load(std::memory_order_relaxed);
  if (timeout > 0 && inflight_ == 0 && !info_->is_monitor.load() &&
      NowMs() - info_->last_interaction_ms.load() > timeout * 1000) {
    Close();
  }
}

void Connection::set_db(int db) {
  db_ = db;
  info_->db.store(db);
}

void Connection::set_resp(int resp) {
  resp_ = resp;
  info_->resp.store(resp);
}

void Connection::set_authenticated(bool a) {
  authenticated_ = a;
  info_->authenticated.store(a);
}

void Connection::SetReplyMode(int mode) {
  if (mode == 2) {
    skip_next_ = true;
  } else {
    reply_mode_ = mode;
  }
  info_->reply_mode.store(mode);
}

Connection::Completion Connection::Park() {
  Slot* slot = NewSlot(false);
  ++inflight_;
  waiting_ = true;
  return [this, slot](std::string reply) {
    slot->reply = std::move(reply);
    OnHopDone();
  };
}

void Connection::MakeMonitor() {
  info_->is_monitor.store(true);
  MonitorAdd(this);
}

}  // namespace yotta
