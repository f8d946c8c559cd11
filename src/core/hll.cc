// YottaStore. Licensed under the Apache License 2.0.
// HyperLogLog in Redis's string format: hashing, dense and sparse register
// access, sparse updates and promotion, merge, and the estimator.
#include "core/hll.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

namespace yotta::hll {
namespace {

constexpr uint64_t kSeed = 0xadc83b19ull;
constexpr uint8_t kRegMax = (1 << kBits) - 1;
constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)

// Sparse opcodes.
constexpr uint8_t kXZeroBit = 0x40;
constexpr uint8_t kValBit = 0x80;
constexpr int kValMaxValue = 32;
constexpr int kValMaxLen = 4;
constexpr int kZeroMaxLen = 64;
constexpr int kXZeroMaxLen = 16384;

bool IsZeroOp(uint8_t b) { return (b & 0xc0) == 0; }
bool IsXZeroOp(uint8_t b) { return (b & 0xc0) == kXZeroBit; }
bool IsValOp(uint8_t b) { return (b & kValBit) != 0; }
int ZeroLen(uint8_t b) { return (b & 0x3f) + 1; }
int XZeroLen(uint8_t b0, uint8_t b1) { return (((b0 & 0x3f) << 8) | b1) + 1; }
int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
int ValLen(uint8_t b) { return (b & 3) + 1; }
uint8_t ValOp(int val, int len) { return static_cast<uint8_t>(((val - 1) << 2) | (len - 1) | kValBit); }

// Appends a ZERO or XZERO opcode for `len` zero registers at *n.
void PutZeros(uint8_t** n, int len) {
  if (len > kZeroMaxLen) {
    int l = len - 1;
    (*n)[0] = static_cast<uint8_t>((l >> 8) | kXZeroBit);
    (*n)[1] = static_cast<uint8_t>(l & 0xff);
    *n += 2;
  } else {
    *(*n)++ = static_cast<uint8_t>(len - 1);
  }
}

uint8_t* Bytes(std::string* s) { return reinterpret_cast<uint8_t*>(s->data()); }
const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// An XZERO opcode cut short by the end of a (corrupt) string: Redis reads
// the string's NUL terminator as its second byte. We do the same, reading 0,
// so that even corrupt values behave exactly as in redis-server.
//
// Walks the sparse opcodes of `hll`, calling val(first_register, run, value)
// for each VAL run that fits. True iff the runs cover exactly kRegisters
// registers.
template <class F>
bool WalkSparse(std::string_view hll, F&& val) {
  const uint8_t* p = Bytes(hll) + kHeaderSize;
  const uint8_t* end = Bytes(hll) + hll.size();
  long idx = 0;
  while (p < end) {
    uint8_t b = *p;
    if (IsZeroOp(b)) {
      idx += ZeroLen(b);
      ++p;
    } else if (IsXZeroOp(b)) {
      idx += XZeroLen(b, p + 1 < end ? p[1] : 0);  // cut short: see above
      p += 2;
    } else {
      int run = ValLen(b);
      if (idx + run > kRegisters) return false;
      val(static_cast<uint32_t>(idx), run, ValValue(b));
      idx += run;
      ++p;
    }
  }
  return idx == kRegisters;
}

// Merges equal adjacent VAL opcodes (combined run <= 4) looking at up to
// five opcodes from `from` (Redis's step 4 of a sparse update).
void MergeAdjacentVals(std::string* hll, size_t from) {
  size_t p = kHeaderSize + from;
  int scan = 5;
  while (p < hll->size() && scan-- != 0) {
    uint8_t* s = Bytes(hll);
    if (IsXZeroOp(s[p])) {
      p += 2;
      continue;
    }
    if (IsZeroOp(s[p])) {
      ++p;
      continue;
    }
    if (p + 1 < hll->size() && IsValOp(s[p + 1]) && ValValue(s[p]) == ValValue(s[p + 1])) {
      int len = ValLen(s[p]) + ValLen(s[p + 1]);
      if (len <= kValMaxLen) {
        s[p + 1] = ValOp(ValValue(s[p]), len);
        hll->erase(p, 1);
        continue;  // try merging the merged run with its right neighbour
      }
    }
    ++p;
  }
}

// Promotes a sparse HLL to dense and raises the register there.
int Promote(std::string* hll, uint32_t index, uint8_t count) {
  if (!SparseToDense(hll)) return -1;
  DenseSet(Bytes(hll) + kHeaderSize, index, count);
  return 1;
}

// Redis's hllSparseSet.
int SparseSet(std::string* hll, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kValMaxValue) return Promote(hll, index, count);

