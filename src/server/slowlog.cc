// YottaStore. Licensed under the Apache License 2.0.
#include "server/slowlog.h"

#include <algorithm>

#include "base/clock.h"
#include "server/config.h"

namespace yotta {

Slowlog& Slowlog::Get() {
  static Slowlog* s = new Slowlog();
  return *s;
}

void Slowlog::Add(std::span<const std::string_view> args, int64_t duration_us, std::string addr,
                  std::string name) {
  SlowlogEntry e{0, NowMs() / 1000, duration_us, {}, std::move(addr), std::move(name)};
  size_t n = std::min<size_t>(args.size(), 32);
  for (size_t i = 0; i < n; ++i) {
    if (i == 31 && args.size() > 32) {
      e.args.push_back("... (" + std::to_string(args.size() - 31) + " more arguments)");
      break;
    }
    std::string_view a = args[i];
    if (a.size() > 128) {
      e.args.push_back(std::string(a.substr(0, 128)) + "... (" + std::to_string(a.size() - 128) + " more bytes)");
    } else {
      e.args.emplace_back(a);
    }
  }
  std::lock_guard l(mu_);
  e.id = next_id_++;
  entries_.push_back(std::move(e));
  size_t max = static_cast<size_t>(std::max<int64_t>(0, Config::Get().slowlog_max_len.load()));
  if (entries_.size() > max) entries_.erase(entries_.begin(), entries_.begin() + (entries_.size() - max));
}

std::vector<SlowlogEntry> Slowlog::Latest(int64_t count) const {
  std::lock_guard l(mu_);
  std::vector<SlowlogEntry> out;
  for (auto it = entries_.rbegin(); it != entries_.rend() && (count < 0 || static_cast<int64_t>(out.size()) < count); ++it) {
    out.push_back(*it);
  }
  return out;
}

size_t Slowlog::Len() const {
  std::lock_guard l(mu_);
  return entries_.size();
}

void Slowlog::Reset() {
  std::lock_guard l(mu_);
  entries_.clear();
}

}  // namespace yotta
