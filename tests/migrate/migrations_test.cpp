// Migrations on each provider (NEXTORM_PROVIDER), as a user runs them: `nextorm makemigrations`
// from versions of a JSON schema, `nextorm migrate` (or nextorm::migrate from C++), then the
// database read and written through the new schema. Data is kept across renames and SQLite's
// table rebuilds; destructive changes are refused; failures leave nothing half done (PostgreSQL,
// SQLite) or resume (MariaDB); two migrators apply each migration once.
#include <nextorm/nextorm.hpp>

#include "migrate/migration_file.hpp"
#include "migration_test_support.hpp"
#include "test_databases.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace nextorm;
namespace fs = std::filesystem;

namespace {

// The shop's schema in four versions.
constexpr const char* v1 = R"({"entities":[
  {"name":"Category","attrs":[
    {"name":"name","kind":"Req","type":"str","unique":true},
    {"name":"products","kind":"Set","type":"Product"}]},
  {"name":"Product","attrs":[
    {"name":"title","kind":"Req","type":"str"},
    {"name":"price","kind":"Req","type":"float"},
    {"name":"category","kind":"Single","type":"Category","optional":true}]}]})";

// title renamed to name (declared), price made optional, stock added, Tag new (many-to-many).
constexpr const char* v2 = R"({"entities":[
  {"name":"Category","attrs":[
    {"name":"name","kind":"Req","type":"str","unique":true},
    {"name":"products","kind":"Set","type":"Product"}]},
  {"name":"Product","attrs":[
    {"name":"name","kind":"Req","type":"str","renamed_from":"title"},
    {"name":"price","kind":"Opt","type":"float"},
    {"name":"stock","kind":"Opt","type":"int"},
    {"name":"category","kind":"Single","type":"Category","optional":true},
    {"name":"tags","kind":"Set","type":"Tag"}]},
  {"name":"Tag","attrs":[
    {"name":"label","kind":"Req","type":"str"},
    {"name":"products","kind":"Set","type":"Product"}]}]})";

// stock dropped (destructive), and the Category reference dropped with its column.
constexpr const char* v3 = R"({"entities":[
  {"name":"Category","attrs":[
    {"name":"name","kind":"Req","type":"str","unique":true}]},
  {"name":"Product","attrs":[
    {"name":"name","kind":"Req","type":"str","renamed_from":"title"},
    {"name":"price","kind":"Opt","type":"float"},
    {"name":"tags","kind":"Set","type":"Tag"}]},
  {"name":"Tag","attrs":[
    {"name":"label","kind":"Req","type":"str"},
    {"name":"products","kind":"Set","type":"Product"}]}]})";

// A required column without a default: refused by the migrator on a table with rows.
constexpr const char* v4 = R"({"entities":[
  {"name":"Category","attrs":[
    {"name":"name","kind":"Req","type":"str","unique":true},
    {"name":"code","kind":"Req","type":"str"}]},
  {"name":"Product","attrs":[
    {"name":"name","kind":"Req","type":"str","renamed_from":"title"},
    {"name":"price","kind":"Opt","type":"float"},
    {"name":"tags","kind":"Set","type":"Tag"}]},
  {"name":"Tag","attrs":[
    {"name":"label","kind":"Req","type":"str"},
    {"name":"products","kind":"Set","type":"Product"}]}]})";

struct Tag;
struct Product : entity<Product> {
  Req<std::string> name{"name"};
  Opt<double> price{"price"};
  Set<Tag> tags{"tags"};
};
struct Tag : entity<Tag> {
  Req<std::string> label{"label"};
  Set<Product> products{"products"};
};

using migration_test::command_result;
using migration_test::nextorm_cli;
using migration_test::read_json;
using migration_test::sql_step;
using migration_test::write_json;

class project {
 public:
  project()
      : m_folder{"nextorm-migrations"},
        m_dir{m_folder.dir()},
        m_url{testing::fresh_database_url("migrations_" + std::to_string(++count()))} {}
  ~project() { testing::discard_database(m_url); }
  project(const project&) = delete;
  project& operator=(const project&) = delete;

  // Writes `schema` and runs makemigrations with `options`.
  command_result make(const char* schema, std::vector<std::string> options = {}) {
    const fs::path file = m_dir / "schema.json";
    std::ofstream{file} << schema;
    std::vector<std::string> args{"makemigrations", "--schema", file.string(), "--dir",
                                  migrations().string()};
    args.insert(args.end(), options.begin(), options.end());
    return nextorm_cli(args);
  }
  command_result migrate(std::vector<std::string> options = {}) {
    std::vector<std::string> args{"migrate", "--db", m_url, "--dir", migrations().string()};
    args.insert(args.end(), options.begin(), options.end());
    return nextorm_cli(args);
  }
  command_result show() {
    return nextorm_cli({"showmigrations", "--db", m_url, "--dir", migrations().string()});
  }
  [[nodiscard]] fs::path migrations() const { return m_dir / "migrations"; }
  [[nodiscard]] const std::string& url() const { return m_url; }

  value scalar(const std::string& sql) const {
    auto c = testing::raw_connection(m_url);
    auto rows = c->query(sql, {});
    REQUIRE(rows->next());
    return rows->is_null(0) ? value{} : rows->get(0, value_type::null);
  }
  void run(const std::string& sql) const { (void)testing::raw_connection(m_url)->execute(sql, {}); }
  std::int64_t history() const {
    return scalar("SELECT COUNT(*) FROM nextorm_migrations WHERE success = 1").as_int();
  }

 private:
  static int& count() {
    static int n = 0;
    return n;
  }
  migration_test::temp_folder m_folder;
  fs::path m_dir;
  std::string m_url;
};

bool is_mariadb() { return testing::current_provider() == "mariadb"; }

// The checksum of a migration file, as the migrator computes it.
std::string schema_change_checksum(const fs::path& file) {
  const nlohmann::json m = read_json(file);
  return nextorm::schema_change::checksum_of(m["operations"], m["snapshot"]);
}

}  // namespace

TEST_CASE("a schema's versions become migrations that keep the data", "[migrations]") {
  project p;
  auto made = p.make(v1);
  REQUIRE(made.code == 0);
  CHECK_THAT(made.out, Catch::Contains("0001_initial.json") && Catch::Contains("create_table"));
  CHECK(fs::exists(p.migrations() / "0001_initial.json"));
  // Nothing changed: nothing written, and --check passes.
  CHECK_THAT(p.make(v1).out, Catch::StartsWith("No changes"));
  CHECK(p.make(v1, {"--check"}).code == 0);
  REQUIRE(p.migrate().out == "Applied 0001_initial\n");
  CHECK(p.migrate().out == "No migrations to apply.\n");
  p.run("INSERT INTO category (name) VALUES ('tools')");
  p.run(
      "INSERT INTO product (title, price, category) VALUES ('Hammer', 5.5, 1), ('Saw', 10, NULL)");

  // Version 2: --check fails until the migration is written.
  const auto missing = p.make(v2, {"--check"});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("a migration is missing") &&
                              Catch::Contains("rename_column table=product from=title to=name"));
  REQUIRE(p.make(v2, {"--name", "shop_v2"}).code == 0);
  const auto shown = p.show();
  CHECK_THAT(shown.out, Catch::Contains("[X] 0001_initial  applied ") &&
                            Catch::Contains("[ ] 0002_shop_v2\n"));
  REQUIRE(p.migrate().code == 0);
  CHECK(p.history() == 2);
  // The renamed column kept its values, the new one is empty, the old NOT NULL is gone.
  CHECK(p.scalar("SELECT name FROM product WHERE id = 1") == value{"Hammer"});
  CHECK(p.scalar("SELECT COUNT(*) FROM product WHERE stock IS NULL").as_int() == 2);
  p.run("INSERT INTO product (name, price) VALUES ('Kite', NULL)");
  // The new schema works through the ORM: a many-to-many through the new join table.
  {
    database db{p.url()};
    db.generate_mapping<Product, Tag>();
    {
      db_session session{db};
      auto& sale = Tag::create({{"label", "sale"}});
      sale.products.add(Product::at(1));
    }
    db_session session{db};
    CHECK(select<Product>("p for p in Product if 'sale' in p.tags.label").count() == 1);
  }

  // Version 3 drops a column and a reference: refused, saying what is lost, unless allowed.
  const auto refused = p.make(v3);
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("drops column product.stock and the values it holds") &&
                              Catch::Contains("--allow-destructive"));
  CHECK_FALSE(fs::exists(p.migrations() / "0003_drop_foreign_key_product_and_more.json"));
  REQUIRE(p.make(v3, {"--allow-destructive"}).code == 0);
  REQUIRE(p.migrate().code == 0);
  CHECK(p.history() == 3);
  CHECK(p.scalar("SELECT COUNT(*) FROM product").as_int() == 3);
  CHECK(p.scalar("SELECT COUNT(*) FROM product_tag").as_int() == 1);  // rebuilt tables keep links
  CHECK_THROWS_AS(p.scalar("SELECT stock FROM product"), database_error);
}

