// YottaStore. Licensed under the Apache License 2.0.
#include "server/errors.h"

#include "base/str_util.h"

namespace yotta {
namespace {
// Redis prints up to 128 bytes of each argument and sanitizes newlines.
std::string Printable(std::string_view s) {
  std::string out(s.substr(0, 128));
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}
}  // namespace

std::string ErrUnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  std::string e = "ERR unknown command '" + Printable(name) + "', with args beginning with: ";
  for (size_t i = 0; i < nargs && e.size() < 128; ++i) e += "'" + Printable(args[i]) + "' ";
  return e;
}

std::string ErrWrongArgs(std::string_view name) {
  std::string n(name);
  ToLowerInPlace(&n);
  return "ERR wrong number of arguments for '" + n + "' command";
}

std::string ErrUnknownSubcommand(std::string_view sub, std::string_view container) {
  return "ERR unknown subcommand '" + Printable(sub) + "'. Try " + ToUpper(container) + " HELP.";
}

std::string ErrInvalidExpire(std::string_view cmd) {
  std::string n(cmd);
  ToLowerInPlace(&n);
  return "ERR invalid expire time in '" + n + "' command";
}

}  // namespace yotta
