// YottaStore. Licensed under the Apache License 2.0.
#include "server/resp_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "base/str_util.h"
#include "server/errors.h"

namespace yotta {
namespace {
constexpr size_t kInlineMax = 64 * 1024;  // PROTO_INLINE_MAX_SIZE
// Redis 7 accepts any count up to INT_MAX: memory grows only with the
// arguments that actually arrive (bounded by client-query-buffer-limit).
constexpr int64_t kMaxMultibulk = INT32_MAX;

// Parses "<digits>\r\n" starting at p (after the type byte). Returns the
// number of bytes through "\r\n", 0 if incomplete, -1 if malformed.
int64_t ParseLenLine(std::string_view buf, size_t p, int64_t* out, bool* too_long) {
  size_t eol = buf.find("\r\n", p);
  if (eol == std::string_view::npos) {
    *too_long = buf.size() - p > kInlineMax;
    return 0;
  }
  int64_t v;
  std::string_view digits = buf.substr(p, eol - p);
  if (!ParseInt64(digits, &v)) return -1;
  *out = v;
  return static_cast<int64_t>(eol + 2 - p);
}

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)); }
int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// Redis's sdssplitargs: whitespace-separated, "double" quotes with escapes
// (\n \r \t \b \a \\ \" \xHH), 'single' quotes with only \'. A closing quote
// must be followed by a space or the end. Returns false on unbalanced quotes.
bool SplitArgs(std::string_view line, std::string* storage, std::vector<std::pair<size_t, size_t>>* out) {
  storage->clear();
  out->clear();
  size_t i = 0, n = line.size();
  while (true) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= n) return true;
    size_t start = storage->size();
    bool inq = false, insq = false, done = false;
    while (!done) {
      if (inq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3])) {
          storage->push_back(static_cast<char>(HexVal(line[i + 2]) * 16 + HexVal(line[i + 3])));
          i += 3;
        } else if (line[i] == '\\' && i + 1 < n) {
          ++i;
          char c;
          switch (line[i]) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: c = line[i]; break;
          }
          storage->push_back(c);
        } else if (line[i] == '"') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          storage->push_back(line[i]);
        }
      } else if (insq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          storage->push_back('\'');
        } else if (line[i] == '\'') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          storage->push_back(line[i]);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        switch (line[i]) {
          case ' ': case '\n': case '\r': case '\t': case '\0':
            done = true;
            break;
          case '"': inq = true; break;
          case '\'': insq = true; break;
          default: storage->push_back(line[i]); break;
        }
      }
      if (i < n) ++i;
    }
    out->emplace_back(start, storage->size() - start);
  }
}
}  // namespace

void RespParser::Reset() {
  in_multibulk_ = false;
  mb_total_ = 0;
  pos_ = 0;
  offsets_.clear();
  bytes_needed_ = 0;
}

RespParser::Status RespParser::Fail(std::string_view e) {
  error_ = std::string(e);
  Reset();
  return Status::kError;
}

RespParser::Status RespParser::Parse(std::string_view buf, const Limits& limits, size_t* consumed,
                                     std::vector<std::string_view>* args) {
  args->clear();
  if (buf.empty()) return Status::kIncomplete;
  if (!in_multibulk_ && buf[0] != '*') return ParseInline(buf, consumed, args);

  if (!in_multibulk_) {
    bool too_long = false;
    int64_t n;
    int64_t used = ParseLenLine(buf, 1, &n, &too_long);
    if (used == 0) return too_long ? Fail(kErrProtoTooBigMbulk) : Status::kIncomplete;
    if (used < 0 || n > kMaxMultibulk) return Fail(kErrProtoMultibulkLen);
    if (!limits.authenticated && n > 10) return Fail("ERR Protocol error: unauthenticated multibulk length");
    pos_ = 1 + used;
    if (n <= 0) {
      *consumed = pos_;
      Reset();
      return Status::kOk;
    }
    in_multibulk_ = true;
    mb_total_ = n;
    offsets_.clear();
    offsets_.reserve(static_cast<size_t>(std::min<int64_t>(n, 1024)));
  }

  while (static_cast<int64_t>(offsets_.size()) < mb_total_) {
    if (pos_ >= buf.size()) return Status::kIncomplete;
    if (buf[pos_] != '$') {
      std::string e = "ERR Protocol error: expected '$', got '";
      e.push_back(buf[pos_]);
      e += "'";
      return Fail(e);
    }
    bool too_long = false;
    int64_t len;
    int64_t used = ParseLenLine(buf, pos_ + 1, &len, &too_long);
    if (used == 0) return too_long ? Fail(kErrProtoTooBigBulk) : Status::kIncomplete;
    if (used < 0 || len < 0 || len > limits.max_bulk_len) return Fail(kErrProtoBulkLen);
    if (!limits.authenticated && len > 16384) return Fail("ERR Protocol error: unauthenticated bulk length");
    size_t data = pos_ + 1 + static_cast<size_t>(used);
    size_t end = data + static_cast<size_t>(len) + 2;
    if (end > buf.size()) {
      bytes_needed_ = end;
      return Status::kIncomplete;
    }
    // Redis does not verify the trailing CRLF bytes; neither do we.
    offsets_.emplace_back(data, static_cast<size_t>(len));
    pos_ = end;
  }
  args->reserve(offsets_.size());
  for (auto [off, len] : offsets_) args->emplace_back(buf.data() + off, len);
  *consumed = pos_;
  Reset();
  return Status::kOk;
}

RespParser::Status RespParser::ParseInline(std::string_view buf, size_t* consumed,
                                           std::vector<std::string_view>* args) {
  size_t eol = buf.find('\n');
  if (eol == std::string_view::npos) {
    if (buf.size() > kInlineMax) return Fail(kErrProtoTooBigInline);
    return Status::kIncomplete;
  }
  std::string_view line = buf.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!SplitArgs(line, &inline_storage_, &offsets_)) return Fail(kErrProtoUnbalancedQuotes);
  for (auto [off, len] : offsets_) args->emplace_back(inline_storage_.data() + off, len);
  offsets_.clear();
  *consumed = eol + 1;
  return Status::kOk;
}

}  // namespace yotta