TEST_CASE("a NOT NULL column without a default is refused on a table with rows", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  REQUIRE(p.make(v2).code == 0);
  REQUIRE(p.make(v3, {"--allow-destructive"}).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO category (name) VALUES ('tools')");
  const auto made = p.make(v4);
  REQUIRE(made.code == 0);  // (an empty table would take it)
  const auto failed = p.migrate();
  CHECK(failed.code == 1);
  CHECK_THAT(failed.err, Catch::Contains("migrate.failed") &&
                             Catch::Contains("NOT NULL column without a default to table") &&
                             Catch::Contains("which has rows"));
  CHECK(p.history() == 3);
  // Emptied, the table takes it.
  p.run("DELETE FROM category");
  CHECK(p.migrate().code == 0);
  CHECK(p.history() == 4);
}

TEST_CASE("a failed migration is rolled back, or resumed where DDL commits itself",
          "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO category (name) VALUES ('tools')");
  p.run("INSERT INTO product (title, price) VALUES ('Hammer', 5)");
  // A data migration written by hand: its second statement fails on a duplicate.
  nlohmann::json m = read_json(p.migrations() / "0001_initial.json");
  m["operations"] = nlohmann::json::array({sql_step("UPDATE product SET price = price + 1"),
                                           sql_step("INSERT INTO category (name) VALUES ('tools')"),
                                           sql_step("UPDATE product SET price = price * 10")});
  write_json(p.migrations() / "0002_fix_prices.json", m);
  const auto failed = p.migrate();
  CHECK(failed.code == 1);
  CHECK_THAT(failed.err, Catch::Contains("migration 0002_fix_prices failed at statement 2 of 3"));
  if (is_mariadb()) {
    CHECK_THAT(failed.err, Catch::Contains("resume at statement 2"));
    CHECK(p.scalar("SELECT price FROM product").as_real() == 6.0);
    CHECK_THAT(p.show().out, Catch::Contains("[~] 0002_fix_prices  failed after 1 statements"));
  } else {
    CHECK_THAT(failed.err, Catch::Contains("nothing of it was applied"));
    CHECK(p.scalar("SELECT price FROM product").as_real() == 5.0);
  }
  // The cause removed, migrate finishes it: each statement ran once.
  p.run("DELETE FROM category");
  REQUIRE(p.migrate().code == 0);
  CHECK(p.scalar("SELECT price FROM product").as_real() == 60.0);
  CHECK(p.scalar("SELECT COUNT(*) FROM category").as_int() == 1);
  // A data migration without SQL for a provider says so.
  m["operations"] = nlohmann::json::array({{{"op", "sql"}, {"nothing", "SELECT 1"}}});
  write_json(p.migrations() / "0003_other.json", m);
  CHECK_THAT(p.migrate().err, Catch::Contains("migrate.sql_missing"));
}

TEST_CASE("an applied migration that was edited is refused until repaired", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  const fs::path file = p.migrations() / "0001_initial.json";
  std::string text;
  {
    std::ifstream in{file};
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  // Whitespace and comments do not count.
  std::ofstream{file} << "// reviewed by Ann\n" << text << "\n\n";
  CHECK(p.migrate().code == 0);
  CHECK_THAT(p.show().out, Catch::Contains("[X] 0001_initial"));
  // A changed operation does.
  auto edited = nlohmann::json::parse(text);
  edited["operations"].push_back(
      {{"op", "sql"}, {"sqlite", "SELECT 1"}, {"postgres", "SELECT 1"}, {"mariadb", "SELECT 1"}});
  std::ofstream{file} << edited.dump(2);
  const auto refused = p.migrate();
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err,
             Catch::Contains("migrate.edited") && Catch::Contains("--repair-checksum"));
  CHECK_THAT(p.show().out, Catch::Contains("[!] 0001_initial"));
  CHECK(p.migrate({"--repair-checksum"}).code == 0);
  CHECK_THAT(p.show().out, Catch::Contains("[X] 0001_initial"));
  // Its way back is not known: it runs SQL of its own, without a "reverse".
  CHECK_THAT(p.migrate({"--to", "0"}).err,
             Catch::Contains("migrate.down") && Catch::Contains("without a \"reverse\""));
}

TEST_CASE("two migrators at once apply each migration once", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.make(v2).code == 0);
  std::vector<command_result> results(2);
  std::thread a{[&] { results[0] = p.migrate(); }};
  std::thread b{[&] { results[1] = p.migrate(); }};
  a.join();
  b.join();
  CHECK(results[0].code == 0);
  CHECK(results[1].code == 0);
  INFO(results[0].out << results[0].err << results[1].out << results[1].err);
  // Between them, each migration was applied by one.
  const std::string both = results[0].out + results[1].out;
  CHECK(std::count(both.begin(), both.end(), '\n') >= 2);
  CHECK(both.find("Applied 0001_initial") != std::string::npos);
  CHECK(both.find("Applied 0001_initial") == both.rfind("Applied 0001_initial"));
  CHECK(both.find("Applied 0002_") == both.rfind("Applied 0002_"));
  CHECK(p.history() == 2);
}

TEST_CASE("a program migrates at start-up through nextorm::migrate", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.make(v2).code == 0);
  database db{p.url()};
  CHECK(nextorm::migrate(db, p.migrations(), {.to = 1}) ==
        std::vector<std::string>{"0001_initial"});
  const auto rest = nextorm::migrate(db, p.migrations());
  REQUIRE(rest.size() == 1);
  CHECK(rest.front().starts_with("0002_"));
  CHECK(nextorm::migrate(db, p.migrations()).empty());
  db.generate_mapping<Product, Tag>();
  db_session session{db};
  (void)Product::create({{"name", "Ball"}});
}

