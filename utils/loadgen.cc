// YottaStore. Licensed under the Apache License 2.0.
// A small RESP load generator for utils/bench_storage.sh: what redis-benchmark
// cannot do (zipfian keys, a fixed duration, every key of a range exactly
// once, counting nil replies, timing a restart). One thread, epoll, plain
// sockets; built by the script with `g++ -O2 -std=c++20 -o loadgen loadgen.cc`.
//
//   loadgen run  -p PORT [-c 50] [-P 1] [-k KEYS] [-d uniform|zipf|seq]
//                [-t SECONDS | -n REQUESTS] [-s VALUE_BYTES] -- CMD ARG...
//       Sends CMD with "__key__" replaced by the key index as %012d (the
//       spelling of redis-benchmark's __rand_int__ and utils/bench_resp.py)
//       and "__val__" by VALUE_BYTES random alphanumeric bytes (per key). Each connection keeps P
//       requests in flight (sent as one batch, as redis-benchmark -P does);
//       latency is from the batch's send to each reply. -d seq sends every
//       key in [0, KEYS) once, in order, and ignores -t/-n. zipf is YCSB's
//       zipfian (theta 0.99) with ranks scrambled over the key range.
//       Prints one line: requests= seconds= rps= p50_ms= p99_ms= errors= nils=
//       (nils: null bulk replies, i.e. GET misses), and the first error text.
//   loadgen ping -p PORT --since NS [--log FILE --pattern TEXT] [--timeout S]
//       Polls PING until +PONG; prints ping_ms= (and log_ms=, when TEXT shows
//       up in FILE) counted from NS, a CLOCK_REALTIME time in nanoseconds
//       taken just before the server was started.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t RealNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "loadgen: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
}

int Connect(int port, bool blocking) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (!blocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Length of the complete RESP2/RESP3 reply at the start of `b`, 0 if it is
// not complete yet. `kind` gets the first byte of the top-level reply and
// `nil` whether it is a null ($-1, *-1 or _).
size_t ReplyLen(std::string_view b, char* kind, bool* nil) {
  if (b.empty()) return 0;
  size_t eol = b.find("\r\n");
  if (eol == std::string_view::npos) return 0;
  char t = b[0];
  if (kind) *kind = t;
  if (nil) *nil = false;
  size_t head = eol + 2;
  switch (t) {
    case '+': case '-': case ':': case ',': case '#': case '(': return head;
    case '_':
      if (nil) *nil = true;
      return head;
    case '$': case '!': case '=': {
      long n = std::strtol(b.data() + 1, nullptr, 10);
      if (n < 0) {
        if (nil) *nil = true;
        return head;
      }
      size_t need = head + static_cast<size_t>(n) + 2;
      return b.size() >= need ? need : 0;
    }
    case '*': case '~': case '>': case '%': {
      long n = std::strtol(b.data() + 1, nullptr, 10);
      if (n < 0) {
        if (nil) *nil = true;
        return head;
      }
      if (t == '%') n *= 2;
      size_t off = head;
      for (long i = 0; i < n; ++i) {
        size_t len = ReplyLen(b.substr(off), nullptr, nullptr);
        if (len == 0) return 0;
        off += len;
      }
      return off;
    }
    default:
      std::fprintf(stderr, "loadgen: protocol error, reply starts with %d\n", t);
      std::exit(2);
  }
}

// YCSB's ZipfianGenerator (Gray et al., "Quickly generating billion-record
// synthetic databases"), ranks scrambled with FNV-1a so hot keys are spread.
class Zipf {
 public:
  Zipf(uint64_t n, double theta) : n_(n), theta_(theta) {
    for (uint64_t i = 1; i <= n; ++i) zetan_ += 1.0 / std::pow(static_cast<double>(i), theta);
    double zeta2 = 1.0 + 1.0 / std::pow(2.0, theta);
    alpha_ = 1.0 / (1.0 - theta);
    eta_ = (1.0 - std::pow(2.0 / static_cast<double>(n), 1.0 - theta)) / (1.0 - zeta2 / zetan_);
    half_pow_ = 1.0 + std::pow(0.5, theta);
  }
  uint64_t Next(std::mt19937_64& rng) {
    double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    double uz = u * zetan_;
    uint64_t rank;
    if (uz < 1.0) {
      rank = 0;
    } else if (uz < half_pow_) {
      rank = 1;
    } else {
      rank = static_cast<uint64_t>(static_cast<double>(n_) * std::pow(eta_ * u - eta_ + 1.0, alpha_));
    }
    if (rank >= n_) rank = n_ - 1;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < 8; ++i) {
      h ^= (rank >> (8 * i)) & 0xff;
      h *= 0x100000001b3ULL;
    }
    return h % n_;
  }

 private:
  uint64_t n_;
  double theta_, zetan_ = 0, alpha_, eta_, half_pow_;
};

