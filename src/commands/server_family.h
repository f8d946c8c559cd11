// YottaStore. Licensed under the Apache License 2.0.
// The server command family is split by sub-area, one file each; this header
// declares their registration functions, all called by RegisterServerFamily
// (server_family.cc) so the family stays one line in command_families.h.
#pragma once

namespace yotta {

class CommandRegistry;

void RegisterInfoCommands(CommandRegistry& reg);     // INFO (info_family.cc)
void RegisterConfigCommands(CommandRegistry& reg);   // CONFIG (config_family.cc)
void RegisterCommandCommands(CommandRegistry& reg);  // COMMAND (command_family.cc)
void RegisterDebugCommands(CommandRegistry& reg);    // DEBUG MEMORY (debug_family.cc)

}  // namespace yotta
