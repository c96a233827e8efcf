// References to an entity whose primary key has several attributes (PonyORM's multi-column
// foreign keys): a Fee refers to a Membership, keyed by its Member and its Club; a Booking may
// refer to a Slot, keyed by two scalars, through columns it names itself. The references are
// stored, loaded, followed both ways, changed, cleared, and queried as PonyORM queries them.
// What a test checks after a commit it reads in a new session, from the database.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace session_test;

namespace {

struct Membership;
struct Fee;
struct Booking;
struct Lesson;

struct Member : entity<Member> {
  Req<std::string> name{"name"};
  Set<Membership> memberships{"memberships"};
};

struct Club : entity<Club> {
  PK<std::string> code{"code"};
  Set<Membership> memberships{"memberships"};
};

struct Membership : entity<Membership> {
  Single<Member> member{"member"};
  Single<Club> club{"club"};
  Opt<std::int64_t> level{"level"};
  Set<Fee> fees{"fees"};
  [[no_unique_address]] nextorm::primary_key pk{member, club};
};

// PonyORM: enrollment = Required(Membership): columns membership_member and membership_club, a
// foreign key over both, and removing a Membership removes its fees (a Set whose items require
// their owner cascades).
struct Fee : entity<Fee> {
  Single<Membership> membership{"membership"};
  Req<std::int64_t> amount{"amount"};
};

struct Slot : entity<Slot> {
  Req<std::string> room{"room"};
  Req<std::int64_t> hour{"hour"};
  Set<Booking> bookings{"bookings"};
  Set<Lesson> lessons{"lessons"};
  [[no_unique_address]] nextorm::primary_key pk{room, hour};
};

// In a hierarchy: the reference's columns among those of the whole table, then more after them.
struct Event : entity<Event> {
  Req<std::string> title{"title"};
};
struct Lesson : entity<Lesson, Event> {
  Single<Slot> slot{"slot", nextorm::optional};
  Req<std::int64_t> seats{"seats"};
};

// An optional reference with its columns named (PonyORM's columns=[...]).
struct Booking : entity<Booking> {
  Req<std::string> who{"who"};
  Single<Slot> slot{"slot", nextorm::optional, nextorm::columns{"slot_room", "slot_at"}};
};

class club_house
    : public fresh_database<Member, Club, Membership, Fee, Slot, Booking, Event, Lesson> {
 public:
  club_house() : fresh_database{"composite_refs"} {}

  // Members Ann, Bob, Cid (keys 1, 2, 3); clubs CHESS and GO; Ann in both (level 2 in CHESS),
  // Bob in GO; fees: Ann CHESS 10 and 20, Ann GO 5, Bob GO 7. Slots (A, 9), (A, 10), (B, 9);
  // bookings: Zoe at (A, 9), Yan at (B, 9), Xia at none.
  void fill() {
    db_session session{db};
    Member& ann = Member::create({{"name", "Ann"}});
    Member& bob = Member::create({{"name", "Bob"}});
    (void)Member::create({{"name", "Cid"}});
    Club& chess = Club::create({{"code", "CHESS"}});
    Club& go = Club::create({{"code", "GO"}});
    Membership& ann_chess = Membership::create({{"member", ann}, {"club", chess}, {"level", 2}});
    Membership& ann_go = Membership::create({{"member", ann}, {"club", go}});
    Membership& bob_go = Membership::create({{"member", bob}, {"club", go}});
    (void)Fee::create({{"membership", ann_chess}, {"amount", 10}});
    (void)Fee::create({{"membership", ann_chess}, {"amount", 20}});
    (void)Fee::create({{"membership", ann_go}, {"amount", 5}});
    (void)Fee::create({{"membership", bob_go}, {"amount", 7}});
    Slot& a9 = Slot::create({{"room", "A"}, {"hour", 9}});
    (void)Slot::create({{"room", "A"}, {"hour", 10}});
    Slot& b9 = Slot::create({{"room", "B"}, {"hour", 9}});
    (void)Booking::create({{"who", "Zoe"}, {"slot", a9}});
    (void)Booking::create({{"who", "Yan"}, {"slot", b9}});
    (void)Booking::create({{"who", "Xia"}});
    (void)Event::create({{"title", "Fair"}});
    (void)Lesson::create({{"title", "Chess 1"}, {"slot", b9}, {"seats", 12}});
  }
};

std::string error_id(const std::function<void()>& f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e.id();
  }
  return "no error";
}