  // Step 1: find the opcode covering `index`.
  const uint8_t* s = Bytes(hll);
  size_t end = hll->size(), p = kHeaderSize, prev = 0;
  bool has_prev = false;
  long first = 0, span = 0;
  int oplen = 1;
  while (p < end) {
    uint8_t b = s[p];
    oplen = 1;
    if (IsZeroOp(b)) {
      span = ZeroLen(b);
    } else if (IsValOp(b)) {
      span = ValLen(b);
    } else {
      span = XZeroLen(b, p + 1 < end ? s[p + 1] : 0);  // cut short: see WalkSparse
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    has_prev = true;
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= end) return -1;

  uint8_t op = s[p];
  bool is_val = IsValOp(op), is_xzero = IsXZeroOp(op), is_zero = IsZeroOp(op);
  long run = span;
  size_t merge_from = (has_prev ? prev : kHeaderSize) - kHeaderSize;

  // Step 2: the trivial cases update the opcode in place.
  if (is_val) {
    if (ValValue(op) >= count) return 0;
    if (run == 1) {
      Bytes(hll)[p] = ValOp(count, 1);
      MergeAdjacentVals(hll, merge_from);
      InvalidateCache(hll->data());
      return 1;
    }
  }
  if (is_zero && run == 1) {
    Bytes(hll)[p] = ValOp(count, 1);
    MergeAdjacentVals(hll, merge_from);
    InvalidateCache(hll->data());
    return 1;
  }

  // Otherwise split the opcode into up to three: before, ours, after.
  uint8_t seq[5], *n = seq;
  long last = first + span - 1;
  if (is_zero || is_xzero) {
    if (index != first) PutZeros(&n, static_cast<int>(index - first));
    *n++ = ValOp(count, 1);
    if (index != last) PutZeros(&n, static_cast<int>(last - index));
  } else {
    int cur = ValValue(op);
    if (index != first) *n++ = ValOp(cur, static_cast<int>(index - first));
    *n++ = ValOp(count, 1);
    if (index != last) *n++ = ValOp(cur, static_cast<int>(last - index));
  }
  // Step 3: replace it, unless the string would outgrow the sparse limit.
  size_t seqlen = n - seq, oldlen = is_xzero ? 2 : 1;
  if (seqlen > oldlen && hll->size() + (seqlen - oldlen) > sparse_max_bytes) {
    return Promote(hll, index, count);
  }
  if (p + oldlen > end) {
    // A cut-short XZERO: Redis writes the sequence over it and its NUL
    // terminator, growing the string by seqlen - 2, so the last byte written
    // becomes the new terminator.
    hll->resize(p);
    hll->append(reinterpret_cast<const char*>(seq), seqlen - 1);
  } else {
    hll->replace(p, oldlen, reinterpret_cast<const char*>(seq), seqlen);
  }
  // Step 4: merge equal neighbours.
  MergeAdjacentVals(hll, merge_from);
  InvalidateCache(hll->data());
  return 1;
}

double Sigma(double x) {
  if (x == 1.) return std::numeric_limits<double>::infinity();
  double z_prime, y = 1, z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime, y = 1.0, z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z_prime != z);
  return z / 3;
}

