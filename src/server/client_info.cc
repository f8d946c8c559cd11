// YottaStore. Licensed under the Apache License 2.0.
#include "server/client_info.h"

#include <algorithm>

#include "base/clock.h"
#include "server/command_registry.h"

namespace yotta {

std::string ClientInfo::Describe() const {
  int64_t now = NowMs();
  std::string n, ln, lv;
  {
    std::lock_guard l(mu);
    n = name;
    ln = lib_name;
    lv = lib_ver;
  }
  const CommandSpec* cmd = CommandRegistry::Global().by_id(last_cmd.load());
  std::string flags;
  if (is_monitor.load()) flags += 'O';
  if (no_evict.load()) flags += 'e';
  if (no_touch.load()) flags += 'T';
  if (flags.empty()) flags = "N";
  std::string s = "id=" + std::to_string(id) + " addr=" + addr + " laddr=" + laddr +
                  " fd=" + std::to_string(fd) + " name=" + n +
                  " age=" + std::to_string((now - created_ms) / 1000) +
                  " idle=" + std::to_string((now - last_interaction_ms.load()) / 1000) +
                  " flags=" + flags + " db=" + std::to_string(db.load()) +
                  " sub=0 psub=0 ssub=0 multi=-1 qbuf=" + std::to_string(qbuf.load()) +
                  " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=" +
                  std::to_string(obuf.load()) + " tot-mem=" + std::to_string(qbuf.load() + obuf.load() + 16384) +
                  " events=r cmd=" + (cmd ? cmd->name : std::string("NULL")) + " user=default redir=-1 resp=" +
                  std::to_string(resp.load()) + " lib-name=" + ln + " lib-ver=" + lv;
  return s;
}

ClientRegistry& ClientRegistry::Get() {
  static ClientRegistry* r = new ClientRegistry();
  return *r;
}

void ClientRegistry::Add(std::shared_ptr<ClientInfo> c) {
  std::lock_guard l(mu_);
  clients_.push_back(std::move(c));
  count_.store(clients_.size());
}

void ClientRegistry::Remove(uint64_t id) {
  std::lock_guard l(mu_);
  auto it = std::find_if(clients_.begin(), clients_.end(), [&](const auto& c) { return c->id == id; });
  if (it != clients_.end()) clients_.erase(it);
  count_.store(clients_.size());
}

std::vector<std::shared_ptr<ClientInfo>> ClientRegistry::Snapshot() const {
  std::lock_guard l(mu_);
  auto v = clients_;
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return v;
}

}  // namespace yotta
