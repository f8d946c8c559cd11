// YottaStore. Licensed under the Apache License 2.0.
// Connection commands: PING ECHO HELLO AUTH SELECT QUIT RESET CLIENT. They
// run on the client's own thread (kConnection) and never touch a keyspace.
#include <string>
#include <vector>

#include "base/str_util.h"
#include "server/client_info.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/connection.h"
#include "server/errors.h"
#include "server/lifecycle.h"
#include "server/shard.h"

namespace yotta {
namespace {

void CmdPing(CmdContext& cx) {
  if (cx.argc() > 2) {
    cx.rb().Error(ErrWrongArgs("ping"));
  } else if (cx.argc() == 2) {
    cx.rb().Bulk(cx.arg(1));
  } else {
    cx.rb().SimpleString("PONG");
  }
}

void CmdEcho(CmdContext& cx) { cx.rb().Bulk(cx.arg(1)); }

// Checks a password for `user` against requirepass (the default user is the
// only user until ACLs exist). Empty requirepass = "nopass".
bool CheckPassword(std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  std::string required = Config::Get().GetString("requirepass");
  return required.empty() || required == pass;
}

void CmdAuth(CmdContext& cx) {
  if (cx.argc() > 3) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  std::string_view user = cx.argc() == 3 ? cx.arg(1) : "default";
  std::string_view pass = cx.argc() == 3 ? cx.arg(2) : cx.arg(1);
  if (cx.argc() == 2 && Config::Get().has_requirepass.load() == 0) {
    cx.rb().Error(kErrAuthNoPassword);
    return;
  }
  if (!CheckPassword(user, pass)) {
    cx.rb().Error(kErrWrongPass);
    return;
  }
  cx.conn()->set_authenticated(true);
  cx.rb().Ok();
}

bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

void SetClientName(Connection* conn, std::string_view name) {
  std::lock_guard l(conn->info().mu);
  conn->info().name = std::string(name);
}

void CmdHello(CmdContext& cx) {
  Connection* conn = cx.conn();
  int proto = conn->resp();
  size_t i = 1;
  if (cx.argc() >= 2) {
    int64_t v;
    if (!ParseInt64(cx.arg(1), &v)) {
      cx.rb().Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (v < 2 || v > 3) {
      cx.rb().Error(kErrProtoVersion);
      return;
    }
    proto = static_cast<int>(v);
    i = 2;
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (; i < cx.argc(); ++i) {
    bool more = i + 1 < cx.argc();
    if (EqualsIgnoreCase(cx.arg(i), "AUTH") && i + 2 < cx.argc()) {
      user = cx.arg(i + 1);
      pass = cx.arg(i + 2);
      has_auth = true;
      i += 2;
    } else if (EqualsIgnoreCase(cx.arg(i), "SETNAME") && more) {
      name = cx.arg(++i);
      has_name = true;
    } else {
      cx.rb().Error("ERR Syntax error in HELLO option '" + std::string(cx.arg(i)) + "'");
      return;
    }
  }
  if (has_auth) {
    if (!CheckPassword(user, pass)) {
      cx.rb().Error(kErrWrongPass);
      return;
    }
    conn->set_authenticated(true);
  }
  if (!conn->authenticated()) {
    cx.rb().Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                  "AUTH <user> <pass> option can be used to authenticate the client and select the "
                  "RESP protocol version at the same time");
    return;
  }
  if (has_name) {
    if (!ValidClientName(name)) {
      cx.rb().Error(kErrClientNameSpaces);
      return;
    }
    SetClientName(conn, name);
  }
  conn->set_resp(proto);
  ReplyBuilder rb(cx.rb().output(), proto);  // the reply already uses the new protocol
  rb.Map(7);
  rb.Bulk("server");
  rb.Bulk("redis");
  rb.Bulk("version");
  rb.Bulk(kVersion);
  rb.Bulk("proto");
  rb.Integer(proto);
  rb.Bulk("id");
  rb.Integer(static_cast<int64_t>(conn->id()));
  rb.Bulk("mode");
  rb.Bulk("standalone");
  rb.Bulk("role");
  rb.Bulk("master");
  rb.Bulk("modules");
  rb.Array(0);
}

void CmdSelect(CmdContext& cx) {
  int64_t db;
  if (!ParseInt64(cx.arg(1), &db) || db < INT32_MIN || db > INT32_MAX) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  if (db < 0 || db >= Config::Get().databases.load()) {
    cx.rb().Error(kErrDbIndex);
    return;
  }
  cx.conn()->set_db(static_cast<int>(db));
  cx.rb().Ok();
}

void CmdQuit(CmdContext& cx) {
  cx.rb().Ok();
  cx.conn()->CloseAfterReply();
}

void CmdReset(CmdContext& cx) {
  Connection* c = cx.conn();
  c->DiscardMulti();  // also unwatches
  c->set_db(0);
  c->set_resp(2);
  c->SetReplyMode(0);
  SetClientName(c, "");
  c->set_authenticated(Config::Get().has_requirepass.load() == 0);
  ReplyBuilder rb(cx.rb().output(), 2);
  rb.SimpleString("RESET");
}

// ---- CLIENT ----

void CmdClientId(CmdContext& cx) { cx.rb().Integer(static_cast<int64_t>(cx.conn()->id())); }

void CmdClientSetName(CmdContext& cx) {
  if (!ValidClientName(cx.arg(2))) {
    cx.rb().Error(kErrClientNameSpaces);
    return;
  }
  SetClientName(cx.conn(), cx.arg(2));
  cx.rb().Ok();
}

void CmdClientGetName(CmdContext& cx) {
  std::string n = cx.conn()->info().Name();
  if (n.empty()) {
    cx.rb().Null();
  } else {
    cx.rb().Bulk(n);
  }
}

void CmdClientList(CmdContext& cx) {
  std::vector<uint64_t> ids;
  for (size_t i = 2; i < cx.argc(); ++i) {
    if (EqualsIgnoreCase(cx.arg(i), "TYPE") && i + 1 < cx.argc()) {
      std::string_view t = cx.arg(++i);
      if (!EqualsIgnoreCase(t, "normal") && !EqualsIgnoreCase(t, "master") && !EqualsIgnoreCase(t, "replica") &&
          !EqualsIgnoreCase(t, "slave") && !EqualsIgnoreCase(t, "pubsub")) {
        cx.rb().Error("ERR Unknown client type '" + std::string(t) + "'");
        return;
      }
      if (!EqualsIgnoreCase(t, "normal")) ids.push_back(0);  // we have only normal clients
    } else if (EqualsIgnoreCase(cx.arg(i), "ID") && i + 1 < cx.argc()) {
      for (++i; i < cx.argc(); ++i) {
        uint64_t id;
        if (!ParseUint64(cx.arg(i), &id) || id == 0) {
          cx.rb().Error("ERR Invalid client ID");
          return;
        }
        ids.push_back(id);
      }
    } else {
      cx.rb().Error(kErrSyntax);
      return;
    }
  }
  std::string out;
  for (const auto& c : ClientRegistry::Get().Snapshot()) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), c->id) == ids.end()) continue;
    out += c->Describe() + "\n";
  }
  cx.rb().Verbatim(out);
}

