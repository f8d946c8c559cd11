// YottaStore. Licensed under the Apache License 2.0.
// GEO commands on single points: GEOADD GEOPOS GEODIST GEOHASH, and the
// family's registration. A geo set is a sorted set (TYPE zset) whose scores
// are 52-bit geohashes (core/geohash.h); it is reached only through
// commands/zset_api.h. The searches live in geo_search.cc.
#include <cstdio>
#include <optional>
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

namespace yotta {
namespace geo_cmd {

constexpr std::string_view kErrUnit = "ERR unsupported unit provided. please use M, KM, FT, MI";

bool FindGeoSet(CmdContext& cx, std::string_view key, const Entry** out) {
  const Entry* e = cx.DbFor(key).FindRead(key);
  if (e && e->type() != ObjType::kZSet) {
    cx.rb().Error(kErrWrongType);
    return false;
  }
  *out = e;
  return true;
}

bool ParseLonLat(CmdContext& cx, size_t i, double* lon, double* lat) {
  if (!ParseDouble(cx.arg(i), lon) || !ParseDouble(cx.arg(i + 1), lat)) {
    cx.rb().Error(kErrNotFloat);
    return false;
  }
  if (*lon < geo::kLonMin || *lon > geo::kLonMax || *lat < geo::kLatMin || *lat > geo::kLatMax) {
    char buf[1024];
    std::snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
    cx.rb().Error(buf);
    return false;
  }
  return true;
}

double UnitOrReply(CmdContext& cx, std::string_view u) {
  if (EqualsIgnoreCase(u, "m")) return 1;
  if (EqualsIgnoreCase(u, "km")) return 1000;
  if (EqualsIgnoreCase(u, "ft")) return 0.3048;
  if (EqualsIgnoreCase(u, "mi")) return 1609.34;
  cx.rb().Error(kErrUnit);
  return -1;
}

bool ParseNumber(CmdContext& cx, std::string_view arg, std::string_view err, double* out) {
  if (ParseDouble(arg, out)) return true;
  cx.rb().Error(err);
  return false;
}

void ReplyDistance(ReplyBuilder& rb, double d) {
  char buf[128];
  int n = std::snprintf(buf, sizeof(buf), "%.4f", d);
  rb.Bulk(std::string_view(buf, n > 0 && n < static_cast<int>(sizeof(buf)) ? n : 0));
}

void ReplyCoord(ReplyBuilder& rb, double d) { rb.DoubleText(FormatLongDouble(d)); }

namespace {

// GEOADD key [NX|XX] [CH] lon lat member [lon lat member ...]: a ZADD of
// the members' geohash scores. Coordinates are checked before the key's type.
void CmdGeoAdd(CmdContext& cx) {
  zset_api::AddFlags flags;
  bool ch = false;
  size_t i = 2;
  for (; i < cx.argc(); ++i) {
    std::string_view a = cx.arg(i);
    if (EqualsIgnoreCase(a, "nx")) {
      flags.nx = true;
    } else if (EqualsIgnoreCase(a, "xx")) {
      flags.xx = true;
    } else if (EqualsIgnoreCase(a, "ch")) {
      ch = true;
    } else {
      break;
    }
  }
  size_t rest = cx.argc() - i;
  if (rest == 0 || rest % 3 != 0 || (flags.nx && flags.xx)) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  std::vector<std::pair<double, std::string_view>> items;
  items.reserve(rest / 3);
  for (; i < cx.argc(); i += 3) {
    double lon, lat;
    if (!ParseLonLat(cx, i, &lon, &lat)) return;
    items.emplace_back(geo::ScoreOf(lon, lat), cx.arg(i + 2));
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  const Entry* e = db.Peek(key);
  if (e && e->type() != ObjType::kZSet) {
    cx.rb().Error(kErrWrongType);
    return;
  }
  int64_t changed = 0;
  int64_t added = zset_api::Add(db, key, items, flags, &changed);
  cx.rb().Integer(ch ? changed : added);
}

// GEOPOS key [member ...]: [lon, lat] per member, null arrays for missing ones.
void CmdGeoPos(CmdContext& cx) {
  const Entry* e;
  if (!FindGeoSet(cx, cx.arg(1), &e)) return;
  ReplyBuilder& rb = cx.rb();
  rb.Array(cx.argc() - 2);
  for (size_t i = 2; i < cx.argc(); ++i) {
    std::optional<double> score = e ? zset_api::Score(e, cx.arg(i)) : std::nullopt;
    if (!score) {
      rb.NullArray();
      continue;
    }
    double lon, lat;
    geo::DecodeScore(*score, &lon, &lat);
    rb.Array(2);
    ReplyCoord(rb, lon);
    ReplyCoord(rb, lat);
  }
}

// GEOHASH key [member ...]: 11-character standard geohashes.
void CmdGeoHash(CmdContext& cx) {
  const Entry* e;
  if (!FindGeoSet(cx, cx.arg(1), &e)) return;
  ReplyBuilder& rb = cx.rb();
  rb.Array(cx.argc() - 2);
  for (size_t i = 2; i < cx.argc(); ++i) {
    std::optional<double> score = e ? zset_api::Score(e, cx.arg(i)) : std::nullopt;
    if (score) {
      rb.Bulk(geo::StandardGeohash(*score));
    } else {
      rb.Null();
    }
  }
}

// GEODIST key member1 member2 [unit]. The unit is checked before the key.
void CmdGeoDist(CmdContext& cx) {
  double to_meters = 1;
  if (cx.argc() == 5) {
    to_meters = UnitOrReply(cx, cx.arg(4));
    if (to_meters < 0) return;
  } else if (cx.argc() > 5) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  const Entry* e;
  if (!FindGeoSet(cx, cx.arg(1), &e)) return;
  std::optional<double> s1, s2;
  if (e) s1 = zset_api::Score(e, cx.arg(2));
  if (s1) s2 = zset_api::Score(e, cx.arg(3));
  if (!s1 || !s2) {
    cx.rb().Null();
    return;
  }
  double lon1, lat1, lon2, lat2;
  geo::DecodeScore(*s1, &lon1, &lat1);
  geo::DecodeScore(*s2, &lon2, &lat2);
  ReplyDistance(cx.rb(), geo::Distance(lon1, lat1, lon2, lat2) / to_meters);
}

}  // namespace
}  // namespace geo_cmd

void RegisterGeoFamily(CommandRegistry& reg) {
  using namespace geo_cmd;
  const char* cat = "geo";
  reg.Add({"geoadd", -5, kWrite | kDenyOom, {1, 1, 1}, CmdGeoAdd, cat});
  reg.Add({"geopos", -2, kReadOnly, {1, 1, 1}, CmdGeoPos, cat});
  reg.Add({"geohash", -2, kReadOnly, {1, 1, 1}, CmdGeoHash, cat});
  reg.Add({"geodist", -4, kReadOnly, {1, 1, 1}, CmdGeoDist, cat});
  RegisterGeoSearchCommands(reg);
}

}  // namespace yotta