template <class T>
std::string printed(const T& field) {
  std::ostringstream out;
  out << field;
  return out.str();
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A fee as "<member> <club> <amount>", sorted.
std::vector<std::string> fees(const query<Fee>& q) {
  std::vector<std::string> out;
  for (Fee& f : q) {
    out.push_back(f.membership->member->name.get() + " " + f.membership->club->code.get() + " " +
                  std::to_string(f.amount.get()));
  }
  return sorted(out);
}

std::vector<std::string> whos(const query<Booking>& q) {
  std::vector<std::string> out;
  for (Booking& b : q) out.push_back(b.who.get());
  return sorted(out);
}

}  // namespace

TEST_CASE(
    "a reference to an entity with a composite key has a column per key attribute, named "
    "as PonyORM names them",
    "[composite_references]") {
  club_house h;
  h.fill();
  // <attribute>_<key column>, in the key's order, holding the target's key parts.
  CHECK(h.scalar("SELECT " + h.quote("membership_member") + " FROM " + h.table("Fee") + " WHERE " +
                     h.quote("amount") + " = 7",
                 value_type::integer) == value{2});
  CHECK(h.scalar("SELECT " + h.quote("membership_club") + " FROM " + h.table("Fee") + " WHERE " +
                     h.quote("amount") + " = 7",
                 value_type::text) == value{"GO"});
  // Declared columns, NULL for none.
  CHECK(h.count("Booking", h.quote("slot_room") + " = 'A' AND " + h.quote("slot_at") + " = 9") ==
        1);
  CHECK(h.count("Booking",
                h.quote("slot_room") + " IS NULL AND " + h.quote("slot_at") + " IS NULL") == 1);
  const auto& fee = h.db.schema().get("Fee");
  const auto columns = fee.find("membership")->column_names();
  CHECK(std::vector<std::string>(columns.begin(), columns.end()) ==
        std::vector<std::string>{"membership_member", "membership_club"});
  // The foreign key holds both columns together: no fee of a membership that does not exist.
  CHECK_FALSE(h.execute("INSERT INTO " + h.table("Fee") + " (" + h.quote("membership_member") +
                        ", " + h.quote("membership_club") + ", " + h.quote("amount") +
                        ") VALUES (2, 'CHESS', 1)")
                  .empty());
  CHECK(h.count("Fee") == 4);
}

TEST_CASE("a reference to an object with a composite key is stored and followed both ways",
          "[composite_references]") {
  club_house h;
  h.fill();
  db_session session{h.db};
  Fee& seven = *Fee::select("f.amount == 7").first();
  Membership& bob_go = *seven.membership;
  CHECK(&bob_go == &Membership::at({2, "GO"}));
  CHECK(bob_go.member->name.get() == "Bob");
  CHECK(bob_go.key() == value::tuple({2, "GO"}));
  // The reverse Set: by both columns.
  Membership& ann_chess = Membership::at({1, "CHESS"});
  std::vector<std::int64_t> amounts;
  for (Fee& f : ann_chess.fees) amounts.push_back(f.amount.get());
  std::sort(amounts.begin(), amounts.end());
  CHECK(amounts == std::vector<std::int64_t>{10, 20});
  CHECK(Membership::at({1, "GO"}).fees.size() == 1);
  CHECK(bob_go.fees.size() == 1);
  CHECK(Slot::at({"A", 10}).bookings.size() == 0);
  CHECK(Slot::at({"A", 9}).bookings.size() == 1);
  // PonyORM's repr of the reference.
  CHECK(printed(seven.membership) == "Membership[Member[2],Club['GO']]");
  Booking& xia = *Booking::select("b.who == 'Xia'").first();
  CHECK_FALSE(xia.slot);
  CHECK(printed(xia.slot) == "None");
}