void CmdClientInfo(CmdContext& cx) { cx.rb().Verbatim(cx.conn()->info().Describe() + "\n"); }

void CloseClient(const std::shared_ptr<ClientInfo>& c) {
  Shard* home = c->home;
  uint64_t id = c->id;
  home->PostControl([home, id] {
    if (Connection* conn = home->FindConnection(id)) conn->Close();
  });
}

void CmdClientKill(CmdContext& cx) {
  Connection* self = cx.conn();
  auto clients = ClientRegistry::Get().Snapshot();
  if (cx.argc() == 3) {  // old form: CLIENT KILL addr:port
    for (const auto& c : clients) {
      if (c->addr == cx.arg(2)) {
        cx.rb().Ok();
        if (c->id == self->id()) {
          self->CloseAfterReply();
        } else {
          CloseClient(c);
        }
        return;
      }
    }
    cx.rb().Error(kErrNoSuchClient);
    return;
  }
  uint64_t id = 0;
  std::string addr, laddr, user;
  bool skipme = true, type_normal = true;
  for (size_t i = 2; i < cx.argc(); i += 2) {
    if (i + 1 >= cx.argc()) {
      cx.rb().Error(kErrSyntax);
      return;
    }
    std::string_view opt = cx.arg(i), val = cx.arg(i + 1);
    if (EqualsIgnoreCase(opt, "ID")) {
      if (!ParseUint64(val, &id) || id == 0) {
        cx.rb().Error("ERR client-id should be greater than 0");
        return;
      }
    } else if (EqualsIgnoreCase(opt, "ADDR")) {
      addr = val;
    } else if (EqualsIgnoreCase(opt, "LADDR")) {
      laddr = val;
    } else if (EqualsIgnoreCase(opt, "USER")) {
      if (val != "default") {  // the only user until ACLs exist
        cx.rb().Error("ERR No such user '" + std::string(val) + "'");
        return;
      }
      user = val;
    } else if (EqualsIgnoreCase(opt, "TYPE")) {
      if (EqualsIgnoreCase(val, "normal")) {
        type_normal = true;
      } else if (EqualsIgnoreCase(val, "master") || EqualsIgnoreCase(val, "replica") ||
                 EqualsIgnoreCase(val, "slave") || EqualsIgnoreCase(val, "pubsub")) {
        type_normal = false;
      } else {
        cx.rb().Error("ERR Unknown client type '" + std::string(val) + "'");
        return;
      }
    } else if (EqualsIgnoreCase(opt, "SKIPME")) {
      if (EqualsIgnoreCase(val, "yes")) {
        skipme = true;
      } else if (EqualsIgnoreCase(val, "no")) {
        skipme = false;
      } else {
        cx.rb().Error(kErrSyntax);
        return;
      }
    } else {
      cx.rb().Error(kErrSyntax);
      return;
    }
  }
  int64_t killed = 0;
  bool kill_self = false;
  for (const auto& c : clients) {
    if (!type_normal) break;
    if (id && c->id != id) continue;
    if (!addr.empty() && c->addr != addr) continue;
    if (!laddr.empty() && c->laddr != laddr) continue;
    if (!user.empty() && user != "default") continue;
    if (c->id == self->id()) {
      if (skipme) continue;
      kill_self = true;
    } else {
      CloseClient(c);
    }
    ++killed;
  }
  cx.rb().Integer(killed);
  if (kill_self) self->CloseAfterReply();
}

