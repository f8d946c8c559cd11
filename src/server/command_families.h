// YottaStore. Licensed under the Apache License 2.0.
// Every command family's registration function. A new family is a new
// commands/<group>_family.cc plus one line here and one in RegisterAllFamilies.
#pragma once

namespace yotta {

class CommandRegistry;

void RegisterConnectionFamily(CommandRegistry& reg);  // PING ECHO HELLO AUTH SELECT CLIENT QUIT RESET
void RegisterStringFamily(CommandRegistry& reg);      // GET SET INCR APPEND ... LCS
void RegisterGenericFamily(CommandRegistry& reg);     // DEL EXPIRE TTL TYPE SCAN RENAME COPY DUMP ...
void RegisterServerFamily(CommandRegistry& reg);      // INFO CONFIG COMMAND DBSIZE FLUSH* SLOWLOG ...
void RegisterTransactionFamily(CommandRegistry& reg); // MULTI EXEC DISCARD WATCH UNWATCH
void RegisterHllFamily(CommandRegistry& reg);         // PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST
void RegisterBitopsFamily(CommandRegistry& reg);      // SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD[_RO]
void RegisterHashFamily(CommandRegistry& reg);        // HSET HGET HDEL HGETALL HINCRBY HSCAN HRANDFIELD ...
void RegisterSetFamily(CommandRegistry& reg);         // SADD SREM SPOP SMOVE SSCAN SINTER SUNION SDIFF ...
void RegisterListFamily(CommandRegistry& reg);        // LPUSH LPOP LRANGE LMOVE LMPOP BLPOP BLMOVE ...
void RegisterZSetFamily(CommandRegistry& reg);       // ZADD ZRANGE ZUNIONSTORE ZPOPMIN BZPOPMIN ZSCAN ...
void RegisterGeoFamily(CommandRegistry& reg);         // GEOADD GEOPOS GEODIST GEOHASH GEOSEARCH GEORADIUS ...
void RegisterJsonFamily(CommandRegistry& reg);
void RegisterPersistenceFamily(CommandRegistry& reg);  // SAVE BGSAVE LASTSAVE (RocksDB checkpoints)        // JSON.SET JSON.GET JSON.MGET JSON.ARRAPPEND ... (RedisJSON 2.x)

inline void RegisterAllFamilies(CommandRegistry& reg) {
  RegisterConnectionFamily(reg);
  RegisterStringFamily(reg);
  RegisterGenericFamily(reg);
  RegisterServerFamily(reg);
  RegisterTransactionFamily(reg);
  RegisterListFamily(reg);
  RegisterHllFamily(reg);
  RegisterBitopsFamily(reg);
  RegisterHashFamily(reg);
  RegisterSetFamily(reg);
  RegisterZSetFamily(reg);
  RegisterGeoFamily(reg);
  RegisterJsonFamily(reg);
  RegisterPersistenceFamily(reg);
}

}  // namespace yotta