TEST_CASE("--fake-initial adopts a database whose tables exist already", "[migrations]") {
  project p;
  REQUIRE(p.make(v2, {"--initial"}).code == 0);
  // Not on a database without the tables: the next migration would find none.
  const auto refused = p.migrate({"--fake-initial"});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("migrate.fake_initial") &&
                              Catch::Contains("category", Catch::CaseSensitive::No));
  {
    // A database made without migrations (PonyORM's generate_mapping(create_tables=True) makes
    // the same tables).
    database db{p.url()};
    db.schema().load_json_text(v2);
    db.generate_mapping({.create_tables = true});
  }
  REQUIRE(p.migrate({"--fake-initial"}).out == "Faked 0001_initial\n");
  CHECK(p.history() == 1);
  CHECK(p.make(v2, {"--initial"}).code == 2);  // there are migrations already
}

TEST_CASE("migrate --check reports how the database drifted from the migrations", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.make(v2).code == 0);
  REQUIRE(p.migrate({"--to", "1"}).code == 0);
  auto checked = p.migrate({"--check"});
  CHECK(checked.code == 0);
  CHECK(checked.out == "1 migration is pending\n");
  REQUIRE(p.migrate().code == 0);
  CHECK(p.migrate({"--check"}).out == "The database matches the last migration.\n");
  // Changed by hand: a column added, one made NOT NULL, a table added, one dropped.
  p.run("ALTER TABLE category ADD COLUMN note VARCHAR(20)");
  p.run("CREATE TABLE scratch (a INTEGER)");
  p.run("DROP TABLE product_tag");
  p.run("ALTER TABLE tag DROP COLUMN label");
  const std::string provider = testing::current_provider();
  if (provider == "postgres") {
    p.run("ALTER TABLE category ALTER COLUMN name DROP NOT NULL");
    p.run("ALTER TABLE product ALTER COLUMN price SET NOT NULL");
  } else if (provider == "mariadb") {
    p.run("ALTER TABLE category MODIFY name VARCHAR(255) NULL");
    p.run("ALTER TABLE product MODIFY price DOUBLE NOT NULL");
  }
  checked = p.migrate({"--check"});
  CHECK(checked.code == 1);
  CHECK_THAT(checked.out, Catch::Contains("column note is not in the schema") &&
                              Catch::Contains("table scratch is not in the schema") &&
                              Catch::Contains("product_tag is missing", Catch::CaseSensitive::No) &&
                              Catch::Contains(": column label is missing"));
  if (provider != "sqlite") {
    CHECK_THAT(checked.out,
               Catch::Contains("column name is nullable, the schema says NOT NULL") &&
                   Catch::Contains("column price is NOT NULL, the schema says nullable"));
  }
}

TEST_CASE("migrate --check sees column types, lengths, indexes and keys that drifted",
          "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.make(v2).code == 0);
  REQUIRE(p.migrate().code == 0);
  REQUIRE(p.migrate({"--check"}).out == "The database matches the last migration.\n");
  p.run("CREATE INDEX extra_idx ON product (stock)");
  p.run("CREATE UNIQUE INDEX one_price ON product (price)");
  const std::string provider = testing::current_provider();
  if (provider == "postgres") {
    p.run("ALTER TABLE product ALTER COLUMN stock TYPE TEXT");
    p.run("ALTER TABLE tag ALTER COLUMN label TYPE VARCHAR(10)");
    p.run("ALTER TABLE product DROP CONSTRAINT fk_product__category");
  } else if (provider == "mariadb") {
    p.run("ALTER TABLE product MODIFY stock TEXT");
    p.run("ALTER TABLE tag MODIFY label VARCHAR(10) NOT NULL");
    p.run("ALTER TABLE product DROP FOREIGN KEY fk_product__category");
  }
  const auto checked = p.migrate({"--check"});
  INFO(checked.out);
  CHECK(checked.code == 1);
  // (SQLite's tables are Product and Tag: PonyORM's names keep the case there.)
  const auto no_case = Catch::CaseSensitive::No;
  CHECK_THAT(
      checked.out,
      Catch::Contains("table product: index extra_idx on (stock) is not in the schema", no_case) &&
          Catch::Contains("table product: the unique key on (price) is not in the schema",
                          no_case));
  if (provider != "sqlite") {
    CHECK_THAT(checked.out,
               Catch::Contains("table product: column stock is text, the schema says int") &&
                   Catch::Contains("table tag: column label is str(10), the schema says str") &&
                   Catch::Contains("table product: the foreign key on (category) to category "
                                   "is missing"));
  }
}

TEST_CASE("migrate --check of a database with nothing applied lists what is pending",
          "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  const auto checked = p.migrate({"--check"});
  CHECK(checked.code == 0);
  CHECK(checked.out == "1 migration is pending\n");
}

TEST_CASE("renames carry their indexes, keys and join tables along, and later changes find them",
          "[migrations]") {
  project p;
  REQUIRE(p.make(R"({"entities":[
    {"name":"Club","attrs":[
      {"name":"title","kind":"Req","type":"str"},
      {"name":"members","kind":"Set","type":"Person"}]},
    {"name":"Person","attrs":[
      {"name":"name","kind":"Req","type":"str","index":true},
      {"name":"email","kind":"Req","type":"str","unique":true},
      {"name":"clubs","kind":"Set","type":"Club"}]}]})")
              .code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO club (title) VALUES ('chess')");
  p.run("INSERT INTO person (name, email) VALUES ('Ann', 'ann@x')");
  p.run("INSERT INTO club_person (club, person) VALUES (1, 1)");
  // Person becomes Human, name becomes fullname; an optional string is added to a table with
  // rows (they get '', as PonyORM stores a missing optional string).
  const auto renamed = p.make(R"({"entities":[
    {"name":"Club","attrs":[
      {"name":"title","kind":"Req","type":"str"},
      {"name":"members","kind":"Set","type":"Human"}]},
    {"name":"Human","renamed_from":"Person","attrs":[
      {"name":"fullname","kind":"Req","type":"str","index":true,"renamed_from":"name"},
      {"name":"email","kind":"Req","type":"str","unique":true},
      {"name":"nickname","kind":"Opt","type":"str"},
      {"name":"clubs","kind":"Set","type":"Club"}]}]})");
  REQUIRE(renamed.code == 0);
  CHECK_THAT(renamed.out, Catch::Contains("rename_table from=club_person to=club_human") &&
                              !Catch::Contains("drop_table"));
  REQUIRE(p.migrate().code == 0);
  CHECK(p.scalar("SELECT fullname FROM human") == value{"Ann"});
  CHECK(p.scalar("SELECT nickname FROM human") == value{""});
  CHECK(p.scalar("SELECT COUNT(*) FROM club_human").as_int() == 1);
  // The index and the unique key, named after the old names once, are found by the next change.
  REQUIRE(p.make(R"({"entities":[
    {"name":"Club","attrs":[
      {"name":"title","kind":"Req","type":"str"},
      {"name":"members","kind":"Set","type":"Human"}]},
    {"name":"Human","attrs":[
      {"name":"fullname","kind":"Req","type":"str"},
      {"name":"email","kind":"Req","type":"str"},
      {"name":"nickname","kind":"Opt","type":"str"},
      {"name":"clubs","kind":"Set","type":"Club"}]}]})")
              .code == 0);
  const auto dropped = p.migrate();
  INFO(dropped.err);
  REQUIRE(dropped.code == 0);
  p.run("INSERT INTO human (fullname, email, nickname) VALUES ('Bob', 'ann@x', '')");
  CHECK(p.scalar("SELECT COUNT(*) FROM human").as_int() == 2);
  CHECK(p.migrate({"--check"}).out == "The database matches the last migration.\n");
}

