// YottaStore. Licensed under the Apache License 2.0.
// Listpack: a compact sequence of byte strings in one allocation, the
// small-collection encoding of lists, hashes, sets and sorted sets (the idea
// of Redis's listpack; our own format, never exposed to clients).
//
//   [bytes u32][count u32] entry* ; entry = [len varint][data][back varint]
//
// `back` is the size of len+data written as a varint read backwards, so the
// list walks both ways. A position is the byte offset of an entry;
// lp::End(lp) is one past the last entry (also the insert-at-end position).
// Functions that change the size return the (possibly moved) listpack and
// invalidate positions after the change point. O(1) at the ends for reads;
// an insert or delete moves the bytes after it (keep listpacks small).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace yotta::lp {

using Pos = uint32_t;

uint8_t* New();
void Free(uint8_t* lp);
// Allocated bytes (for memory accounting).
size_t Bytes(const uint8_t* lp);
uint32_t Count(const uint8_t* lp);
uint8_t* Clone(const uint8_t* lp);

Pos First(const uint8_t* lp);  // == End(lp) if empty
Pos End(const uint8_t* lp);
Pos Last(const uint8_t* lp);   // == End(lp) if empty
Pos Next(const uint8_t* lp, Pos p);  // End(lp) after the last
Pos Prev(const uint8_t* lp, Pos p);  // End(lp) before the first (REQUIRES p != First)
bool HasPrev(const uint8_t* lp, Pos p);
std::string_view Get(const uint8_t* lp, Pos p);
// The entry at index i (negative: from the end, -1 = last); End(lp) if out
// of range. Walks from the nearer end.
Pos Seek(const uint8_t* lp, int64_t i);
// The first entry equal to s at or after p, testing every (skip+1)-th entry
// (skip = 1 walks the fields of a field/value listpack); End(lp) if none.
Pos Find(const uint8_t* lp, Pos p, std::string_view s, uint32_t skip = 0);

// Inserts s before p (p = End(lp) appends).
uint8_t* Insert(uint8_t* lp, Pos p, std::string_view s);
uint8_t* Append(uint8_t* lp, std::string_view s);
uint8_t* Prepend(uint8_t* lp, std::string_view s);
// Deletes n entries starting at p (fewer if the list ends first).
uint8_t* Delete(uint8_t* lp, Pos p, uint32_t n = 1);
uint8_t* Replace(uint8_t* lp, Pos p, std::string_view s);

// Serialized form for DUMP/RESTORE: the raw bytes; Validate checks a
// payload completely (every length in bounds, count matches) before use.
std::string_view Raw(const uint8_t* lp);
uint8_t* FromRaw(std::string_view raw);  // nullptr if invalid

}  // namespace yotta::lp
