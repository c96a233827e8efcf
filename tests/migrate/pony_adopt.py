"""A database PonyORM made, for tests/migrate/pony_adopt_test.cpp to adopt and migrate.

  pony_adopt.py make DATABASE   PonyORM's generate_mapping(create_tables=True) and some rows
  pony_adopt.py read DATABASE   PonyORM's model after the migration, reading the rows back:
                                prints one line per product

DATABASE: a SQLite file path or a server URL (tests/support/pony_bind.py). Exits 77 when
PonyORM (python3-pony) or the server's driver cannot be imported.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'support'))
try:
    from pony import orm
except ImportError as e:
    print('cannot import PonyORM: %s' % e, file=sys.stderr)
    sys.exit(77)
from pony_bind import bind_arguments  # noqa: E402


def model(after):
    db = orm.Database()

    class Category(db.Entity):
        name = orm.Required(str, unique=True)
        products = orm.Set('Product')

    class Tag(db.Entity):
        label = orm.Required(str)
        products = orm.Set('Product')

    if after:
        class Product(db.Entity):
            name = orm.Required(str)          # was title (renamed_from in the migration)
            price = orm.Required(float)
            stock = orm.Optional(int)         # new, nullable
            category = orm.Optional(Category)
            tags = orm.Set(Tag)
    else:
        class Product(db.Entity):
            title = orm.Required(str)
            price = orm.Required(float)
            category = orm.Optional(Category)
            tags = orm.Set(Tag)
    return db


def main():
    mode, database = sys.argv[1], sys.argv[2]
    args = bind_arguments(database) if mode == 'make' else _keep(database)
    db = model(after=(mode == 'read'))
    db.bind(**args)
    db.generate_mapping(create_tables=(mode == 'make'))
    with orm.db_session:
        if mode == 'make':
            tools = db.Category(name='tools')
            sale = db.Tag(label='sale')
            db.Product(title='Hammer', price=5.5, category=tools, tags=[sale])
            db.Product(title='Saw', price=10.0)
            return
        for p in db.Product.select().order_by(db.Product.id):
            print('%s|%s|%s|%s|%s' % (p.name, p.price, p.stock,
                                      p.category.name if p.category else '-',
                                      ','.join(sorted(t.label for t in p.tags))))


def _keep(database):
    """bind_arguments without removing an existing SQLite file."""
    if '://' in database:
        return bind_arguments(database)
    return dict(provider='sqlite', filename=os.path.abspath(database))


if __name__ == '__main__':
    main()