TEST_CASE("a reference moved to another entity gets its foreign key moved too", "[migrations]") {
  project p;
  REQUIRE(p.make(R"({"entities":[
    {"name":"Owner","attrs":[{"name":"name","kind":"Req","type":"str"},
                             {"name":"pets","kind":"Set","type":"Pet"}]},
    {"name":"Keeper","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Pet","attrs":[{"name":"who","kind":"Single","type":"Owner","optional":true}]}]})")
              .code == 0);
  REQUIRE(p.migrate().code == 0);
  REQUIRE(p.make(R"({"entities":[
    {"name":"Owner","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Keeper","attrs":[{"name":"name","kind":"Req","type":"str"},
                              {"name":"pets","kind":"Set","type":"Pet"}]},
    {"name":"Pet","attrs":[{"name":"who","kind":"Single","type":"Keeper","optional":true}]}]})",
                 {"--allow-destructive"})
              .code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO keeper (name) VALUES ('Kim')");
  p.run("INSERT INTO pet (who) VALUES (1)");  // a keeper's key, no owner has it
  CHECK(p.scalar("SELECT COUNT(*) FROM pet").as_int() == 1);
}

TEST_CASE("MariaDB: a lock row left by a migrator whose connection is gone is taken over",
          "[migrations]") {
  if (testing::current_provider() != "mariadb") return;  // the others' locks die with them
  project p;
  REQUIRE(p.make(v1).code == 0);
  auto holder = testing::raw_connection(p.url());
  holder->execute_script(
      "CREATE TABLE nextorm_migrations_lock (id INTEGER NOT NULL PRIMARY KEY, owner "
      "VARCHAR(255) NOT NULL, locked_at VARCHAR(32) NOT NULL)");
  // Rows that name no connection of this server are waited for, whatever they say.
  for (const char* owner : {"x@nowhere", "a#1@b", "x@other:1#5"}) {
    INFO(owner);
    (void)holder->execute("INSERT INTO nextorm_migrations_lock VALUES (1, ?, 'now')",
                          std::vector<value>{value{owner}});
    CHECK(p.migrate({"--lock-timeout", "0"}).code == 1);
    (void)holder->execute("DELETE FROM nextorm_migrations_lock", {});
  }
  // A migrator of this server holds the lock as NextORM writes it: while its connection lives,
  // the next one waits.
  const std::string row =
      "INSERT INTO nextorm_migrations_lock SELECT 1, CONCAT('crashed:1:2@', @@hostname, ':', "
      "@@port, '#', CONNECTION_ID()), 'now'";
  holder->execute_script(row);
  const auto waited = p.migrate({"--lock-timeout", "1"});
  CHECK(waited.code == 1);
  CHECK_THAT(waited.err, Catch::Contains("migrate.locked"));
  // Its connection ends (the process crashed): the next migrator takes the lock at once.
  holder.reset();
  const auto start = std::chrono::steady_clock::now();
  const auto done = p.migrate({"--lock-timeout", "30"});
  INFO(done.err);
  CHECK(done.code == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{10});
  CHECK(p.scalar("SELECT COUNT(*) FROM nextorm_migrations_lock").as_int() == 0);
}

TEST_CASE("a migrator waits for the lock another holds, then gives up", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  const std::string provider = testing::current_provider();
  auto holder = testing::raw_connection(p.url());
  if (provider == "sqlite") {
    holder->begin_serializable();
  } else if (provider == "postgres") {
    (void)holder->query("SELECT pg_advisory_lock(110101116111114109)", {})->next();
  } else {
    holder->execute_script(
        "CREATE TABLE nextorm_migrations_lock (id INTEGER NOT NULL PRIMARY KEY, owner "
        "VARCHAR(255) NOT NULL, locked_at VARCHAR(32) NOT NULL)");
    (void)holder->execute("INSERT INTO nextorm_migrations_lock VALUES (1, 'elsewhere', 'now')", {});
  }
  const auto waited = p.migrate({"--lock-timeout", "1"});
  CHECK(waited.code == 1);
  CHECK_THAT(waited.err, Catch::Contains("migrate.locked") && Catch::Contains("waited 1 s"));
  if (provider == "mariadb")
    CHECK_THAT(waited.err, Catch::Contains("DELETE FROM nextorm_migrations_lock"));
  if (provider == "sqlite") {
    holder->rollback();
  } else if (provider == "postgres") {
    (void)holder->query("SELECT pg_advisory_unlock(110101116111114109)", {})->next();
  } else {
    (void)holder->execute("DELETE FROM nextorm_migrations_lock", {});
  }
  CHECK(p.migrate().out == "Applied 0001_initial\n");
}

TEST_CASE("a migration that leaves a dangling reference is refused", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  nlohmann::json m = read_json(p.migrations() / "0001_initial.json");
  m["operations"] = nlohmann::json::array(
      {sql_step("INSERT INTO product (title, price, category) VALUES ('x', 1, 999)")});
  write_json(p.migrations() / "0002_orphan.json", m);
  const auto refused = p.migrate();
  CHECK(refused.code == 1);
  // SQLite checks foreign keys at the end of the migration (they are off meanwhile, for the
  // rebuilds); the servers at the statement.
  if (testing::current_provider() == "sqlite") {
    CHECK_THAT(refused.err,
               Catch::Contains("migrate.foreign_key_check") &&
                   Catch::Contains("whose foreign key finds no row in table Category"));
  } else {
    CHECK_THAT(refused.err, Catch::Contains("migrate.failed"));
  }
  CHECK(p.scalar("SELECT COUNT(*) FROM product").as_int() == 0);
  CHECK(p.history() == 1);
}

TEST_CASE("migrate --to goes back where the way back is known", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.make(v2).code == 0);
  REQUIRE(p.make(v3, {"--allow-destructive"}).code == 0);
  REQUIRE(p.migrate({"--to", "2"}).code == 0);
  p.run("INSERT INTO category (name) VALUES ('tools')");
  p.run("INSERT INTO product (name, price, stock, category) VALUES ('Hammer', 5, 3, 1)");
  // Back to 1: the rename undone (the values kept), the added column and tables dropped.
  const auto back = p.migrate({"--to", "1"});
  INFO(back.err);
  REQUIRE(back.code == 0);
  CHECK_THAT(back.out, Catch::StartsWith("Undid 0002_"));
  CHECK(p.history() == 1);
  CHECK(p.scalar("SELECT title FROM product") == value{"Hammer"});
  CHECK_THROWS_AS(p.scalar("SELECT stock FROM product"), database_error);
  CHECK_THROWS_AS(p.scalar("SELECT COUNT(*) FROM tag"), database_error);
  CHECK_THAT(p.show().out, Catch::Contains("[ ] 0002_"));
  CHECK(p.migrate({"--check"}).code == 0);
  // Forward again, then 3, whose dropped column cannot come back.
  REQUIRE(p.migrate().code == 0);
  CHECK(p.history() == 3);
  const auto refused = p.migrate({"--to", "2"});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err,
             Catch::Contains("migrate.down") && Catch::Contains("it drops column product.stock"));
  CHECK(p.history() == 3);
  // A data migration that says how to undo it goes back too.
  nlohmann::json m = read_json(p.migrations() / "0003_drop_foreign_key_product_and_more.json");
  nlohmann::json data = sql_step("UPDATE product SET price = price * 2");
  data["reverse"] = sql_step("UPDATE product SET price = price / 2");
  data["reverse"].erase("op");
  m["operations"] = nlohmann::json::array({data});
  write_json(p.migrations() / "0004_double.json", m);
  REQUIRE(p.migrate().code == 0);
  CHECK(p.scalar("SELECT price FROM product").as_real() == 10.0);
  REQUIRE(p.migrate({"--to", "3"}).out == "Undid 0004_double\n");
  CHECK(p.scalar("SELECT price FROM product").as_real() == 5.0);
}

