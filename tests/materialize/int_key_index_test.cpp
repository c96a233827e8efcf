// The index of objects by integer key: an array while keys are dense, a hash table after.
#include "materialize/int_key_index.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

using nextorm::entity_base;
using nextorm::materialize::int_key_index;

// Distinct object addresses; the index never looks inside an object.
struct objects {
  explicit objects(std::size_t n) : storage(n) {}
  entity_base& operator[](std::size_t i) { return *reinterpret_cast<entity_base*>(&storage[i]); }
  struct alignas(entity_base) cell {
    std::byte bytes[sizeof(entity_base)];
  };
  std::vector<cell> storage;
};

constexpr std::int64_t min_key = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t max_key = std::numeric_limits<std::int64_t>::max();

}  // namespace

TEST_CASE("ascending keys stay in the array and are all found", "[int_key_index]") {
  objects o{10000};
  int_key_index index;
  for (std::size_t i = 0; i < 10000; ++i) index.file(static_cast<std::int64_t>(i) + 1, o[i]);
  CHECK_FALSE(index.hashed());
  CHECK(index.size() == 10000);
  for (std::size_t i = 0; i < 10000; ++i) {
    REQUIRE(index.find(static_cast<std::int64_t>(i) + 1) == &o[i]);
  }
  CHECK(index.find(0) == nullptr);
  CHECK(index.find(10001) == nullptr);
  CHECK(index.find(min_key) == nullptr);
  CHECK(index.find(max_key) == nullptr);
}

TEST_CASE("descending and scattered dense keys stay in the array", "[int_key_index]") {
  objects o{6000};
  int_key_index index;
  // Down from 5000, then every other key above it: half the range in use.
  for (std::size_t i = 0; i < 5000; ++i) index.file(5000 - static_cast<std::int64_t>(i), o[i]);
  for (std::size_t i = 0; i < 1000; ++i) {
    index.file(5002 + 2 * static_cast<std::int64_t>(i), o[5000 + i]);
  }
  CHECK_FALSE(index.hashed());
  for (std::size_t i = 0; i < 5000; ++i) {
    REQUIRE(index.find(5000 - static_cast<std::int64_t>(i)) == &o[i]);
  }
  CHECK(index.find(5004) == &o[5001]);
  CHECK(index.find(5003) == nullptr);
}

TEST_CASE("sparse keys move the index into the hash table, keeping every key", "[int_key_index]") {
  objects o{3000};
  int_key_index index;
  for (std::size_t i = 0; i < 1000; ++i) index.file(static_cast<std::int64_t>(i), o[i]);
  CHECK_FALSE(index.hashed());
  // A key far above: the array would be mostly empty.
  index.file(1'000'000, o[1000]);
  CHECK(index.hashed());
  // Keys with a stride, then far below, through several growths of the table.
  for (std::size_t i = 1; i < 1999; ++i) {
    index.file(-1'000'000 * static_cast<std::int64_t>(i), o[1000 + i]);
  }
  CHECK(index.size() == 2999);
  for (std::size_t i = 0; i < 1000; ++i) REQUIRE(index.find(static_cast<std::int64_t>(i)) == &o[i]);
  CHECK(index.find(1'000'000) == &o[1000]);
  CHECK(index.find(-1'000'000 * 1998) == &o[2998]);
  CHECK(index.find(-1) == nullptr);
}

TEST_CASE("a large hash table keeps every key through its growths", "[int_key_index]") {
  constexpr std::size_t n = 40000;  // past the size where the table stops growing fourfold
  objects o{n};
  int_key_index index;
  for (std::size_t i = 0; i < n; ++i) index.file(static_cast<std::int64_t>(i) * 1000, o[i]);
  CHECK(index.hashed());
  CHECK(index.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    REQUIRE(index.find(static_cast<std::int64_t>(i) * 1000) == &o[i]);
  }
}

TEST_CASE(
    "a key below the array moves the index into the hash table once the array would be too sparse",
    "[int_key_index]") {
  // Keys 0..999 fill an array of 1024 entries; one more key allows 4 * 1002 + 1024 = 5032.
  for (const std::int64_t below : {std::int64_t{-4000}, std::int64_t{-4500}}) {
    INFO("below = " << below);
    objects o{1001};
    int_key_index index;
    for (std::size_t i = 0; i < 1000; ++i) index.file(static_cast<std::int64_t>(i), o[i]);
    index.file(below, o[1000]);
    // 4000 below the array and its 1024 entries fit; 4500 below fit alone, but not with them.
    CHECK(index.hashed() == (below == -4500));
    CHECK(index.size() == 1001);
    CHECK(index.find(below) == &o[1000]);
    for (std::size_t i = 0; i < 1000; ++i)
      REQUIRE(index.find(static_cast<std::int64_t>(i)) == &o[i]);
    CHECK(index.find(below + 1) == nullptr);
  }
}

