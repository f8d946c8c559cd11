// YottaStore. Licensed under the Apache License 2.0.
// JsonValue: one node of a JSON document in 16 bytes. Strings of up to 14
// bytes live inline; longer ones in one heap block [len 4][bytes]. Numbers
// keep their kind (int64, uint64 or double) so they print back as RedisJSON
// (serde_json) prints them. Arrays hold a CompactVec of nodes (one heap
// block, 8 bytes of header, 16 per element); objects a CompactVec of (key
// node, value node) pairs in insertion order (32 bytes per member; keys are
// string nodes, so keys up to 14 bytes are inline). Lookups in objects are
// linear: documents are small and this keeps members at 32 bytes. Stored
// documents up to 32 KB of text are kept as text, not as trees (see
// commands/json_common.h): trees hold big documents and the values a
// command works on.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yotta::json {

enum class Kind : uint8_t { kNull, kBool, kInt, kUint, kDouble, kString, kArray, kObject };

// A vector in one pointer: nullptr when empty, else one heap block
// [size 4][capacity 4][elements]. It lives inside its JsonValue's 16 bytes,
// so a container costs one allocation (none when empty). Elements are
// moved by memcpy/realloc: JsonValue and Member are trivially relocatable
// (no pointers into themselves).
template <class T>
class CompactVec {
 public:
  CompactVec() = default;
  ~CompactVec() {
    clear();
    std::free(b_);
  }
  CompactVec(const CompactVec&) = delete;
  CompactVec& operator=(const CompactVec&) = delete;

  size_t size() const { return b_ ? b_->size : 0; }
  size_t capacity() const { return b_ ? b_->cap : 0; }
  bool empty() const { return size() == 0; }
  // Bytes of the heap block.
  size_t heap_bytes() const { return b_ ? sizeof(Head) + b_->cap * sizeof(T) : 0; }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  T& back() { return data()[size() - 1]; }

  void reserve(size_t n) {
    if (n <= capacity()) return;
    size_t sz = size();
    auto* nb = static_cast<Head*>(std::realloc(b_, sizeof(Head) + n * sizeof(T)));
    if (!nb) std::abort();
    b_ = nb;
    b_->size = static_cast<uint32_t>(sz);
    b_->cap = static_cast<uint32_t>(n);
  }
  void push_back(T&& v) {
    Grow(size() + 1);
    new (data() + b_->size) T(std::move(v));
    ++b_->size;
  }
  T& emplace_back() {
    Grow(size() + 1);
    new (data() + b_->size) T();
    return data()[b_->size++];
  }
  void clear() {
    if (!b_) return;
    for (T& x : *this) x.~T();
    b_->size = 0;
  }
  void shrink_to_fit() {
    if (!b_ || b_->size == b_->cap) return;
    if (b_->size == 0) {
      std::free(b_);
      b_ = nullptr;
      return;
    }
    b_ = static_cast<Head*>(std::realloc(b_, sizeof(Head) + b_->size * sizeof(T)));
    b_->cap = b_->size;
  }
  // Inserts [first, last) (move iterators) before pos; returns the first.
  template <class It>
  T* insert(T* pos, It first, It last) {
    size_t at = static_cast<size_t>(pos - data()), n = static_cast<size_t>(last - first);
    if (n == 0) return data() + at;
    Grow(size() + n);
    T* p = data() + at;
    std::memmove(static_cast<void*>(p + n), static_cast<void*>(p), (b_->size - at) * sizeof(T));
    for (size_t i = 0; i < n; ++i, ++first) new (p + i) T(*first);
    b_->size += static_cast<uint32_t>(n);
    return p;
  }
  T* erase(T* pos) { return erase(pos, pos + 1); }
  T* erase(T* first, T* last) {
    size_t n = static_cast<size_t>(last - first);
    if (n == 0) return first;
    for (T* p = first; p != last; ++p) p->~T();
    std::memmove(static_cast<void*>(first), static_cast<void*>(last),
                 static_cast<size_t>(end() - last) * sizeof(T));
    b_->size -= static_cast<uint32_t>(n);
    return first;
  }

