// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/geohash. Expected scores, coordinates, geohash strings
// and distances were read from redis-server 7.0 (GEOADD/ZSCORE, GEOPOS,
// GEOHASH, GEODIST) for the same inputs.
#include "core/geohash.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "base/str_util.h"

namespace yotta::geo {
namespace {

std::string Fixed4(double d) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4f", d);
  return buf;
}

// GEOPOS's text for a coordinate.
std::string Coord(double d) { return FormatLongDouble(d); }

std::string Pos(double score) {
  double lon, lat;
  DecodeScore(score, &lon, &lat);
  return Coord(lon) + "," + Coord(lat);
}

}  // namespace

TEST_SUITE("geohash") {
  TEST_CASE("GEOADD scores match Redis") {
    CHECK(ScoreOf(13.361389, 38.115556) == 3479099956230698.0);
    CHECK(ScoreOf(15.087269, 37.502669) == 3479447370796909.0);
    CHECK(ScoreOf(0, 0) == 3377699720527872.0);
    CHECK(ScoreOf(-180, -85.05112878) == 0.0);
    // The upper edges carry into bits 52 and 53, as in Redis.
    CHECK(ScoreOf(180, 85.05112878) == 13510798882111488.0);
  }

  TEST_CASE("decoded coordinates match GEOPOS") {
    CHECK(Pos(3479099956230698.0) == "13.36138933897018433,38.11555639549629859");
    CHECK(Pos(0) == "-179.99999731779098511,-85.05112751263942528");
    CHECK(Pos(3377699720527872.0) == "0.00000268220901489,0.00000126736058093");
    CHECK(Pos(13510798882111488.0) == "180,85.0511287799999991");
    CHECK(Pos(4503599627370495.0) == "179.99999731779098511,85.05112751263942528");
    CHECK(Pos(1e15) == "-31.01234167814254761,-32.19914967503108016");
  }

  TEST_CASE("scores not made by GEOADD decode as Redis's x86 build does") {
    CHECK(ScoreToBits(-1) == ~0ULL);
    CHECK(ScoreToBits(-1e30) == 0x8000000000000000ULL);
    CHECK(ScoreToBits(1e20) == 0);
    CHECK(ScoreToBits(HUGE_VAL) == 0);
    CHECK(ScoreToBits(-HUGE_VAL) == 0x8000000000000000ULL);
    CHECK(ScoreToBits(9007199254740992.0) == 9007199254740992ULL);
    CHECK(Pos(-1) == "180,85.0511287799999991");
    CHECK(Pos(1e20) == "-179.99999731779098511,-85.05112751263942528");
    CHECK(Pos(-1e30) == "180,-85.05112751263942528");
  }

  TEST_CASE("GEOHASH strings match Redis") {
    CHECK(StandardGeohash(3479099956230698.0) == "sqc8b49rny0");
    CHECK(StandardGeohash(3479447370796909.0) == "sqdtr74hyu0");
    CHECK(StandardGeohash(13510798882111488.0) == "bp05b5048p0");
    CHECK(StandardGeohash(0) == "00bh0hbj200");
    CHECK(StandardGeohash(3377699720527872.0) == "s0000000000");
    CHECK(StandardGeohash(1e15) == "763by63d250");
    CHECK(StandardGeohash(4503599627370495.0) == "zzpgzgpfxz0");
    CHECK(StandardGeohash(ScoreOf(-73.7858139, 40.6428986)) == "dr5x0yyf1c0");
  }

  TEST_CASE("distances match GEODIST") {
    double lon1, lat1, lon2, lat2;
    DecodeScore(3479099956230698.0, &lon1, &lat1);
    DecodeScore(3479447370796909.0, &lon2, &lat2);
    CHECK(Fixed4(Distance(lon1, lat1, lon2, lat2)) == "166274.1516");
    CHECK(Fixed4(Distance(lon1, lat1, lon2, lat2) / 1000) == "166.2742");
    DecodeScore(ScoreOf(-73.7858139, 40.6428986), &lon1, &lat1);
    DecodeScore(ScoreOf(-74.0131604, 40.7126674), &lon2, &lat2);
    CHECK(Fixed4(Distance(lon1, lat1, lon2, lat2) / 1609.34) == "12.8550");
    CHECK(Fixed4(Distance(lon1, lat1, lon2, lat2) / 0.3048) == "67874.1569");
    CHECK(Distance(lon1, lat1, lon1, lat1) == 0);
    // Same meridian: the distance is the latitude arc.
    CHECK(Distance(10, 10, 10, 20) == LatDistance(10, 20));
  }

  TEST_CASE("decode inverts encode and cells tile the plane") {
    HashBits h;
    REQUIRE(EncodeWgs84(13.361389, 38.115556, 26, &h));
    Range lon_r, lat_r;
    Wgs84Ranges(&lon_r, &lat_r);
    Area a;
    REQUIRE(Decode(lon_r, lat_r, h, &a));
    CHECK(a.lon.min <= 13.361389);
    CHECK(a.lon.max > 13.361389);
    CHECK(a.lat.min <= 38.115556);
    CHECK(a.lat.max > 38.115556);
    CHECK_FALSE(EncodeWgs84(180.0001, 0, 26, &h));
    CHECK_FALSE(EncodeWgs84(0, 85.06, 26, &h));
    CHECK_FALSE(EncodeWgs84(0, 0, 0, &h));
    CHECK_FALSE(Decode(lon_r, lat_r, HashBits{}, &a));
    CHECK(Deinterleave64(Interleave64(0x12345678, 0x9abcdef0)) == 0x9abcdef012345678ULL);
  }

  TEST_CASE("neighbors are the adjacent cells and wrap around") {
    Range lon_r, lat_r;
    Wgs84Ranges(&lon_r, &lat_r);
    for (int step : {1, 5, 13, 26}) {
      HashBits h;
      REQUIRE(EncodeWgs84(10, 20, step, &h));
      Neighbors n;
      GetNeighbors(h, &n);
      Area c, north, south, east, west, ne, sw;
      Decode(lon_r, lat_r, h, &c);
      Decode(lon_r, lat_r, n.north, &north);
      Decode(lon_r, lat_r, n.south, &south);
      Decode(lon_r, lat_r, n.east, &east);
      Decode(lon_r, lat_r, n.west, &west);
      Decode(lon_r, lat_r, n.north_east, &ne);
      Decode(lon_r, lat_r, n.south_west, &sw);
      if (step > 1) {
        CHECK(north.lat.min == doctest::Approx(c.lat.max));
        CHECK(south.lat.max == doctest::Approx(c.lat.min));
        CHECK(east.lon.min == doctest::Approx(c.lon.max));
        CHECK(west.lon.max == doctest::Approx(c.lon.min));
        CHECK(ne.lat.min == doctest::Approx(c.lat.max));
        CHECK(ne.lon.min == doctest::Approx(c.lon.max));
        CHECK(sw.lat.max == doctest::Approx(c.lat.min));
      }
      CHECK(north.lon.min == c.lon.min);
      CHECK(east.lat.min == c.lat.min);
    }
    // At the east edge the east neighbor wraps to the west edge.
    HashBits h;
    REQUIRE(EncodeWgs84(179.9, 0, 8, &h));
    Neighbors n;
    GetNeighbors(h, &n);
    Area east;
    Decode(lon_r, lat_r, n.east, &east);
    CHECK(east.lon.min == -180);
  }

  TEST_CASE("step estimation follows Redis") {
    CHECK(EstimateStepsByRadius(0, 0) == 26);
    CHECK(EstimateStepsByRadius(1, 0) == 24);
    CHECK(EstimateStepsByRadius(1000, 0) == 14);
    CHECK(EstimateStepsByRadius(1000, 70) == 13);
    CHECK(EstimateStepsByRadius(1000, -85) == 12);
    CHECK(EstimateStepsByRadius(5e7, 0) == 1);
    CHECK(EstimateStepsByRadius(HUGE_VAL, 0) == 1);
  }

  TEST_CASE("search cells cover the shape and exclude useless neighbors") {
    Shape s;
    s.lon = 13.361389;
    s.lat = 38.115556;
    s.radius = 200;
    s.conversion = 1000;
    auto cells = SearchCells(&s);
    CHECK_FALSE(cells[0].zero());
    CHECK(s.bounds[0] < s.lon);
    CHECK(s.bounds[2] > s.lon);
    CHECK(s.bounds[1] < s.lat);
    CHECK(s.bounds[3] > s.lat);
    // Catania is 166 km away: some cell's score range holds it.
    double catania = ScoreOf(15.087269, 37.502669);
    bool covered = false;
    for (const HashBits& c : cells) {
      if (c.zero()) continue;
      uint64_t min, max;
      ScoreRange(c, &min, &max);
      covered |= catania >= static_cast<double>(min) && catania < static_cast<double>(max);
    }
    CHECK(covered);
    double lon, lat, dist;
    CHECK(WithinShape(s, catania, &lon, &lat, &dist));
    CHECK(Fixed4(dist / 1000) == "166.2742");
    s.radius = 100;
    CHECK_FALSE(WithinShape(s, catania, &lon, &lat, &dist));
  }

  TEST_CASE("box shape tests width and height separately") {
    Shape s;
    s.type = Shape::kBox;
    s.lon = -73.9798091;
    s.lat = 40.7598464;
    s.width = 6;
    s.height = 6;
    s.conversion = 1000;
    SearchCells(&s);
    double lon, lat, dist;
    CHECK(WithinShape(s, ScoreOf(-73.9733487, 40.7648057), &lon, &lat, &dist));
    CHECK(Fixed4(dist / 1000) == "0.7750");
    CHECK(WithinShape(s, ScoreOf(-73.9454966, 40.747533), &lon, &lat, &dist));
    CHECK(Fixed4(dist / 1000) == "3.1991");
    CHECK_FALSE(WithinShape(s, ScoreOf(-74.0131604, 40.7126674), &lon, &lat, &dist));
    s.width = 1;  // lic market is 2.9 km east: out of a 1 km wide box
    CHECK_FALSE(WithinShape(s, ScoreOf(-73.9454966, 40.747533), &lon, &lat, &dist));
  }

}  // TEST_SUITE

}  // namespace yotta::geo
