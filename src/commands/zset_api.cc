// YottaStore. Licensed under the Apache License 2.0.
// zset_api.h: sorted-set operations for other families (geo).
#include "commands/zset_api.h"

#include "commands/zset_common.h"

namespace yotta::zset_api {

using zset_cmd::Z;

int64_t Add(Db& db, std::string_view key, std::span<const std::pair<double, std::string_view>> items,
            AddFlags flags, int64_t* changed) {
  Entry* e = db.Find(key);
  if (!e) {
    if (flags.xx || items.empty()) {
      if (changed) *changed = 0;
      return 0;
    }
    size_t max_len = 0;
    for (const auto& it : items) max_len = std::max(max_len, it.second.size());
    e = zset_cmd::CreateKey(db, key, zset_cmd::NewZSet(items.size(), max_len));
  }
  ZSet* z = Z(e);
  size_t before = z->bytes();
  zset_cmd::AddOpts o;
  o.nx = flags.nx;
  o.xx = flags.xx;
  int64_t added = 0, updated = 0;
  for (const auto& [score, member] : items) {
    double s = score;
    auto r = zset_cmd::AddOne(z, member, &s, o);
    added += r == zset_cmd::AddOutcome::kAdded;
    updated += r == zset_cmd::AddOutcome::kUpdated;
  }
  zset_cmd::Finish(db, key, z, before);
  if (changed) *changed = added + updated;
  return added;
}

size_t Card(const Entry* e) { return Z(e)->size(); }

std::optional<double> Score(const Entry* e, std::string_view member) { return Z(e)->Score(member); }

void RangeByScore(const Entry* e, double min, double max,
                  const std::function<void(std::string_view member, double score)>& fn) {
  zset_cmd::ScoreRange r{min, max, false, false};
  const ZSet* z = Z(e);
  auto [first, last] = zset_cmd::RanksOf(z, r);
  z->Walk(first, last, false, fn);
}

void Store(Db& db, std::string_view key, std::span<const std::pair<std::string, double>> items) {
  zset_cmd::StoreItems(db, key, zset_cmd::Items(items.begin(), items.end()));
}

}  // namespace yotta::zset_api
