// YottaStore. Licensed under the Apache License 2.0.
#include "core/value_codec.h"

#include "base/varint.h"

namespace yotta {

bool EncodeValue(const Entry* e, std::string* out) {
  out->push_back(static_cast<char>(e->type()));
  if (e->is_object()) {
    const ObjectOps& ops = GetObjectOps(e->type());
    if (!ops.dump) return false;
    ops.dump(e->obj(), out);
  } else {
    PutVarint(out, e->str().size());
    out->append(e->str());
  }
  return true;
}

Entry* DecodeValue(std::string_view in, std::string_view key, int64_t expire_ms, int64_t* bytes) {
  if (in.empty()) return nullptr;
  auto type = static_cast<ObjType>(static_cast<unsigned char>(in[0]));
  std::string_view body = in.substr(1);
  if (type == ObjType::kString) {
    uint64_t len;
    if (!GetVarint(&body, &len) || len != body.size()) return nullptr;
    return EntryAlloc::NewString(key, body, expire_ms, bytes);
  }
  if (static_cast<int>(type) >= kNumObjTypes) return nullptr;
  const ObjectOps& ops = GetObjectOps(type);
  if (!ops.restore) return nullptr;
  void* obj = ops.restore(body);
  if (!obj) return nullptr;
  if (ops.bytes) *bytes += static_cast<int64_t>(ops.bytes(obj));
  return EntryAlloc::NewObject(key, type, obj, expire_ms, bytes);
}

}  // namespace yotta
