// YottaStore. Licensed under the Apache License 2.0.
#include "server/reply_builder.h"

#include "base/str_util.h"

namespace yotta {

void ReplyBuilder::Header(char c, size_t n) {
  out_->push_back(c);
  AppendInt(out_, static_cast<int64_t>(n));
  out_->append("\r\n");
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Error(std::string_view err) {
  ++errors_;
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(err);
  for (size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n");
}

void ReplyBuilder::Integer(int64_t v) {
  out_->push_back(':');
  AppendInt(out_, v);
  out_->append("\r\n");
}

void ReplyBuilder::Bulk(std::string_view s) {
  out_->push_back('$');
  AppendInt(out_, static_cast<int64_t>(s.size()));
  out_->append("\r\n");
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Null() { out_->append(resp_ >= 3 ? "_\r\n" : "$-1\r\n"); }
void ReplyBuilder::NullArray() { out_->append(resp_ >= 3 ? "_\r\n" : "*-1\r\n"); }

void ReplyBuilder::Double(double d) { DoubleText(FormatDouble(d)); }

void ReplyBuilder::DoubleText(std::string_view text) {
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n");
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::Bool(bool b) {
  if (resp_ >= 3) {
    out_->append(b ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::Verbatim(std::string_view text) {
  if (resp_ < 3) {
    Bulk(text);
    return;
  }
  out_->push_back('=');
  AppendInt(out_, static_cast<int64_t>(text.size() + 4));
  out_->append("\r\ntxt:");
  out_->append(text);
  out_->append("\r\n");
}

}  // namespace yotta