 private:
  struct Head {
    uint32_t size, cap;
  };
  T* data() const { return b_ ? reinterpret_cast<T*>(b_ + 1) : nullptr; }
  void Grow(size_t n) {
    if (n > capacity()) reserve(std::max<size_t>(n, capacity() < 4 ? 4 : capacity() * 2));
  }
  Head* b_ = nullptr;
};

class JsonValue;
struct Member;
using Array = CompactVec<JsonValue>;
using Object = CompactVec<Member>;

class JsonValue {
 public:
  static constexpr size_t kInline = 14;

  JsonValue() { raw_[0] = static_cast<char>(Kind::kNull); }
  ~JsonValue() { Reset(); }
  JsonValue(const JsonValue&) = delete;
  JsonValue& operator=(const JsonValue&) = delete;
  JsonValue(JsonValue&& o) noexcept {
    std::memcpy(raw_, o.raw_, 16);
    o.raw_[0] = static_cast<char>(Kind::kNull);
  }
  JsonValue& operator=(JsonValue&& o) noexcept {
    if (this != &o) {
      Reset();
      std::memcpy(raw_, o.raw_, 16);
      o.raw_[0] = static_cast<char>(Kind::kNull);
    }
    return *this;
  }

  static JsonValue Null() { return JsonValue(); }
  static JsonValue Bool(bool b);
  static JsonValue Int(int64_t v);
  static JsonValue Uint(uint64_t v);  // values above INT64_MAX only
  static JsonValue Double(double d);
  static JsonValue String(std::string_view s);
  static JsonValue NewArray();
  static JsonValue NewObject();

  Kind kind() const { return static_cast<Kind>(raw_[0]); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_number() const { return kind() == Kind::kInt || kind() == Kind::kUint || kind() == Kind::kDouble; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_container() const { return is_array() || is_object(); }

  bool as_bool() const { return raw_[1] != 0; }
  int64_t as_int() const { return Load<int64_t>(); }
  uint64_t as_uint() const { return Load<uint64_t>(); }
  double as_double() const { return Load<double>(); }
  // Any number as a double (comparisons, arithmetic).
  double number() const;
  std::string_view str() const;
  // The container lives in the node's payload bytes (one pointer).
  Array& array() { return *reinterpret_cast<Array*>(raw_ + 8); }
  const Array& array() const { return *reinterpret_cast<const Array*>(raw_ + 8); }
  Object& object() { return *reinterpret_cast<Object*>(raw_ + 8); }
  const Object& object() const { return *reinterpret_cast<const Object*>(raw_ + 8); }

  // Object helpers: the member value for `key`, or nullptr.
  JsonValue* Find(std::string_view key);
  const JsonValue* Find(std::string_view key) const;
  // Inserts or replaces; returns the value slot.
  JsonValue* Put(std::string_view key, JsonValue v);
  bool Erase(std::string_view key);

  JsonValue Clone() const;
  bool Equals(const JsonValue& o) const;
  // RedisJSON's type names: "null", "boolean", "integer", "number",
  // "string", "array", "object".
  std::string_view TypeName() const;
  // Estimated heap bytes of this node's children/payload plus the node.
  size_t MemUsage() const;
  // Nesting depth (a scalar is 0).
  int Depth() const;

 private:
  template <class T>
  T Load() const {
    T v;
    std::memcpy(&v, raw_ + 8, sizeof(T));
    return v;
  }
  template <class T>
  void Store(T v) {
    std::memcpy(raw_ + 8, &v, sizeof(T));
  }
  void Reset();
  // raw_[0] kind; raw_[1] bool / inline string length (0xff = heap);
  // raw_[2..15] inline bytes, or raw_[8..15] the payload.
  alignas(8) char raw_[16];
};
static_assert(sizeof(JsonValue) == 16);

struct Member {
  JsonValue key;
  JsonValue value;
};

}  // namespace yotta::json
