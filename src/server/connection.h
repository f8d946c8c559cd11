// YottaStore. Licensed under the Apache License 2.0.
// Connection: one client, living on one shard's thread for its whole life.
//
// Request flow: reads append to `in_`; ProcessInput parses every complete
// command and routes each one:
//   - connection commands and commands whose keys live on this shard run
//     inline (when the shard is not held by a transaction);
//   - commands whose keys all live on one other shard are batched: one hop
//     per shard per batch carries every such command, in order;
//   - commands spanning shards, and global ones, become a Txn. The batch so
//     far is sent first (so per-shard order is kept), and parsing waits
//     until the transaction is done.
// Replies go straight to `out_` while nothing is outstanding; once a
// command is remote, later replies of the batch go to ordered slots that are
// copied out when every hop has come back. Output is written once per read
// (or completion), with uv_try_write first.
//
// Lifetime: Close() may happen with hops in flight; the object is deleted
// only when the handle is closed and nothing refers to it.
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/client_info.h"
#include "server/command.h"
#include "server/resp_parser.h"
#include "storage/store.h"

namespace yotta {

class Shard;
class ReplyBuilder;
struct WatchSet;

class Connection {
 public:
  // Listener callback: accepts one connection on `server` (data = Shard*).
  static void OnNewConnection(uv_stream_t* server, int status);

  uint64_t id() const { return info_->id; }
  ClientInfo& info() { return *info_; }
  Shard* home() const { return home_; }

  // Shard thread. Closes the socket; idempotent.
  void Close();
  // Shard thread, from the shard's timer: idle timeout, buffer limits.
  void Cron();

  // Connection state, for connection commands (home thread only).
  int db() const { return db_; }
  void set_db(int db);
  int resp() const { return resp_; }
  void set_resp(int resp);
  bool authenticated() const { return authenticated_; }
  void set_authenticated(bool a);
  // The current command's reply is not sent (CLIENT REPLY OFF|SKIP).
  void SuppressCurrentReply() { suppress_current_ = true; }
  void SetReplyMode(int mode);  // 0 on, 1 off, 2 skip next
  // Close after the pending replies are written (QUIT).
  void CloseAfterReply() { close_after_reply_ = true; }
  void MakeMonitor();

  // Parks the current command (home thread, from a handler that wrote no
  // reply): its reply stays pending, and later commands wait, until the
  // returned completion is called on the home thread with the RESP bytes.
  // Call it exactly once. Used by DEBUG SLEEP and, later, blocking commands.
  using Completion = std::function<void(std::string reply)>;
  Completion Park();
  // Runs `fn` once if the connection closes (a blocked client's wait is
  // cancelled); nullptr clears it. Home thread.
  void SetOnClose(std::function<void()> fn) { on_close_ = std::move(fn); }
  // MULTI/EXEC/WATCH (connection_multi.cc); home thread.
  bool in_multi() const { return multi_ != nullptr; }
  void BeginMulti();
  // EXEC: replies EXECABORT, a null array (a watched key changed) or runs
  // the queue as one transaction over every shard it touches.
  void ExecMulti(ReplyBuilder& rb);
  void DiscardMulti();
  std::shared_ptr<WatchSet> watch_set();
  void Unwatch();
  // False while EXEC runs its queue: a command there must not park.
  bool CanPark() const { return !in_exec_; }
  // Writes raw RESP to the client now (MONITOR feed, pushes); home thread.
  void WriteRaw(std::string_view s);
  // Writes what is pending: at once, or under persistence always once every
  // write the replies depend on is durable (the shard calls it again on
  // storage progress). Home thread.
  void Flush();

