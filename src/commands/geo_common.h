// YottaStore. Licensed under the Apache License 2.0.
// Helpers shared by the GEO commands (geo_family.cc, geo_search.cc): the
// argument parsers with Redis's error texts and the reply formats.
#pragma once

#include <string>
#include <string_view>

#include "server/command_context.h"

namespace yotta {

class CommandRegistry;

namespace geo_cmd {

inline constexpr std::string_view kErrBadMember = "ERR could not decode requested zset member";

// Looks up the sorted set at `key` for reading (counts a keyspace hit or
// miss). Replies WRONGTYPE and returns false if the key holds another type;
// *out is nullptr when the key is absent.
[[nodiscard]] bool FindGeoSet(CmdContext& cx, std::string_view key, const Entry** out);

// Arguments i, i+1 as longitude and latitude; replies the error otherwise.
[[nodiscard]] bool ParseLonLat(CmdContext& cx, size_t i, double* lon, double* lat);

// Meters per unit (m, km, ft, mi, any case); replies the error and returns
// a negative number for another unit.
double UnitOrReply(CmdContext& cx, std::string_view unit);

// A float argument; replies `err` ("ERR need numeric radius") if it is not.
[[nodiscard]] bool ParseNumber(CmdContext& cx, std::string_view arg, std::string_view err,
                               double* out);

// Distances print with 4 decimals, as a bulk string even in RESP3.
void ReplyDistance(ReplyBuilder& rb, double d);
// A coordinate: Redis's human-friendly long double text (RESP3 double).
void ReplyCoord(ReplyBuilder& rb, double d);

// geo_search.cc: GEOSEARCH GEOSEARCHSTORE GEORADIUS[BYMEMBER][_RO].
void RegisterGeoSearchCommands(CommandRegistry& reg);

}  // namespace geo_cmd
}  // namespace yotta
