// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for storage/store: round trips, exact counts, dir validation,
// power loss and disk errors through FaultFs, SCAN cursors, the members
// compaction filter, checkpoints and persistence switches.
#include "storage/store.h"

#include <doctest/doctest.h>
#include <rocksdb/db.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "storage/fault_fs.h"
#include "storage/key_format.h"
#include "storage/members_filter.h"

namespace yotta::storage {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  std::string path;
  TempDir() {
    static int n = 0;
    path = (fs::temp_directory_path() /
            ("yotta_store_test_" + std::to_string(getpid()) + "_" + std::to_string(n++)))
               .string();
    fs::remove_all(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Options MakeOptions(const std::string& dir, Persistence p) {
  Options o;
  o.dir = dir;
  o.num_shards = 2;
  o.persistence = p;
  o.sync_interval_ms = 20;
  return o;
}

std::unique_ptr<Store> MustOpen(const Options& o) {
  std::string err;
  auto s = Store::Open(o, &err);
  INFO("open error: " << err);
  REQUIRE(s != nullptr);
  return s;
}

template <typename Pred>
bool WaitFor(Pred pred, int timeout_ms = 5000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

Op Put(uint8_t db, std::string key, std::string payload) {
  Op op{Op::kPut};
  op.db = db;
  op.key = std::move(key);
  op.record.payload = std::move(payload);
  return op;
}
Op PutMembers(uint8_t db, std::string key, uint64_t version, std::string payload = "") {
  Op op = Put(db, std::move(key), std::move(payload));
  op.record.kind = Record::kMembers;
  op.record.version = version;
  return op;
}
Op Del(uint8_t db, std::string key) {
  Op op{Op::kDelete};
  op.db = db;
  op.key = std::move(key);
  return op;
}
Op Member(uint8_t db, std::string key, uint64_t version, std::string member, std::string value) {
  Op op{Op::kPutMember};
  op.db = db;
  op.key = std::move(key);
  op.version = version;
  op.member = std::move(member);
  op.value = std::move(value);
  return op;
}
Op DelMember(uint8_t db, std::string key, uint64_t version, std::string member) {
  Op op = Member(db, std::move(key), version, std::move(member), "");
  op.kind = Op::kDeleteMember;
  return op;
}
Op Flush(uint8_t db) {
  Op op{Op::kFlushDb};
  op.db = db;
  return op;
}
Op FlushAll() { return Op{Op::kFlushAll}; }
Op Swap(uint8_t a, uint8_t b) {
  Op op{Op::kSwapDb};
  op.db = a;
  op.db2 = b;
  return op;
}

// Submits and waits until written (shard 0's seq).
struct Writer {
  Store* s;
  uint64_t seq = 0;
  void Write(std::vector<Op> ops) {
    Batch b;
    b.ops = std::move(ops);
    b.marks = {{0, ++seq}};
    s->Submit(std::move(b));
    uint64_t want = seq;
    REQUIRE(WaitFor([&] { return s->written_seq(0) >= want; }));
  }
};

std::vector<LoadResult> LoadSync(Store* s, std::vector<LoadRequest> reqs) {
  std::promise<std::vector<LoadResult>> p;
  auto f = p.get_future();
  s->Load(std::move(reqs), [&p](std::vector<LoadResult> r) { p.set_value(std::move(r)); });
  return f.get();
}

std::optional<LoadResult> Get(Store* s, uint8_t db, std::string key) {
  auto r = LoadSync(s, {{db, std::move(key)}});
  if (!r[0].found) return std::nullopt;
  return r[0];
}

std::pair<std::vector<std::string>, uint64_t> ScanSync(Store* s, int db, uint64_t cursor,
                                                       size_t count) {
  std::promise<std::pair<std::vector<std::string>, uint64_t>> p;
  auto f = p.get_future();
  s->Scan(db, cursor, count, [&p](std::vector<std::string> keys, uint64_t next) {
    p.set_value({keys, next});
  });
  return f.get();
}

std::vector<std::string> KeysSync(Store* s, int db, std::string pattern) {
  std::promise<std::vector<std::string>> p;
  auto f = p.get_future();
  s->Keys(db, std::move(pattern), [&p](std::vector<std::string> k) { p.set_value(std::move(k)); });
  auto keys = f.get();
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("store key hash and encodings are stable") {
    // Part of the on-disk format: these values must never change.
    CHECK(KeyHash("") == KeyHash(""));
    CHECK(KeyHash("a") != KeyHash("b"));
    CHECK(KeyHash("foo") == 0x54897080046b04a9ull);
    CHECK(KeyHash("a much longer key of more than sixteen bytes") == 0x4be2219dbe69addcull);
    std::string mk = detail::MetaKey(3, "k");
    auto parsed = detail::ParseMetaKey(mk);
    REQUIRE(parsed);
    CHECK(parsed->db == 3);
    CHECK(parsed->h == KeyHash("k"));
    CHECK(parsed->key == "k");
    std::string memk = detail::MemberKey(2, "key", 9, "m1");
    auto pm = detail::ParseMemberKey(memk);
    REQUIRE(pm);
    CHECK(pm->db == 2);
    CHECK(pm->key == "key");
    CHECK(pm->version == 9);
    CHECK(pm->member == "m1");
    // Big-endian hash: byte order == numeric order.
    CHECK((detail::MetaPrefix(0, 1) < detail::MetaPrefix(0, 256)));
    Record r{Record::kMembers, 42, "payload"}, back;
    REQUIRE(detail::DecodeRecord(detail::EncodeRecord(r), &back));
    CHECK(back.kind == Record::kMembers);
    CHECK(back.version == 42);
    CHECK(back.payload == "payload");
  }

  TEST_CASE("store round trip of puts, deletes, members, flush and swapdb with exact counts") {
    TempDir dir;
    auto opts = MakeOptions(dir.path, Persistence::kAlways);
    {
      auto s = MustOpen(opts);
      Writer w{s.get()};
      w.Write({Put(0, "a", "va"), Put(0, "b", "vb"), Put(0, "a", "va2"), Del(0, "missing")});
      CHECK(s->key_count(0) == 2);
      w.Write({PutMembers(0, "h", 7, "hp"), Member(0, "h", 7, "f1", "v1"),
               Member(0, "h", 7, "f2", "v2"), Member(0, "h", 7, "f3", "v3"),
               DelMember(0, "h", 7, "f2"), Member(0, "h", 6, "old", "x")});
      CHECK(s->key_count(0) == 3);
      w.Write({Del(0, "b"), Del(0, "b"), Put(1, "x", "vx"), Put(1, "y", "vy"), Put(2, "z", "vz")});
      CHECK(s->key_count(0) == 2);
      CHECK(s->key_count(1) == 2);
      CHECK(s->key_count(2) == 1);

      auto r = LoadSync(s.get(), {{0, "a"}, {0, "b"}, {0, "h"}, {1, "a"}, {1, "x"}});
      REQUIRE(r.size() == 5);
      CHECK(r[0].found);
      CHECK(r[0].record.kind == Record::kInline);
      CHECK(r[0].record.payload == "va2");
      CHECK_FALSE(r[1].found);
      CHECK(r[2].found);
      CHECK(r[2].record.kind == Record::kMembers);
      CHECK(r[2].record.version == 7);
      CHECK(r[2].record.payload == "hp");
      using MV = std::vector<std::pair<std::string, std::string>>;
      CHECK(r[2].members == MV{{"f1", "v1"}, {"f3", "v3"}});
      CHECK_FALSE(r[3].found);
      CHECK(r[4].record.payload == "vx");

      // Flush in the same group as puts: later puts after the flush count.
      w.Write({Put(2, "z2", "v"), Flush(2), Put(2, "z3", "v"), Put(2, "z3", "v2")});
      CHECK(s->key_count(2) == 1);
      CHECK_FALSE(Get(s.get(), 2, "z"));
      CHECK(Get(s.get(), 2, "z3")->record.payload == "v2");

      // Swap, then ops in the same group go to the new mapping.
      w.Write({Swap(0, 1), Put(0, "after-swap", "s")});
      CHECK(s->key_count(0) == 3);  // x, y, after-swap
      CHECK(s->key_count(1) == 2);  // a, h
      CHECK(Get(s.get(), 1, "a")->record.payload == "va2");
      CHECK(Get(s.get(), 0, "x"));
      CHECK(Get(s.get(), 0, "after-swap"));
      CHECK_FALSE(Get(s.get(), 0, "a"));
      CHECK(KeysSync(s.get(), 0, "*") == std::vector<std::string>{"after-swap", "x", "y"});
      CHECK(KeysSync(s.get(), 1, "?") == std::vector<std::string>{"a", "h"});
      CHECK(s->durable_seq(0) == w.seq);
    }
    {
      auto s = MustOpen(opts);
      CHECK(s->key_count(0) == 3);
      CHECK(s->key_count(1) == 2);
      CHECK(s->key_count(2) == 1);
      CHECK(s->key_count(3) == 0);
      auto h = Get(s.get(), 1, "h");
      REQUIRE(h);
      CHECK(h->members.size() == 2);
      Writer w{s.get()};
      w.Write({FlushAll(), Put(5, "k", "v")});
      CHECK(s->key_count(0) == 0);
      CHECK(s->key_count(1) == 0);
      CHECK(s->key_count(5) == 1);
      CHECK_FALSE(Get(s.get(), 1, "h"));
    }
    {
      auto s = MustOpen(opts);
      CHECK(s->key_count(0) == 0);
      CHECK(s->key_count(5) == 1);
      CHECK(Get(s.get(), 5, "k"));
    }
  }

  TEST_CASE("store counts and keys match a model under random groups") {
    TempDir dir;
    auto opts = MakeOptions(dir.path, Persistence::kEverysec);
    std::mt19937 rng(42);
    std::vector<std::set<std::string>> model(3);  // logical db -> keys
    uint64_t seq = 0;
    {
      auto s = MustOpen(opts);
      for (int round = 0; round < 30; ++round) {
        int batches = 1 + static_cast<int>(rng() % 5);  // several batches per group
        for (int b = 0; b < batches; ++b) {
          Batch batch;
          int nops = 1 + static_cast<int>(rng() % 8);
          for (int i = 0; i < nops; ++i) {
            uint8_t db = static_cast<uint8_t>(rng() % 3);
            std::string key = "k" + std::to_string(rng() % 40);
            unsigned r = rng() % 100;
            if (r < 50) {
              batch.ops.push_back(Put(db, key, "v"));
              model[db].insert(key);
            } else if (r < 85) {
              batch.ops.push_back(Del(db, key));
              model[db].erase(key);
            } else if (r < 92) {
              uint8_t db2 = static_cast<uint8_t>(rng() % 3);
              batch.ops.push_back(Swap(db, db2));
              std::swap(model[db], model[db2]);
            } else if (r < 98) {
              batch.ops.push_back(Flush(db));
              model[db].clear();
            } else {
              batch.ops.push_back(FlushAll());
              for (auto& m : model) m.clear();
            }
          }
          batch.marks = {{0, ++seq}};
          s->Submit(std::move(batch));
        }
        uint64_t want = seq;
        REQUIRE(WaitFor([&] { return s->written_seq(0) >= want; }));
        for (int db = 0; db < 3; ++db) {
          CAPTURE(round);
          CAPTURE(db);
          CHECK(s->key_count(db) == static_cast<int64_t>(model[db].size()));
          auto keys = KeysSync(s.get(), db, "*");
          CHECK(keys == std::vector<std::string>(model[db].begin(), model[db].end()));
        }
      }
    }
    auto s = MustOpen(opts);
    for (int db = 0; db < 3; ++db) {
      CHECK(s->key_count(db) == static_cast<int64_t>(model[db].size()));
      auto keys = KeysSync(s.get(), db, "*");
      CHECK(keys == std::vector<std::string>(model[db].begin(), model[db].end()));
    }
  }

  TEST_CASE("store under persistence no restarts empty but keeps the dir ours") {
    TempDir dir;
    {
      auto s = MustOpen(MakeOptions(dir.path, Persistence::kAlways));
      Writer w{s.get()};
      w.Write({Put(0, "a", "1"), Put(0, "b", "2"), Swap(0, 3)});
      CHECK(s->key_count(3) == 2);
    }
    {
      auto s = MustOpen(MakeOptions(dir.path, Persistence::kNo));
      CHECK(s->key_count(3) == 0);
      CHECK(s->key_count(0) == 0);
      CHECK_FALSE(Get(s.get(), 3, "a"));
      CHECK_FALSE(Get(s.get(), 0, "a"));
      Writer w{s.get()};
      w.Write({Put(0, "c", "3")});
      CHECK(s->durable_seq(0) == s->written_seq(0));
      CHECK(Get(s.get(), 0, "c"));
    }
    {
      auto s = MustOpen(MakeOptions(dir.path, Persistence::kNo));
      CHECK(s->key_count(0) == 0);
      CHECK_FALSE(Get(s.get(), 0, "c"));
    }
  }

  TEST_CASE("store refuses a foreign dir and leaves it untouched") {
    TempDir dir;
    fs::create_directories(dir.path);
    { std::ofstream(dir.path + "/hello.txt") << "hi"; }
    std::string err;
    auto s = Store::Open(MakeOptions(dir.path, Persistence::kEverysec), &err);
    CHECK(s == nullptr);
    CHECK(err.find("is not a YottaStore data directory") != std::string::npos);
    CHECK(err.find(dir.path) != std::string::npos);
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(dir.path)) names.push_back(e.path().filename());
    CHECK(names == std::vector<std::string>{"hello.txt"});

    SUBCASE("a file, not a dir") {
      auto s2 = Store::Open(MakeOptions(dir.path + "/hello.txt", Persistence::kEverysec), &err);
      CHECK(s2 == nullptr);
      CHECK(err.find("not a directory") != std::string::npos);
    }
  }

  TEST_CASE("store refuses another program's RocksDB dir and adopts its own half-made one") {
    TempDir dir;
    {
      rocksdb::Options o;
      o.create_if_missing = true;
      rocksdb::DB* db = nullptr;
      REQUIRE(rocksdb::DB::Open(o, dir.path, &db).ok());
      REQUIRE(db->Put(rocksdb::WriteOptions(), "x", "1").ok());
      delete db;
    }
    std::string err;
    CHECK(Store::Open(MakeOptions(dir.path, Persistence::kEverysec), &err) == nullptr);
    CHECK(err.find("is not a YottaStore data directory") != std::string::npos);
    {
      rocksdb::DB* db = nullptr;
      REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir.path, &db).ok());
      std::string v;
      CHECK(db->Get(rocksdb::ReadOptions(), "x", &v).ok());
      std::vector<std::string> cfs;
      CHECK(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path, &cfs).ok());
      CHECK(cfs.size() == 1);
      delete db;
    }

    TempDir half;
    {
      rocksdb::Options o;
      o.create_if_missing = true;
      o.create_missing_column_families = true;
      std::vector<rocksdb::ColumnFamilyDescriptor> d = {
          {rocksdb::kDefaultColumnFamilyName, {}}, {"meta", {}}, {"members", {}}};
      std::vector<rocksdb::ColumnFamilyHandle*> h;
      rocksdb::DB* db = nullptr;
      REQUIRE(rocksdb::DB::Open(o, half.path, d, &h, &db).ok());
      for (auto* x : h) REQUIRE(db->DestroyColumnFamilyHandle(x).ok());
      delete db;
    }
    auto s = MustOpen(MakeOptions(half.path, Persistence::kEverysec));
    CHECK(s->key_count(0) == 0);
  }