namespace {

// A migration of data only (SQL per provider, with its reverse when given), after `previous`.
void data_migration(const project& p, const std::string& file, const std::string& previous,
                    std::vector<std::pair<std::string, std::string>> statements) {
  nlohmann::json m = read_json(p.migrations() / previous);
  m["operations"] = nlohmann::json::array();
  for (const auto& [forward, back] : statements) {
    nlohmann::json op = sql_step(forward);
    if (!back.empty()) {
      op["reverse"] = sql_step(back);
      op["reverse"].erase("op");
    }
    m["operations"].push_back(op);
  }
  write_json(p.migrations() / file, m);
}

}  // namespace

TEST_CASE("going back is refused without the file as it was applied, and a failed way back says so",
          "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO product (title, price) VALUES ('Hammer', 5)");
  data_migration(p, "0002_prices.json", "0001_initial.json",
                 {{"UPDATE product SET price = price + 1", "UPDATE nowhere SET price = 0"}});
  REQUIRE(p.migrate().code == 0);
  const fs::path file = p.migrations() / "0002_prices.json";
  const fs::path aside = p.migrations() / "prices.json.aside";
  fs::rename(file, aside);
  CHECK_THAT(p.migrate({"--to", "1"}).err,
             Catch::Contains("migrate.down") && Catch::Contains("its file is gone"));
  fs::rename(aside, file);
  data_migration(
      p, "0002_prices.json", "0001_initial.json",
      {{"UPDATE product SET price = price + 2", "UPDATE product SET price = price - 2"}});
  CHECK_THAT(p.migrate({"--to", "1"}).err,
             Catch::Contains("migrate.edited") && Catch::Contains("its way back cannot be known"));
  data_migration(p, "0002_prices.json", "0001_initial.json",
                 {{"UPDATE product SET price = price + 1", "UPDATE nowhere SET price = 0"}});
  const auto failed = p.migrate({"--to", "1"});
  CHECK(failed.code == 1);
  CHECK_THAT(failed.err,
             Catch::Contains("undoing migration 0002_prices failed at statement 1 of 1"));
  CHECK(p.history() == 2);
  CHECK(p.scalar("SELECT price FROM product").as_real() == 6.0);
  // Recorded as undone without running it.
  CHECK(p.migrate({"--to", "1", "--fake"}).out == "Faked undoing 0002_prices\n");
  CHECK(p.history() == 1);
}

TEST_CASE("a migration recorded as failed part way resumes after its applied statements",
          "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO product (title, price) VALUES ('Hammer', 5)");
  data_migration(p, "0002_prices.json", "0001_initial.json",
                 {{"UPDATE product SET price = price + 1", ""},
                  {"UPDATE product SET price = price * 10", ""}});
  const auto checksum = [&] { return schema_change_checksum(p.migrations() / "0002_prices.json"); };
  // As MariaDB records it when its first statement ran and the second failed; a reviewer then
  // changed the file: refused even with --repair-checksum (the applied part is unknown).
  p.run(
      "INSERT INTO nextorm_migrations (version, name, checksum, applied_at, duration_ms, "
      "success, step) VALUES (2, '0002_prices', 'edited', 'then', 0, 0, 1)");
  const auto refused = p.migrate({"--repair-checksum"});
  CHECK_THAT(refused.err, Catch::Contains("was partly applied") &&
                              Catch::Contains("after the migration has finished"));
  CHECK_THAT(p.show().out, Catch::Contains("[~] 0002_prices  failed after 1 statements"));
  // The file as it was: --dry-run shows the rest, migrate runs only the rest.
  p.run("UPDATE nextorm_migrations SET checksum = '" + checksum() + "' WHERE version = 2");
  CHECK(nextorm_cli({"migrate", "--db", p.url(), "--dir", p.migrations().string(), "--dry-run"})
            .out == "-- 0002_prices\nUPDATE product SET price = price * 10;\n");
  p.run("UPDATE product SET price = 6");
  CHECK_THAT(p.migrate({"--check"}).out,
             Catch::Contains("1 migration is pending") || Catch::Contains("matches"));
  REQUIRE(p.migrate().code == 0);
  CHECK(p.scalar("SELECT price FROM product").as_real() == 60.0);
  CHECK(p.history() == 2);
  // A failure before its first statement leaves nothing applied: an edited file is taken.
  data_migration(p, "0003_more.json", "0002_prices.json", {{"UPDATE product SET price = 1", ""}});
  p.run(
      "INSERT INTO nextorm_migrations (version, name, checksum, applied_at, duration_ms, "
      "success, step) VALUES (3, '0003_more', 'older', 'then', 0, 0, 0)");
  REQUIRE(p.migrate().code == 0);
  CHECK(p.scalar("SELECT price FROM product").as_real() == 1.0);
}

TEST_CASE("SQLite's table rebuild keeps the table's triggers and views", "[migrations]") {
  if (testing::current_provider() != "sqlite") {
    SUCCEED("only SQLite rebuilds tables");
    return;
  }
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("CREATE TABLE audit (what TEXT)");
  p.run(
      "CREATE TRIGGER product_added AFTER INSERT ON Product BEGIN INSERT INTO audit VALUES "
      "(new.price); END");
  p.run("CREATE VIEW cheap AS SELECT id FROM Product WHERE price < 10");
  REQUIRE(p.make(v2).code == 0);
  const auto script =
      nextorm_cli({"sqlmigrate", "2", "--dir", p.migrations().string(), "--provider", "sqlite"});
  CHECK_THAT(script.out, Catch::Contains("-- (the triggers of table Product go with it"));
  const auto migrated = p.migrate();
  INFO(migrated.err);
  REQUIRE(migrated.code == 0);
  p.run("INSERT INTO Product (name, price) VALUES ('Kite', 4)");
  CHECK(p.scalar("SELECT COUNT(*) FROM audit").as_int() == 1);
  CHECK(p.scalar("SELECT COUNT(*) FROM cheap").as_int() == 1);
  // A migration whose own SQL makes a trigger of that name: the kept one cannot be made again,
  // and nothing of the migration is applied.
  REQUIRE(p.make(v3, {"--allow-destructive"}).code == 0);
  const fs::path third = p.migrations() / "0003_drop_foreign_key_product_and_more.json";
  nlohmann::json m = read_json(third);
  m["operations"].push_back({{"op", "sql"},
                             {"sqlite",
                              "CREATE TRIGGER product_added AFTER INSERT ON Product BEGIN "
                              "SELECT 1; END"}});
  write_json(third, m);
  const auto refused = p.migrate();
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("cannot make again a trigger"));
  CHECK(p.history() == 2);
}

TEST_CASE("a migration's own SQL runs after the schema operations before it", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO product (title, price) VALUES ('Hammer', 5)");
  // v2 adds stock and makes price optional (on SQLite: a rebuild); the data step fills stock.
  REQUIRE(p.make(v2, {"--name", "stock"}).code == 0);
  const fs::path file = p.migrations() / "0002_stock.json";
  nlohmann::json m = read_json(file);
  m["operations"].push_back(sql_step("UPDATE product SET stock = 7"));
  write_json(file, m);
  const auto migrated = p.migrate();
  INFO(migrated.err);
  REQUIRE(migrated.code == 0);
  CHECK(p.scalar("SELECT stock FROM product").as_int() == 7);
}

