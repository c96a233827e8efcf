"""PonyORM's side of the differential test: pony_run.py [--suite DIR] DATABASE QUERIES_FILE OUT_JSON

DATABASE is a SQLite file (made anew) or the URL of an empty database on a server,
postgresql://user:pass@host:port/db or mariadb://user:pass@host:port/db (the URLs NextORM
takes). Fills DATABASE with PonyORM (the suite's schema.py: tables and data; the suite is DIR,
by default this script's directory, whose schema.py is the first suite's), runs every query of
QUERIES_FILE and writes OUT_JSON: one object per query with its line number, its text, and either
the rows in canonical form or the class name of the exception PonyORM raised. Exit 77 when
PonyORM, or the server's Python driver (python3-psycopg2, python3-pymysql), cannot be imported
(meson's "skipped").

QUERIES_FILE: one query per line; blank lines and lines starting with '#' are ignored. A line is
a generator text, then steps separated by ' ;; ':
    params: {"x": 1, "d": {"date": "2000-01-01"}, "t": [1, 2], "s": {"entity": "Student", "key": 3}}
    filter: TEXT | where: TEXT | order_by: TEXT | distinct | without_distinct
and at most one terminal, last: limit: N[, OFFSET] | page: N[, SIZE] | count | count_distinct |
sum | avg | min | max | exists | first.
Typed parameters: {"date"|"datetime"|"time"|"decimal"|"uuid": TEXT}, {"bytes": HEX},
{"timedelta": "H:MM:SS[.ffffff]"},
{"json": JSON TEXT}. A query as a parameter (the source of `x for x in q`):
{"query": TEXT, "steps": ["filter: TEXT", "where: TEXT", ...]} is orm.select(TEXT) with the
line's other parameters, then its steps (filter, where, order_by, distinct, without_distinct).
A query text `left_join(GENERATOR)` runs as orm.left_join(GENERATOR).

Canonical cells (the C++ side writes the same): "None", "b:True", "i:3", "f:%.10g", "s:text",
"dec:1.5" (no trailing zeros), "d:2000-01-31", "dt:2000-01-31 10:00:00[.ffffff]", "t:10:00:00",
"x:hex", "u:uuid", "j:compact sorted JSON", "td:1 day, 2:00:00" (str of a timedelta). An entity is its primary key's cell.
"""
import importlib.util
import json
import os
import re
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from pony.converting import str2timedelta

try:
    import pony.orm as orm
except ImportError:
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'support'))
from pony_bind import bind_arguments  # noqa: E402  (after the path fix)



