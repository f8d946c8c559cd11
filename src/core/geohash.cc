// YottaStore. Licensed under the Apache License 2.0.
// Geohash arithmetic. Every formula keeps Redis's operation order so that
// scores, coordinates and distances round exactly as Redis's do.
#include "core/geohash.h"

#include <cmath>

namespace yotta::geo {
namespace {

constexpr double kDegRad = M_PI / 180.0;
// Half the Mercator world width: the step estimate doubles up to it.
constexpr double kMercatorMax = 20037726.37;

double DegRad(double deg) { return deg * kDegRad; }
double RadDeg(double rad) { return rad / kDegRad; }

void MoveX(HashBits* h, int d) {
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0x5555555555555555ULL >> (64 - h->step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2));
  h->bits = x | y;
}

void MoveY(HashBits* h, int d) {
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= (0x5555555555555555ULL >> (64 - h->step * 2));
  h->bits = x | y;
}

// cvttsd2si: truncation, or 0x8000000000000000 when out of int64 range.
uint64_t TruncToInt64Bits(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d >= -kTwo63 && d < kTwo63) return static_cast<uint64_t>(static_cast<int64_t>(d));
  return 0x8000000000000000ULL;
}

// The box (min lon, min lat, max lon, max lat) enclosing the shape. Meridians
// converge, so the wider edge of the box is the one nearer the equator.
void BoundingBox(Shape* s) {
  bool circle = s->type == Shape::kCircle;
  double height = s->conversion * (circle ? s->radius : s->height / 2);
  double width = s->conversion * (circle ? s->radius : s->width / 2);
  const double lat_delta = RadDeg(height / kEarthRadiusM);
  const double lon_delta_top = RadDeg(width / kEarthRadiusM / std::cos(DegRad(s->lat + lat_delta)));
  const double lon_delta_bottom =
      RadDeg(width / kEarthRadiusM / std::cos(DegRad(s->lat - lat_delta)));
  bool south = s->lat < 0;
  s->bounds[0] = south ? s->lon - lon_delta_bottom : s->lon - lon_delta_top;
  s->bounds[2] = south ? s->lon + lon_delta_bottom : s->lon + lon_delta_top;
  s->bounds[1] = s->lat - lat_delta;
  s->bounds[3] = s->lat + lat_delta;
}

struct Cells {
  HashBits hash;
  Neighbors nb;
  Area area;
};

// False for a center outside the WGS84 ranges (callers validate it first).
bool CellsAt(double lon, double lat, int steps, Cells* c) {
  Range lon_r, lat_r;
  Wgs84Ranges(&lon_r, &lat_r);
  if (!Encode(lon_r, lat_r, lon, lat, steps, &c->hash)) return false;
  GetNeighbors(c->hash, &c->nb);
  Decode(lon_r, lat_r, c->hash, &c->area);
  return true;
}

// True if one of the 4 side neighbors ends inside the bounding box: the
// 3x3 cells then do not cover it and need to be one step coarser.
bool NeighborsTooSmall(const Cells& c, const double* b) {
  Range lon_r, lat_r;
  Wgs84Ranges(&lon_r, &lat_r);
  Area n, s, e, w;
  Decode(lon_r, lat_r, c.nb.north, &n);
  Decode(lon_r, lat_r, c.nb.south, &s);
  Decode(lon_r, lat_r, c.nb.east, &e);
  Decode(lon_r, lat_r, c.nb.west, &w);
  return n.lat.max < b[3] || s.lat.min > b[1] || e.lon.max < b[2] || w.lon.min > b[0];
}

}  // namespace

uint64_t Interleave64(uint32_t xlo, uint32_t ylo) {
  static const uint64_t B[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                               0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL};
  static const unsigned S[] = {1, 2, 4, 8, 16};
  uint64_t x = xlo, y = ylo;
  for (int i = 4; i >= 0; --i) {
    x = (x | (x << S[i])) & B[i];
    y = (y | (y << S[i])) & B[i];
  }
  return x | (y << 1);
}

