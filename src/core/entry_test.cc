// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/entry: every EntryAlloc call keeps key, value, type,
// flags and expiry intact, and the byte counter returns to zero after Free.
#include "core/entry.h"

#include <doctest/doctest.h>

#include <string>

namespace yotta {
namespace {

// A fake object type for NewObject: counts frees and reports a fixed size.
struct FakeObj {
  std::string payload;
};
int g_fake_frees = 0;
constexpr size_t kFakeObjBytes = 100;

// Installs FakeObj's ops on kStream for one test and restores what was
// there (another family may own the real ops for that type).
struct FakeOpsScope {
  ObjectOps saved;
  FakeOpsScope() : saved(GetObjectOps(ObjType::kStream)) {
    g_fake_frees = 0;
    RegisterObjectOps(ObjType::kStream, ObjectOps{
                                            .free =
                                                [](void* o) {
                                                  ++g_fake_frees;
                                                  delete static_cast<FakeObj*>(o);
                                                },
                                            .bytes = [](const void*) { return kFakeObjBytes; },
                                        });
  }
  ~FakeOpsScope() { RegisterObjectOps(ObjType::kStream, saved); }
};

}  // namespace

TEST_SUITE("entry") {
  TEST_CASE("NewString stores key and value and charges its allocation") {
    int64_t bytes = 0;
    Entry* e = EntryAlloc::NewString("mykey", "myvalue", 0, &bytes);
    CHECK(e->key() == "mykey");
    CHECK(e->str() == "myvalue");
    CHECK(e->val_len() == 7);
    CHECK(e->type() == ObjType::kString);
    CHECK_FALSE(e->has_expire());
    CHECK_FALSE(e->is_object());
    CHECK(e->expire_ms() == 0);
    CHECK(e->next() == nullptr);
    CHECK(e->str_capacity() >= 7);
    CHECK(bytes == static_cast<int64_t>(EntryAlloc::Usable(e)));
    CHECK(bytes >= static_cast<int64_t>(Entry::kHeaderSize + 5 + 7));
    EntryAlloc::Free(e, &bytes);
    CHECK(bytes == 0);
  }

  TEST_CASE("NewString handles empty and binary keys and values") {
    int64_t bytes = 0;
    std::string bin("a\0b\r\n", 5);
    SUBCASE("empty value") {
      Entry* e = EntryAlloc::NewString("k", "", 0, &bytes);
      CHECK(e->str().empty());
      EntryAlloc::Free(e, &bytes);
    }
    SUBCASE("empty key") {
      Entry* e = EntryAlloc::NewString("", "v", 0, &bytes);
      CHECK(e->key().empty());
      CHECK(e->str() == "v");
      EntryAlloc::Free(e, &bytes);
    }
    SUBCASE("binary bytes") {
      Entry* e = EntryAlloc::NewString(bin, bin, 123, &bytes);
      CHECK(e->key() == bin);
      CHECK(e->str() == bin);
      CHECK(e->expire_ms() == 123);
      EntryAlloc::Free(e, &bytes);
    }
    SUBCASE("reserved extra capacity") {
      Entry* e = EntryAlloc::NewString("k", "abc", 0, &bytes, 1000);
      CHECK(e->str() == "abc");
      CHECK(e->str_capacity() >= 1003);
      EntryAlloc::Free(e, &bytes);
    }
    CHECK(bytes == 0);
  }

  TEST_CASE("an expiring string keeps its expiry next to key and value") {
    int64_t bytes = 0;
    Entry* e = EntryAlloc::NewString("k", "v", 1700000000123, &bytes);
    CHECK(e->has_expire());
    CHECK(e->expire_ms() == 1700000000123);
    CHECK(e->key() == "k");
    CHECK(e->str() == "v");
    e->set_expire_ms(42);
    CHECK(e->expire_ms() == 42);
    CHECK(e->str() == "v");
    EntryAlloc::Free(e, &bytes);
    CHECK(bytes == 0);
  }

  TEST_CASE("WithExpire adds, changes and removes the expiry field") {
    int64_t bytes = 0;
    std::string val(300, 'x');
    Entry* e = EntryAlloc::NewString("some:key", val, 0, &bytes);
    Entry* neighbour = EntryAlloc::NewString("neighbour", "", 0, &bytes);
    e->set_next(neighbour);  // WithExpire must carry the chain link over
    e->set_flag(Entry::kDirty);
    e->set_lru(12345);

    e = EntryAlloc::WithExpire(e, 5000, &bytes);
    CHECK(e->has_expire());
    CHECK(e->expire_ms() == 5000);
    CHECK(e->key() == "some:key");
    CHECK(e->str() == val);
    CHECK(e->next() == neighbour);
    CHECK((e->flags() & Entry::kDirty) != 0);
    CHECK(e->lru() == 12345);
    CHECK(bytes == static_cast<int64_t>(EntryAlloc::Usable(e) + EntryAlloc::Usable(neighbour)));

    Entry* same = EntryAlloc::WithExpire(e, 7000, &bytes);
    CHECK(same == e);  // changing an existing expiry does not move the entry
    CHECK(e->expire_ms() == 7000);

    e = EntryAlloc::WithExpire(e, 0, &bytes);
    CHECK_FALSE(e->has_expire());
    CHECK(e->expire_ms() == 0);
    CHECK(e->key() == "some:key");
    CHECK(e->str() == val);
    CHECK(e->next() == neighbour);
    CHECK(bytes == static_cast<int64_t>(EntryAlloc::Usable(e) + EntryAlloc::Usable(neighbour)));

    CHECK(EntryAlloc::WithExpire(e, 0, &bytes) == e);
    EntryAlloc::Free(e, &bytes);
    EntryAlloc::Free(neighbour, &bytes);
    CHECK(bytes == 0);
  }

  TEST_CASE("ReserveString grows capacity and preserves the value") {
    int64_t bytes = 0;
    SUBCASE("without expiry") {
      Entry* e = EntryAlloc::NewString("k", "hello", 0, &bytes);
      e = EntryAlloc::ReserveString(e, 5 + 6, &bytes);
      CHECK(e->str_capacity() >= 11);
      CHECK(e->str() == "hello");
      std::memcpy(e->mutable_str() + 5, " world", 6);
      e->set_val_len(11);
      CHECK(e->str() == "hello world");
      CHECK(bytes == static_cast<int64_t>(EntryAlloc::Usable(e)));
      EntryAlloc::Free(e, &bytes);
    }
    SUBCASE("with expiry, many appends") {
      Entry* e = EntryAlloc::NewString("key", "", 99, &bytes);
      std::string expect;
      for (int i = 0; i < 2000; ++i) {
        std::string piece = std::to_string(i) + ",";
        e = EntryAlloc::ReserveString(e, expect.size() + piece.size(), &bytes);
        std::memcpy(e->mutable_str() + expect.size(), piece.data(), piece.size());
        expect += piece;
        e->set_val_len(static_cast<uint32_t>(expect.size()));
        REQUIRE(bytes == static_cast<int64_t>(EntryAlloc::Usable(e)));
      }
      CHECK(e->str() == expect);
      CHECK(e->key() == "key");
      CHECK(e->expire_ms() == 99);
      EntryAlloc::Free(e, &bytes);
    }
    SUBCASE("a reservation within capacity does not move the entry") {
      Entry* e = EntryAlloc::NewString("k", "abc", 0, &bytes, 64);
      CHECK(EntryAlloc::ReserveString(e, 40, &bytes) == e);
      EntryAlloc::Free(e, &bytes);
    }
    CHECK(bytes == 0);
  }

  TEST_CASE("NewObject owns its object and Free releases both") {
    FakeOpsScope scope;
    int64_t bytes = 0;
    auto* obj = new FakeObj{"payload"};
    Entry* e = EntryAlloc::NewObject("obj", ObjType::kStream, obj, 0, &bytes);
    CHECK(e->is_object());
    CHECK(e->type() == ObjType::kStream);
    CHECK(e->obj() == obj);
    CHECK(e->key() == "obj");
    // The family charges its object's bytes itself; Free subtracts ops.bytes.
    bytes += kFakeObjBytes;

    SUBCASE("through an expiry change") {
      e = EntryAlloc::WithExpire(e, 1234, &bytes);
      CHECK(e->obj() == obj);
      CHECK(e->expire_ms() == 1234);
      CHECK(e->is_object());
      e = EntryAlloc::WithExpire(e, 0, &bytes);
      CHECK(e->obj() == obj);
    }
    EntryAlloc::Free(e, &bytes);
    CHECK(g_fake_frees == 1);
    CHECK(bytes == 0);
  }

  TEST_CASE("FreeShell leaves the object to its new owner") {
    FakeOpsScope scope;
    int64_t bytes = 0;
    auto* obj = new FakeObj{"moved"};
    Entry* e = EntryAlloc::NewObject("obj", ObjType::kStream, obj, 555, &bytes);
    CHECK(e->expire_ms() == 555);
    EntryAlloc::FreeShell(e, &bytes);
    CHECK(g_fake_frees == 0);
    CHECK(bytes == 0);
    delete obj;
  }

  TEST_CASE("meta packs type, flags and LRU clock independently") {
    int64_t bytes = 0;
    Entry* e = EntryAlloc::NewString("k", "v", 0, &bytes);
    e->set_lru((1u << 24) - 1);
    e->set_flag(Entry::kCold);
    CHECK(e->lru() == (1u << 24) - 1);
    CHECK(e->type() == ObjType::kString);
    CHECK((e->flags() & Entry::kCold) != 0);
    CHECK_FALSE(e->has_expire());
    e->clear_flag(Entry::kCold);
    CHECK(e->flags() == 0);
    CHECK(e->lru() == (1u << 24) - 1);
    e->set_lru(7);
    CHECK(e->lru() == 7);
    CHECK(e->str() == "v");
    EntryAlloc::Free(e, &bytes);
    CHECK(bytes == 0);
  }

  TEST_CASE("ObjTypeName gives Redis's TYPE names") {
    CHECK(ObjTypeName(ObjType::kString) == "string");
    CHECK(ObjTypeName(ObjType::kList) == "list");
    CHECK(ObjTypeName(ObjType::kSet) == "set");
    CHECK(ObjTypeName(ObjType::kZSet) == "zset");
    CHECK(ObjTypeName(ObjType::kHash) == "hash");
    CHECK(ObjTypeName(ObjType::kStream) == "stream");
    CHECK(ObjTypeName(ObjType::kJson) == "ReJSON-RL");
  }
}

}  // namespace yotta
