// YottaStore. Licensed under the Apache License 2.0.
// The serialized form of one value, shared by DUMP/RESTORE and the RocksDB
// records (storage): [type 1 byte = ObjType] [type payload], where the type
// payload is, for strings, a varint length and the bytes, and for every
// other type whatever its ObjectOps::dump writes (ObjectOps::restore reads
// it back and rejects malformed input).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/entry.h"

namespace yotta {

// Appends e's value; false if its type has no dump hook.
bool EncodeValue(const Entry* e, std::string* out);
// Builds an entry named `key` from EncodeValue's bytes, charged to *bytes
// (entry and object); nullptr if the bytes are malformed.
Entry* DecodeValue(std::string_view in, std::string_view key, int64_t expire_ms, int64_t* bytes);

}  // namespace yotta
