"""The differential test's schema and data, in PonyORM 0.7.16.

A small university with every attribute type NextORM supports (int, float, str, bool, decimal,
date, datetime, time, bytes, uuid, json) and every relation kind: required and optional Single,
one-to-many Set, many-to-many, one-to-one and a self-reference. schema.json declares the same
entities for NextORM; both must name the same tables and columns.

The data is generated from a fixed linear congruential sequence (not `random`), so the database
is the same on every machine and every Python version.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import json
import os

from pony import orm
from pony.orm import Json, LongStr, Optional, PrimaryKey, Required, Set


def define_entities(db):
    class Department(db.Entity):
        number = PrimaryKey(int)
        name = Required(str, unique=True)
        budget = Required(Decimal, 12, 2)
        groups = Set('Group')
        courses = Set('Course')
        teachers = Set('Teacher')
        people = Set('Person')

    class Group(db.Entity):
        number = PrimaryKey(int)
        major = Required(str)
        dept = Required(Department)
        students = Set('Student')

    class Student(db.Entity):
        name = Required(str)
        dob = Required(date)
        gpa = Required(float)
        year = Required(int)
        active = Required(bool)
        tel = Optional(str)
        nick = Optional(str, nullable=True)
        picture = Optional(bytes)
        scholarship = Optional(Decimal, 10, 2)
        last_login = Optional(datetime)
        wake = Optional(time)
        uid = Optional(UUID)
        verified = Optional(bool)  # None, True or False: Python's `not None` is True
        meta = Optional(Json)
        group = Required(Group)
        courses = Set('Course')
        mentor = Optional('Student', reverse='mentees')
        mentees = Set('Student', reverse='mentor')
        passport = Optional('Passport')
        grades = Set('Grade')
        locker = Optional('Locker')
        visits = Set('Visit')

    class Course(db.Entity):
        name = Required(str)
        semester = Required(int)
        credits = Required(int)
        fee = Required(Decimal, 10, 2)
        starts = Optional(date)
        dept = Required(Department)
        teacher = Optional('Teacher')
        students = Set(Student)
        grades = Set('Grade')
        slots = Set('Slot', table='course_slots')  # a declared join table

    class Teacher(db.Entity):
        name = Required(str)
        salary = Required(Decimal, 10, 2)
        hired = Required(datetime)
        probation = Optional(timedelta)
        rating = Optional(float)
        bio = Optional(LongStr)
        dept = Required(Department)
        courses = Set(Course)
        slots = Set('Slot')

    class Passport(db.Entity):
        code = PrimaryKey(str)
        issued = Required(date)
        country = Required(str)
        owner = Required(Student)

    # An inheritance hierarchy: one table Person with a classtype column.
    class Person(db.Entity):
        name = Required(str)
        born = Optional(date)
        dept = Optional(Department)

    class Employee(Person):
        salary = Required(int)
        manager = Optional('Employee', reverse='reports')
        reports = Set('Employee', reverse='manager')

    class Manager(Employee):
        _discriminator_ = 'Mgr'
        level = Required(int)

    class Alumnus(Person):
        graduated = Required(int)
        note = Optional(str)

    # PonyORM's multiple inheritance: a diamond over Person.
    class Mentor(Employee, Alumnus):
        hours = Optional(int)

    # Composite primary keys: of two references, and of two values.
    class Grade(db.Entity):
        student = Required(Student)
        course = Required(Course)
        value = Required(int)
        note = Optional(str)
        appeals = Set('Appeal')
        reviews = Set('Slot')
        PrimaryKey(student, course)

    class Slot(db.Entity):
        room = Required(str)
        hour = Required(int)
        teacher = Optional(Teacher)
        appeals = Set('Appeal')
        # Many-to-many with entities with composite keys: of two, of one, and symmetric.
        reviewed = Set(Grade)
        courses = Set(Course, table='course_slots')
        neighbours = Set('Slot', reverse='neighbours')
        bookings = Set('Booking')
        PrimaryKey(room, hour)

    # A primary key that is a reference (PonyORM's PrimaryKey(Student)).
    class Locker(db.Entity):
        student = PrimaryKey(Student)
        number = Required(int)

    # References to entities with composite keys (multi-column foreign keys).
    class Appeal(db.Entity):
        grade = Required(Grade)
        hearing = Optional(Slot)
        reason = Required(str)

    # A key of keys: a key part referring to Slot (room, hour), and a reference to it (three
    # columns).
    class Booking(db.Entity):
        slot = Required(Slot)
        day = Required(int)
        seats = Optional(int)
        visits = Set('Visit')
        ticket = Optional('Ticket')
        PrimaryKey(slot, day)

    # A key of one attribute that refers to a key of keys (three columns), and a reference to it.
    class Ticket(db.Entity):
        booking = PrimaryKey(Booking)
        code = Required(str)
        scans = Set('Scan')

    class Scan(db.Entity):
        ticket = Required(Ticket)
        gate = Required(int)

    class Visit(db.Entity):
        booking = Required(Booking)
        student = Optional(Student)
        minutes = Required(int)

    entities = dict(Department=Department, Group=Group, Student=Student, Course=Course,
                    Teacher=Teacher, Passport=Passport, Person=Person, Employee=Employee,
                    Manager=Manager, Alumnus=Alumnus, Mentor=Mentor, Grade=Grade, Slot=Slot, Appeal=Appeal,
                    Locker=Locker, Booking=Booking, Visit=Visit, Ticket=Ticket, Scan=Scan)
    add_computed(entities)
    return entities


def add_computed(entities):
    """NextORM's computed attributes (schema.json) as PonyORM's hybrid properties and methods:
    the same text, a lambda over `self` for an attribute."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, 'schema.json'), encoding='utf-8') as f:
        declared = json.load(f)
    names = {'count': orm.count, 'exists': orm.exists, 'sum': orm.sum, 'min': orm.min,
             'max': orm.max, 'avg': orm.avg}
    names.update(entities)
    for entity in declared['entities']:
        for attr in entity['attrs']:
            if attr['kind'] not in ('Computed', 'Method'):
                continue
            text = attr['text']
            if not text.startswith('lambda'):
                text = 'lambda self: ' + text
            function = eval(text, dict(names))  # the schema's own texts, not input
            if attr['kind'] == 'Computed':
                function = property(function)
            setattr(entities[entity['name']], attr['name'], function)