// Ertl's estimator from the histogram of register values (64 entries, so a
// crafted register up to 63 stays in bounds). The operation order matters
// for bit-identical results with Redis.
uint64_t Estimate(const int* histo) {
  double m = kRegisters;
  double z = m * Tau((m - histo[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * Sigma(histo[0] / m);
  return static_cast<uint64_t>(llroundl(kAlphaInf * m * m / z));
}

void DenseHisto(const uint8_t* r, int* histo) {
  // Four 6-bit registers per 3 bytes.
  for (int j = 0; j < kRegisters / 4; ++j, r += 3) {
    histo[r[0] & 63]++;
    histo[((r[0] >> 6) | (r[1] << 2)) & 63]++;
    histo[((r[1] >> 4) | (r[2] << 4)) & 63]++;
    histo[r[2] >> 2]++;
  }
}

}  // namespace

uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  const int r = 47;
  // Redis passes the length as an int; lengths here are below 2^31.
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * m);
  const uint8_t* data = static_cast<const uint8_t*>(key);
  const uint8_t* end = data + (len - (len & 7));
  for (; data != end; data += 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | data[i];  // little endian
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  size_t tail = len & 7;
  if (tail) {
    for (size_t i = tail; i-- > 0;) h ^= static_cast<uint64_t>(data[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

uint8_t PatLen(std::string_view ele, uint32_t* index) {
  uint64_t hash = MurmurHash64A(ele.data(), ele.size(), kSeed);
  *index = static_cast<uint32_t>(hash & (kRegisters - 1));
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // the run ends by bit Q at the latest
  return static_cast<uint8_t>(__builtin_ctzll(hash) + 1);
}

bool IsValid(std::string_view s) {
  if (s.size() < kHeaderSize || s.substr(0, 4) != "HYLL") return false;
  uint8_t enc = static_cast<uint8_t>(s[4]);
  if (enc > kSparse) return false;
  return enc != kDense || s.size() == kDenseSize;
}

std::string NewEmpty() {
  std::string s(kHeaderSize + 2, '\0');
  std::memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(kSparse);
  int l = kXZeroMaxLen - 1;
  s[kHeaderSize] = static_cast<char>((l >> 8) | kXZeroBit);
  s[kHeaderSize + 1] = static_cast<char>(l & 0xff);
  return s;
}

bool CacheValid(const char* h) { return (static_cast<uint8_t>(h[15]) & 0x80) == 0; }

uint64_t CachedCard(const char* h) {
  uint64_t card = 0;
  for (int i = 7; i >= 0; --i) card = (card << 8) | static_cast<uint8_t>(h[8 + i]);
  return card;
}

void StoreCard(char* h, uint64_t card) {
  for (int i = 0; i < 8; ++i) h[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void InvalidateCache(char* h) { h[15] = static_cast<char>(static_cast<uint8_t>(h[15]) | 0x80); }

uint8_t DenseGet(const uint8_t* regs, uint32_t i) {
  uint32_t bit = i * kBits, byte = bit >> 3, fb = bit & 7;
  unsigned v = regs[byte] >> fb;
  if (fb > 8 - kBits) v |= static_cast<unsigned>(regs[byte + 1]) << (8 - fb);
  return static_cast<uint8_t>(v & kRegMax);
}

void DenseSetRaw(uint8_t* regs, uint32_t i, uint8_t v) {
  uint32_t bit = i * kBits, byte = bit >> 3, fb = bit & 7;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(kRegMax << fb)) | (v << fb));
  if (fb > 8 - kBits) {
    unsigned hi = 8 - fb;  // bits already stored in the first byte
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(kRegMax >> hi)) | (v >> hi));
  }
}

bool DenseSet(uint8_t* regs, uint32_t i, uint8_t count) {
  if (count <= DenseGet(regs, i)) return false;
  DenseSetRaw(regs, i, count);
  return true;
}

bool DenseAdd(char* hll, std::string_view ele) {
  uint32_t index;
  uint8_t count = PatLen(ele, &index);
  return DenseSet(reinterpret_cast<uint8_t*>(hll) + kHeaderSize, index, count);
}

int Set(std::string* hll, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (static_cast<uint8_t>((*hll)[4]) == kDense) {
    return DenseSet(Bytes(hll) + kHeaderSize, index, count) ? 1 : 0;
  }
  return SparseSet(hll, index, count, sparse_max_bytes);
}

int Add(std::string* hll, std::string_view ele, size_t sparse_max_bytes) {
  uint32_t index;
  uint8_t count = PatLen(ele, &index);
  return Set(hll, index, count, sparse_max_bytes);
}

bool SparseToDense(std::string* hll) {
  if (static_cast<uint8_t>((*hll)[4]) == kDense) return true;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), hll->data(), kHeaderSize);  // magic and cached card
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = Bytes(&dense) + kHeaderSize;
  bool ok = WalkSparse(*hll, [&](uint32_t first, int run, int val) {
    for (int k = 0; k < run; ++k) DenseSetRaw(regs, first + k, static_cast<uint8_t>(val));
  });
  if (!ok) return false;
  hll->swap(dense);
  return true;
}

bool MergeInto(std::string_view hll, uint8_t* max) {
  if (!IsSparse(hll)) {
    const uint8_t* regs = Bytes(hll) + kHeaderSize;
    for (uint32_t i = 0; i < kRegisters; ++i) {
      uint8_t v = DenseGet(regs, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  return WalkSparse(hll, [&](uint32_t first, int run, int val) {
    for (int k = 0; k < run; ++k) {
      if (val > max[first + k]) max[first + k] = static_cast<uint8_t>(val);
    }
  });
}

bool Count(std::string_view hll, uint64_t* card) {
  int histo[64] = {0};
  if (!IsSparse(hll)) {
    DenseHisto(Bytes(hll) + kHeaderSize, histo);
  } else {
    int nonzero = 0;
    bool ok = WalkSparse(hll, [&](uint32_t, int run, int val) {
      histo[val] += run;
      nonzero += run;
    });
    if (!ok) return false;
    histo[0] = kRegisters - nonzero;
  }
  *card = Estimate(histo);
  return true;
}

uint64_t CountRaw(const uint8_t* regs) {
  int histo[64] = {0};
  for (int i = 0; i < kRegisters; ++i) histo[regs[i] & 63]++;
  return Estimate(histo);
}

std::string DecodeSparse(std::string_view hll) {
  std::string out;
  const uint8_t* p = Bytes(hll) + kHeaderSize;
  const uint8_t* end = Bytes(hll) + hll.size();
  while (p < end) {
    if (!out.empty()) out += ' ';
    if (IsZeroOp(*p)) {
      out += "z:" + std::to_string(ZeroLen(*p));
      ++p;
    } else if (IsXZeroOp(*p)) {
      // Redis reads the string's NUL terminator for a cut-short XZERO.
      uint8_t b1 = p + 1 < end ? p[1] : 0;
      out += "Z:" + std::to_string(XZeroLen(*p, b1));
      p += 2;
    } else {
      out += "v:" + std::to_string(ValValue(*p)) + "," + std::to_string(ValLen(*p));
      ++p;
    }
  }
  return out;
}

std::string SelfTest(size_t sparse_max_bytes) {
  uint64_t rng = 0x2545F4914F6CDD1Dull;
  auto next = [&rng] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  char msg[128];
  // Test 1: every register keeps its value and leaves its neighbours alone.
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize), want(kRegisters);
  for (int cycle = 0; cycle < 20; ++cycle) {
    for (uint32_t i = 0; i < kRegisters; ++i) {
      want[i] = static_cast<uint8_t>(next() & kRegMax);
      DenseSetRaw(regs.data(), i, want[i]);
    }
    for (uint32_t i = 0; i < kRegisters; ++i) {
      uint8_t got = DenseGet(regs.data(), i);
      if (got != want[i]) {
        std::snprintf(msg, sizeof(msg), "TESTFAILED Register %u should be %d but is %d", i, want[i], got);
        return msg;
      }
    }
  }
  // Test 2: dense and sparse agree, and the error stays within 6 standard
  // errors (1 at cardinality 10), at each power of ten.
  std::string dense(kDenseSize, '\0'), sparse = NewEmpty();
  std::memcpy(dense.data(), "HYLL", 4);
  double relerr = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  uint64_t seed = next(), checkpoint = 1;
  for (uint64_t j = 1; j <= 100000; ++j) {
    uint64_t ele = j ^ seed;
    std::string_view e(reinterpret_cast<const char*>(&ele), sizeof(ele));
    DenseAdd(dense.data(), e);
    Add(&sparse, e, sparse_max_bytes);
    if (j != checkpoint) continue;
    if (j < sparse_max_bytes / 2 && !IsSparse(sparse)) return "TESTFAILED sparse encoding not used";
    uint64_t cd = 0, cs = 0;
    Count(dense, &cd);
    Count(sparse, &cs);
    if (cd != cs) return "TESTFAILED dense/sparse disagree";
    int64_t abserr = static_cast<int64_t>(checkpoint) - static_cast<int64_t>(cd);
    if (abserr < 0) abserr = -abserr;
    uint64_t maxerr = j == 10 ? 1 : static_cast<uint64_t>(std::ceil(relerr * 6 * checkpoint));
    if (static_cast<uint64_t>(abserr) > maxerr) {
      std::snprintf(msg, sizeof(msg), "TESTFAILED Too big error. card:%llu abserr:%llu",
                    static_cast<unsigned long long>(checkpoint), static_cast<unsigned long long>(abserr));
      return msg;
    }
    checkpoint *= 10;
  }
  return "";
}

}  // namespace yotta::hll