TEST_CASE("a program's C++ steps run in their migration's place and transaction", "[migrations]") {
  project p;
  REQUIRE(p.make(v1).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO product (title, price) VALUES ('Hammer', 5)");
  p.run("INSERT INTO product (title, price) VALUES ('Saw', 12)");
  // v2 renames title to name and adds stock (on SQLite: a rebuild); the C++ step fills stock.
  REQUIRE(p.make(v2, {"--name", "stock"}).code == 0);
  const fs::path file = p.migrations() / "0002_stock.json";
  nlohmann::json m = read_json(file);
  m["operations"].push_back({{"op", "call"}, {"name", "fill_stock"}, {"reverse", "empty_stock"}});
  write_json(file, m);

  // The command cannot run a program's step: refused before any of the migration runs.
  const auto by_cli = p.migrate();
  CHECK(by_cli.code != 0);
  CHECK_THAT(by_cli.err, Catch::Contains("migrate.step_missing") &&
                             Catch::Contains("runs the C++ step 'fill_stock'") &&
                             Catch::Contains("nextorm::migrate(db, dir, {.steps = ...})"));
  CHECK(p.history() == 1);
  CHECK_THAT(
      p.migrate({"--dry-run"}).out,
      Catch::Contains("-- the C++ step 'fill_stock' (run by the program that registers it)"));
  database db{p.url()};
  CHECK_THROWS_WITH(nextorm::migrate(db, p.migrations()),
                    Catch::Contains("migrate.step_missing") &&
                        Catch::Contains("add it to migration_options::steps"));

  // A step that throws fails its migration, rolled back where DDL is transactional.
  migration_options failing;
  failing.steps["fill_stock"] = [](migration_step& s) {
    (void)s.execute("UPDATE product SET stock = 1");
    throw std::runtime_error("the stock list is missing");
  };
  CHECK_THROWS_WITH(nextorm::migrate(db, p.migrations(), failing),
                    Catch::Contains("migrate.failed") && Catch::Contains("fill_stock") &&
                        Catch::Contains("the stock list is missing"));
  if (!is_mariadb()) {
    CHECK(p.history() == 1);
    CHECK(p.scalar("SELECT COUNT(*) FROM product WHERE title = 'Saw'").as_int() == 1);
  } else {
    // The DDL before it stays (it resumes at the step), but the step was a transaction.
    CHECK(p.scalar("SELECT COUNT(*) FROM product WHERE stock = 1").as_int() == 0);
  }

  migration_options options;
  std::string provider, migration;
  options.steps["fill_stock"] = [&](migration_step& s) {
    provider = s.provider();
    migration = s.migration();
    // Columns past the types given are read as text.
    CHECK(s.query("SELECT COUNT(*), 'x' FROM product", {value_type::integer}) ==
          std::vector<std::vector<value>>{{value{2}, value{"x"}}});
    // The table as the migration made it so far: title is name now, stock is there.
    for (const auto& row : s.query("SELECT name, price FROM product WHERE stock IS NULL",
                                   {value_type::text, value_type::real})) {
      CHECK(s.execute("UPDATE product SET stock = $n WHERE name = $name",
                      {{"n", static_cast<std::int64_t>(row[1].as_real() * 2)}, {"name", row[0]}}) ==
            1);
    }
  };
  options.steps["empty_stock"] = [](migration_step& s) {
    (void)s.execute("UPDATE product SET stock = NULL WHERE stock > $zero", {{"zero", 0}});
  };
  CHECK(nextorm::migrate(db, p.migrations(), options) == std::vector<std::string>{"0002_stock"});
  CHECK(provider == testing::current_provider());
  CHECK(migration == "0002_stock");
  CHECK(p.scalar("SELECT stock FROM product WHERE name = 'Saw'").as_int() == 24);
  CHECK(p.history() == 2);

  // A data-only migration whose step has no way back: going back stops there.
  nlohmann::json note{{"nextorm_migration", 1},
                      {"operations", {{{"op", "call"}, {"name", "note"}}}},
                      {"snapshot", m["snapshot"]}};
  write_json(p.migrations() / "0003_note.json", note);
  int notes = 0;
  options.steps["note"] = [&](migration_step&) { ++notes; };
  CHECK(nextorm::migrate(db, p.migrations(), options) == std::vector<std::string>{"0003_note"});
  CHECK(notes == 1);
  options.to = 1;
  CHECK_THROWS_WITH(nextorm::migrate(db, p.migrations(), options),
                    Catch::Contains("migrate.down") &&
                        Catch::Contains("runs the C++ step 'note' without a \"reverse\" step"));
  fs::remove(p.migrations() / "0003_note.json");
  p.run("DELETE FROM nextorm_migrations WHERE version = 3");
  // Going back needs the reverse step too: refused before anything is undone.
  migration_options without_reverse = options;
  without_reverse.steps.erase("empty_stock");
  CHECK_THROWS_WITH(nextorm::migrate(db, p.migrations(), without_reverse),
                    Catch::Contains("migrate.step_missing") && Catch::Contains("'empty_stock'") &&
                        Catch::Contains("nothing of it was undone"));
  CHECK(p.history() == 2);
  // Going back runs the reverse step first, then the schema goes back.
  CHECK(nextorm::migrate(db, p.migrations(), options) == std::vector<std::string>{"0002_stock"});
  CHECK(p.history() == 1);
  CHECK(p.scalar("SELECT COUNT(*) FROM product WHERE title = 'Saw'").as_int() == 1);

  // A step without a name is no migration file.
  write_json(file, nlohmann::json{{"nextorm_migration", 1},
                                  {"operations", {{{"op", "call"}}}},
                                  {"snapshot", m["snapshot"]}});
  CHECK_THROWS_WITH(nextorm::migrate(db, p.migrations(), options),
                    Catch::Contains("a C++ step needs a \"name\""));
}

TEST_CASE("a class's discriminator that changes carries its rows along", "[migrations]") {
  // Student renamed to Pupil (its default discriminator, its name, changes with it), Teacher
  // given a value of its own, and in an int hierarchy two classes that swap their numbers.
  constexpr const char* before = R"({"entities":[
    {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Student","base":"Person","attrs":[{"name":"gpa","kind":"Opt","type":"float"}]},
    {"name":"Teacher","base":"Person","attrs":[]},
    {"name":"Shape","discriminator":1,"attrs":[
      {"name":"kind","kind":"Discriminator","type":"int","column":"kind_code"}]},
    {"name":"Circle","base":"Shape","discriminator":2,"attrs":[]}]})";
  constexpr const char* after = R"({"entities":[
    {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Pupil","base":"Person","renamed_from":"Student","attrs":[
      {"name":"gpa","kind":"Opt","type":"float"}]},
    {"name":"Teacher","base":"Person","discriminator":"T","attrs":[]},
    {"name":"Shape","discriminator":2,"attrs":[
      {"name":"kind","kind":"Discriminator","type":"int","column":"kind_code"}]},
    {"name":"Circle","base":"Shape","discriminator":1,"attrs":[]}]})";
  project p;
  REQUIRE(p.make(before).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO person (name, classtype) VALUES ('Ann', 'Student')");
  p.run("INSERT INTO person (name, classtype) VALUES ('Tom', 'Teacher')");
  p.run("INSERT INTO person (name, classtype) VALUES ('Pat', 'Person')");
  p.run("INSERT INTO shape (kind_code) VALUES (2)");
  p.run("INSERT INTO shape (kind_code) VALUES (1)");
  const auto made = p.make(after, {"--name", "classes"});
  INFO(made.out << made.err);
  REQUIRE(made.code == 0);
  const nlohmann::json ops = read_json(p.migrations() / "0002_classes.json")["operations"];
  // One operation per table, its classes at once.
  CHECK(ops.size() == 2);
  CHECK(ops.dump().find(R"({"column":"kind_code","from":["1","2"],"op":"update_discriminator",)"
                        R"("table":"shape","to":["2","1"],"type":"int"})") != std::string::npos);
  REQUIRE(p.migrate().code == 0);
  CHECK(p.scalar("SELECT classtype FROM person WHERE name = 'Ann'") == value{"Pupil"});
  CHECK(p.scalar("SELECT classtype FROM person WHERE name = 'Tom'") == value{"T"});
  CHECK(p.scalar("SELECT classtype FROM person WHERE name = 'Pat'") == value{"Person"});
  CHECK(p.scalar("SELECT kind_code FROM shape WHERE id = 1").as_int() == 1);  // the circle
  CHECK(p.scalar("SELECT kind_code FROM shape WHERE id = 2").as_int() == 2);
  // The other way back.
  REQUIRE(p.migrate({"--to", "1"}).code == 0);
  CHECK(p.scalar("SELECT classtype FROM person WHERE name = 'Ann'") == value{"Student"});
  CHECK(p.scalar("SELECT classtype FROM person WHERE name = 'Tom'") == value{"Teacher"});
  CHECK(p.scalar("SELECT kind_code FROM shape WHERE id = 1").as_int() == 2);
  // A hand-edited value that is no integer is refused.
  const fs::path file = p.migrations() / "0002_classes.json";
  nlohmann::json edited = read_json(file);
  edited["operations"][1]["to"][0] = "2; DROP TABLE shape";
  write_json(file, edited);
  CHECK_THAT(p.migrate().err,
             Catch::Contains("needs discriminator values that are 64-bit integers"));
}

