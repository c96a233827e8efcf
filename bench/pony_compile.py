#!/usr/bin/python3
"""PonyORM's side of the query-compilation comparison (nextorm-bench runs it through popen).

Times what PonyORM does for a query string before it reaches the database: parsing the text,
translating it, and building the SQL (`select(text).get_sql()`), for the same query texts
nextorm-bench compiles:
  never_seen_us     median time of one never-seen text (of the distinct ones)
  distinct_1000_ms  total for the 1000 distinct texts (median over the repetitions)
  hit_us            mean time of the typical text again (Pony's caches answer)
Prints one JSON object. Run: /usr/bin/python3 bench/pony_compile.py [--reps R] [--count N]
"""

import argparse
import json
import statistics
import sys
import time

import pony
from pony.orm import Database, Required, Set, db_session, select

TYPICAL = "p for p in Product if p.price < x and p.category.name == n"


def distinct_query(i):
    # The same texts as bench/compile_bench.cpp distinct_query().
    return "p for p in Product if p.price < %d and p.category.name == n" % i


def define(db):
    class Category(db.Entity):
        name = Required(str, unique=True)
        products = Set("Product")

    class Product(db.Entity):
        name = Required(str)
        price = Required(float)
        sku = Required(str, unique=True)
        category = Required(Category)

    return Category, Product


def compile_text(text, Product, x, n):  # noqa: N803 (the query's own name for the entity)
    # select() with a string reads its free names (Product, x, n) from the calling frame.
    return select(text).get_sql()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--hits", type=int, default=2000)
    args = parser.parse_args()

    totals, singles, hits = [], [], []
    for rep in range(args.reps):
        # A new Database each repetition: PonyORM's translation caches live on it.
        db = Database()
        _, product = define(db)
        db.bind(provider="sqlite", filename=":memory:")
        db.generate_mapping(create_tables=True)
        with db_session:
            x, n = 50.5, "Category 001"
            texts = [distinct_query(i) for i in range(args.count)]
            total = 0.0
            for text in texts:
                start = time.perf_counter()
                compile_text(text, product, x, n)
                elapsed = time.perf_counter() - start
                total += elapsed
                singles.append(elapsed * 1e6)
            totals.append(total * 1e3)
            compile_text(TYPICAL, product, x, n)
            start = time.perf_counter()
            for _ in range(args.hits):
                compile_text(TYPICAL, product, x, n)
            hits.append((time.perf_counter() - start) * 1e6 / args.hits)
        db.disconnect()
    json.dump({"pony_version": pony.__version__,
               "python": sys.version.split()[0],
               "never_seen_us": statistics.median(singles),
               "distinct_1000_ms": statistics.median(totals),
               "count": args.count,
               "hit_us": statistics.median(hits)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
