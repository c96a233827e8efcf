"""PonyORM's side of the write/read round trip: roundtrip.py write|read DATABASE [OUT_JSON]

`write` makes PonyORM's tables in DATABASE (a SQLite file, made anew, or the URL of an empty
database on a server, as pony_run.py takes it) and writes the objects of roundtrip_data.json.
`read` reads every Owner, Tag and Thing of DATABASE with PonyORM (written by PonyORM or by
NextORM, whose tables must then be PonyORM's) and writes OUT_JSON: per entity, one row per
object in key order, each attribute a canonical cell as pony_run.py writes it, except floats,
which are "f:%.17g" (exact), and a Set, which is its items' keys in order. The C++ side
(roundtrip_test.cpp) writes the same from what NextORM reads and compares. Exit 77 when PonyORM
or the server's Python driver cannot be imported.
"""
import json
import os
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

try:
    import pony.orm as orm
except ImportError:
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'support'))
from pony_bind import bind_arguments  # noqa: E402  (after the path fix)
sys.path.insert(0, HERE)
from pony_run import canonical  # noqa: E402


def define(db):
    class Owner(db.Entity):
        name = orm.Required(str, unique=True)
        things = orm.Set('Thing')

    class Tag(db.Entity):
        label = orm.Required(str, unique=True)
        things = orm.Set('Thing')

    class Thing(db.Entity):
        title = orm.Required(str)
        count = orm.Required(int, size=64)
        ratio = orm.Required(float)
        price = orm.Required(Decimal, precision=12, scale=2)
        flag = orm.Required(bool)
        day = orm.Optional(date)
        moment = orm.Optional(datetime)
        clock = orm.Optional(time)
        span = orm.Optional(timedelta)
        ident = orm.Optional(UUID)
        doc = orm.Optional(orm.Json)
        blob = orm.Optional(bytes)
        note = orm.Optional(str, nullable=True)
        plain_note = orm.Optional(str)
        owner = orm.Optional(Owner)
        tags = orm.Set(Tag)

    return Owner, Tag, Thing


def timedelta_of(text):
    """Python's str(timedelta) back: '-1 day, 23:59:59', '2 days, 1:00:00.5', '0:00:01'."""
    days = 0
    if ',' in text:
        day_text, text = text.split(',')
        days = int(day_text.split()[0])
    h, m, s = text.strip().split(':')
    return timedelta(days=days, hours=int(h), minutes=int(m), seconds=float(s) if '.' not in s
                     else int(s.split('.')[0]), microseconds=int((s.split('.') + ['0'])[1].ljust(6, '0')))


def typed(v):
    """A value of roundtrip_data.json: plain JSON, or {"date"|...: TEXT} for the other types."""
    if not isinstance(v, dict):
        return v
    (kind, text), = v.items()
    return {'date': date.fromisoformat, 'datetime': datetime.fromisoformat,
            'time': time.fromisoformat, 'decimal': Decimal, 'uuid': UUID,
            'bytes': bytes.fromhex, 'json': json.loads,
            'timedelta': timedelta_of}[kind](text)


def cell(v, db, attr=None):
    if isinstance(v, float):
        return 'f:%.17g' % (v + 0.0)
    # PonyORM hands a JSON string out as a str, and (on SQLite) a time as its text.
    if attr == 'doc' and v is not None:
        return 'j:' + json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    if attr == 'clock' and isinstance(v, str):
        return 't:' + v
    return canonical(v, db)


def write(db, Owner, Tag, Thing):
    with open(os.path.join(HERE, 'roundtrip_data.json'), encoding='utf-8') as f:
        data = json.load(f)
    with orm.db_session:
        owners = {name: Owner(name=name) for name in data['owners']}
        tags = {label: Tag(label=label) for label in data['tags']}
        for thing in data['things']:
            values = {k: typed(v) for k, v in thing.items() if k not in ('owner', 'tags')}
            if thing.get('owner') is not None:
                values['owner'] = owners[thing['owner']]
            t = Thing(**values)
            for label in thing.get('tags', []):
                t.tags.add(tags[label])


def read(db, Owner, Tag, Thing, out):
    dump = {}
    with orm.db_session:
        dump['Owner'] = [[cell(o.id, db), cell(o.name, db)]
                         for o in Owner.select().order_by(Owner.id)]
        dump['Tag'] = [[cell(t.id, db), cell(t.label, db)] for t in Tag.select().order_by(Tag.id)]
        rows = []
        for t in Thing.select().order_by(Thing.id):
            row = [cell(getattr(t, a), db, a) for a in (
                'id', 'title', 'count', 'ratio', 'price', 'flag', 'day', 'moment', 'clock', 'span',
                'ident', 'doc', 'blob', 'note', 'plain_note', 'owner')]
            row.append(','.join(str(k.id) for k in sorted(t.tags, key=lambda k: k.id)))
            rows.append(row)
        dump['Thing'] = rows
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(dump, f, ensure_ascii=False, indent=1)


def main():
    mode, database = sys.argv[1], sys.argv[2]
    db = orm.Database()
    entities = define(db)
    args = bind_arguments(database) if mode == 'write' else bind_for_reading(database)
    db.bind(**args)
    db.generate_mapping(create_tables=(mode == 'write'))
    if mode == 'write':
        write(db, *entities)
    else:
        read(db, *entities, sys.argv[3])


def bind_for_reading(database):
    """bind_arguments, without removing the SQLite file NextORM wrote."""
    if database.startswith(('postgresql:', 'postgres:', 'mariadb:', 'mysql:')):
        return bind_arguments(database)
    return dict(provider='sqlite', filename=os.path.abspath(database))


if __name__ == '__main__':
    main()
