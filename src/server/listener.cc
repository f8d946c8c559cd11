// YottaStore. Licensed under the Apache License 2.0.
#include "server/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "server/config.h"
#include "server/connection.h"
#include "server/shard.h"

namespace yotta {
namespace {

// Binds (and, if listen_too, listens on) one address. Without reuseport the
// bind fails if any process already listens there, which is how a second
// server on the same port is detected (SO_REUSEPORT alone would share it).
int BindOne(const std::string& addr, int port, int backlog, bool reuseport, bool listen_too,
            std::string* err) {
  sockaddr_storage ss{};
  socklen_t len;
  int family;
  if (addr.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, addr == "*" ? "::" : addr.c_str(), &a6->sin6_addr) != 1) {
      *err = "Invalid bind address '" + addr + "'";
      return -1;
    }
    len = sizeof(sockaddr_in6);
    family = AF_INET6;
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, addr == "*" ? "0.0.0.0" : addr.c_str(), &a4->sin_addr) != 1) {
      *err = "Invalid bind address '" + addr + "'";
      return -1;
    }
    len = sizeof(sockaddr_in);
    family = AF_INET;
  }
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (reuseport) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || (listen_too && listen(fd, backlog) != 0)) {
    *err = "Could not create server TCP listening socket " + addr + ":" + std::to_string(port) +
           ": bind: " + std::strerror(errno);
    int saved = errno;  // callers look at why it failed
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

}  // namespace

bool CheckAddressesFree(std::string* err) {
  Config& cfg = Config::Get();
  std::istringstream addrs(cfg.GetString("bind"));
  std::string addr;
  int port = static_cast<int>(cfg.port.load());
  while (addrs >> addr) {
    bool optional = addr[0] == '-';
    if (optional) addr = addr.substr(1);
    std::string e;
    int fd = BindOne(addr, port, 0, /*reuseport=*/false, /*listen_too=*/false, &e);
    if (fd >= 0) {
      close(fd);
    } else if (!optional || errno == EADDRINUSE) {
      *err = e;
      return false;
    }
  }
  return true;
}

bool Listen(Shard* shard, std::vector<uv_tcp_t*>* out, std::string* err) {
  Config& cfg = Config::Get();
  std::istringstream addrs(cfg.GetString("bind"));
  std::string addr;
  int port = static_cast<int>(cfg.port.load());
  int backlog = static_cast<int>(cfg.tcp_backlog.load());
  while (addrs >> addr) {
    bool optional = addr[0] == '-';
    if (optional) addr = addr.substr(1);
    std::string e;
    int fd = BindOne(addr, port, backlog, /*reuseport=*/true, /*listen_too=*/true, &e);
    if (fd < 0) {
      if (!optional) {
        *err = e;
        return false;
      }
      continue;
    }
    auto* h = new uv_tcp_t;
    uv_tcp_init(shard->loop(), h);
    uv_tcp_open(h, fd);
    h->data = shard;
    int rc = uv_listen(reinterpret_cast<uv_stream_t*>(h), backlog, &Connection::OnNewConnection);
    if (rc != 0) {
      *err = std::string("listen: ") + uv_strerror(rc);
      return false;
    }
    out->push_back(h);
  }
  if (out->empty()) {
    *err = "No address to listen on";
    return false;
  }
  return true;
}

}  // namespace yotta
