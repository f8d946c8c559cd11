// YottaStore. Licensed under the Apache License 2.0.
// GEO area searches: GEOSEARCH, GEOSEARCHSTORE, GEORADIUS[_RO] and
// GEORADIUSBYMEMBER[_RO]. One parser and one search serve all of them, as in
// Redis, so option order, error precedence, the cells scanned, the order of
// unsorted results and the reply shapes all follow Redis's georadiusGeneric.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/str_util.h"
#include "commands/geo_common.h"
#include "commands/zset_api.h"
#include "core/geohash.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta::geo_cmd {
namespace {

constexpr std::string_view kErrCountPositive = "ERR COUNT must be > 0";
constexpr std::string_view kErrAnyNeedsCount = "ERR the ANY argument requires COUNT argument";
constexpr std::string_view kErrNegativeRadius = "ERR radius cannot be negative";
constexpr std::string_view kErrNegativeBox = "ERR height or width cannot be negative";

// Which command runs (Redis's RADIUS_* / GEOSEARCH* flags).
enum SearchFlags : unsigned {
  kFromCoords = 1u << 0,   // GEORADIUS: center from arguments 2, 3
  kFromMember = 1u << 1,   // GEORADIUSBYMEMBER: center is member argument 2
  kNoStore = 1u << 2,      // the _RO variants
  kSearch = 1u << 3,       // GEOSEARCH syntax
  kSearchStore = 1u << 4,  // GEOSEARCHSTORE: destination is argument 1
};

enum class Sort { kNone, kAsc, kDesc };

struct SearchArgs {
  geo::Shape shape;
  bool withdist = false, withhash = false, withcoord = false;
  bool frommember = false, fromlonlat = false, byradius = false, bybox = false;
  bool any = false;
  Sort sort = Sort::kNone;
  int64_t count = 0;  // 0: no limit
  int store_idx = 0;  // argument index of the destination key, 0 if none
  bool storedist = false;
};

struct GeoPoint {
  std::string member;
  double lon, lat, dist, score;
};

// GEORADIUS[BYMEMBER]'s keys: the source and the last STORE/STOREDIST key,
// found the way Redis's georadiusGetKeys scans (from argument 5 on).
bool GeoRadiusKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  if (args.size() < 2) return false;
  out->push_back(1);
  int stored = -1;
  for (size_t i = 5; i < args.size(); ++i) {
    if ((EqualsIgnoreCase(args[i], "store") || EqualsIgnoreCase(args[i], "storedist")) &&
        i + 1 < args.size()) {
      stored = static_cast<int>(++i);
    }
  }
  if (stored > 0) out->push_back(stored);
  return true;
}

// "<radius> <unit>" at argument i.
bool ParseRadius(CmdContext& cx, size_t i, geo::Shape* s) {
  if (!ParseNumber(cx, cx.arg(i), "ERR need numeric radius", &s->radius)) return false;
  if (s->radius < 0) {
    cx.rb().Error(kErrNegativeRadius);
    return false;
  }
  s->conversion = UnitOrReply(cx, cx.arg(i + 1));
  s->type = geo::Shape::kCircle;
  return s->conversion >= 0;
}

// "<width> <height> <unit>" at argument i.
bool ParseBox(CmdContext& cx, size_t i, geo::Shape* s) {
  if (!ParseNumber(cx, cx.arg(i), "ERR need numeric width", &s->width) ||
      !ParseNumber(cx, cx.arg(i + 1), "ERR need numeric height", &s->height)) {
    return false;
  }
  if (s->width < 0 || s->height < 0) {
    cx.rb().Error(kErrNegativeBox);
    return false;
  }
  s->conversion = UnitOrReply(cx, cx.arg(i + 2));
  s->type = geo::Shape::kBox;
  return s->conversion >= 0;
}

// The center of a search from a member's position.
bool MemberCenter(CmdContext& cx, const Entry* z, std::string_view member, geo::Shape* s) {
  std::optional<double> score = zset_api::Score(z, member);
  if (!score) {
    cx.rb().Error(kErrBadMember);
    return false;
  }
  geo::DecodeScore(*score, &s->lon, &s->lat);
  return true;
}

