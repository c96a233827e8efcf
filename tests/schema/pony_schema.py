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
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

try:
    import pony.orm as orm
except ImportError:
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'support'))
from pony_bind import bind_arguments  # noqa: E402  (after the path fix)

TYPES = {'int': int, 'float': float, 'str': str, 'bool': bool, 'decimal': Decimal, 'date': date,
         'datetime': datetime, 'time': time, 'timedelta': timedelta, 'bytes': bytes, 'uuid': UUID,
         'json': orm.Json, 'LongStr': orm.LongStr}



def bases_of(e):
    """An entity's bases: "base" is a name, or a list of them (multiple inheritance)."""
    base = e.get('base')
    if base is None:
        return []
    return [base] if isinstance(base, str) else base


def attribute(a, sole_key=False):
    """sole_key: the entity's primary_key lists only this Single (PonyORM's PrimaryKey(Person))."""
    kind = a['kind']
    options = {}
    for key, pony_key in (('unique', 'unique'), ('index', 'index'), ('column', 'column'),
                          ('max_len', 'max_len'),
                          ('reverse', 'reverse'), ('auto', 'auto'), ('table', 'table'),
                          ('reverse_column', 'reverse_column'),
                          ('cascade_delete', 'cascade_delete'), ('fk_name', 'fk_name'),
                          ('size', 'size'), ('unsigned', 'unsigned'), ('sql_type', 'sql_type'),
                          ('sql_default', 'sql_default'), ('columns', 'columns'),
                          ('lazy', 'lazy'), ('volatile', 'volatile')):
        if key in a:
            options[pony_key] = a[key]
    if kind in ('Single', 'Set'):
        target = a['type']
        if kind == 'Set':
            return orm.Set(target, **options)
        if sole_key:
            return orm.PrimaryKey(target, **options)
        return (orm.Optional if a.get('optional') else orm.Required)(target, **options)
    if kind == 'Discriminator':
        return orm.Discriminator(TYPES[a['type']], **options)
    py_type = TYPES[a['type']]
    args = [py_type]
    if a['type'] == 'decimal':
        args += [a['precision'], a['scale']]
    if 'nullable' in a:
        options['nullable'] = a['nullable']
    if 'generate' in a:  # a key made by the program; Python has no uuid7: the DDL is the same
        options['default'] = uuid4
    return {'PK': orm.PrimaryKey, 'Req': orm.Required, 'Opt': orm.Optional}[kind](*args, **options)


def main(argv):
    if len(argv) != 3:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        declared = json.load(f)
    db = orm.Database()
    # PonyORM defines a base before its subclasses; the schema lists them in any order.
    pending = list(declared['entities'])
    defined = {}
    while pending:
        e = next(e for e in pending if all(b in defined for b in bases_of(e)))
        pending.remove(e)
        sole = e['primary_key'][0] if len(e.get('primary_key', [])) == 1 else None
        body = {a['name']: attribute(a, a['name'] == sole) for a in e['attrs']}
        if 'discriminator' in e:
            body['_discriminator_'] = e['discriminator']
        if 'table' in e:
            body['_table_'] = e['table']
        # composite_key(...) and composite_index(...) read the class body's frame; a class made
        # with type() gets the list they would make.
        body['_indexes_'] = [orm.core.Index(*names, is_pk=False, is_unique=unique)
                             for field, unique in (('composite_keys', True),
                                                   ('composite_indexes', False))
                             for names in e.get(field, [])]
        if len(e.get('primary_key', [])) > 1:
            # PrimaryKey(a, b) adds itself to the namespace of the class body that calls it (its
            # caller's frame locals): called from code run with the body as its locals, it is
            # the statement `PrimaryKey(a, b)` written in the class.
            exec('PrimaryKey(*key)', {'PrimaryKey': orm.PrimaryKey,
                                      'key': [body[name] for name in e['primary_key']]}, body)
        bases = tuple(defined[b] for b in bases_of(e)) or (db.Entity,)
        defined[e['name']] = type(e['name'], bases, body)
    db.bind(**bind_arguments(argv[2]))
    db.generate_mapping(create_tables=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
