"""The second differential suite's schema and data, in PonyORM 0.7.16: the e-store of PonyORM's
documentation (docs.ponyorm.org/queries.html, "Pony query examples").

Customers with orders and cart items, products in many categories (a many-to-many), orders with
order items whose primary key is the pair (order, product), Decimal prices and datetime
columns, some of them optional. The entities are the documented ones (`buffer` is `bytes` in
Python 3); schema.json declares the same for NextORM, with the same table and column names.

The data comes from a fixed linear congruential sequence (not `random`), so the database is the
same on every machine: customers without orders or cart items, categories without products,
products never ordered or out of stock, orders without items, not shipped or not delivered,
equal prices and equal names, and names outside ASCII.
"""
from datetime import datetime, timedelta
from decimal import Decimal

from pony.orm import Discriminator, Optional, PrimaryKey, Required, Set


def define_entities(db):
    class Customer(db.Entity):
        email = Required(str, unique=True)
        password = Required(str)
        name = Required(str)
        country = Required(str)
        address = Required(str)
        cart_items = Set('CartItem')
        orders = Set('Order')

    class Product(db.Entity):
        id = PrimaryKey(int, auto=True)
        name = Required(str)
        categories = Set('Category')
        description = Optional(str)
        picture = Optional(bytes)
        price = Required(Decimal)
        quantity = Required(int)
        cart_items = Set('CartItem')
        order_items = Set('OrderItem')

    class CartItem(db.Entity):
        quantity = Required(int)
        customer = Required(Customer)
        product = Required(Product)

    class OrderItem(db.Entity):
        quantity = Required(int)
        price = Required(Decimal)
        order = Required('Order')
        product = Required(Product)
        PrimaryKey(order, product)

    class Order(db.Entity):
        id = PrimaryKey(int, auto=True)
        state = Required(str)
        date_created = Required(datetime)
        date_shipped = Optional(datetime)
        date_delivered = Optional(datetime)
        total_price = Required(Decimal)
        customer = Required(Customer)
        items = Set(OrderItem)
        payments = Set('Payment')

    class Category(db.Entity):
        name = Required(str, unique=True)
        products = Set(Product)

    # Payments: a hierarchy whose discriminator is an int in a column of its own name
    # (PonyORM's Discriminator(int, column=...) with each class's _discriminator_).
    class Payment(db.Entity):
        _discriminator_ = 0
        method = Discriminator(int, column='method_code')
        amount = Required(Decimal)
        paid = Required(datetime)
        order = Required(Order)

    class CardPayment(Payment):
        _discriminator_ = 1
        card_last4 = Required(str)

    class Transfer(Payment):
        _discriminator_ = 2
        iban = Required(str)
        settled = Optional(datetime)

    class InstantTransfer(Transfer):
        _discriminator_ = 3
        network = Required(str)

    return dict(Customer=Customer, Product=Product, CartItem=CartItem, OrderItem=OrderItem,
                Order=Order, Category=Category, Payment=Payment, CardPayment=CardPayment,
                Transfer=Transfer, InstantTransfer=InstantTransfer)


class _Lcg:
    """A fixed pseudo-random sequence: x' = (a x + c) mod 2**31, high bits taken."""

    def __init__(self, seed):
        self.x = seed

    def below(self, n):
        self.x = (self.x * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.x >> 9) % n


# Customers' names repeat (index i and i + 17 share a first name), so names tie.
FIRST = ['John', 'Matthew', 'Chuan', 'Rebecca', 'Oliver', 'Zoë', 'Jürgen', 'Ana', 'José', 'Mary',
         'Liam', 'Søren', 'Amélie', 'Ivan', 'Yuki', "D'Arcy", 'li']
LAST = ['Smith', 'Reed', 'Qin', 'Lawson', 'Blakey', 'Müller', 'García', 'Brown', 'Núñez',
        'Tanaka', "O'Brien", 'van der Berg', '100% Real', 'under_score']
# USA most often, as in the tutorial's data.
COUNTRIES = ['USA', 'USA', 'UK', 'China', 'USA', 'Germany', 'España', 'Japan', 'France', 'UK']
STREETS = ['Main St', 'Baker Street', 'Hauptstraße', "Rue de l'Église", 'Calle Mayor', '長安街',
           'Elm Road']
# Unique names, also under MariaDB's case- and accent-insensitive collation.
CATEGORIES = ['Tablets', 'USB Flash Drives', 'Solid State Disks', 'Data Storage', 'Laptops',
              'Monitors', 'Cables & Adapters', 'Audio', 'Cameras', 'Gaming', 'Bürobedarf',
              'E-Readers', 'Printers', 'Smart Home']
BRANDS = ['Kindle', 'Apple', 'SanDisk', 'Kingston', 'Samsung', 'Crucial', 'Lenovo', 'Dell',
          'Sony', 'Logitech', 'Canon', 'Nintendo', 'Bose', 'Anker', 'Asus', 'Ésprit']
ITEMS = ['Fire HD', 'iPad 16GB', 'Cruzer 16 GB', 'DataTraveler SE9', '840 Series SSD',
         'm4 256GB', 'ThinkPad X1', 'UltraSharp 27"', 'WH-1000XM4', 'MX Master', 'EOS 250D',
         'Switch Lite', 'QuietComfort', 'PowerCore 10000', 'ZenBook 14', 'Écran 24']