// The optional arguments from `base` on, one at a time as Redis reads them:
// each is checked (and may fail) when reached. `z` is the source (may be
// null: FROMMEMBER then is not resolved, the key-missing reply wins).
bool ParseOptions(CmdContext& cx, size_t base, unsigned flags, const Entry* z, SearchArgs* a) {
  bool search = flags & kSearch;
  bool radius_store = !(flags & kNoStore) && !search;
  for (size_t i = base; i < cx.argc(); ++i) {
    std::string_view arg = cx.arg(i);
    size_t left = cx.argc() - i - 1;  // arguments after this one
    auto is = [&](const char* s) { return EqualsIgnoreCase(arg, s); };
    if (is("withdist")) {
      a->withdist = true;
    } else if (is("withhash")) {
      a->withhash = true;
    } else if (is("withcoord")) {
      a->withcoord = true;
    } else if (is("any")) {
      a->any = true;
    } else if (is("asc")) {
      a->sort = Sort::kAsc;
    } else if (is("desc")) {
      a->sort = Sort::kDesc;
    } else if (is("count") && left >= 1) {
      if (!ParseInt64(cx.arg(i + 1), &a->count)) {
        cx.rb().Error(kErrNotInteger);
        return false;
      }
      if (a->count <= 0) {
        cx.rb().Error(kErrCountPositive);
        return false;
      }
      ++i;
    } else if ((is("store") || is("storedist")) && left >= 1 && radius_store) {
      a->storedist = is("storedist");
      a->store_idx = static_cast<int>(++i);
    } else if (is("storedist") && (flags & kSearchStore)) {
      a->storedist = true;
    } else if (is("frommember") && left >= 1 && search && !a->fromlonlat) {
      if (z && !MemberCenter(cx, z, cx.arg(i + 1), &a->shape)) return false;
      a->frommember = true;
      ++i;
    } else if (is("fromlonlat") && left >= 2 && search && !a->frommember) {
      if (!ParseLonLat(cx, i + 1, &a->shape.lon, &a->shape.lat)) return false;
      a->fromlonlat = true;
      i += 2;
    } else if (is("byradius") && left >= 2 && search && !a->bybox) {
      if (!ParseRadius(cx, i + 1, &a->shape)) return false;
      a->byradius = true;
      i += 2;
    } else if (is("bybox") && left >= 3 && search && !a->byradius) {
      if (!ParseBox(cx, i + 1, &a->shape)) return false;
      a->bybox = true;
      i += 3;
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// The option combinations Redis rejects once every option is read.
bool CheckCombination(CmdContext& cx, unsigned flags, const SearchArgs& a) {
  if (a.store_idx && (a.withdist || a.withhash || a.withcoord)) {
    cx.rb().Error(std::string("ERR ") +
                  (flags & kSearchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                  " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    return false;
  }
  if ((flags & kSearch) && !(a.frommember || a.fromlonlat)) {
    cx.rb().Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                  std::string(cx.arg(0)));
    return false;
  }
  if ((flags & kSearch) && !(a.byradius || a.bybox)) {
    cx.rb().Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
                  std::string(cx.arg(0)));
    return false;
  }
  if (a.any && !a.count) {
    cx.rb().Error(kErrAnyNeedsCount);
    return false;
  }
  return true;
}

// Appends the members with lo <= score < hi that lie in the shape, in score
// order; returns true once `limit` (if any) of them were collected.
bool CollectRange(const Entry* z, const geo::Shape& shape, double lo, double hi, size_t limit,
                  std::vector<GeoPoint>* out) {
  bool full = false;
  zset_api::RangeByScore(z, lo, hi, [&](std::string_view m, double score) {
    if (full || score >= hi) return;
    GeoPoint p;
    if (geo::WithinShape(shape, score, &p.lon, &p.lat, &p.dist)) {
      p.member.assign(m);
      p.score = score;
      out->push_back(std::move(p));
    }
    full = limit && out->size() >= limit;
  });
  return full;
}

// One cell's members (scores min <= score < max). With a limit (ANY) the cell
// is read in growing slices, so that finding a few members does not walk a
// dense cell to its end: the order and the members kept are the same.
bool CollectCell(const Entry* z, const geo::Shape& shape, uint64_t min, uint64_t max, size_t limit,
                 std::vector<GeoPoint>* out) {
  if (!limit)
    return CollectRange(z, shape, static_cast<double>(min), static_cast<double>(max), 0, out);
  uint64_t width = std::max<uint64_t>(1, (max - min) >> 12);
  for (uint64_t lo = min; lo < max; width *= 2) {
    uint64_t hi = max - lo > width ? lo + width : max;
    // Both slices use the same double for a shared bound: no member is
    // seen twice or skipped even where doubles round.
    if (CollectRange(z, shape, static_cast<double>(lo), static_cast<double>(hi), limit, out))
      return true;
    lo = hi;
  }
  return false;
}

// Appends the members inside the shape from the 9 cells, in Redis's order:
// cell by cell, by score within a cell. With `limit` (ANY) it stops once
// that many matched.
void CollectPoints(const Entry* z, geo::Shape* shape, size_t limit, std::vector<GeoPoint>* out) {
  std::array<geo::HashBits, 9> cells = geo::SearchCells(shape);
  size_t last = 0;  // as Redis, a repeat of the center cell is not skipped
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].zero()) continue;
    // Huge radii make adjacent cells identical: scan each once.
    if (last && cells[i] == cells[last]) continue;
    if (limit && out->size() >= limit) break;
    uint64_t min, max;
    geo::ScoreRange(cells[i], &min, &max);
    if (CollectCell(z, *shape, min, max, limit, out)) break;
    last = i;
  }
}