// Latencies in microseconds: 1 us buckets to 100 ms, then 1 ms buckets to 100 s.
class Histogram {
 public:
  Histogram() : fine_(100000), coarse_(100000) {}
  void Add(int64_t us) {
    ++count_;
    if (us < 100000) {
      ++fine_[static_cast<size_t>(std::max<int64_t>(us, 0))];
    } else {
      ++coarse_[static_cast<size_t>(std::min<int64_t>(us / 1000, 99999))];
    }
  }
  double PercentileMs(double p) const {
    uint64_t want = static_cast<uint64_t>(std::ceil(p * static_cast<double>(count_)));
    if (want == 0) want = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < fine_.size(); ++i) {
      seen += fine_[i];
      if (seen >= want) return static_cast<double>(i + 1) / 1000.0;
    }
    for (size_t i = 0; i < coarse_.size(); ++i) {
      seen += coarse_[i];
      if (seen >= want) return static_cast<double>(i + 1);
    }
    return 0;
  }

 private:
  std::vector<uint64_t> fine_, coarse_;
  uint64_t count_ = 0;
};

struct Conn {
  int fd = -1;
  std::string out;     // bytes not yet written
  std::string in;      // bytes not yet parsed
  int in_flight = 0;
  int64_t sent_ns = 0;
  uint64_t index = 0;
  bool watching_out = false;
};

struct RunOptions {
  int port = 0, conns = 50, pipeline = 1, value_size = 64;
  uint64_t keys = 1000000, requests = 0;
  double seconds = 0;
  std::string dist = "uniform";
  std::vector<std::string> cmd;
};

class Runner {
 public:
  explicit Runner(const RunOptions& o) : o_(o), rng_(12345) {
    // Values are slices of a random alphanumeric pool at a per-key offset:
    // distinct and incompressible for RocksDB's block compression, as real
    // 1 KB values mostly are (a run of 'x' would shrink 20x on disk).
    std::mt19937_64 vrng(42);
    static const char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    pool_.resize((8u << 20) + static_cast<size_t>(o.value_size));
    for (char& c : pool_) c = kAlnum[vrng() % 62];
    if (o.dist == "zipf") zipf_ = new Zipf(o.keys, 0.99);
    if (o.dist == "seq") limit_ = o.keys;
    else if (o.requests) limit_ = o.requests;
    else limit_ = UINT64_MAX;
  }