class _Sequence:
    """A fixed pseudo-random sequence (the glibc LCG constants)."""

    def __init__(self, seed):
        self.state = seed

    def next(self, n):
        self.state = (self.state * 1103515245 + 12345) % 2147483648
        return (self.state >> 8) % n


FIRST = ['Ann', 'Bob', 'Carl', 'Dora', 'Eve', 'Frank', 'Gina', 'Hugo', 'Ines', 'John', 'Kate',
         'Liam', 'Mia', 'Nils', 'Olga', 'Paul', 'Quinn', 'Rosa', 'Sam', 'Tina', 'Zoë', 'Ümit',
         'al', "O'Neil", ' Pat ']
LAST = ['Smith', 'Brown', 'Lee', 'Garcia', 'Miller', 'Davis', 'Lopez', 'Wilson', 'Taylor',
        'Moore', 'Clark', 'Young', 'King', 'Hill', 'Scott', 'Green', 'Adams', 'Baker', 'Nelson',
        'Carter', 'de la Cruz', 'McDonald', '100% Pure', 'under_score']
MAJORS = ['Physics', 'Mathematics', 'History', 'Biology', 'Computer Science', 'Art']
COURSES = ['Algebra', 'Analysis', 'Mechanics', 'Optics', 'Genetics', 'Ecology', 'Databases',
           'Compilers', 'Networks', 'Ancient Rome', 'Medieval Europe', 'Painting', 'Sculpture',
           'Statistics', 'Topology']
COUNTRIES = ['DE', 'FR', 'US', 'JP', 'BR']