void CmdClientSetInfo(CmdContext& cx) {
  std::string_view attr = cx.arg(2), val = cx.arg(3);
  bool is_name = EqualsIgnoreCase(attr, "LIB-NAME");
  if (!is_name && !EqualsIgnoreCase(attr, "LIB-VER")) {
    cx.rb().Error("ERR Unrecognized option '" + std::string(attr) + "'");
    return;
  }
  if (!ValidClientName(val)) {
    cx.rb().Error(std::string("ERR ") + (is_name ? "lib-name" : "lib-ver") +
                  " cannot contain spaces, newlines or special characters.");
    return;
  }
  ClientInfo& info = cx.conn()->info();
  std::lock_guard l(info.mu);
  (is_name ? info.lib_name : info.lib_ver) = std::string(val);
  cx.rb().Ok();
}

void CmdClientReply(CmdContext& cx) {
  std::string_view m = cx.arg(2);
  if (EqualsIgnoreCase(m, "ON")) {
    cx.conn()->SetReplyMode(0);
    cx.rb().Ok();
  } else if (EqualsIgnoreCase(m, "OFF")) {
    cx.conn()->SetReplyMode(1);
    cx.conn()->SuppressCurrentReply();
  } else if (EqualsIgnoreCase(m, "SKIP")) {
    cx.conn()->SetReplyMode(2);
    cx.conn()->SuppressCurrentReply();
  } else {
    cx.rb().Error(kErrSyntax);
  }
}

