// YottaStore. Licensed under the Apache License 2.0.
// ReplyBuilder appends RESP2 or RESP3 replies to a caller-owned string. RESP3
// types degrade to their RESP2 forms as Redis 7 does: maps become flat
// arrays, sets arrays, doubles bulk strings, booleans integers, null "$-1" or
// "*-1". Not thread-safe; cheap to construct.
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace yotta {

class ReplyBuilder {
 public:
  ReplyBuilder(std::string* out, int resp) : out_(out), resp_(resp) {}

  int resp() const { return resp_; }
  std::string* output() { return out_; }
  void set_output(std::string* out) { out_ = out; }

  void Ok() { out_->append("+OK\r\n"); }
  void SimpleString(std::string_view s);
  // `err` carries its code word ("ERR ...", "WRONGTYPE ..."); CR/LF are
  // replaced so a reply can never break framing. Counts errors.
  void Error(std::string_view err);
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void Null();       // RESP2 "$-1", RESP3 "_"
  void NullArray();  // RESP2 "*-1", RESP3 "_"
  void Array(size_t n) { Header('*', n); }
  void Set(size_t n) { Header(resp_ >= 3 ? '~' : '*', n); }
  void Push(size_t n) { Header(resp_ >= 3 ? '>' : '*', n); }
  // A map of n pairs; write 2n elements after it.
  void Map(size_t n) { resp_ >= 3 ? Header('%', n) : Header('*', 2 * n); }
  void Double(double d);
  // A double whose text is already formatted (Redis's human-friendly forms).
  void DoubleText(std::string_view text);
  void Bool(bool b);
  void Verbatim(std::string_view text);  // RESP3 "=", "txt:" format; RESP2 bulk
  void Raw(std::string_view s) { out_->append(s); }

  // Arrays of bulk strings, the most common aggregate.
  template <class Range>
  void BulkArray(const Range& r) {
    size_t n = 0;
    for (const auto& x : r) {
      (void)x;
      ++n;
    }
    Array(n);
    for (const auto& x : r) Bulk(x);
  }

  // An array of simple strings (the HELP replies).
  template <class Range>
  void SimpleStringArray(const Range& r) {
    Array(std::size(r));
    for (const auto& x : r) SimpleString(x);
  }

  uint64_t errors() const { return errors_; }

 private:
  void Header(char c, size_t n);
  std::string* out_;
  int resp_;
  uint64_t errors_ = 0;
};

}  // namespace yotta