  void Run() {
    int ep = epoll_create1(0);
    std::vector<Conn> conns(static_cast<size_t>(o_.conns));
    for (size_t i = 0; i < conns.size(); ++i) {
      conns[i].fd = Connect(o_.port, false);
      conns[i].index = i;
      if (conns[i].fd < 0) Die("connect");
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }
    start_ns_ = NowNs();
    deadline_ns_ = o_.seconds > 0 && o_.dist != "seq"
                       ? start_ns_ + static_cast<int64_t>(o_.seconds * 1e9)
                       : INT64_MAX;
    int active = 0;
    for (auto& c : conns) active += SendBatch(c, ep) ? 1 : 0;
    std::vector<epoll_event> evs(256);
    char buf[1 << 16];
    while (active > 0) {
      int n = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 1000);
      if (n < 0 && errno != EINTR) Die("epoll_wait");
      for (int i = 0; i < n; ++i) {
        Conn& c = conns[evs[i].data.u64];
        if (evs[i].events & EPOLLOUT) Flush(c, ep);
        if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
        while (true) {
          ssize_t r = read(c.fd, buf, sizeof(buf));
          if (r > 0) {
            c.in.append(buf, static_cast<size_t>(r));
            continue;
          }
          if (r == 0) {
            std::fprintf(stderr, "loadgen: server closed the connection\n");
            std::exit(2);
          }
          if (errno == EAGAIN) break;
          if (errno == EINTR) continue;
          Die("read");
        }
        int64_t now = NowNs();
        size_t off = 0;
        while (c.in_flight > 0) {
          char kind;
          bool nil;
          size_t len = ReplyLen(std::string_view(c.in).substr(off), &kind, &nil);
          if (len == 0) break;
          if (kind == '-') {
            if (errors_++ == 0) first_error_ = c.in.substr(off, c.in.find("\r\n", off) - off);
          }
          if (nil) ++nils_;
          hist_.Add((now - c.sent_ns) / 1000);
          ++done_;
          --c.in_flight;
          off += len;
        }
        c.in.erase(0, off);
        if (c.in_flight == 0 && !SendBatch(c, ep)) --active;
      }
    }
    double secs = static_cast<double>(NowNs() - start_ns_) / 1e9;
    std::printf("requests=%llu seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%llu nils=%llu\n",
                static_cast<unsigned long long>(done_), secs, static_cast<double>(done_) / secs,
                hist_.PercentileMs(0.50), hist_.PercentileMs(0.99),
                static_cast<unsigned long long>(errors_), static_cast<unsigned long long>(nils_));
    if (errors_) std::printf("first_error=%s\n", first_error_.c_str());
  }

 private:
  uint64_t NextKey() {
    if (o_.dist == "seq") return issued_;
    if (zipf_) return zipf_->Next(rng_);
    return std::uniform_int_distribution<uint64_t>(0, o_.keys - 1)(rng_);
  }

  void Append(std::string& out, uint64_t key) {
    char keybuf[32];
    int klen = std::snprintf(keybuf, sizeof(keybuf), "%012llu", static_cast<unsigned long long>(key));
    out += '*';
    out += std::to_string(o_.cmd.size());
    out += "\r\n";
    std::string arg;
    for (const std::string& a : o_.cmd) {
      arg.clear();
      for (size_t i = 0; i < a.size();) {
        if (a.compare(i, 7, "__key__") == 0) {
          arg.append(keybuf, static_cast<size_t>(klen));
          i += 7;
        } else if (a.compare(i, 7, "__val__") == 0) {
          size_t off = (key * 2654435761ULL) % (8u << 20);
          arg.append(pool_, off, static_cast<size_t>(o_.value_size));
          i += 7;
        } else {
          arg += a[i++];
        }
      }
      out += '$';
      out += std::to_string(arg.size());
      out += "\r\n";
      out += arg;
      out += "\r\n";
    }
  }

  // Queues the next batch on `c`; false when there is nothing left to send.
  bool SendBatch(Conn& c, int ep) {
    if (issued_ >= limit_ || NowNs() >= deadline_ns_) return false;
    int n = 0;
    while (n < o_.pipeline && issued_ < limit_) {
      Append(c.out, NextKey());
      ++issued_;
      ++n;
    }
    c.in_flight = n;
    c.sent_ns = NowNs();
    Flush(c, ep);
    return true;
  }

  // Writes what the socket takes; watches EPOLLOUT only while bytes remain
  // (values larger than the socket buffer).
  void Flush(Conn& c, int ep) {
    while (!c.out.empty()) {
      ssize_t w = write(c.fd, c.out.data(), c.out.size());
      if (w > 0) {
        c.out.erase(0, static_cast<size_t>(w));
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN) Die("write");
      break;
    }
    bool want_out = !c.out.empty();
    if (want_out != c.watching_out) {
      epoll_event ev{};
      ev.events = EPOLLIN | (want_out ? uint32_t{EPOLLOUT} : 0u);
      ev.data.u64 = c.index;
      epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
      c.watching_out = want_out;
    }
  }

  const RunOptions& o_;
  std::mt19937_64 rng_;
  Zipf* zipf_ = nullptr;
  std::string pool_;
  Histogram hist_;
  uint64_t limit_, issued_ = 0, done_ = 0, errors_ = 0, nils_ = 0;
  int64_t start_ns_ = 0, deadline_ns_ = INT64_MAX;
  std::string first_error_;
};