TEST_CASE("a class that goes takes its rows along, as a destructive change", "[migrations]") {
  constexpr const char* before = R"({"entities":[
    {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Student","base":"Person","attrs":[]},
    {"name":"Guest","base":"Person","attrs":[]}]})";
  // Guest goes, and Student takes its value: Guest's rows must not become students.
  constexpr const char* after = R"({"entities":[
    {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Student","base":"Person","discriminator":"Guest","attrs":[]}]})";
  project p;
  REQUIRE(p.make(before).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO person (name, classtype) VALUES ('Ann', 'Student')");
  p.run("INSERT INTO person (name, classtype) VALUES ('Gus', 'Guest')");
  const auto refused = p.make(after);
  CHECK(refused.code != 0);
  CHECK_THAT(refused.err, Catch::Contains("drops class Guest and its rows in table person"));
  REQUIRE(p.make(after, {"--allow-destructive"}).code == 0);
  const auto migrated = p.migrate();
  INFO(migrated.err);
  REQUIRE(migrated.code == 0);
  CHECK(p.scalar("SELECT COUNT(*) FROM person").as_int() == 1);
  CHECK(p.scalar("SELECT classtype FROM person WHERE name = 'Ann'") == value{"Guest"});
  // Its way back would need the rows it deleted.
  CHECK_THAT(p.migrate({"--to", "1"}).err,
             Catch::Contains("migrate.down") && Catch::Contains("drops class Guest"));
}

TEST_CASE("an enumeration gains values in place, and loses them as a destructive change",
          "[migrations]") {
  auto shop = [](const char* values) {
    return std::string{R"({"entities":[{"name":"Shop","attrs":[
      {"name":"name","kind":"Req","type":"str"},
      {"name":"mood","kind":"Req","type":"enum","values":)"} +
           values + "}]}]}";
  };
  project p;
  REQUIRE(p.make(shop(R"(["calm","busy"])").c_str()).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO shop (name, mood) VALUES ('a', 'calm'), ('b', 'busy')");
  CHECK_THROWS(p.run("INSERT INTO shop (name, mood) VALUES ('c', 'closed')"));

  // A value added: no data at risk; the rows stay, the new value is accepted.
  const auto gained = p.make(shop(R"(["calm","busy","closed"])").c_str());
  REQUIRE(gained.code == 0);
  CHECK_THAT(gained.out, Catch::Contains("alter_column"));
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO shop (name, mood) VALUES ('c', 'closed')");
  CHECK_THROWS(p.run("INSERT INTO shop (name, mood) VALUES ('d', 'nope')"));
  CHECK(p.scalar("SELECT COUNT(*) FROM shop").as_int() == 3);

  // A value removed: refused, naming it, unless allowed; rows still holding it stop the
  // migration (nothing of it stays where DDL is transactional), until they are changed.
  const auto refused = p.make(shop(R"(["calm","closed"])").c_str());
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("removes 'busy' from the values of shop.mood"));
  REQUIRE(p.make(shop(R"(["calm","closed"])").c_str(), {"--allow-destructive"}).code == 0);
  CHECK(p.migrate().code != 0);
  CHECK(p.scalar("SELECT COUNT(*) FROM shop WHERE mood = 'busy'").as_int() == 1);
  p.run("UPDATE shop SET mood = 'calm' WHERE mood = 'busy'");
  REQUIRE(p.migrate().code == 0);
  CHECK(p.migrate({"--check"}).out == "The database matches the last migration.\n");
  CHECK_THROWS(p.run("INSERT INTO shop (name, mood) VALUES ('e', 'busy')"));
  p.run("INSERT INTO shop (name, mood) VALUES ('e', 'closed')");
  CHECK(p.scalar("SELECT COUNT(*) FROM shop").as_int() == 4);
}

TEST_CASE("a table's primary key changes, its rows and the references to it made anew",
          "[migrations]") {
  // Seat keyed by (line, num), then by a generated id (row, num a composite key), then by
  // (line, num) again; Ticket refers to it, by two columns, then one, then two.
  auto seats = [](const char* key, bool required_seat) {
    return std::string{R"({"entities":[{"name":"Seat","attrs":[
      {"name":"line","kind":"Req","type":"int"},{"name":"num","kind":"Req","type":"int"},
      {"name":"label","kind":"Opt","type":"str"},
      {"name":"tickets","kind":"Set","type":"Ticket"}],)"} +
           key + R"(},
      {"name":"Ticket","attrs":[{"name":"holder","kind":"Req","type":"str"},
      {"name":"seat","kind":"Single","type":"Seat")" +
           (required_seat ? "" : R"(,"optional":true)") + "}]}]}";
  };
  project p;
  REQUIRE(p.make(seats(R"("primary_key":["line","num"])", true).c_str()).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO seat (line, num, label) VALUES (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'c')");
  p.run("INSERT INTO ticket (holder, seat_line, seat_num) VALUES ('ann', 1, 2)");

  // To a generated id: the old key and the references by it go (destructive: the tickets'
  // seat columns), every seat gets an id.
  const auto to_id = seats(R"("composite_keys":[["line","num"]])", false);
  const auto refused = p.make(to_id.c_str());
  CHECK(refused.code == 1);
  const auto made = p.make(to_id.c_str(), {"--allow-destructive"});
  REQUIRE(made.code == 0);
  CHECK_THAT(made.out, Catch::Contains("drop_primary_key table=seat columns=[\"line\",\"num\"]") &&
                           Catch::Contains("add_primary_key table=seat columns=[\"id\"]"));
  const auto applied = p.migrate();
  INFO(applied.err);
  REQUIRE(applied.code == 0);
  CHECK(p.migrate({"--check"}).out == "The database matches the last migration.\n");
  CHECK(p.scalar("SELECT COUNT(DISTINCT id) FROM seat WHERE id IS NOT NULL").as_int() == 3);
  CHECK(p.scalar("SELECT COUNT(*) FROM ticket WHERE seat IS NULL").as_int() == 1);
  // The id is the key (no two alike), generated for new rows; (line, num) stays unique.
  const std::int64_t first = p.scalar("SELECT MIN(id) FROM seat").as_int();
  CHECK_THROWS(p.run("UPDATE seat SET id = " + std::to_string(first) + " WHERE label = 'c'"));
  p.run("INSERT INTO seat (line, num, label) VALUES (3, 1, 'd')");
  CHECK(p.scalar("SELECT COUNT(DISTINCT id) FROM seat").as_int() == 4);
  CHECK_THROWS(p.run("INSERT INTO seat (line, num, label) VALUES (3, 1, 'e')"));
  p.run("UPDATE ticket SET seat = (SELECT id FROM seat WHERE label = 'b')");

  // Back to (line, num): the id goes, the key is the pair again, and the references by it.
  const auto back = seats(R"("primary_key":["line","num"])", false);
  REQUIRE(p.make(back.c_str(), {"--allow-destructive"}).code == 0);
  const auto again = p.migrate();
  INFO(again.err);
  REQUIRE(again.code == 0);
  CHECK(p.migrate({"--check"}).out == "The database matches the last migration.\n");
  CHECK(p.scalar("SELECT COUNT(*) FROM seat").as_int() == 4);
  CHECK_THROWS(p.run("INSERT INTO seat (line, num, label) VALUES (1, 1, 'x')"));
  p.run("UPDATE ticket SET seat_line = 1, seat_num = 2");
  CHECK_THROWS(p.run("UPDATE ticket SET seat_line = 9"));  // the foreign key by the pair
  CHECK(p.scalar("SELECT holder FROM ticket WHERE seat_line = 1 AND seat_num = 2") == value{"ann"});
}

TEST_CASE("a class that leaves its hierarchy, or joins one, takes its rows along", "[migrations]") {
  constexpr const char* inside = R"({"entities":[
    {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Student","base":"Person","attrs":[{"name":"gpa","kind":"Opt","type":"float"}]},
    {"name":"Teacher","base":"Person","attrs":[{"name":"subject","kind":"Opt","type":"str"}]}]})";
  constexpr const char* outside = R"({"entities":[
    {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Student","attrs":[{"name":"name","kind":"Req","type":"str"},
      {"name":"gpa","kind":"Opt","type":"float"}]},
    {"name":"Teacher","base":"Person","attrs":[{"name":"subject","kind":"Opt","type":"str"}]}]})";
  project p;
  REQUIRE(p.make(inside).code == 0);
  REQUIRE(p.migrate().code == 0);
  p.run("INSERT INTO person (name, classtype) VALUES ('Ann', 'Person')");
  p.run("INSERT INTO person (name, classtype, gpa) VALUES ('Bob', 'Student', 3.5)");
  p.run("INSERT INTO person (name, classtype, subject) VALUES ('Cy', 'Teacher', 'maths')");
  p.run("INSERT INTO person (name, classtype, gpa) VALUES ('Di', 'Student', 2.5)");

  // Student leaves for a table of its own: its rows go with it, keys kept; the others stay.
  const auto left = p.make(outside, {"--allow-destructive"});  // (person.gpa goes)
  REQUIRE(left.code == 0);
  CHECK_THAT(left.out, Catch::Contains("move_class from=person to=student"));
  const auto moved = p.migrate();
  INFO(moved.err);
  REQUIRE(moved.code == 0);
  CHECK(p.migrate({"--check"}).out == "The database matches the last migration.\n");
  CHECK(p.scalar("SELECT COUNT(*) FROM student").as_int() == 2);
  CHECK(p.scalar("SELECT gpa FROM student WHERE name = 'Bob'") == value{3.5});
  CHECK(p.scalar("SELECT id FROM student WHERE name = 'Di'").as_int() == 4);
  CHECK(p.scalar("SELECT COUNT(*) FROM person").as_int() == 2);
  CHECK(p.scalar("SELECT COUNT(*) FROM person WHERE classtype = 'Student'").as_int() == 0);
  // New students are numbered after the ones that came.
  p.run("INSERT INTO student (name) VALUES ('Ed')");
  CHECK(p.scalar("SELECT id FROM student WHERE name = 'Ed'").as_int() > 4);
  p.run("DELETE FROM student WHERE name = 'Ed'");

  // And back: the students join the hierarchy again, with their class; their table goes
  // (not a loss: its rows moved).
  const auto joined = p.make(inside, {"--allow-destructive"});
  REQUIRE(joined.code == 0);
  CHECK_THAT(joined.out, Catch::Contains("move_class from=student to=person"));
  const auto back = p.migrate();
  INFO(back.err);
  REQUIRE(back.code == 0);
  CHECK(p.migrate({"--check"}).out == "The database matches the last migration.\n");
  CHECK(p.scalar("SELECT COUNT(*) FROM person WHERE classtype = 'Student'").as_int() == 2);
  CHECK(p.scalar("SELECT gpa FROM person WHERE name = 'Bob'") == value{3.5});
  CHECK(p.scalar("SELECT classtype FROM person WHERE name = 'Cy'") == value{"Teacher"});
  CHECK_THROWS(p.scalar("SELECT COUNT(*) FROM student"));
}

