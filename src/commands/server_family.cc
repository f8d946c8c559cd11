// YottaStore. Licensed under the Apache License 2.0.
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {

void RegisterServerFamily(CommandRegistry& reg) { (void)reg; }

}  // namespace yotta
