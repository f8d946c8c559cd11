// YottaStore. Licensed under the Apache License 2.0.
// Geohash arithmetic of the GEO commands, bit for bit as Redis computes it:
// 52-bit interleaved scores (26 steps per axis, latitude in the even bits),
// cell decoding, neighbor cells, the haversine distance and the 9-cell search
// areas of a radius or box query. Pure functions; no keyspace access.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace yotta::geo {

inline constexpr int kStepMax = 26;  // 52-bit scores
inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
// Web Mercator's limits: scores cannot index the poles.
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr double kEarthRadiusM = 6372797.560856;

struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  // A neighbor excluded from a search (Redis's HASHISZERO).
  bool zero() const { return bits == 0 && step == 0; }
  bool operator==(const HashBits&) const = default;
};

struct Range {
  double min = 0;
  double max = 0;
};

struct Area {
  HashBits hash;
  Range lon;
  Range lat;
};

struct Neighbors {
  HashBits north, east, west, south, north_east, south_east, north_west, south_west;
};

// Interleaving: bits of x in the even positions, of y in the odd ones.
uint64_t Interleave64(uint32_t x, uint32_t y);
// Inverse: even bits in the low 32 bits of the result, odd ones in the high.
uint64_t Deinterleave64(uint64_t v);

// The ranges scores are built on: longitude ±180, latitude ±85.05112878.
void Wgs84Ranges(Range* lon, Range* lat);
// Encodes (lon, lat) with `step` bits per axis over the given ranges. False
// (and *out untouched) outside ±180 / ±85.05112878 or the ranges.
bool Encode(const Range& lon_r, const Range& lat_r, double lon, double lat, int step,
            HashBits* out);
bool EncodeWgs84(double lon, double lat, int step, HashBits* out);
// The cell of `h`. False only for a zero hash.
bool Decode(const Range& lon_r, const Range& lat_r, const HashBits& h, Area* out);
// The cell's center clamped to the WGS84 ranges (GEOPOS's coordinates).
bool DecodeToLonLat(const HashBits& h, double* lon, double* lat);
// The hash left-aligned to 52 bits (a sorted-set score).
uint64_t Align52(const HashBits& h);
void GetNeighbors(const HashBits& h, Neighbors* n);

// The uint64 that C's (uint64_t)score yields on x86-64, which Redis applies
// to scores before decoding (scores not from GEOADD can be negative, huge or
// infinite); defined here for every double.
uint64_t ScoreToBits(double score);
// Coordinates of the member whose score is `score` (always succeeds).
void DecodeScore(double score, double* lon, double* lat);
// The score GEOADD stores for (lon, lat); REQUIRES: a valid pair.
double ScoreOf(double lon, double lat);
// GEOHASH's 11-character standard geohash (latitude range ±90).
std::string StandardGeohash(double score);

// Haversine great-circle distance in meters.
double Distance(double lon1, double lat1, double lon2, double lat2);
// Distance along a meridian.
double LatDistance(double lat1, double lat2);
// Bits per axis of the 9 cells that cover a radius (in meters) at `lat`.
int EstimateStepsByRadius(double range_m, double lat);

// A search area: a circle of `radius` or a `width` x `height` box (in the
// query's unit; `conversion` is meters per unit) around (lon, lat).
struct Shape {
  enum Type { kCircle, kBox } type = kCircle;
  double lon = 0;
  double lat = 0;
  double conversion = 1;
  double radius = 0;
  double width = 0;
  double height = 0;
  // Bounding box (min lon, min lat, max lon, max lat), set by SearchCells.
  double bounds[4] = {0, 0, 0, 0};
};

// The cells to scan for a shape, in Redis's order (center, N, S, E, W, NE,
// NW, SE, SW); cells that cannot hold a match are zero (skip them).
std::array<HashBits, 9> SearchCells(Shape* shape);
// Scores of the cell: min <= score < max.
void ScoreRange(const HashBits& h, uint64_t* min, uint64_t* max);
// True if the member with `score` lies in the shape; sets its coordinates
// and its distance in meters from the center.
bool WithinShape(const Shape& shape, double score, double* lon, double* lat, double* dist_m);

}  // namespace yotta::geo