uint64_t Deinterleave64(uint64_t v) {
  static const uint64_t B[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                               0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL, 0x00000000FFFFFFFFULL};
  static const unsigned S[] = {0, 1, 2, 4, 8, 16};
  uint64_t x = v, y = v >> 1;
  for (int i = 0; i < 6; ++i) {
    x = (x | (x >> S[i])) & B[i];
    y = (y | (y >> S[i])) & B[i];
  }
  return x | (y << 32);
}

void Wgs84Ranges(Range* lon, Range* lat) {
  *lon = {kLonMin, kLonMax};
  *lat = {kLatMin, kLatMax};
}

bool Encode(const Range& lon_r, const Range& lat_r, double lon, double lat, int step,
            HashBits* out) {
  if (step > 32 || step <= 0) return false;
  if (lon > 180 || lon < -180 || lat > kLatMax || lat < kLatMin) return false;
  if (lat < lat_r.min || lat > lat_r.max || lon < lon_r.min || lon > lon_r.max) return false;
  double lat_offset = (lat - lat_r.min) / (lat_r.max - lat_r.min);
  double lon_offset = (lon - lon_r.min) / (lon_r.max - lon_r.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  // At the upper edge an offset is exactly 2^step: Redis keeps that carry.
  out->bits = Interleave64(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(lon_offset));
  out->step = static_cast<uint8_t>(step);
  return true;
}

bool EncodeWgs84(double lon, double lat, int step, HashBits* out) {
  Range lon_r, lat_r;
  Wgs84Ranges(&lon_r, &lat_r);
  return Encode(lon_r, lat_r, lon, lat, step, out);
}

bool Decode(const Range& lon_r, const Range& lat_r, const HashBits& h, Area* out) {
  if (h.zero()) return false;
  out->hash = h;
  uint64_t sep = Deinterleave64(h.bits);
  double lat_scale = lat_r.max - lat_r.min;
  double lon_scale = lon_r.max - lon_r.min;
  uint32_t ilat = static_cast<uint32_t>(sep);
  uint32_t ilon = static_cast<uint32_t>(sep >> 32);
  double cells = static_cast<double>(1ULL << h.step);
  // ilat + 1 is computed in 32 bits, as Redis does (wraps for 0xffffffff).
  out->lat.min = lat_r.min + (ilat * 1.0 / cells) * lat_scale;
  out->lat.max = lat_r.min + (static_cast<uint32_t>(ilat + 1) * 1.0 / cells) * lat_scale;
  out->lon.min = lon_r.min + (ilon * 1.0 / cells) * lon_scale;
  out->lon.max = lon_r.min + (static_cast<uint32_t>(ilon + 1) * 1.0 / cells) * lon_scale;
  return true;
}

bool DecodeToLonLat(const HashBits& h, double* lon, double* lat) {
  Range lon_r, lat_r;
  Wgs84Ranges(&lon_r, &lat_r);
  Area a;
  if (!Decode(lon_r, lat_r, h, &a)) return false;
  *lon = std::fmin(std::fmax((a.lon.min + a.lon.max) / 2, kLonMin), kLonMax);
  *lat = std::fmin(std::fmax((a.lat.min + a.lat.max) / 2, kLatMin), kLatMax);
  return true;
}

uint64_t Align52(const HashBits& h) { return h.bits << (52 - h.step * 2); }

void GetNeighbors(const HashBits& h, Neighbors* n) {
  n->east = n->west = n->north = n->south = h;
  n->north_east = n->north_west = n->south_east = n->south_west = h;
  MoveX(&n->east, 1);
  MoveX(&n->west, -1);
  MoveY(&n->south, -1);
  MoveY(&n->north, 1);
  MoveX(&n->north_west, -1);
  MoveY(&n->north_west, 1);
  MoveX(&n->south_west, -1);
  MoveY(&n->south_west, -1);
  MoveX(&n->north_east, 1);
  MoveY(&n->north_east, 1);
  MoveX(&n->south_east, 1);
  MoveY(&n->south_east, -1);
}

uint64_t ScoreToBits(double score) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(score >= kTwo63)) return TruncToInt64Bits(score);  // also NaN
  return TruncToInt64Bits(score - kTwo63) ^ 0x8000000000000000ULL;
}