TEST_CASE("a composite reference is changed, cleared and given by the collection's add()",
          "[composite_references]") {
  club_house h;
  h.fill();
  {
    db_session session{h.db};
    Fee& seven = *Fee::select("f.amount == 7").first();
    seven.membership = Membership::at({1, "CHESS"});
    Booking& zoe = *Booking::select("b.who == 'Zoe'").first();
    zoe.slot = nullptr;
    Booking& xia = *Booking::select("b.who == 'Xia'").first();
    Slot::at({"A", 10}).bookings.add(xia);
    (void)Fee::create({{"membership", Membership::at({2, "GO"})}, {"amount", 1}});
  }
  db_session session{h.db};
  CHECK(Membership::at({1, "CHESS"}).fees.size() == 3);
  CHECK(Membership::at({2, "GO"}).fees.size() == 1);
  CHECK(Fee::select("f.amount == 7").first()->membership->key() == value::tuple({1, "CHESS"}));
  CHECK_FALSE(Booking::select("b.who == 'Zoe'").first()->slot);
  CHECK(Booking::select("b.who == 'Xia'").first()->slot->hour.get() == 10);
  CHECK(h.count("Booking", h.quote("slot_room") + " IS NULL") == 1);
}

TEST_CASE(
    "removing an object with a composite key takes the objects that require it, and "
    "clears the optional references to it",
    "[composite_references]") {
  club_house h;
  h.fill();
  {
    db_session session{h.db};
    Membership::at({1, "CHESS"}).remove();
    Slot::at({"A", 9}).remove();
  }
  CHECK(h.count("Fee") == 2);
  CHECK(h.count("Booking") == 3);
  CHECK(h.count("Booking", h.quote("slot_room") + " IS NULL") == 2);
  db_session session{h.db};
  CHECK(fees(Fee::select()) == std::vector<std::string>{"Ann GO 5", "Bob GO 7"});
}

TEST_CASE("a required composite reference without a value is refused before the database",
          "[composite_references]") {
  club_house h;
  h.fill();
  db_session session{h.db};
  (void)Fee::create({{"amount", 3}});
  CHECK(error_id([&] { session.flush(); }) == "object.required");
  session.rollback();
}

TEST_CASE("queries follow, compare and return composite references as PonyORM does",
          "[composite_references]") {
  club_house h;
  h.fill();
  db_session session{h.db};
  // Navigation through the reference: a join on both columns.
  CHECK(fees(Fee::select("f.membership.member.name == 'Ann'")) ==
        std::vector<std::string>{"Ann CHESS 10", "Ann CHESS 20", "Ann GO 5"});
  CHECK(fees(Fee::select("f.membership.level == 2")) ==
        std::vector<std::string>{"Ann CHESS 10", "Ann CHESS 20"});
  CHECK(fees(Fee::select("f.membership.club.code == 'GO'")) ==
        std::vector<std::string>{"Ann GO 5", "Bob GO 7"});
  // Compared with an object, a parameter, a key list and each other: every column.
  const param_value ann_go = Membership::at({1, "GO"});
  CHECK(fees(Fee::select("f.membership == m", {{"m", ann_go}})) ==
        std::vector<std::string>{"Ann GO 5"});
  CHECK(fees(Fee::select("f.membership != m", {{"m", ann_go}})).size() == 3);
  CHECK(fees(Fee::select("f.membership == m", {{"m", entity_ref{&Membership::at({2, "GO"}).info(),
                                                                value::tuple({2, "GO"})}}})) ==
        std::vector<std::string>{"Bob GO 7"});
  CHECK(fees(select<Fee>("f for f in Fee for m in Membership if f.membership == m and "
                         "m.level == 2")) ==
        std::vector<std::string>{"Ann CHESS 10", "Ann CHESS 20"});
  CHECK(fees(Fee::select("f.membership in (x, y)",
                         {{"x", ann_go}, {"y", Membership::at({2, "GO"})}})) ==
        std::vector<std::string>{"Ann GO 5", "Bob GO 7"});
  CHECK(fees(Fee::select("f.membership in select(m for m in Membership if m.level == 2)")) ==
        std::vector<std::string>{"Ann CHESS 10", "Ann CHESS 20"});
  CHECK(select<std::tuple<Fee, Fee>>(
            "(f, g) for f in Fee for g in Fee if f.membership == g.membership and f != g")
            .fetch()
            .size() == 2);
  // A missing optional reference: every column NULL.
  CHECK(whos(Booking::select("b.slot is None")) == std::vector<std::string>{"Xia"});
  CHECK(whos(Booking::select("b.slot is not None")) == std::vector<std::string>{"Yan", "Zoe"});
  CHECK(whos(Booking::select("b.slot.hour == 9")) == std::vector<std::string>{"Yan", "Zoe"});
  CHECK(whos(Booking::select("not b.slot")) == std::vector<std::string>{"Xia"});
  // The reverse side: the Set of the referenced object.
  CHECK(Membership::select("count(m.fees) == 2").count() == 1);
  CHECK(Membership::select("count(m.fees) >= 1").count() == 3);
  CHECK(select<std::int64_t>("sum(m.fees.amount) for m in Membership if m.member.name == 'Ann'")
            .fetch()
            .size() == 1);
  CHECK(Slot::select("not s.bookings").count() == 1);
  CHECK(select<std::tuple<Membership, Fee>>("(m, f) for m in Membership for f in m.fees")
            .fetch()
            .size() == 4);
}