// Redis's comparator: -1, 0 or 1 by distance (negated for DESC).
struct DistCmp {
  const std::vector<GeoPoint>* pts;
  bool desc;
  int operator()(size_t x, size_t y) const {
    double dx = (*pts)[x].dist, dy = (*pts)[y].dist;
    int c = dx > dy ? 1 : (dx == dy ? 0 : -1);
    return desc ? -c : c;
  }
};

void InsertionSort(std::vector<GeoPoint>* v, ptrdiff_t a, ptrdiff_t n, const DistCmp& cmp) {
  for (ptrdiff_t m = a + 1; m < a + n; ++m) {
    for (ptrdiff_t l = m; l > a && cmp(l - 1, l) > 0; --l) std::swap((*v)[l], (*v)[l - 1]);
  }
}

ptrdiff_t Median3(ptrdiff_t a, ptrdiff_t b, ptrdiff_t c, const DistCmp& cmp) {
  return cmp(a, b) < 0 ? (cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a))
                       : (cmp(b, c) > 0 ? b : (cmp(a, c) < 0 ? a : c));
}

// Redis's pqsort, step for step: Bentley-McIlroy's 3-way quicksort (without
// the presorted-input shortcut, which Redis dropped for its quadratic worst
// case) that only descends into parts overlapping positions [0, last]. Equal distances
// (members at the same place) then come out in Redis's order, so COUNT
// keeps the same ones.
void PartialQuickSort(std::vector<GeoPoint>* v, ptrdiff_t a, ptrdiff_t n, ptrdiff_t last,
                      const DistCmp& cmp) {
  auto swap = [v](ptrdiff_t i, ptrdiff_t j) { std::swap((*v)[i], (*v)[j]); };
  for (;;) {
    if (n < 7) return InsertionSort(v, a, n, cmp);
    ptrdiff_t pm = a + n / 2;
    if (n > 7) {
      ptrdiff_t pl = a, pn = a + n - 1;
      if (n > 40) {
        ptrdiff_t d = n / 8;
        pl = Median3(pl, pl + d, pl + 2 * d, cmp);
        pm = Median3(pm - d, pm, pm + d, cmp);
        pn = Median3(pn - 2 * d, pn - d, pn, cmp);
      }
      pm = Median3(pl, pm, pn, cmp);
    }
    swap(a, pm);
    ptrdiff_t pa = a + 1, pb = a + 1, pc = a + n - 1, pd = a + n - 1;
    for (;;) {
      int c;
      while (pb <= pc && (c = cmp(pb, a)) <= 0) {
        if (c == 0) swap(pa++, pb);
        ++pb;
      }
      while (pb <= pc && (c = cmp(pc, a)) >= 0) {
        if (c == 0) swap(pc, pd--);
        --pc;
      }
      if (pb > pc) break;
      swap(pb++, pc--);
    }
    ptrdiff_t pn = a + n;
    ptrdiff_t r = std::min(pa - a, pb - pa);
    for (ptrdiff_t i = 0; i < r; ++i) swap(a + i, pb - r + i);
    r = std::min(pd - pc, pn - pd - 1);
    for (ptrdiff_t i = 0; i < r; ++i) swap(pb + i, pn - r + i);
    if ((r = pb - pa) > 1 && a <= last) PartialQuickSort(v, a, r, last, cmp);
    if ((r = pd - pc) <= 1) return;
    a = pn - r;
    n = r;
    if (a > last) return;
  }
}