int Ping(int port, int64_t since_ns, const std::string& log, const std::string& pattern,
         double timeout_s) {
  int64_t ping_ns = -1, log_ns = -1;
  int64_t give_up = RealNs() + static_cast<int64_t>(timeout_s * 1e9);
  while ((ping_ns < 0 || (!log.empty() && log_ns < 0)) && RealNs() < give_up) {
    if (!log.empty() && log_ns < 0) {
      std::ifstream f(log);
      std::stringstream ss;
      ss << f.rdbuf();
      if (ss.str().find(pattern) != std::string::npos) log_ns = RealNs();
    }
    if (ping_ns < 0) {
      int fd = Connect(port, true);
      if (fd >= 0) {
        timeval tv{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        const char req[] = "*1\r\n$4\r\nPING\r\n";
        char buf[256];
        if (write(fd, req, sizeof(req) - 1) == static_cast<ssize_t>(sizeof(req) - 1)) {
          ssize_t r = read(fd, buf, sizeof(buf));
          if (r >= 5 && std::memcmp(buf, "+PONG", 5) == 0) ping_ns = RealNs();
        }
        close(fd);
      }
    }
    usleep(1000);
  }
  if (ping_ns < 0) {
    std::printf("ping_ms=timeout\n");
    return 1;
  }
  std::printf("ping_ms=%.1f", static_cast<double>(ping_ns - since_ns) / 1e6);
  if (!log.empty()) {
    if (log_ns < 0) std::printf(" log_ms=timeout");
    else std::printf(" log_ms=%.1f", static_cast<double>(log_ns - since_ns) / 1e6);
  }
  std::printf("\n");
  return 0;
}

[[noreturn]] void Usage() {
  std::fprintf(stderr, "usage: see the comment at the top of utils/loadgen.cc\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Usage();
  std::string mode = argv[1];
  RunOptions o;
  int64_t since = 0;
  std::string log, pattern;
  double timeout = 60;
  int i = 2;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (i + 1 >= argc) Usage();
    std::string v = argv[++i];
    if (a == "-p") o.port = std::atoi(v.c_str());
    else if (a == "-c") o.conns = std::atoi(v.c_str());
    else if (a == "-P") o.pipeline = std::atoi(v.c_str());
    else if (a == "-k") o.keys = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "-n") o.requests = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "-t") o.seconds = std::atof(v.c_str());
    else if (a == "-s") o.value_size = std::atoi(v.c_str());
    else if (a == "-d") o.dist = v;
    else if (a == "--since") since = std::strtoll(v.c_str(), nullptr, 10);
    else if (a == "--log") log = v;
    else if (a == "--pattern") pattern = v;
    else if (a == "--timeout") timeout = std::atof(v.c_str());
    else Usage();
  }
  for (; i < argc; ++i) o.cmd.emplace_back(argv[i]);
  if (mode == "ping") return Ping(o.port, since, log, pattern, timeout);
  if (mode != "run" || o.cmd.empty() || o.port == 0 || o.keys == 0) Usage();
  if (o.dist != "uniform" && o.dist != "zipf" && o.dist != "seq") Usage();
  Runner(o).Run();
  return 0;
}