TEST_CASE("a composite reference as a result is its object, a missing one null",
          "[composite_references]") {
  club_house h;
  h.fill();
  db_session session{h.db};
  // Alone: the referenced objects (distinct).
  std::vector<std::string> memberships;
  for (Membership& m : select<Membership>("f.membership for f in Fee")) {
    memberships.push_back(m.member->name.get() + " " + m.club->code.get());
  }
  CHECK(sorted(memberships) == std::vector<std::string>{"Ann CHESS", "Ann GO", "Bob GO"});
  // Beside others: the key, its object found or loaded; none for a missing one.
  std::vector<std::string> rows;
  for (const auto& [b, s] : select<std::tuple<Booking, Slot>>("(b, b.slot) for b in Booking")) {
    rows.push_back(b->who.get() +
                   (s != nullptr ? " " + s->room.get() + std::to_string(s->hour.get()) : ""));
  }
  CHECK(sorted(rows) == std::vector<std::string>{"Xia", "Yan B9", "Zoe A9"});
  // Ordered by a reference: by each of its columns.
  std::vector<std::int64_t> amounts;
  for (Fee& f : Fee::select().order_by("f.membership, f.amount")) {
    amounts.push_back(f.amount.get());
  }
  CHECK(amounts == std::vector<std::int64_t>{10, 20, 5, 7});
  amounts.clear();
  for (Fee& f : Fee::select().order_by("desc(f.membership), f.amount")) {
    amounts.push_back(f.amount.get());
  }
  CHECK(amounts == std::vector<std::int64_t>{7, 5, 10, 20});
  // Ordered by the position of a reference among the results: by each of its columns; and by a
  // position after it.
  std::vector<std::string> by_position;
  for (const auto& [s, who] : select<std::tuple<Slot, std::string>>(
                                  "(b.slot, b.who) for b in Booking if b.slot is not None")
                                  .order_by("-1")) {
    by_position.push_back(s->room.get() + std::to_string(s->hour.get()) + " " + who);
  }
  CHECK(by_position == std::vector<std::string>{"B9 Yan", "A9 Zoe"});
  std::vector<std::string> by_second;
  for (const auto& [s, who] :
       select<std::tuple<Slot, std::string>>("(b.slot, b.who) for b in Booking").order_by("2")) {
    by_second.push_back(who);
  }
  CHECK(by_second == std::vector<std::string>{"Xia", "Yan", "Zoe"});
  // Counted: distinct references, none for a missing one.
  CHECK(select<std::int64_t>("count(b.slot) for b in Booking").first() == 2);
  {
    db_session other{h.db};
    (void)Booking::create({{"who", "Wu"}, {"slot", Slot::at({"A", 9})}});
  }
  CHECK(select<std::int64_t>("count(b.slot) for b in Booking").first() == 2);
  CHECK(select<std::int64_t>("count(b.slot, distinct=False) for b in Booking").first() == 3);
  CHECK(Booking::select("b.slot").count() == 3);
  // Grouped by a reference: each column; the missing one is a group of its own (PonyORM's).
  std::vector<std::string> groups;
  for (const auto& [s, n] :
       select<std::tuple<Slot, std::int64_t>>("(b.slot, count(b)) for b in Booking")) {
    groups.push_back((s != nullptr ? s->room.get() + std::to_string(s->hour.get()) : "None") + " " +
                     std::to_string(n));
  }
  CHECK(sorted(groups) == std::vector<std::string>{"A9 2", "B9 1", "None 1"});
}

