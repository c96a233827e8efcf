"""PonyORM's db.bind() keywords for a test database: a SQLite file path or a server URL.

Shared by the scripts that have PonyORM build a database (tests/differential/pony_run.py,
tests/schema/pony_schema.py). Exits 77 (meson's "skipped") when the server's Python driver
(python3-psycopg2, python3-pymysql) cannot be imported.
"""
import os
import sys
from urllib.parse import unquote, urlsplit


def bind_arguments(database):
    """db.bind() keywords for a SQLite file (removed first) or a server URL."""
    url = urlsplit(database)
    if url.scheme not in ('postgresql', 'postgres', 'mariadb', 'mysql'):
        if os.path.exists(database):
            os.remove(database)
        return dict(provider='sqlite', filename=os.path.abspath(database), create_db=True)
    args = dict(host=url.hostname or '127.0.0.1', user=unquote(url.username or ''),
                password=unquote(url.password or ''), database=unquote(url.path.lstrip('/')))
    try:
        if url.scheme.startswith('postgres'):
            import psycopg2  # noqa: F401  (PonyORM imports it too; here to skip cleanly)
            return dict(provider='postgres', port=url.port or 5432, **args)
        import pymysql  # noqa: F401
    except ImportError as e:
        print('cannot import the driver: %s' % e, file=sys.stderr)
        sys.exit(77)
    # PonyORM's MySQL provider defaults to utf8 (3 bytes); the test database is utf8mb4.
    return dict(provider='mysql', port=url.port or 3306, charset='utf8mb4', **args)
