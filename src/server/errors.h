// YottaStore. Licensed under the Apache License 2.0.
// Every RESP error text we send, byte for byte as Redis 7 sends it (clients
// match on these). Texts that take arguments are built by the helpers below.
#pragma once

#include <string>
#include <string_view>

namespace yotta {

inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrIncrNanInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";
inline constexpr std::string_view kErrInvalidDbIndex = "ERR invalid DB index";
inline constexpr std::string_view kErrSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kErrNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kErrWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kErrAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kErrStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kErrOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kErrOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kErrProtoVersion = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kErrTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kErrTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kErrBadRestorePayload = "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kErrBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kErrInvalidTtlRestore = "ERR Invalid TTL value, must be >= 0";
inline constexpr std::string_view kErrNxXxGtLt =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kErrGtLtNx = "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kErrNoSuchClient = "ERR No such client";
inline constexpr std::string_view kErrClientNameSpaces =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kErrConnReset = "ERR Connection reset";
inline constexpr std::string_view kErrUnknownNode = "ERR This instance has cluster support disabled";

// Protocol (framing) errors: replied, then the connection is closed.
inline constexpr std::string_view kErrProtoMultibulkLen = "ERR Protocol error: invalid multibulk length";
inline constexpr std::string_view kErrProtoBulkLen = "ERR Protocol error: invalid bulk length";
inline constexpr std::string_view kErrProtoUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
inline constexpr std::string_view kErrProtoTooBigInline = "ERR Protocol error: too big inline request";
inline constexpr std::string_view kErrProtoTooBigMbulk = "ERR Protocol error: too big mbulk count string";
inline constexpr std::string_view kErrProtoTooBigBulk = "ERR Protocol error: too big bulk count string";

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string ErrUnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "ERR wrong number of arguments for 'get' command" (name lower-cased; "config|get" for subcommands)
std::string ErrWrongArgs(std::string_view name);
// "ERR unknown subcommand 'foo'. Try CONFIG HELP."
std::string ErrUnknownSubcommand(std::string_view sub, std::string_view container);
// "ERR invalid expire time in 'set' command"
std::string ErrInvalidExpire(std::string_view cmd);

}  // namespace yotta
