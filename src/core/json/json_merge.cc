// YottaStore. Licensed under the Apache License 2.0.
// RFC 7386 merge patch over JsonValue.
#include "core/json/json_merge.h"

namespace yotta::json {

void MergePatch(JsonValue* target, const JsonValue& patch) {
  if (!patch.is_object()) {
    *target = patch.Clone();
    return;
  }
  if (!target->is_object()) *target = JsonValue::NewObject();
  for (const Member& m : patch.object()) {
    if (m.value.is_null()) {
      target->Erase(m.key.str());
      continue;
    }
    JsonValue* slot = target->Find(m.key.str());
    if (!slot) slot = target->Put(m.key.str(), JsonValue::Null());
    MergePatch(slot, m.value);
  }
}

}  // namespace yotta::json