TEST_CASE(
    "a composite reference where one SQL value is needed is a query error, in a derived "
    "table its object",
    "[composite_references]") {
  club_house h;
  h.fill();
  db_session session{h.db};
  // Ordered comparisons of objects are refused by the analyzer (type.mismatch, as for any
  // object); an object as one value of an expression by the lowering.
  CHECK(error_id([] { (void)Fee::select("f.membership > 1").fetch(); }) == "type.mismatch");
  CHECK(error_id([] { (void)select<Membership>("max(f.membership) for f in Fee").fetch(); }) ==
        "type.mismatch");
  // A derived table holds such a reference; not yet (docs/errors.md, query.composite_key) as a
  // column of a grouped one.
  auto paid = select("(f.membership, f.amount) for f in Fee");
  std::vector<std::string> members;
  for (Membership& m : select<Membership>("m for m, a in q if a > 5", {{"q", paid}})) {
    members.push_back(m.member->name.get() + " " + m.club->code.get());
  }
  members = sorted(members);
  members.erase(std::unique(members.begin(), members.end()), members.end());
  CHECK(members == std::vector<std::string>{"Ann CHESS", "Bob GO"});
  auto totals = select("(f.membership, sum(f.amount)) for f in Fee");
  CHECK(error_id([&] {
          (void)select<Membership>("m for m, t in q if t > 5", {{"q", totals}}).fetch();
        }) == "query.composite_key");
}

TEST_CASE("nextorm::columns applies to a reference to an entity with a composite key only",
          "[composite_references]") {
  // (tests/schema/json_schema_test.cpp checks the columns' count, names and clashes.)
  struct Wrong : entity<Wrong> {
    Req<std::string> who{"who", nextorm::columns{"a", "b"}};
  };
  database db;
  db.bind("sqlite://:memory:");
  try {
    db.generate_mapping<Slot, Booking, Event, Lesson, Wrong>({.create_tables = false});
    FAIL("mapped");
  } catch (const nextorm::error& e) {
    CHECK_THAT(e.what(), Catch::Contains("schema.option_kind: ") && Catch::Contains("'columns'"));
  }
}

TEST_CASE("a composite reference of a subclass is read among the columns of its hierarchy",
          "[composite_references]") {
  club_house h;
  h.fill();
  db_session session{h.db};
  std::vector<std::string> events;
  for (Event& e : Event::select().order_by("e.title")) {
    const auto* lesson = dynamic_cast<const Lesson*>(&e);
    events.push_back(e.title.get() + (lesson != nullptr
                                          ? " " + lesson->slot->room.get() +
                                                std::to_string(lesson->slot->hour.get()) + " " +
                                                std::to_string(lesson->seats.get())
                                          : ""));
  }
  CHECK(events == std::vector<std::string>{"Chess 1 B9 12", "Fair"});
  CHECK(Lesson::select("l.slot.room == 'B' and l.seats == 12").count() == 1);
  CHECK(Slot::at({"B", 9}).lessons.size() == 1);
  CHECK(Slot::select("count(s.lessons) == 0").count() == 2);
}