  TEST_CASE("store second open of a dir in use fails clearly") {
    TempDir dir;
    auto s = MustOpen(MakeOptions(dir.path, Persistence::kEverysec));
    std::string err;
    auto s2 = Store::Open(MakeOptions(dir.path, Persistence::kEverysec), &err);
    CHECK(s2 == nullptr);
    CHECK(err.find("is locked by another process") != std::string::npos);
    CHECK(err.find(dir.path) != std::string::npos);
  }

  TEST_CASE("store reports corruption with RocksDB's status") {
    TempDir dir;
    { auto s = MustOpen(MakeOptions(dir.path, Persistence::kAlways)); }
    { std::ofstream(dir.path + "/CURRENT", std::ios::trunc) << "MANIFEST-999999\n"; }
    std::string err;
    auto s = Store::Open(MakeOptions(dir.path, Persistence::kAlways), &err);
    CHECK(s == nullptr);
    CHECK(err.find("cannot open data dir") != std::string::npos);
    CHECK(err.find("MANIFEST-999999") != std::string::npos);
  }

  TEST_CASE("store compaction filter drops members of dead versions") {
    TempDir dir;
    {
      auto s = MustOpen(MakeOptions(dir.path, Persistence::kAlways));
      Writer w{s.get()};
      w.Write({PutMembers(0, "k", 1), Member(0, "k", 1, "a", "1"), Member(0, "k", 1, "b", "2"),
               PutMembers(0, "gone", 1), Member(0, "gone", 1, "x", "1"), PutMembers(0, "inl", 4),
               Member(0, "inl", 4, "y", "1")});
      w.Write({PutMembers(0, "k", 2), Member(0, "k", 2, "c", "3"), Put(0, "inl", "now inline"),
               Del(0, "gone")});
      auto k = Get(s.get(), 0, "k");
      REQUIRE(k);
      CHECK(k->members.size() == 1);
    }
    // Raw RocksDB on the same dir, with the Store's filter on "members".
    auto members_on_disk = [&](bool del_k) {
      auto factory = std::make_shared<MembersFilterFactory>();
      rocksdb::DBOptions dbo;
      rocksdb::ColumnFamilyOptions members;
      members.compaction_filter_factory = factory;
      std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
          {rocksdb::kDefaultColumnFamilyName, {}}, {"meta", {}}, {"members", members}};
      std::vector<rocksdb::ColumnFamilyHandle*> h;
      rocksdb::DB* db = nullptr;
      REQUIRE(rocksdb::DB::Open(dbo, dir.path, cfs, &h, &db).ok());
      factory->Set(db, h[1]);
      if (del_k) REQUIRE(db->Delete(rocksdb::WriteOptions(), h[1], detail::MetaKey(0, "k")).ok());
      rocksdb::CompactRangeOptions cro;
      cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
      REQUIRE(db->CompactRange(cro, h[2], nullptr, nullptr).ok());
      std::set<std::string> out;
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h[2]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        auto mk = detail::ParseMemberKey(std::string_view(it->key().data(), it->key().size()));
        REQUIRE(mk);
        out.insert(std::string(mk->key) + "/" + std::to_string(mk->version) + "/" +
                   std::string(mk->member));
      }
      it.reset();
      factory->Set(nullptr, nullptr);
      for (auto* x : h) REQUIRE(db->DestroyColumnFamilyHandle(x).ok());
      delete db;
      return out;
    };
    CHECK(members_on_disk(false) == std::set<std::string>{"k/2/c"});
    CHECK(members_on_disk(true).empty());
  }

  TEST_CASE("store power loss under always keeps every acknowledged batch, all or nothing") {
    for (int round = 0; round < 3; ++round) {
      CAPTURE(round);
      TempDir dir;
      auto ffs = std::make_shared<FaultFs>();
      auto opts = MakeOptions(dir.path, Persistence::kAlways);
      opts.file_system = std::static_pointer_cast<rocksdb::FileSystem>(ffs);
      std::mt19937 rng(1234 + round);
      int acked = 0, submitted = 0;
      {
        auto s = MustOpen(opts);
        int crash_at = 20 + static_cast<int>(rng() % 40);
        uint64_t seq = 0;
        for (int i = 0; i < crash_at; ++i) {
          Batch b;
          std::string mark = "m" + std::to_string(i);
          for (int j = 0; j < 4; ++j)
            b.ops.push_back(Put(0, "k" + std::to_string(i) + "_" + std::to_string(j), mark));
          b.ops.push_back(PutMembers(0, "h" + std::to_string(i), i, mark));
          b.ops.push_back(Member(0, "h" + std::to_string(i), i, "f", mark));
          b.marks = {{i % 2, ++seq}};
          s->Submit(std::move(b));
          ++submitted;
          // Most batches are waited for; a few tail batches are in flight.
          if (i + 3 < crash_at) {
            uint64_t want = seq;
            int shard = i % 2;
            REQUIRE(WaitFor([&] { return s->durable_seq(shard) >= want; }));
            acked = i + 1;
          }
        }
        ffs->Crash();
        s->AbandonForTest();
      }
      ffs->DropUnsynced();
      opts.file_system = nullptr;  // reopen on the plain FS: only synced bytes remain
      auto s = MustOpen(opts);
      int present = 0;
      for (int i = 0; i < submitted; ++i) {
        std::string mark = "m" + std::to_string(i);
        std::vector<LoadRequest> reqs;
        for (int j = 0; j < 4; ++j)
          reqs.push_back({0, "k" + std::to_string(i) + "_" + std::to_string(j)});
        reqs.push_back({0, "h" + std::to_string(i)});
        auto r = LoadSync(s.get(), reqs);
        int found = 0;
        for (auto& x : r) {
          if (x.found) {
            ++found;
            CHECK(x.record.payload == mark);
          }
        }
        CHECK((found == 0 || found == 5));  // all or nothing
        if (found == 5) {
          CHECK(r[4].members.size() == 1);
          ++present;
        }
        if (i < acked) CHECK(found == 5);
      }
      CHECK(present >= acked);
      CHECK(s->key_count(0) == present * 5);
    }
  }

  TEST_CASE("store power loss under everysec keeps what the last WAL sync covered") {
    TempDir dir;
    auto ffs = std::make_shared<FaultFs>();
    auto opts = MakeOptions(dir.path, Persistence::kEverysec);
    opts.sync_interval_ms = 30;
    opts.file_system = std::static_pointer_cast<rocksdb::FileSystem>(ffs);
    int durable_batches = 0, submitted = 0;
    {
      auto s = MustOpen(opts);
      Writer w{s.get()};
      for (int i = 0; i < 30; ++i) {
        w.Write({Put(0, "a" + std::to_string(i), "x"), Put(0, "b" + std::to_string(i), "x")});
        ++submitted;
      }
      CHECK(s->durable_seq(0) <= s->written_seq(0));
      REQUIRE(WaitFor([&] { return s->durable_seq(0) == 30; }));
      for (int i = 30; i < 40; ++i) {
        w.Write({Put(0, "a" + std::to_string(i), "x"), Put(0, "b" + std::to_string(i), "x")});
        ++submitted;
      }
      durable_batches = static_cast<int>(s->durable_seq(0));
      ffs->Crash();
      s->AbandonForTest();
    }
    ffs->DropUnsynced();
    opts.file_system = nullptr;
    auto s = MustOpen(opts);
    int present = 0;
    for (int i = 0; i < submitted; ++i) {
      auto r = LoadSync(s.get(), {{0, "a" + std::to_string(i)}, {0, "b" + std::to_string(i)}});
      CHECK(r[0].found == r[1].found);
      if (r[0].found) ++present;
      if (i < durable_batches) CHECK(r[0].found);
    }
    CHECK(present >= durable_batches);
    CHECK(s->key_count(0) == present * 2);
    MESSAGE("everysec: " << durable_batches << " batches synced before the loss, " << present
                         << " of " << submitted << " survived");
  }

  void CheckInjectedError(Persistence mode, int err, const char* text) {
    TempDir dir;
    auto ffs = std::make_shared<FaultFs>();
    auto opts = MakeOptions(dir.path, mode);
    opts.file_system = std::static_pointer_cast<rocksdb::FileSystem>(ffs);
    std::atomic<int> progress{0};
    opts.on_progress = [&] { ++progress; };
    auto s = MustOpen(opts);
    Writer w{s.get()};
    w.Write({Put(0, "before", "1")});
    ffs->SetError(err);
    Batch b;
    b.ops = {Put(0, "during", "2"), Put(0, "during2", "2")};
    b.marks = {{1, 5}};
    s->Submit(std::move(b));
    REQUIRE(WaitFor([&] { return s->has_error(); }));
    CHECK(s->error() == text);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));  // a few failed retries
    CHECK(s->written_seq(1) == 0);
    CHECK(s->durable_seq(1) == 0);
    CHECK(s->has_error());
    ffs->SetError(0);
    REQUIRE(WaitFor([&] { return s->durable_seq(1) == 5; }));
    REQUIRE(WaitFor([&] { return !s->has_error(); }));
    CHECK(s->error().empty());
    CHECK(s->key_count(0) == 3);
    CHECK(Get(s.get(), 0, "during"));
    w.Write({Put(0, "after", "3")});
    CHECK(s->key_count(0) == 4);
    CHECK(progress.load() > 0);
    s.reset();
    opts.file_system = nullptr;
    s = MustOpen(opts);
    CHECK(s->key_count(0) == 4);
    CHECK(Get(s.get(), 0, "during2"));
  }

  TEST_CASE("store write errors set error(), hold seqs, retry and recover") {
    SUBCASE("ENOSPC always") {
      CheckInjectedError(Persistence::kAlways, ENOSPC, "No space left on device");
    }
    SUBCASE("EIO always") { CheckInjectedError(Persistence::kAlways, EIO, "Input/output error"); }
    SUBCASE("EIO everysec") {
      CheckInjectedError(Persistence::kEverysec, EIO, "Input/output error");
    }
  }

  TEST_CASE("store everysec WAL sync failure is retried and recovers") {
    TempDir dir;
    auto ffs = std::make_shared<FaultFs>();
    auto opts = MakeOptions(dir.path, Persistence::kEverysec);
    opts.file_system = std::static_pointer_cast<rocksdb::FileSystem>(ffs);
    auto s = MustOpen(opts);
    Writer w{s.get()};
    ffs->SetSyncError(EIO);  // the write goes in, the everysec sync fails
    w.Write({Put(0, "a", "1")});
    REQUIRE(WaitFor([&] { return s->has_error(); }));
    CHECK(s->error() == "Input/output error");
    CHECK(s->durable_seq(0) < w.seq);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));  // retries keep the text
    CHECK(s->error() == "Input/output error");
    CHECK(s->durable_seq(0) < w.seq);
    ffs->SetSyncError(0);
    REQUIRE(WaitFor([&] { return s->durable_seq(0) == w.seq; }));
    REQUIRE(WaitFor([&] { return !s->has_error(); }));
    w.Write({Put(0, "b", "2")});
    REQUIRE(WaitFor([&] { return s->durable_seq(0) == w.seq; }));
    s.reset();
    opts.file_system = nullptr;
    s = MustOpen(opts);
    CHECK(s->key_count(0) == 2);
  }

  TEST_CASE("store shutdown with a failing disk gives up instead of hanging") {
    TempDir dir;
    auto ffs = std::make_shared<FaultFs>();
    auto opts = MakeOptions(dir.path, Persistence::kAlways);
    opts.file_system = std::static_pointer_cast<rocksdb::FileSystem>(ffs);
    auto s = MustOpen(opts);
    Writer w{s.get()};
    w.Write({Put(0, "kept", "1")});
    ffs->SetError(EIO);
    Batch b;
    b.ops = {Put(0, "lost", "2")};
    b.marks = {{0, 99}};
    s->Submit(std::move(b));
    REQUIRE(WaitFor([&] { return s->has_error(); }));
    std::promise<std::string> cp;
    TempDir cp_dir;
    s->Checkpoint(cp_dir.path, [&cp](std::string err) { cp.set_value(err); });
    CHECK(cp.get_future().get().find("writes are failing: Input/output error") !=
          std::string::npos);
    auto start = std::chrono::steady_clock::now();
    s.reset();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    ffs->SetError(0);
    s = MustOpen(opts);
    CHECK(Get(s.get(), 0, "kept"));
    CHECK(s->key_count(0) == (Get(s.get(), 0, "lost") ? 2 : 1));
  }

  TEST_CASE("store scan returns every key exactly once and survives concurrent changes") {
    TempDir dir;
    auto s = MustOpen(MakeOptions(dir.path, Persistence::kNo));
    Writer w{s.get()};
    std::vector<Op> ops;
    for (int i = 0; i < 1000; ++i) ops.push_back(Put(0, "key:" + std::to_string(i), "v"));
    ops.push_back(Put(1, "other-db", "v"));
    w.Write(std::move(ops));

    SUBCASE("no writes: exactly once") {
      CHECK(ScanSync(s.get(), 0, 0, 0).first.size() >= 1);  // count 0 still progresses
      for (size_t count : {1, 7, 100, 5000}) {
        CAPTURE(count);
        std::multiset<std::string> seen;
        uint64_t cursor = 0;
        int calls = 0;
        do {
          auto [keys, next] = ScanSync(s.get(), 0, cursor, count);
          CHECK((keys.size() >= count || next == 0));
          seen.insert(keys.begin(), keys.end());
          cursor = next;
          ++calls;
        } while (cursor != 0 && calls < 2000);
        CHECK(seen.size() == 1000);
        CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 1000);
      }
    }
    SUBCASE("inserts and deletes between calls") {
      std::set<std::string> seen;
      uint64_t cursor = 0;
      int step = 0;
      do {
        auto [keys, next] = ScanSync(s.get(), 0, cursor, 13);
        seen.insert(keys.begin(), keys.end());
        cursor = next;
        // Churn keys 1000.. (new) and delete/re-add only keys >= 500.
        std::vector<Op> churn;
        for (int j = 0; j < 5; ++j)
          churn.push_back(Put(0, "new:" + std::to_string(step * 5 + j), "v"));
        churn.push_back(Del(0, "key:" + std::to_string(500 + step % 500)));
        w.Write(std::move(churn));
        ++step;
      } while (cursor != 0 && step < 1000);
      for (int i = 0; i < 500; ++i) CHECK(seen.count("key:" + std::to_string(i)) == 1);
    }
    SUBCASE("random key and empty db") {
      auto rk = [&](int db) {
        std::promise<std::optional<std::string>> p;
        auto f = p.get_future();
        s->RandomKey(db, [&p](std::optional<std::string> k) { p.set_value(std::move(k)); });
        return f.get();
      };
      std::set<std::string> picks;
      for (int i = 0; i < 50; ++i) {
        auto k = rk(0);
        REQUIRE(k);
        CHECK(k->rfind("key:", 0) == 0);
        picks.insert(*k);
      }
      CHECK(picks.size() > 10);
      CHECK(rk(1) == std::optional<std::string>("other-db"));
      CHECK_FALSE(rk(2));
      auto [keys, next] = ScanSync(s.get(), 2, 0, 10);
      CHECK(keys.empty());
      CHECK(next == 0);
      CHECK(KeysSync(s.get(), 0, "key:99?").size() == 10);
    }
  }

  TEST_CASE("store load of missing, inline and member-wise keys in one call") {
    TempDir dir;
    auto s = MustOpen(MakeOptions(dir.path, Persistence::kEverysec));
    Writer w{s.get()};
    std::vector<Op> ops = {Put(0, "inline", "payload"), PutMembers(0, "big", 3, "meta")};
    for (int i = 0; i < 300; ++i) {
      ops.push_back(Member(0, "big", 3, "m" + std::to_string(1000 + i), "v" + std::to_string(i)));
    }
    // Same hash prefix neighbourhood: a key that is a prefix of another.
    ops.push_back(PutMembers(0, "bi", 3, "meta2"));
    ops.push_back(Member(0, "bi", 3, "z", "zz"));
    w.Write(std::move(ops));
    auto r = LoadSync(s.get(), {{0, "nope"}, {0, "inline"}, {0, "big"}, {1, "inline"}, {0, "bi"}});
    CHECK_FALSE(r[0].found);
    CHECK(r[1].found);
    CHECK(r[1].record.payload == "payload");
    CHECK(r[1].members.empty());
    REQUIRE(r[2].found);
    CHECK(r[2].record.payload == "meta");
    REQUIRE(r[2].members.size() == 300);
    CHECK(r[2].members.front() == std::pair<std::string, std::string>{"m1000", "v0"});
    CHECK(r[2].members.back() == std::pair<std::string, std::string>{"m1299", "v299"});
    CHECK_FALSE(r[3].found);
    REQUIRE(r[4].members.size() == 1);
    CHECK(r[4].members[0].first == "z");
    CHECK(LoadSync(s.get(), {}).empty());
  }

  TEST_CASE("store checkpoint holds everything submitted before it") {
    TempDir dir, cp;
    auto opts = MakeOptions(dir.path, Persistence::kEverysec);
    auto s = MustOpen(opts);
    Batch b;
    for (int i = 0; i < 100; ++i) b.ops.push_back(Put(0, "k" + std::to_string(i), "v"));
    s->Submit(std::move(b));  // not waited for
    std::promise<std::string> p;
    s->Checkpoint(cp.path, [&p](std::string err) { p.set_value(err); });
    CHECK(p.get_future().get() == "");
    std::promise<std::string> p2;
    s->Checkpoint(cp.path, [&p2](std::string err) { p2.set_value(err); });
    CHECK(p2.get_future().get().find("failed") != std::string::npos);  // exists already
    std::string stats = s->Stats();
    CHECK(stats.find("rocksdb_estimate_live_data_size:") != std::string::npos);
    CHECK(stats.find("rocksdb_memtable_bytes:") != std::string::npos);
    CHECK(stats.find("rocksdb_sst_files:") != std::string::npos);
    s.reset();
    auto c = MustOpen(MakeOptions(cp.path, Persistence::kEverysec));
    CHECK(c->key_count(0) == 100);
    CHECK(Get(c.get(), 0, "k99"));
  }

  TEST_CASE("store persistence switches keep what was written") {
    TempDir dir;
    auto opts = MakeOptions(dir.path, Persistence::kEverysec);
    {
      auto s = MustOpen(opts);
      Writer w{s.get()};
      w.Write({Put(0, "wal1", "v")});
      s->SetPersistence(Persistence::kNo);
      CHECK(s->persistence() == Persistence::kNo);
      w.Write({Put(0, "nowal", "v")});
      CHECK(s->durable_seq(0) == s->written_seq(0));
      s->SetPersistence(Persistence::kAlways);
      w.Write({Put(0, "wal2", "v")});
      CHECK(s->durable_seq(0) == w.seq);
      s->AbandonForTest();  // no flush at close: only WAL + SSTs count
    }
    auto s = MustOpen(opts);
    CHECK(Get(s.get(), 0, "wal1"));
    CHECK(Get(s.get(), 0, "nowal"));  // flushed when the WAL came back on
    CHECK(Get(s.get(), 0, "wal2"));
    CHECK(s->key_count(0) == 3);
  }

}  // TEST_SUITE

}  // namespace yotta::storage