  // Keys that must be loaded from storage before a command may run
  // (server/shard_store.h): (shard, db, key) with views into the command.
  struct ColdKey {
    int shard;
    int db;
    std::string_view key;
  };
  using ColdKeys = std::vector<ColdKey>;
  // Appends the command's cold keys; call with their shards held.
  static void FindColdKeys(const CommandSpec* spec, std::span<const std::string_view> args, int db,
                           ColdKeys* out);
  // Loads `keys` on their shards, then runs `then` on the home thread
  // (`keep` holds what the views point into).
  void LoadCold(std::shared_ptr<ColdKeys> keys, std::shared_ptr<void> keep, std::function<void()> then);
  // Replies wait for shard `s` to reach `seq` (durable under persistence
  // always, written under everysec).
  void NoteDurableNeed(int s, uint64_t seq) {
    if (seq > need_[s]) need_[s] = seq;
  }
  // After a transaction body: submits the held shards' changes as one
  // batch and records the seqs replies must wait for.
  // `spec` (nullptr: treat as a write) decides what replies wait for.
  void FinishTxnWrites(const std::vector<int>& shards, const CommandSpec* spec = nullptr,
                       std::span<const std::string_view> args = {}, int db = 0);

 private:
  struct Slot {
    std::string reply;
    bool suppress = false;
  };
  struct OwnedCmd;
  struct HopBatch;
  // Commands queued by MULTI (connection_multi.cc).
  struct MultiQueue {
    struct Cmd {
      const CommandSpec* spec;
      std::vector<std::string> args;
    };
    std::vector<Cmd> cmds;
    bool dirty = false;  // a command was rejected while queueing: EXECABORT
  };
  struct ExecState;
  void RunExecTxn(std::shared_ptr<ExecState> st);

  explicit Connection(Shard* home);
  ~Connection();

  static void OnAlloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);

  void ProcessInput();
  void Dispatch(std::span<const std::string_view> args);
  void RunInline(const CommandSpec* spec, std::span<const std::string_view> args);
  void AddToHop(int shard, const CommandSpec* spec, std::span<const std::string_view> args);
  void StartTxn(std::vector<int> shards, const CommandSpec* spec, std::span<const std::string_view> args);
  void ScheduleTxn(std::vector<int> shards, std::shared_ptr<OwnedCmd> cmd);
  static void RunHop(HopBatch* b, size_t from, Shard* owner);
  bool Durable(storage::Persistence mode) const;
  void SendHops();
  void OnHopDone();
  void FlushSlots();
  void ReplyError(std::string_view err);
  void ReplySimple(std::string_view s);
  // Inside MULTI: queues the command (or rejects it and flags the
  // transaction); false for the commands that run even inside MULTI.
  bool QueueIfMulti(const CommandSpec* spec, std::span<const std::string_view> args);
  void MarkMultiError();
  // Appends an ordered reply slot (stable: slots_ is a deque).
  Slot* NewSlot(bool suppress);
  std::string* ReplyTarget(bool* suppress);
  void MaybeDelete();
  bool TakeSuppress();

  // Input buffer: [start_, end_) unconsumed bytes of data_.
  void Reserve(size_t free_bytes);
  std::string_view Unparsed() const { return {data_.get() + start_, end_ - start_}; }

  uv_tcp_t tcp_;
  Shard* home_;
  std::shared_ptr<ClientInfo> info_;

  std::unique_ptr<char[]> data_;
  size_t cap_ = 0, start_ = 0, end_ = 0;
  RespParser parser_;
  std::vector<std::string_view> args_;
  std::vector<int> key_idx_;

  std::string out_;        // replies not yet handed to libuv
  std::string writing_;    // the buffer of the write in flight
  uv_write_t write_req_;
  bool write_in_flight_ = false;
  bool reading_ = false;

  std::deque<Slot> slots_;
  std::vector<HopBatch*> pending_hops_;  // by shard, not yet sent
  int inflight_ = 0;                     // hops and txns outstanding
  bool waiting_ = false;                 // parsing paused until inflight_ == 0

  int db_ = 0;
  int resp_ = 2;
  bool authenticated_ = true;
  int reply_mode_ = 0;
  bool skip_next_ = false;
  bool suppress_current_ = false;
  bool close_after_reply_ = false;
  bool closed_ = false;
  bool handle_closed_ = false;
  bool in_process_ = false;
  std::function<void()> on_close_;
  std::unique_ptr<MultiQueue> multi_;
  std::shared_ptr<WatchSet> watch_;
  bool in_exec_ = false;
  std::vector<uint64_t> need_;  // per shard: the seq replies wait for (always)
};

}  // namespace yotta
