// YottaStore. Licensed under the Apache License 2.0.
#include "commands/member_codec.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "base/str_util.h"
#include "commands/hash_object.h"
#include "commands/set_object.h"
#include "commands/zset_common.h"

namespace yotta::member_codec {

namespace {
std::string EncodeScore(double d) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &d, 8);
  return s;
}
}  // namespace

bool IsMemberWise(const Entry* e) {
  if (!e->is_object()) return false;
  switch (e->type()) {
    case ObjType::kHash: return hash_obj::Size(e->obj()) > kMemberWiseMin;
    case ObjType::kSet: return set_obj::Size(e->obj()) > kMemberWiseMin;
    case ObjType::kZSet: return zset_cmd::Z(e)->size() > kMemberWiseMin;
    default: return false;
  }
}

void ForEach(const Entry* e, const std::function<void(std::string_view, std::string_view)>& fn) {
  switch (e->type()) {
    case ObjType::kHash: hash_obj::ForEach(e->obj(), fn); break;
    case ObjType::kSet:
      set_obj::ForEachWhile(e->obj(), [&](std::string_view m) {
        fn(m, {});
        return true;
      });
      break;
    case ObjType::kZSet: {
      const ZSet* z = zset_cmd::Z(e);
      z->Walk(0, z->size(), false, [&](std::string_view m, double s) { fn(m, EncodeScore(s)); });
      break;
    }
    default: break;
  }
}

std::optional<std::string> Value(const Entry* e, std::string_view member) {
  switch (e->type()) {
    case ObjType::kHash: {
      auto v = hash_obj::Get(e->obj(), member);
      if (!v) return std::nullopt;
      return std::string(*v);
    }
    case ObjType::kSet:
      if (!set_obj::Contains(e->obj(), member)) return std::nullopt;
      return std::string();
    case ObjType::kZSet: {
      auto s = zset_cmd::Z(e)->Score(member);
      if (!s) return std::nullopt;
      return EncodeScore(*s);
    }
    default: return std::nullopt;
  }
}

void* Build(ObjType t, const std::vector<std::pair<std::string, std::string>>& members, size_t* bytes) {
  switch (t) {
    case ObjType::kHash: {
      void* obj = hash_obj::Create();
      for (const auto& [f, v] : members) {
        obj = hash_obj::PrepareFor(obj, f);
        obj = hash_obj::PrepareFor(obj, v);
        bool is_new;
        obj = hash_obj::Set(obj, f, v, &is_new);
      }
      *bytes = hash_obj::Bytes(obj);
      return obj;
    }
    case ObjType::kSet: {
      if (members.empty()) return nullptr;
      void* obj = set_obj::Create(members[0].first, members.size());
      for (const auto& [m, v] : members) {
        bool added;
        obj = set_obj::Add(obj, m, &added);
      }
      *bytes = set_obj::Bytes(obj);
      return obj;
    }
    case ObjType::kZSet: {
      size_t max_len = 0;
      for (const auto& [m, v] : members) {
        if (v.size() != 8) return nullptr;
        max_len = std::max(max_len, m.size());
      }
      ZSet* z = zset_cmd::NewZSet(members.size(), max_len);
      for (const auto& [m, v] : members) {
        double s;
        std::memcpy(&s, v.data(), 8);
        z->Set(m, s);
      }
      *bytes = z->bytes();
      return z;
    }
    default: return nullptr;
  }
}

bool PairsFrom2(std::span<const std::string_view> args, std::vector<int>* out) {
  if (args.size() < 4 || args.size() % 2 != 0) return false;
  for (size_t i = 2; i < args.size(); i += 2) out->push_back(static_cast<int>(i));
  return true;
}

bool AllFrom2(std::span<const std::string_view> args, std::vector<int>* out) {
  for (size_t i = 2; i < args.size(); ++i) out->push_back(static_cast<int>(i));
  return !out->empty();
}

bool At2(std::span<const std::string_view> args, std::vector<int>* out) {
  if (args.size() < 3) return false;
  out->push_back(2);
  return true;
}

bool NoMembers(std::span<const std::string_view>, std::vector<int>*) { return true; }

bool At3(std::span<const std::string_view> args, std::vector<int>* out) {
  if (args.size() < 4) return false;
  out->push_back(3);
  return true;
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
bool ZAddMembers(std::span<const std::string_view> args, std::vector<int>* out) {
  size_t i = 2;
  while (i < args.size()) {
    std::string_view o = args[i];
    if (EqualsIgnoreCase(o, "NX") || EqualsIgnoreCase(o, "XX") || EqualsIgnoreCase(o, "GT") ||
        EqualsIgnoreCase(o, "LT") || EqualsIgnoreCase(o, "CH") || EqualsIgnoreCase(o, "INCR")) {
      ++i;
    } else {
      break;
    }
  }
  if (i >= args.size() || (args.size() - i) % 2 != 0) return false;
  for (size_t j = i + 1; j < args.size(); j += 2) out->push_back(static_cast<int>(j));
  return true;
}

}  // namespace yotta::member_codec
