"""Creates a JSON schema's tables with PonyORM: pony_schema.py SCHEMA_JSON DATABASE

SCHEMA_JSON is a NextORM JSON schema (docs/json-schema form); each entity becomes a PonyORM
entity with the same declarations, and db.generate_mapping(create_tables=True) makes its tables,
so that a test can compare them with the tables NextORM makes. DATABASE is a SQLite file (made
anew) or a server URL as NextORM takes it: postgresql://user:pass@host:port/db,
mariadb://user:pass@host:port/db. Exit 77 when PonyORM or the server's Python driver cannot be
imported (meson's "skipped").
"""
import json
import os
import sys
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import unquote, urlsplit
from uuid import UUID

try:
    import pony.orm as orm
except ImportError:
    sys.exit(77)

TYPES = {'int': int, 'float': float, 'str': str, 'bool': bool, 'decimal': Decimal, 'date': date,
         'datetime': datetime, 'time': time, 'bytes': bytes, 'uuid': UUID, 'json': orm.Json}


def bind_arguments(database):
    url = urlsplit(database)
    if url.scheme not in ('postgresql', 'postgres', 'mariadb', 'mysql'):
        if os.path.exists(database):
            os.remove(database)
        return dict(provider='sqlite', filename=os.path.abspath(database), create_db=True)
    args = dict(host=url.hostname or '127.0.0.1', user=unquote(url.username or ''),
                password=unquote(url.password or ''), database=unquote(url.path.lstrip('/')))
    try:
        if url.scheme.startswith('postgres'):
            import psycopg2  # noqa: F401
            return dict(provider='postgres', port=url.port or 5432, **args)
        import pymysql  # noqa: F401
    except ImportError as e:
        print('cannot import the driver: %s' % e, file=sys.stderr)
        sys.exit(77)
    return dict(provider='mysql', port=url.port or 3306, charset='utf8mb4', **args)


def attribute(a):
    kind = a['kind']
    options = {}
    for key, pony_key in (('unique', 'unique'), ('index', 'index'), ('column', 'column'),
                          ('reverse', 'reverse'), ('auto', 'auto')):
        if key in a:
            options[pony_key] = a[key]
    if kind in ('Single', 'Set'):
        target = a['type']
        if kind == 'Set':
            return orm.Set(target, **options)
        return (orm.Optional if a.get('optional') else orm.Required)(target, **options)
    py_type = TYPES[a['type']]
    args = [py_type]
    if a['type'] == 'decimal':
        args += [a['precision'], a['scale']]
    if 'nullable' in a:
        options['nullable'] = a['nullable']
    return {'PK': orm.PrimaryKey, 'Req': orm.Required, 'Opt': orm.Optional}[kind](*args, **options)


def main(argv):
    if len(argv) != 3:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        declared = json.load(f)
    db = orm.Database()
    for e in declared['entities']:
        body = {a['name']: attribute(a) for a in e['attrs']}
        if 'table' in e:
            body['_table_'] = e['table']
        type(e['name'], (db.Entity,), body)
    db.bind(**bind_arguments(argv[2]))
    db.generate_mapping(create_tables=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