// Sorts the first `n` points by distance. A full sort is stable, as glibc's
// qsort (a merge sort) is; a partial one is Redis's pqsort.
void SortPoints(std::vector<GeoPoint>* pts, Sort sort, size_t n) {
  if (sort == Sort::kNone || pts->empty()) return;
  DistCmp cmp{pts, sort == Sort::kDesc};
  if (n < pts->size()) {
    PartialQuickSort(pts, 0, static_cast<ptrdiff_t>(pts->size()), static_cast<ptrdiff_t>(n) - 1,
                     cmp);
    return;
  }
  std::stable_sort(pts->begin(), pts->end(), [&](const GeoPoint& x, const GeoPoint& y) {
    return sort == Sort::kAsc ? x.dist < y.dist : x.dist > y.dist;
  });
}

// WITHHASH prints the score as Redis's (long long) cast does on x86-64.
int64_t ScoreAsInteger(double score) {
  bool fits = score >= -9223372036854775808.0 && score < 9223372036854775808.0;
  return fits ? static_cast<int64_t>(score) : INT64_MIN;
}

void ReplyPoints(CmdContext& cx, const SearchArgs& a, const std::vector<GeoPoint>& pts) {
  ReplyBuilder& rb = cx.rb();
  size_t extra = a.withdist + a.withhash + a.withcoord;
  rb.Array(pts.size());
  for (const GeoPoint& p : pts) {
    if (extra) rb.Array(extra + 1);
    rb.Bulk(p.member);
    if (a.withdist) ReplyDistance(rb, p.dist / a.shape.conversion);
    if (a.withhash) rb.Integer(ScoreAsInteger(p.score));
    if (a.withcoord) {
      rb.Array(2);
      ReplyCoord(rb, p.lon);
      ReplyCoord(rb, p.lat);
    }
  }
}

void StorePoints(CmdContext& cx, const SearchArgs& a, std::vector<GeoPoint>* pts) {
  std::vector<std::pair<std::string, double>> items;
  items.reserve(pts->size());
  for (GeoPoint& p : *pts) {
    items.emplace_back(std::move(p.member), a.storedist ? p.dist / a.shape.conversion : p.score);
  }
  std::string_view dest = cx.arg(a.store_idx);
  zset_api::Store(cx.DbFor(dest), dest, items);
  cx.rb().Integer(static_cast<int64_t>(items.size()));
}

// The dispatcher declared the STORE key GeoRadiusKeys found; the parser must
// have found the same one (it does: both read STORE pairs alike).
bool StoreKeyDeclared(CmdContext& cx, int idx) {
  std::vector<int> keys;
  return cx.spec().keys.find == nullptr || (cx.spec().keys.find(cx.args(), &keys) &&
                                            std::find(keys.begin(), keys.end(), idx) != keys.end());
}