def populate(entities):
    """Fills the database; call inside a db_session."""
    e = entities
    r = _Sequence(20240601)
    depts = [
        e['Department'](number=1, name='Science', budget=Decimal('1250000.50')),
        e['Department'](number=2, name='Humanities', budget=Decimal('480000.00')),
        e['Department'](number=3, name='Engineering', budget=Decimal('2000000.75')),
        e['Department'](number=4, name='Arts', budget=Decimal('99999.99')),
    ]
    groups = []
    for i in range(10):
        groups.append(e['Group'](number=101 + i * 10 + (i % 3), major=MAJORS[i % len(MAJORS)],
                                 dept=depts[i % 3 if i < 9 else 3]))
    teachers = []
    for i in range(14):
        teachers.append(e['Teacher'](
            name='%s %s' % (FIRST[(i * 7) % len(FIRST)].strip(), LAST[(i * 5 + 3) % len(LAST)]),
            salary=Decimal(40000 + r.next(60000)) + Decimal(r.next(100)) / 100,
            hired=datetime(1990 + r.next(30), 1 + r.next(12), 1 + r.next(28), r.next(24),
                           r.next(60), r.next(60)),
            # Whole seconds within MySQL's TIME (PonyORM's column keeps no fraction there); not
            # drawn from `r`, so that the other data stays as it was.
            probation=None if i % 4 == 3 else timedelta(hours=-3) if i == 5 else timedelta(
                days=2 * i, hours=i % 5, minutes=7 * i % 60, seconds=i),
            rating=None if i % 5 == 4 else round(1 + r.next(400) / 100.0, 2),
            # Longer than MariaDB's VARCHAR(255) for most; '' (PonyORM's missing str) for some.
            bio='' if i % 6 == 5 else ' '.join(['Teaches %s since %d.' % (
                COURSES[(i + k) % len(COURSES)], 1990 + i + k) for k in range(i + 1)]),
            dept=depts[i % 4]))
    courses = []
    for i in range(30):
        courses.append(e['Course'](
            name='%s %s' % (COURSES[i % len(COURSES)], 'I' * (1 + i // len(COURSES))),
            semester=1 + r.next(8), credits=[2, 3, 4, 5, 6][r.next(5)],
            fee=Decimal(r.next(200000)) / 100,
            starts=None if i % 7 == 6 else date(2023, 1 + r.next(12), 1 + r.next(28)),
            dept=depts[r.next(4)],
            teacher=None if i % 8 == 7 else teachers[r.next(len(teachers))]))
    students = []
    for i in range(150):
        first = FIRST[r.next(len(FIRST))]
        last = LAST[r.next(len(LAST))]
        has_tel = r.next(3) != 0
        s = e['Student'](
            name='%s %s' % (first, last) if i % 11 else first,
            dob=date(1995, 1, 1) + timedelta(days=r.next(3650)),
            gpa=[2.0, 2.5, 3.0, 3.5, 4.0][r.next(5)] if i % 4 == 0 else round(1.5 + r.next(2500) / 1000.0, 3),
            year=1 + r.next(5),
            active=r.next(4) != 0,
            tel=('+%d-%03d-%04d' % (1 + r.next(90), r.next(1000), r.next(10000))) if has_tel else '',
            nick=None if i % 3 else first.strip().lower()[:3] + str(i % 10),
            picture=None if i % 4 else bytes([r.next(256) for _ in range(1 + r.next(6))]),
            scholarship=None if r.next(3) == 0 else Decimal(r.next(500000)) / 100,
            last_login=None if i % 6 == 5 else datetime(2024, 1 + r.next(12), 1 + r.next(28),
                                                         r.next(24), r.next(60), r.next(60),
                                                         0 if i % 10 else 1000 * r.next(1000)),
            wake=None if i % 5 == 4 else time(5 + r.next(6), [0, 15, 30, 45][r.next(4)]),
            uid=None if i % 7 == 3 else UUID(int=(i * 0x9E3779B97F4A7C15 + 12345) % (1 << 128)),
            verified=None if i % 3 == 1 else i % 2 == 0,  # (not drawn from `r`: the data stays)
            meta={} if i % 4 == 1 else {'level': r.next(5), 'tags': ['t%d' % r.next(4)],
                                           'club': ['chess', 'rowing', None][r.next(3)],
                                           'flag': i % 3 == 0},
            group=groups[r.next(len(groups))])
        students.append(s)
    for i, s in enumerate(students):
        if i >= 10 and r.next(3) == 0:
            s.mentor = students[r.next(10)] if r.next(2) else students[r.next(i)]
        for _ in range(r.next(5)):
            s.courses.add(courses[r.next(len(courses))])
        if r.next(5) < 3:
            e['Passport'](code='%s%06d' % (COUNTRIES[r.next(len(COUNTRIES))], 100000 + i * 37),
                          issued=date(2010, 1, 1) + timedelta(days=r.next(5000)),
                          country=COUNTRIES[r.next(len(COUNTRIES))], owner=s)
    populate_people(e, depts)
    populate_keys(e, students, courses, teachers)
    # Lockers of some students, from a sequence of their own.
    r = _Sequence(20261208)
    for s in students:
        if r.next(3) == 0:
            e['Locker'](student=s, number=1 + r.next(40))


def populate_people(e, depts):
    """The Person hierarchy, from a sequence of its own (the other entities' data is unchanged)."""
    r = _Sequence(20261205)
    managers = []
    for i in range(4):
        managers.append(e['Manager'](
            name='%s %s' % (FIRST[i * 3], LAST[i]), level=1 + i % 3, salary=9000 + r.next(3000),
            born=None if i == 2 else date(1960 + r.next(20), 1 + r.next(12), 1 + r.next(28)),
            dept=depts[i % 4]))
    managers[1].manager = managers[0]
    managers[3].manager = managers[0]
    for i in range(12):
        e['Employee'](
            name='%s %s' % (FIRST[(i * 5 + 1) % len(FIRST)].strip(), LAST[(i * 7 + 2) % len(LAST)]),
            salary=2000 + r.next(6000),
            born=None if i % 5 == 4 else date(1970 + r.next(30), 1 + r.next(12), 1 + r.next(28)),
            dept=None if i % 6 == 5 else depts[r.next(4)],
            manager=None if i % 4 == 3 else managers[r.next(4)])
    for i in range(8):
        e['Alumnus'](
            name='%s %s' % (FIRST[(i * 3 + 2) % len(FIRST)].strip(), LAST[(i * 5 + 1) % len(LAST)]),
            graduated=1990 + r.next(30), note='honours' if i % 3 == 0 else '',
            dept=None if i % 2 else depts[r.next(4)])
    for i, name in enumerate(['Visitor', 'Guest', 'Ann']):
        e['Person'](name=name, born=date(2000, 1 + i, 1))
    # Mentors (employees and alumni at once), from a sequence of their own.
    r = _Sequence(20261209)
    for i in range(5):
        e['Mentor'](
            name='%s %s' % (FIRST[(i * 7 + 3) % len(FIRST)].strip(), LAST[(i * 3 + 4) % len(LAST)]),
            salary=3000 + r.next(5000), graduated=1995 + r.next(25),
            note='mentor' if i % 2 == 0 else '', hours=None if i == 3 else 1 + r.next(10),
            dept=None if i == 4 else depts[r.next(4)],
            manager=None if i == 2 else managers[r.next(4)])


def populate_keys(e, students, courses, teachers):
    """Grade and Slot (composite keys), from a sequence of their own."""
    r = _Sequence(20261206)
    grades = []
    slots = []
    for i, s in enumerate(students[:60]):
        taken = set()
        for _ in range(i % 4):
            k = r.next(len(courses))  # (not c.id: none is made before the flush)
            if k in taken:
                continue
            taken.add(k)
            grades.append(e['Grade'](student=s, course=courses[k], value=1 + r.next(5),
                                     note=['', 'late', 'retake'][r.next(3)] if i % 2 else ''))
    for room in ['A1', 'B2', 'C3', 'Hall']:
        for hour in range(8, 13):
            if r.next(3) == 0:
                continue
            slots.append(e['Slot'](room=room, hour=hour,
                                   teacher=None if r.next(4) == 0
                                   else teachers[r.next(len(teachers))]))
    # Appeals, from a sequence of their own (the grades' and slots' stay as they were).
    r = _Sequence(20261205)
    for i, g in enumerate(grades):
        if r.next(3) != 0:
            continue
        for _ in range(1 + r.next(2)):
            e['Appeal'](grade=g, hearing=None if r.next(3) == 0 else slots[r.next(len(slots))],
                        reason=['unfair', 'late', 'typo'][r.next(3)])
    # Links of the many-to-manys of Slot, from a sequence of their own.
    r = _Sequence(20261207)
    for i, slot in enumerate(slots):
        for _ in range(r.next(4)):
            slot.reviewed.add(grades[r.next(len(grades))])
        for _ in range(r.next(3)):
            slot.courses.add(courses[r.next(len(courses))])
        if i % 3 == 0 and i + 1 < len(slots):
            slot.neighbours.add(slots[i + 1 + r.next(len(slots) - i - 1)])
    # Bookings of the slots (a key of keys) and their visits, from a sequence of their own.
    r = _Sequence(20261208)
    for slot in slots:
        for day in range(1, 6):
            if r.next(3) == 0:
                continue
            b = e['Booking'](slot=slot, day=day, seats=None if r.next(4) == 0 else 10 + r.next(30))
            for _ in range(r.next(3)):
                e['Visit'](booking=b, minutes=15 * (1 + r.next(8)),
                           student=None if r.next(5) == 0 else students[r.next(len(students))])
    # Tickets of some bookings and their scans, from a sequence of their own.
    r = _Sequence(20261207)
    for b in sorted(e['Booking'].select(), key=lambda b: (b.slot.room, b.slot.hour, b.day)):
        if r.next(2) == 0:
            continue
        t = e['Ticket'](booking=b, code='T%d' % r.next(100))
        for _ in range(r.next(3)):
            e['Scan'](ticket=t, gate=1 + r.next(4))