void DecodeScore(double score, double* lon, double* lat) {
  DecodeToLonLat(HashBits{ScoreToBits(score), kStepMax}, lon, lat);
}

double ScoreOf(double lon, double lat) {
  HashBits h;
  EncodeWgs84(lon, lat, kStepMax, &h);
  return static_cast<double>(Align52(h));
}

std::string StandardGeohash(double score) {
  static const char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lon, lat;
  DecodeScore(score, &lon, &lat);
  HashBits h;
  Encode(Range{-180, 180}, Range{-90, 90}, lon, lat, kStepMax, &h);
  std::string out(11, '0');
  // 52 bits make 10 characters and 2 bits; the 11th is '0' as in Redis.
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(h.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

double LatDistance(double lat1, double lat2) {
  return kEarthRadiusM * std::fabs(DegRad(lat2) - DegRad(lat1));
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  double lon1r = DegRad(lon1);
  double lon2r = DegRad(lon2);
  double v = std::sin((lon2r - lon1r) / 2);
  if (v == 0.0) return LatDistance(lat1, lat2);
  double lat1r = DegRad(lat1);
  double lat2r = DegRad(lat2);
  double u = std::sin((lat2r - lat1r) / 2);
  double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusM * std::asin(std::sqrt(a));
}

int EstimateStepsByRadius(double range_m, double lat) {
  if (range_m == 0) return 26;
  int step = 1;
  while (range_m < kMercatorMax) {
    range_m *= 2;
    step++;
  }
  step -= 2;  // so that the range fits in most cases
  // Cells narrow towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

std::array<HashBits, 9> SearchCells(Shape* s) {
  BoundingBox(s);
  const double* b = s->bounds;
  double radius_m =
      s->type == Shape::kCircle
          ? s->radius
          : std::sqrt((s->width / 2) * (s->width / 2) + (s->height / 2) * (s->height / 2));
  radius_m *= s->conversion;
  int steps = EstimateStepsByRadius(radius_m, s->lat);
  Cells c;
  if (!CellsAt(s->lon, s->lat, steps, &c)) return {};
  if (steps > 1 && NeighborsTooSmall(c, b)) CellsAt(s->lon, s->lat, --steps, &c);
  // Drop the neighbors that lie wholly outside the bounding box.
  Neighbors& n = c.nb;
  if (steps >= 2) {
    if (c.area.lat.min < b[1]) n.south = n.south_west = n.south_east = HashBits{};
    if (c.area.lat.max > b[3]) n.north = n.north_east = n.north_west = HashBits{};
    if (c.area.lon.min < b[0]) n.west = n.south_west = n.north_west = HashBits{};
    if (c.area.lon.max > b[2]) n.east = n.south_east = n.north_east = HashBits{};
  }
  return {c.hash,       n.north,      n.south,      n.east,      n.west,
          n.north_east, n.north_west, n.south_east, n.south_west};
}

void ScoreRange(const HashBits& h, uint64_t* min, uint64_t* max) {
  *min = Align52(h);
  HashBits next = h;
  next.bits++;
  *max = Align52(next);
}

bool WithinShape(const Shape& s, double score, double* lon, double* lat, double* dist_m) {
  DecodeScore(score, lon, lat);
  if (s.type == Shape::kCircle) {
    *dist_m = Distance(s.lon, s.lat, *lon, *lat);
    return *dist_m <= s.radius * s.conversion;
  }
  double width_m = s.width * s.conversion;
  double height_m = s.height * s.conversion;
  // Latitude first: it is the cheaper test.
  if (LatDistance(*lat, s.lat) > height_m / 2) return false;
  if (Distance(*lon, *lat, s.lon, *lat) > width_m / 2) return false;
  *dist_m = Distance(s.lon, s.lat, *lon, *lat);
  return true;
}

}  // namespace yotta::geo
