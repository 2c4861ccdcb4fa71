"""psycopg2 against Runnel: run by tests/clients (go test) with PGHOST/PGPORT/... set.

Prints one line per step; any failure raises, which exits non-zero.
"""
import datetime
import decimal

import psycopg2
import psycopg2.errors
import psycopg2.extras


def step(name):
    print("ok", name, flush=True)


conn = psycopg2.connect("")  # libpq reads PGHOST, PGPORT, PGUSER, PGDATABASE
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT version(), current_setting('server_version_num')")
print(cur.fetchone())
step("connect")

cur.execute("""CREATE TABLE py_types (id int PRIMARY KEY, b boolean, i2 smallint, i8 bigint, f4 real,
    f8 double precision, n numeric, s varchar, by bytea, d date, ts timestamp, tz timestamptz,
    iv interval, j jsonb)""")
ts = datetime.datetime(2024, 1, 2, 3, 4, 5, 123456)
tz = datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)
row = (1, True, -7, 1 << 40, 1.5, 2.25, decimal.Decimal("123.45"), "héllo", psycopg2.Binary(b"\x00\x01\xff"),
       datetime.date(2024, 2, 29), ts, tz, datetime.timedelta(days=3, hours=1), psycopg2.extras.Json({"a": [1, "x"]}))
cur.execute("INSERT INTO py_types VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", row)
cur.execute("INSERT INTO py_types VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", (2,) + (None,) * 13)
step("parameters of every type")

cur.execute("SELECT b, i2, i8, f4, f8, n, s, by, d, ts, tz, iv, j FROM py_types WHERE id = %s", (1,))
got = cur.fetchone()
want = (True, -7, 1 << 40, 1.5, 2.25, decimal.Decimal("123.45"), "héllo", b"\x00\x01\xff",
        datetime.date(2024, 2, 29), ts, tz, datetime.timedelta(days=3, hours=1), {"a": [1, "x"]})
got = tuple(bytes(v) if isinstance(v, memoryview) else v for v in got)
assert got == want, (got, want)
step("round trip")

cur.execute("SELECT b, s, tz, j FROM py_types WHERE id = 2")
assert cur.fetchone() == (None, None, None, None)
step("NULLs")

cur.execute("SET TIME ZONE 'Asia/Kolkata'")
cur.execute("SELECT '2024-01-01 00:00:00+00'::timestamptz, '2024-01-01 00:00:00+00'::timestamptz::text")
t, text = cur.fetchone()
assert text == "2024-01-01 05:30:00+05:30", text
assert t == datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), t
assert t.utcoffset() == datetime.timedelta(hours=5, minutes=30), t
cur.execute("SET TIME ZONE 'UTC'")
step("time zones")

cur.execute("CREATE TABLE py_big (id int PRIMARY KEY, v varchar)")
cur.execute("INSERT INTO py_big SELECT g, 'v' || g::varchar FROM generate_series(1, 5000) g")
conn.autocommit = False
named = conn.cursor(name="big_reader")  # a server-side cursor: DECLARE ... then FETCH FORWARD itersize
named.itersize = 1000
named.execute("SELECT id, v FROM py_big ORDER BY id")
n = total = 0
for rid, v in named:
    n += 1
    total += rid
    assert v == "v%d" % rid
assert n == 5000 and total == 5000 * 5001 // 2, (n, total)
named.close()
conn.commit()
step("named cursor, itersize 1000")

named = conn.cursor(name="chunks")
named.execute("SELECT id FROM py_big WHERE id <= 10 ORDER BY id")
assert [r[0] for r in named.fetchmany(3)] == [1, 2, 3]
assert [r[0] for r in named.fetchall()] == list(range(4, 11))
named.close()
conn.rollback()
step("named cursor fetchmany, rollback")

with conn:  # BEGIN ... COMMIT
    with conn.cursor() as c:
        c.execute("INSERT INTO py_types (id) VALUES (3)")
step("transaction block")

conn.autocommit = True
for sql, code in [("SELECT * FROM nope", "42P01"), ("SELECT 1/0", "22012"), ("SELEC 1", "42601"),
                  ("SELECT 'x'::int", "22P02")]:
    try:
        cur.execute(sql)
    except psycopg2.Error as e:
        assert e.pgcode == code, (sql, e.pgcode, e.pgerror)
    else:
        raise AssertionError("%s succeeded" % sql)
try:
    cur.execute("SELECT * FROM nope")
except psycopg2.errors.UndefinedTable:
    pass
cur.execute("SELECT 1")
assert cur.fetchone() == (1,)
step("errors with SQLSTATE")

out = __import__("io").StringIO()
cur.copy_expert("COPY (SELECT id, s FROM py_types ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)", out)
assert out.getvalue() == "id,s\n1,héllo\n2,\n3,\n", repr(out.getvalue())
step("COPY TO STDOUT")

conn.close()
print("psycopg2 scenario passed")