# Which categories each kind of item belongs to (indexes of CATEGORIES); 'Printers' and
# 'Smart Home' get none.
ITEM_CATEGORIES = [[0, 11], [0], [1, 3], [1, 3], [2, 3], [2, 3], [4], [5], [7], [6], [8],
                   [9], [7], [6], [4], [5, 10]]
WORDS = ['fast', 'small', 'reliable', 'wireless', 'portable', 'durable', 'silent', 'bright',
         'für Büro und Reise']
STATES = ['DELIVERED', 'DELIVERED', 'SHIPPED', 'CREATED', 'DELIVERED', 'CANCELLED']
# Prices repeat on purpose (ties in order_by, max and min).
PRICES = ['9.99', '9.98', '19.99', '49.00', '98.95', '188.67', '284.00', '478.50', '9.99',
          '1299.00', '0.99', '49.00']


def populate(entities):
    """Fills the database; call inside a db_session."""
    e = entities
    r = _Lcg(20130315)

    customers = []
    for i in range(40):
        first = FIRST[i % len(FIRST)]
        last = LAST[(i * 5) % len(LAST)]
        customers.append(e['Customer'](
            email='%s.%d@example.%s' % (first.lower().replace("'", ''), i,
                                        ['com', 'org', 'cn', 'de'][i % 4]),
            password='***' if i % 5 else 'secret%d' % i,
            name='John Smith' if i == 39 else '%s %s' % (first, last),  # a tie with 0
            country=COUNTRIES[r.below(len(COUNTRIES))],
            address='%d %s' % (1 + r.below(200), STREETS[r.below(len(STREETS))])))

    categories = [e['Category'](name=name) for name in CATEGORIES]

    products = []
    for i in range(50):
        kind = i % len(ITEMS)
        products.append(e['Product'](
            name='%s %s' % (BRANDS[(i * 3 + kind) % len(BRANDS)] if i >= len(ITEMS)
                            else BRANDS[kind], ITEMS[kind]) + ('' if i < 32 else ' v%d' % (i % 3)),
            description='' if i % 7 == 3 else '%s and %s' % (WORDS[r.below(len(WORDS))],
                                                            WORDS[r.below(len(WORDS))]),
            picture=bytes([r.below(256) for _ in range(1 + r.below(5))]) if i % 5 == 0 else None,
            price=Decimal(PRICES[r.below(len(PRICES))]) if i % 3 else
            Decimal(100 + r.below(90000)) / 100,
            quantity=0 if i % 9 == 4 else r.below(500),
            categories=[] if i % 13 == 12 else
            [categories[k] for k in ITEM_CATEGORIES[kind]]))

    for i in range(55):
        e['CartItem'](customer=customers[r.below(30)], product=products[r.below(len(products))],
                      quantity=1 + r.below(4))

    # Customers 34 to 39 never order; products 45 to 49 are never ordered.
    orders = []
    for i in range(70):
        customer = customers[r.below(34)]
        state = STATES[r.below(len(STATES))]
        created = datetime(2012 + r.below(4), 1 + r.below(12), 1 + r.below(28), r.below(24),
                           r.below(60), r.below(60))
        shipped = delivered = None
        if state in ('SHIPPED', 'DELIVERED'):
            shipped = created + timedelta(days=r.below(4), hours=r.below(20), minutes=r.below(60))
        if state == 'DELIVERED':
            delivered = shipped + timedelta(days=1 + r.below(6), hours=r.below(12))
        lines = []
        if i % 17 != 16:  # some orders have no items
            taken = set()
            for _ in range(1 + r.below(4)):
                k = r.below(45)
                if k in taken:
                    continue
                taken.add(k)
                p = products[k]
                price = p.price if r.below(3) else (p.price * Decimal('0.9')).quantize(
                    Decimal('0.01'))
                lines.append((p, price, 1 + r.below(5) if r.below(2) else 1))
        total = sum((price * n for _, price, n in lines), Decimal('0.00'))
        if i % 6 == 1:  # a discount: the total is below the items' sum
            total = (total * Decimal('0.95')).quantize(Decimal('0.01'))
        order = e['Order'](customer=customer, state=state, date_created=created,
                           date_shipped=shipped, date_delivered=delivered, total_price=total)
        orders.append(order)
        for p, price, n in lines:
            e['OrderItem'](order=order, product=p, price=price, quantity=n)

    # Payments from a sequence of their own (the data above is unchanged): orders paid in one
    # or two parts, some not at all, of each class, with unsettled transfers.
    r = _Lcg(19991231)
    for i, order in enumerate(orders):
        parts = r.below(3)
        for part in range(parts):
            method = r.below(4)
            amount = (order.total_price / parts).quantize(Decimal('0.01'))
            paid = order.date_created + timedelta(hours=1 + r.below(48))
            common = dict(order=order, amount=amount, paid=paid)
            if method == 0:
                e['Payment'](**common)
            elif method == 1:
                e['CardPayment'](card_last4='%04d' % r.below(10000), **common)
            else:
                iban = 'DE%02d%016d' % (r.below(100), r.below(10 ** 9) * 7919)
                settled = None if r.below(3) == 0 else paid + timedelta(days=1 + r.below(3))
                if method == 2:
                    e['Transfer'](iban=iban, settled=settled, **common)
                else:
                    e['InstantTransfer'](iban=iban, settled=settled,
                                         network=['SEPA Inst', 'TIPS', 'RT1'][r.below(3)],
                                         **common)