def load_schema(suite):
    """The suite's schema.py (define_entities(db) and populate(entities)) as a module."""
    spec = importlib.util.spec_from_file_location('schema', os.path.join(suite, 'schema.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

TERMINALS = {'limit', 'page', 'count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'exists',
             'first'}


def parse_line(text):
    """'QUERY ;; key: value ;; ...' -> (query, [(key, value)])."""
    parts = text.split(' ;; ')
    steps = []
    for part in parts[1:]:
        key, _, value = part.partition(':')
        steps.append((key.strip(), value.strip()))
    return parts[0].strip(), steps


def is_query_param(v):
    return isinstance(v, dict) and 'query' in v


def decode_param(v, entities):
    if isinstance(v, list):
        return tuple(decode_param(x, entities) for x in v)
    if isinstance(v, dict):
        if 'entity' in v:
            key = as_key(v['key'])
            entity = entities[v['entity']]
            # (A key of one attribute that refers to a composite key: E[(its columns,)].)
            if len(entity._pk_attrs_) == 1 and isinstance(key, tuple):
                return entity[(flat_columns(key),)]
            return entity[key]
        (kind, text), = v.items()
        if kind == 'timedelta':  # "H:MM:SS[.ffffff]", hours of any count
            return str2timedelta(text)
        return {'date': date.fromisoformat, 'datetime': datetime.fromisoformat,
                'time': time.fromisoformat, 'decimal': Decimal, 'uuid': UUID,
                'bytes': bytes.fromhex, 'json': json.loads}[kind](text)
    return v


def flat_columns(key):
    """The columns' values of a key (a tuple of parts, some of them tuples in turn)."""
    if not isinstance(key, tuple):
        return (key,)
    return tuple(column for part in key for column in flat_columns(part))


def as_key(key):
    """A key from JSON: a list is a composite key, a list in it the key a part refers to."""
    return tuple(as_key(part) for part in key) if isinstance(key, list) else key


def canonical(v, db):
    if v is None:
        return 'None'
    if isinstance(v, db.Entity):
        return canonical(v.get_pk(), db)
    if isinstance(v, tuple):  # a composite key (get_pk() flattens references to their keys)
        return '(' + ','.join(canonical(part, db) for part in v) + ')'
    if isinstance(v, bool):
        return 'b:%s' % v
    if isinstance(v, int):
        return 'i:%d' % v
    if isinstance(v, float):
        return 'f:' + ('%.10g' % (v + 0.0)).replace('-0', '0') if v == 0 else 'f:%.10g' % v
    if isinstance(v, str):
        return 's:' + v
    if isinstance(v, Decimal):
        text = format(v, 'f')
        if '.' in text:
            text = text.rstrip('0').rstrip('.')
        return 'dec:' + ('0' if text in ('-0', '') else text)
    if isinstance(v, datetime):
        return 'dt:' + str(v)
    if isinstance(v, date):
        return 'd:' + v.isoformat()
    if isinstance(v, time):
        return 't:' + str(v)
    if isinstance(v, timedelta):
        return 'td:' + str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return 'x:' + bytes(v).hex()
    if isinstance(v, UUID):
        return 'u:' + str(v)
    if isinstance(v, (dict, list)):
        return 'j:' + json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    return 'unknown:%s:%r' % (type(v).__name__, v)


def row(item, db):
    if isinstance(item, tuple):
        return [canonical(x, db) for x in item]
    return [canonical(item, db)]


MODIFIERS = {'filter', 'where', 'order_by', 'distinct', 'without_distinct'}


def modify(q, key, value, names, local):
    """One step that gives a query (filter, where, order_by, distinct, without_distinct)."""
    if key in ('filter', 'where'):
        return getattr(q, key)(value, names, local)
    if key == 'order_by':
        if re.fullmatch(r'\s*-?\d+(\s*,\s*-?\d+)*\s*', value):
            return q.order_by(*[int(x) for x in value.split(',')])
        if value == 'None':
            return q.order_by(None)
        return q.order_by(value, names, local)
    if key == 'distinct':
        return q.distinct()
    return q.without_distinct()


def closes_at_end(text):
    """Whether the first parenthesis of text closes at its end: 'f(...)' is one call."""
    depth = 0
    for i, c in enumerate(text):
        depth += c == '('
        depth -= c == ')'
        if depth == 0 and c == ')':
            return i == len(text) - 1
    return False


def make_query(text, names, local):
    """orm.select(text), or orm.left_join(GENERATOR) for the text 'left_join(GENERATOR)'."""
    if text.startswith('left_join(') and closes_at_end(text):
        return orm.left_join(text[len('left_join('):-1], names, local)
    return orm.select(text, names, local)


def run_one(text, entities, names, db):
    query_text, steps = parse_line(text)
    local = {}
    for key, value in steps:
        if key == 'params':
            given = json.loads(value)
            local = {k: decode_param(v, entities) for k, v in given.items()
                     if not is_query_param(v)}
            # Queries last: their texts may use the line's other parameters.
            for k, v in given.items():
                if is_query_param(v):
                    inner = orm.select(v['query'], names, dict(local))
                    for step in v.get('steps', []):
                        inner_key, _, inner_value = step.partition(':')
                        inner = modify(inner, inner_key.strip(), inner_value.strip(), names, local)
                    local[k] = inner
    if re.match(r'(count|sum|avg|min|max|exists)\(', query_text) and closes_at_end(query_text):
        # PonyORM's function of a whole query, count(GENERATOR): one value.
        return [[canonical(eval(query_text, {**names, **local}), db)]]
    q = make_query(query_text, names, local)
    for key, value in steps:
        if key == 'params':
            continue
        if key in MODIFIERS:
            q = modify(q, key, value, names, local)
        elif key == 'limit':
            n, _, offset = value.partition(',')
            return [row(x, db) for x in q.limit(int(n), offset=int(offset) if offset else None)]
        elif key == 'page':
            n, _, size = value.partition(',')
            return [row(x, db) for x in q.page(int(n), int(size) if size else 10)]
        elif key in ('count', 'count_distinct'):
            return [[canonical(q.count(distinct=True) if key == 'count_distinct' else q.count(), db)]]
        elif key in ('sum', 'avg', 'min', 'max'):
            return [[canonical(getattr(q, key)(), db)]]
        elif key == 'exists':
            return [[canonical(q.exists(), db)]]
        elif key == 'first':
            x = q.first()
            return [] if x is None else [row(x, db)]
        else:
            raise SystemExit('unknown step %r in: %s' % (key, text))
    return [row(x, db) for x in q[:]]



def main(argv):
    args = argv[1:]
    suite = os.path.dirname(os.path.abspath(__file__))
    if len(args) == 5 and args[0] == '--suite':
        suite, args = args[1], args[2:]
    if len(args) != 3:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    database, queries_file, out_file = args
    schema = load_schema(suite)
    db = orm.Database()
    entities = schema.define_entities(db)
    db.bind(**bind_arguments(database))
    db.generate_mapping(create_tables=True)
    with orm.db_session:
        schema.populate(entities)
    names = {name: getattr(orm, name) for name in dir(orm) if not name.startswith('_')}
    # A user's module would import these for date arithmetic.
    names.update(entities, date=date, datetime=datetime, time=time, timedelta=timedelta,
                 Decimal=Decimal)
    results = []
    with open(queries_file, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for number, text in enumerate(lines, 1):
        if not text.strip() or text.lstrip().startswith('#'):
            continue
        result = {'line': number, 'text': text}
        try:
            with orm.db_session:
                result['rows'] = run_one(text, entities, names, db)
        except SystemExit:
            raise
        except Exception as e:  # PonyORM rejected the query: keep only the class name
            result['error'] = type(e).__name__
            result['message'] = str(e).split('\n')[0][:300]
        results.append(result)
    with open(out_file, 'w', encoding='utf-8') as f:
        # One query per line, so that a person can grep the file.
        f.write('[\n' + ',\n'.join(json.dumps(r, ensure_ascii=False) for r in results) + '\n]\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
