// YottaStore. Licensed under the Apache License 2.0.
// JsonValue construction, copying, comparison and size estimates.
#include "core/json/json_value.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>

namespace yotta::json {

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.raw_[0] = static_cast<char>(Kind::kBool);
  v.raw_[1] = b ? 1 : 0;
  return v;
}

JsonValue JsonValue::Int(int64_t i) {
  JsonValue v;
  v.raw_[0] = static_cast<char>(Kind::kInt);
  v.Store(i);
  return v;
}

JsonValue JsonValue::Uint(uint64_t u) {
  if (u <= static_cast<uint64_t>(INT64_MAX)) return Int(static_cast<int64_t>(u));
  JsonValue v;
  v.raw_[0] = static_cast<char>(Kind::kUint);
  v.Store(u);
  return v;
}

JsonValue JsonValue::Double(double d) {
  JsonValue v;
  v.raw_[0] = static_cast<char>(Kind::kDouble);
  v.Store(d);
  return v;
}

JsonValue JsonValue::String(std::string_view s) {
  JsonValue v;
  v.raw_[0] = static_cast<char>(Kind::kString);
  if (s.size() <= kInline) {
    v.raw_[1] = static_cast<char>(s.size());
    if (!s.empty()) std::memcpy(v.raw_ + 2, s.data(), s.size());
  } else {
    v.raw_[1] = static_cast<char>(0xff);
    auto len = static_cast<uint32_t>(s.size());
    char* p = static_cast<char*>(std::malloc(4 + s.size()));
    std::memcpy(p, &len, 4);
    std::memcpy(p + 4, s.data(), s.size());
    v.Store(p);
  }
  return v;
}

JsonValue JsonValue::NewArray() {
  JsonValue v;
  v.raw_[0] = static_cast<char>(Kind::kArray);
  new (v.raw_ + 8) Array();
  return v;
}

JsonValue JsonValue::NewObject() {
  JsonValue v;
  v.raw_[0] = static_cast<char>(Kind::kObject);
  new (v.raw_ + 8) Object();
  return v;
}

void JsonValue::Reset() {
  switch (kind()) {
    case Kind::kString:
      if (static_cast<uint8_t>(raw_[1]) == 0xff) std::free(Load<char*>());
      break;
    case Kind::kArray: array().~Array(); break;
    case Kind::kObject: object().~Object(); break;
    default: break;
  }
  raw_[0] = static_cast<char>(Kind::kNull);
}

double JsonValue::number() const {
  switch (kind()) {
    case Kind::kInt: return static_cast<double>(as_int());
    case Kind::kUint: return static_cast<double>(as_uint());
    case Kind::kDouble: return as_double();
    default: return 0;
  }
}

std::string_view JsonValue::str() const {
  if (static_cast<uint8_t>(raw_[1]) != 0xff) return {raw_ + 2, static_cast<size_t>(raw_[1])};
  const char* p = Load<char*>();
  uint32_t len;
  std::memcpy(&len, p, 4);
  return {p + 4, len};
}

JsonValue* JsonValue::Find(std::string_view key) {
  for (Member& m : object()) {
    if (m.key.str() == key) return &m.value;
  }
  return nullptr;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  return const_cast<JsonValue*>(this)->Find(key);
}

JsonValue* JsonValue::Put(std::string_view key, JsonValue v) {
  if (JsonValue* slot = Find(key)) {
    *slot = std::move(v);
    return slot;
  }
  object().push_back(Member{String(key), std::move(v)});
  return &object().back().value;
}

bool JsonValue::Erase(std::string_view key) {
  Object& o = object();
  for (size_t i = 0; i < o.size(); ++i) {
    if (o[i].key.str() == key) {
      o.erase(o.begin() + i);
      return true;
    }
  }
  return false;
}

JsonValue JsonValue::Clone() const {
  switch (kind()) {
    case Kind::kString: return String(str());
    case Kind::kArray: {
      JsonValue v = NewArray();
      v.array().reserve(array().size());
      for (const JsonValue& x : array()) v.array().push_back(x.Clone());
      return v;
    }
    case Kind::kObject: {
      JsonValue v = NewObject();
      v.object().reserve(object().size());
      for (const Member& m : object()) v.object().push_back(Member{m.key.Clone(), m.value.Clone()});
      return v;
    }
    default: {
      JsonValue v;
      std::memcpy(v.raw_, raw_, 16);
      return v;
    }
  }
}

bool JsonValue::Equals(const JsonValue& o) const {
  if (is_number() && o.is_number()) {
    if (kind() == Kind::kDouble || o.kind() == Kind::kDouble) return number() == o.number();
    if (kind() != o.kind()) return false;  // int64 vs big uint64
    return as_int() == o.as_int();
  }
  if (kind() != o.kind()) return false;
  switch (kind()) {
    case Kind::kNull: return true;
    case Kind::kBool: return as_bool() == o.as_bool();
    case Kind::kString: return str() == o.str();
    case Kind::kArray: {
      if (array().size() != o.array().size()) return false;
      for (size_t i = 0; i < array().size(); ++i) {
        if (!array()[i].Equals(o.array()[i])) return false;
      }
      return true;
    }
    case Kind::kObject: {
      if (object().size() != o.object().size()) return false;
      for (const Member& m : object()) {
        const JsonValue* v = o.Find(m.key.str());
        if (!v || !m.value.Equals(*v)) return false;
      }
      return true;
    }
    default: return false;
  }
}

std::string_view JsonValue::TypeName() const {
  switch (kind()) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "boolean";
    case Kind::kInt:
    case Kind::kUint: return "integer";
    case Kind::kDouble: return "number";
    case Kind::kString: return "string";
    case Kind::kArray: return "array";
    case Kind::kObject: return "object";
  }
  return "null";
}

size_t JsonValue::MemUsage() const {
  size_t n = sizeof(JsonValue);
  switch (kind()) {
    case Kind::kString:
      if (static_cast<uint8_t>(raw_[1]) == 0xff) n += (4 + str().size() + 15) & ~size_t{15};
      break;
    case Kind::kArray:
      // The block minus the element slots the children count themselves.
      n += array().heap_bytes() - array().size() * sizeof(JsonValue);
      for (const JsonValue& x : array()) n += x.MemUsage();
      break;
    case Kind::kObject:
      n += object().heap_bytes() - object().size() * sizeof(Member);
      for (const Member& m : object()) n += m.key.MemUsage() + m.value.MemUsage();
      break;
    default: break;
  }
  return n;
}

int JsonValue::Depth() const {
  int d = 0;
  if (is_array()) {
    for (const JsonValue& x : array()) d = std::max(d, x.Depth());
    return d + 1;
  }
  if (is_object()) {
    for (const Member& m : object()) d = std::max(d, m.value.Depth());
    return d + 1;
  }
  return 0;
}

}  // namespace yotta::json