TEST_CASE("a schema of every value type and option migrates with no drift", "[migrations]") {
  constexpr const char* every = R"({"entities":[
    {"name":"Thing","attrs":[
      {"name":"code","kind":"PK","type":"uuid","generate":"uuid4"},
      {"name":"n8","kind":"Req","type":"int","size":8},
      {"name":"n16","kind":"Opt","type":"int","size":16,"unsigned":true},
      {"name":"n32","kind":"Req","type":"int","size":32,"index":true},
      {"name":"n64","kind":"Opt","type":"int","unsigned":true},
      {"name":"ratio","kind":"Opt","type":"float"},
      {"name":"flag","kind":"Req","type":"bool","default":false},
      {"name":"title","kind":"Req","type":"str","max_len":40,"unique":true},
      {"name":"note","kind":"Opt","type":"str","nullable":true},
      {"name":"body","kind":"Opt","type":"LongStr"},
      {"name":"price","kind":"Req","type":"decimal","precision":10,"scale":3},
      {"name":"born","kind":"Opt","type":"date"},
      {"name":"seen","kind":"Opt","type":"datetime"},
      {"name":"opens","kind":"Opt","type":"time"},
      {"name":"wait","kind":"Opt","type":"timedelta"},
      {"name":"other","kind":"Opt","type":"uuid"},
      {"name":"meta","kind":"Opt","type":"json"},
      {"name":"mood","kind":"Req","type":"enum","values":["calm","it's busy"]},
      {"name":"rev","kind":"Req","type":"int","version":true},
      {"name":"owner","kind":"Single","type":"Owner","optional":true}],
     "composite_indexes":[["n8","n32"]]},
    {"name":"Owner","attrs":[{"name":"name","kind":"Req","type":"str"},
      {"name":"things","kind":"Set","type":"Thing"},
      {"name":"tags","kind":"Set","type":"Tag"}]},
    {"name":"Tag","attrs":[{"name":"label","kind":"PK","type":"str"},
      {"name":"owners","kind":"Set","type":"Owner"}]}]})";
  project p;
  REQUIRE(p.make(every).code == 0);
  const auto applied = p.migrate();
  INFO(applied.err);
  REQUIRE(applied.code == 0);
  const auto checked = p.migrate({"--check"});
  INFO(checked.err);
  CHECK(checked.out == "The database matches the last migration.\n");
  CHECK(checked.code == 0);
}
