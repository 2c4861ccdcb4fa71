// node-postgres against Runnel: run by tests/clients (go test) with PGHOST/PGPORT/... set.
// Prints one line per step; any failure throws, which exits non-zero.
'use strict';
const assert = require('assert');
const { Client } = require('pg');
const Cursor = require('pg-cursor');

const step = (name) => console.log('ok ' + name);

async function main() {
  const client = new Client(); // reads PGHOST, PGPORT, PGUSER, PGDATABASE
  await client.connect();
  const v = await client.query("SELECT current_setting('server_version_num') AS v");
  console.log('server_version_num', v.rows[0].v);
  step('connect');

  await client.query(`CREATE TABLE js_types (id int PRIMARY KEY, b boolean, i2 smallint, i8 bigint, f4 real,
    f8 double precision, n numeric, s varchar, by bytea, d date, ts timestamp, tz timestamptz, j jsonb)`);
  const tz = new Date('2024-01-02T03:04:05.123Z');
  const insert = {
    name: 'insert_js_types', // a named prepared statement, parsed once
    text: 'INSERT INTO js_types VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
  };
  await client.query({ ...insert, values: [1, true, -7, '1099511627776', 1.5, 2.25, '123.45', 'héllo',
    Buffer.from([0, 1, 255]), '2024-02-29', '2024-01-02 03:04:05.123', tz, { a: [1, 'x'] }] });
  await client.query({ ...insert, values: [2, null, null, null, null, null, null, null, null, null, null, null, null] });
  step('parameters of every type');

  const r = await client.query({ text: 'SELECT b, i2, i8, f4, f8, n, s, by, d::text AS d, ts::text AS ts, tz, j FROM js_types WHERE id = $1', values: [1] });
  const row = r.rows[0];
  assert.strictEqual(row.b, true);
  assert.strictEqual(row.i2, -7);
  assert.strictEqual(row.i8, '1099511627776');
  assert.strictEqual(row.f4, 1.5);
  assert.strictEqual(row.f8, 2.25);
  assert.strictEqual(row.n, '123.45');
  assert.strictEqual(row.s, 'héllo');
  assert.deepStrictEqual([...row.by], [0, 1, 255]);
  assert.strictEqual(row.d, '2024-02-29');
  assert.strictEqual(row.ts, '2024-01-02 03:04:05.123');
  assert.strictEqual(row.tz.getTime(), tz.getTime());
  assert.deepStrictEqual(row.j, { a: [1, 'x'] });
  step('round trip');

  const nulls = await client.query('SELECT b, s, tz, j FROM js_types WHERE id = 2');
  assert.deepStrictEqual(nulls.rows[0], { b: null, s: null, tz: null, j: null });
  step('NULLs');

  await client.query("SET TIME ZONE 'Europe/Berlin'");
  const z = await client.query("SELECT '2024-07-01 12:00:00+00'::timestamptz::text AS t, '2024-07-01 12:00:00+00'::timestamptz AS tz");
  assert.strictEqual(z.rows[0].t, '2024-07-01 14:00:00+02');
  assert.strictEqual(z.rows[0].tz.toISOString(), '2024-07-01T12:00:00.000Z');
  await client.query("SET TIME ZONE 'UTC'");
  step('time zones');

  await client.query('CREATE TABLE js_big (id int PRIMARY KEY)');
  await client.query('INSERT INTO js_big SELECT g FROM generate_series(1, 5000) g');
  // pg-cursor reads through a portal, 700 rows per Execute (PortalSuspended in between).
  const cursor = client.query(new Cursor('SELECT id FROM js_big WHERE id > $1 ORDER BY id', [0]));
  let n = 0, sum = 0;
  for (;;) {
    const rows = await cursor.read(700);
    if (rows.length === 0) break;
    n += rows.length;
    for (const x of rows) sum += x.id;
  }
  await cursor.close();
  assert.strictEqual(n, 5000);
  assert.strictEqual(sum, 5000 * 5001 / 2);
  step('portal cursor, 700 rows a fetch');

  await client.query('BEGIN');
  await client.query('INSERT INTO js_types (id) VALUES (3)');
  await client.query('COMMIT');
  await client.query('BEGIN');
  await client.query('ROLLBACK');
  step('transactions');

  for (const [sql, code] of [['SELECT * FROM nope', '42P01'], ['SELECT 1/0', '22012'], ['SELEC 1', '42601'], ["SELECT 'x'::int", '22P02']]) {
    await assert.rejects(client.query(sql), (e) => e.code === code || assert.fail(`${sql}: ${e.code} ${e.message}`));
  }
  await assert.rejects(client.query({ text: 'SELECT 10 / $1', values: [0] }), (e) => e.code === '22012');
  assert.strictEqual((await client.query('SELECT 1 AS one')).rows[0].one, 1);
  step('errors with SQLSTATE');

  await client.end();
  console.log('node-postgres scenario passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