TEST_CASE("a key far below the array also moves the index into the hash table", "[int_key_index]") {
  objects o{3};
  int_key_index index;
  index.file(0, o[0]);
  index.file(min_key, o[1]);
  CHECK(index.hashed());
  CHECK(index.find(0) == &o[0]);
  CHECK(index.find(min_key) == &o[1]);
}

TEST_CASE("the array's arithmetic holds at both ends of int64", "[int_key_index]") {
  objects o{4};
  int_key_index index;
  // The array starts at max_key - 63 and ends at max_key: the smallest key is as far below it as
  // the array is long, which in 64-bit arithmetic wraps to nothing.
  index.file(max_key - 63, o[0]);
  index.file(max_key, o[1]);
  CHECK_FALSE(index.hashed());
  index.file(min_key, o[2]);
  CHECK(index.hashed());
  CHECK(index.find(max_key - 63) == &o[0]);
  CHECK(index.find(max_key) == &o[1]);
  CHECK(index.find(min_key) == &o[2]);
}

TEST_CASE("keys near the smallest int64 grow the array downwards no further than it",
          "[int_key_index]") {
  objects o{3};
  int_key_index index;
  index.file(min_key + 100, o[0]);
  index.file(min_key + 1, o[1]);
  index.file(min_key, o[2]);
  CHECK_FALSE(index.hashed());
  CHECK(index.find(min_key + 100) == &o[0]);
  CHECK(index.find(min_key + 1) == &o[1]);
  CHECK(index.find(min_key) == &o[2]);
  CHECK(index.find(max_key) == nullptr);
}

TEST_CASE("filing a key again replaces its object", "[int_key_index]") {
  objects o{4};
  for (const bool hashed : {false, true}) {
    int_key_index index;
    index.file(1, o[0]);
    if (hashed) index.file(1'000'000'000, o[1]);
    REQUIRE(index.hashed() == hashed);
    const std::size_t before = index.size();
    index.file(1, o[2]);
    CHECK(index.size() == before);
    CHECK(index.find(1) == &o[2]);
  }
}

TEST_CASE("find_or_add makes an object only for a key it has not seen, in both forms",
          "[int_key_index]") {
  objects o{4};
  for (const bool hashed : {false, true}) {
    int_key_index index;
    int made = 0;
    auto make = [&](std::size_t i) {
      return [&, i] {
        ++made;
        return &o[i];
      };
    };
    if (hashed) index.file(1'000'000'000, o[3]);
    CHECK(index.find_or_add(5, make(0)) == &o[0]);
    CHECK(index.find_or_add(5, make(1)) == &o[0]);
    CHECK(index.find_or_add(6, make(1)) == &o[1]);
    CHECK(made == 2);
    CHECK(index.hashed() == hashed);
  }
  // The first key far from the array's start moves it into the hash table on the way.
  int_key_index index;
  index.file(0, o[0]);
  CHECK(index.find_or_add(1'000'000'000, [&] { return &o[1]; }) == &o[1]);
  CHECK(index.hashed());
  CHECK(index.find(0) == &o[0]);
}

TEST_CASE("forgotten keys are gone and the others stay findable, in both forms",
          "[int_key_index]") {
  objects o{400};
  for (const bool hashed : {false, true}) {
    int_key_index index;
    // Scattered keys collide in the hash table, so that deletions shift probe runs (keys with a
    // common stride would not: Fibonacci hashing spreads them evenly).
    std::mt19937_64 random{42};
    std::vector<std::int64_t> keys;
    for (std::size_t i = 0; i < 400; ++i) {
      keys.push_back(hashed ? static_cast<std::int64_t>(random() >> 1)
                            : static_cast<std::int64_t>(i));
    }
    for (std::size_t i = 0; i < 400; ++i) index.file(keys[i], o[i]);
    REQUIRE(index.hashed() == hashed);
    for (std::size_t i = 0; i < 400; i += 3) index.forget(keys[i]);
    index.forget(keys[0]);  // forgotten already
    index.forget(-7);       // never filed
    index.forget(100000);
    CHECK(index.size() == 400 - 134);
    for (std::size_t i = 0; i < 400; ++i) {
      const bool kept = i % 3 != 0;
      REQUIRE(index.find(keys[i]) == (kept ? &o[i] : nullptr));
    }
  }
  int_key_index empty;
  empty.forget(1);
  CHECK(empty.size() == 0);
}
