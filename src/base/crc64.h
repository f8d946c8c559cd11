// YottaStore. Licensed under the Apache License 2.0.
// CRC-64/Jones as Redis computes it for DUMP payloads: reflected, polynomial
// 0xad93d23594c935a9, initial value 0, no final xor.
#pragma once

#include <cstdint>
#include <string_view>

namespace yotta {

uint64_t Crc64(std::string_view s);

}  // namespace yotta
