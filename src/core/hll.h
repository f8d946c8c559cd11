// YottaStore. Licensed under the Apache License 2.0.
// HyperLogLog in Redis's own string format, byte for byte, so that a HLL
// written by PFADD here GETs, DUMPs and PFCOUNTs exactly as in redis-server
// and vice versa.
//
// Layout: a 16-byte header "HYLL" | encoding (0 dense, 1 sparse) | 3 zero
// bytes | cached cardinality (8 bytes little endian; the top bit of the last
// byte set = stale), then the registers: 16384 registers of 6 bits. Dense
// packs them LSB first (12288 bytes). Sparse run-length codes them with
// ZERO (00xxxxxx: 1-64 zeros), XZERO (01xxxxxx yyyyyyyy: 1-16384 zeros) and
// VAL (1vvvvvll: 1-4 registers of value 1-32) opcodes, and is promoted to
// dense when a value above 32 is needed or it would grow past
// hll-sparse-max-bytes. Elements hash with MurmurHash64A (seed 0xadc83b19);
// cardinality is Ertl's improved estimator, as Redis 5+.
//
// Sparse updates follow Redis's algorithm step by step (split the covering
// opcode, then merge equal neighbouring VAL opcodes in a window of five), as
// the exact bytes depend on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yotta::hll {

inline constexpr int kP = 14;
inline constexpr int kRegisters = 1 << kP;  // 16384
inline constexpr int kQ = 64 - kP;          // hash bits left for the run
inline constexpr int kBits = 6;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kBits + 7) / 8;  // 12304
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;

// Redis's MurmurHash64A (endian-neutral version).
uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed);

// The register an element maps to and its "000..1" run length (1..51).
uint8_t PatLen(std::string_view ele, uint32_t* index);

// Redis's isHLLObjectOrReply test: long enough for a header, magic "HYLL",
// encoding dense or sparse, and a dense one exactly kDenseSize bytes.
bool IsValid(std::string_view s);
// REQUIRES: IsValid(s).
inline bool IsSparse(std::string_view s) { return static_cast<uint8_t>(s[4]) == kSparse; }

// An empty HLL as PFADD creates it: sparse, one XZERO:16384 (18 bytes).
std::string NewEmpty();

// The cached cardinality in the header (`h` points at the header).
bool CacheValid(const char* h);
uint64_t CachedCard(const char* h);
void StoreCard(char* h, uint64_t card);
void InvalidateCache(char* h);

// Dense registers (`regs` = the 12288 bytes after the header).
uint8_t DenseGet(const uint8_t* regs, uint32_t i);
void DenseSetRaw(uint8_t* regs, uint32_t i, uint8_t v);
// Raises register i to `count` if lower; true iff it changed.
bool DenseSet(uint8_t* regs, uint32_t i, uint8_t count);

// Adds an element to a dense HLL in place (`hll` = kDenseSize bytes).
// True iff a register changed. Does not touch the cache.
bool DenseAdd(char* hll, std::string_view ele);
// Raises register `index` to `count` in the HLL held in *hll (either
// encoding; sparse may be promoted to dense, growing the string). Returns 1
// if changed, 0 if not, -1 if the sparse form is corrupt.
int Set(std::string* hll, uint32_t index, uint8_t count, size_t sparse_max_bytes);
// Set() for an element's register and run length.
int Add(std::string* hll, std::string_view ele, size_t sparse_max_bytes);

// Rewrites a sparse HLL as dense (header and cache kept). False if the
// sparse form is corrupt (then *hll is unchanged).
bool SparseToDense(std::string* hll);

// max[i] = max(max[i], register i) over kRegisters bytes. False if corrupt.
bool MergeInto(std::string_view hll, uint8_t* max);

// Cardinality estimate of a valid HLL; false if the sparse form is corrupt.
bool Count(std::string_view hll, uint64_t* card);
// Cardinality of a register array of kRegisters bytes (multi-key PFCOUNT).
uint64_t CountRaw(const uint8_t* regs);

// PFDEBUG DECODE: "Z:16384", "z:3 v:2,1 ..." for a sparse HLL.
std::string DecodeSparse(std::string_view hll);

// PFSELFTEST: register access and estimator error checks (a lighter run
// than Redis's 10M elements so a shard is not stalled). Empty string on
// success, else Redis's "TESTFAILED ..." text.
std::string SelfTest(size_t sparse_max_bytes);

}  // namespace yotta::hll
