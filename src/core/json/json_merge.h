// YottaStore. Licensed under the Apache License 2.0.
// RFC 7386 JSON merge patch (JSON.MERGE).
#pragma once

#include "core/json/json_value.h"

namespace yotta::json {

// Applies `patch` to `*target`: objects merge member by member, a null
// member deletes, anything else replaces.
void MergePatch(JsonValue* target, const JsonValue& patch);

}  // namespace yotta::json