// Redis's georadiusGeneric: src_idx is the source key's argument.
void SearchGeneric(CmdContext& cx, size_t src_idx, unsigned flags) {
  const Entry* z;
  if (!FindGeoSet(cx, cx.arg(src_idx), &z)) return;
  SearchArgs a;
  size_t base;
  if (flags & kFromCoords) {
    base = 6;
    if (!ParseLonLat(cx, 2, &a.shape.lon, &a.shape.lat) || !ParseRadius(cx, 4, &a.shape)) return;
  } else if (flags & kFromMember) {
    // Without the source only the options are checked: the reply is empty.
    base = 5;
    if (z && (!MemberCenter(cx, z, cx.arg(2), &a.shape) || !ParseRadius(cx, 3, &a.shape))) return;
  } else {
    base = flags & kSearchStore ? 3 : 2;
    if (flags & kSearchStore) a.store_idx = 1;
  }
  if (!ParseOptions(cx, base, flags, z, &a) || !CheckCombination(cx, flags, a)) return;
  if (a.store_idx && !StoreKeyDeclared(cx, a.store_idx)) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  if (!z) {
    if (a.store_idx) {
      cx.DbFor(cx.arg(a.store_idx)).Delete(cx.arg(a.store_idx));
      cx.rb().Integer(0);
    } else {
      cx.rb().Array(0);
    }
    return;
  }
  // COUNT means "the nearest N" unless ANY says any N will do.
  if (a.count && a.sort == Sort::kNone && !a.any) a.sort = Sort::kAsc;
  std::vector<GeoPoint> pts;
  CollectPoints(z, &a.shape, a.any ? static_cast<size_t>(a.count) : 0, &pts);
  size_t n = a.count && static_cast<uint64_t>(a.count) < pts.size() ? static_cast<size_t>(a.count)
                                                                    : pts.size();
  SortPoints(&pts, a.sort, n);
  pts.resize(n);
  if (a.store_idx) {
    StorePoints(cx, a, &pts);
  } else {
    ReplyPoints(cx, a, pts);
  }
}

void CmdGeoRadius(CmdContext& cx) { SearchGeneric(cx, 1, kFromCoords); }
void CmdGeoRadiusRo(CmdContext& cx) { SearchGeneric(cx, 1, kFromCoords | kNoStore); }
void CmdGeoRadiusByMember(CmdContext& cx) { SearchGeneric(cx, 1, kFromMember); }
void CmdGeoRadiusByMemberRo(CmdContext& cx) { SearchGeneric(cx, 1, kFromMember | kNoStore); }
void CmdGeoSearch(CmdContext& cx) { SearchGeneric(cx, 1, kSearch); }
void CmdGeoSearchStore(CmdContext& cx) { SearchGeneric(cx, 2, kSearch | kSearchStore); }

}  // namespace

void RegisterGeoSearchCommands(CommandRegistry& reg) {
  const char* cat = "geo";
  KeySpec radius_keys{1, 1, 1, 0, GeoRadiusKeys};
  reg.Add({"georadius", -6, kWrite | kDenyOom, radius_keys, CmdGeoRadius, cat});
  reg.Add({"georadius_ro", -6, kReadOnly, {1, 1, 1}, CmdGeoRadiusRo, cat});
  reg.Add({"georadiusbymember", -5, kWrite | kDenyOom, radius_keys, CmdGeoRadiusByMember, cat});
  reg.Add({"georadiusbymember_ro", -5, kReadOnly, {1, 1, 1}, CmdGeoRadiusByMemberRo, cat});
  reg.Add({"geosearch", -7, kReadOnly, {1, 1, 1}, CmdGeoSearch, cat});
  reg.Add({"geosearchstore", -8, kWrite | kDenyOom, {1, 2, 1}, CmdGeoSearchStore, cat});
}

}  // namespace yotta::geo_cmd
