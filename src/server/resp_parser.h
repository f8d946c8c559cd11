// YottaStore. Licensed under the Apache License 2.0.
// Incremental parser for client requests: RESP multibulk ("*2\r\n$3\r\nGET...")
// and inline commands ("GET key\r\n", with Redis's quoting rules).
//
// The caller keeps the unconsumed input contiguous and passes it from the
// start of the current command on every call; the parser remembers how far
// it got (as offsets), so a command arriving in many packets is parsed in
// linear time. Argument views point into that input (or, for inline
// commands, into the parser's own storage) and stay valid until the caller
// consumes the bytes or calls Parse again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yotta {

class RespParser {
 public:
  enum class Status { kOk, kIncomplete, kError };

  struct Limits {
    int64_t max_bulk_len = 512ll << 20;  // proto-max-bulk-len
    bool authenticated = true;           // unauthenticated clients get tight limits
  };

  // On kOk, *consumed is the command's size and args holds it (possibly empty
  // for a blank inline line or "*0", which callers skip). On kError, error()
  // names Redis's protocol error; the connection must be closed after replying.
  Status Parse(std::string_view buf, const Limits& limits, size_t* consumed,
               std::vector<std::string_view>* args);

  std::string_view error() const { return error_; }
  // While a large bulk is incomplete: total bytes the command needs in the
  // buffer, so the reader can reserve once instead of growing repeatedly.
  size_t bytes_needed() const { return bytes_needed_; }

 private:
  Status ParseInline(std::string_view buf, size_t* consumed, std::vector<std::string_view>* args);
  Status Fail(std::string_view e);
  void Reset();

  bool in_multibulk_ = false;
  int64_t mb_total_ = 0;
  size_t pos_ = 0;  // bytes of the current command parsed so far
  std::vector<std::pair<size_t, size_t>> offsets_;
  std::string inline_storage_;
  std::string error_;
  size_t bytes_needed_ = 0;
};

}  // namespace yotta