void OnOffFlag(CmdContext& cx, std::atomic<bool>* flag) {
  if (EqualsIgnoreCase(cx.arg(2), "ON")) {
    flag->store(true);
  } else if (EqualsIgnoreCase(cx.arg(2), "OFF")) {
    flag->store(false);
  } else {
    cx.rb().Error(kErrSyntax);
    return;
  }
  cx.rb().Ok();
}

void CmdClientNoEvict(CmdContext& cx) { OnOffFlag(cx, &cx.conn()->info().no_evict); }
void CmdClientNoTouch(CmdContext& cx) { OnOffFlag(cx, &cx.conn()->info().no_touch); }
void CmdClientGetRedir(CmdContext& cx) { cx.rb().Integer(-1); }

void CmdClientHelp(CmdContext& cx) {
  static const char* kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are: ID, ADDR, LADDR, USER, TYPE, SKIPME.",
      "LIST [options ...]",
      "    Return information about client connections. Options: TYPE, ID.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "HELP",
      "    Prints this help.",
  };
  cx.rb().SimpleStringArray(kLines);
}

void CmdClient(CmdContext& cx) { cx.rb().Error(ErrWrongArgs("client")); }

}  // namespace

void RegisterConnectionFamily(CommandRegistry& reg) {
  constexpr uint32_t kConn = kConnection;
  const char* cat = "connection";
  reg.Add({"ping", -1, kFast | kConn, {}, CmdPing, cat});
  reg.Add({"echo", 2, kLoading | kStale | kFast | kConn, {}, CmdEcho, cat});
  reg.Add({"hello", -1, kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kConn, {}, CmdHello, cat});
  reg.Add({"auth", -2, kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kConn, {}, CmdAuth, cat});
  reg.Add({"select", 2, kLoading | kStale | kFast | kConn, {}, CmdSelect, cat});
  reg.Add({"quit", -1, kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kConn, {}, CmdQuit, cat});
  reg.Add({"reset", 1, kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kConn, {}, CmdReset, cat});
  reg.Add({"client", -2, kConn, {}, CmdClient, cat});
  uint32_t sub = kNoScript | kLoading | kStale | kConn;
  reg.Add({"client|id", 2, sub, {}, CmdClientId, cat});
  reg.Add({"client|setname", 3, sub, {}, CmdClientSetName, cat});
  reg.Add({"client|getname", 2, sub, {}, CmdClientGetName, cat});
  reg.Add({"client|list", -2, sub | kAdmin, {}, CmdClientList, cat});
  reg.Add({"client|info", 2, sub, {}, CmdClientInfo, cat});
  reg.Add({"client|kill", -3, sub | kAdmin, {}, CmdClientKill, cat});
  reg.Add({"client|setinfo", 4, sub, {}, CmdClientSetInfo, cat});
  reg.Add({"client|reply", 3, sub, {}, CmdClientReply, cat});
  reg.Add({"client|no-evict", 3, sub | kAdmin, {}, CmdClientNoEvict, cat});
  reg.Add({"client|no-touch", 3, sub, {}, CmdClientNoTouch, cat});
  reg.Add({"client|getredir", 2, sub, {}, CmdClientGetRedir, cat});
  reg.Add({"client|help", 2, kLoading | kStale | kConn, {}, CmdClientHelp, cat});
}

}  // namespace yotta
