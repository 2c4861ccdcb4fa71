package sql

import (
	"reflect"
	"testing"
)

// TestParseDeparse checks the AST of each case through its deparsed form (compact and readable) and
// that the deparsed form parses back to the same AST.
func TestParseDeparse(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select 1", "SELECT 1"},
		{"SELECT DISTINCT a, b AS c FROM t", "SELECT DISTINCT a, b AS c FROM t"},
		{"select distinct on (a) a, b from t order by a, b desc nulls last", "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b DESC NULLS LAST"},
		{"select *, t.*, s.t.* from s.t", "SELECT *, t.*, s.t.* FROM s.t"},
		{"select a from t1 join t2 on t1.x = t2.x left join t3 using (y) natural full join t4 cross join t5, t6 right outer join t7 on true",
			"SELECT a FROM ((((t1 JOIN t2 ON (t1.x = t2.x)) LEFT JOIN t3 USING (y)) NATURAL FULL JOIN t4) CROSS JOIN t5), (t6 RIGHT JOIN t7 ON TRUE)"},
		{"select * from (select 1) as s(x), lateral (select x) l", "SELECT * FROM (SELECT 1) AS s (x), LATERAL (SELECT x) AS l"},
		{"SELECT * FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)", "SELECT * FROM tumble(bid, date_time, CAST('10 second' AS interval))"},
		{"select * from hop(bid, date_time, interval '2' second, interval '10' second) as h", "SELECT * FROM hop(bid, date_time, CAST('2 second' AS interval), CAST('10 second' AS interval)) AS h"},
		{"select * from generate_series(1, 10) g(i)", "SELECT * FROM generate_series(1, 10) AS g (i)"},
		{"select a, count(*) from t where a > 1 group by a having count(*) > 2", "SELECT a, count(*) FROM t WHERE (a > 1) GROUP BY a HAVING (count(*) > 2)"},
		{"select a from t order by 1 asc nulls first limit 10 offset 5", "SELECT a FROM t ORDER BY 1 NULLS FIRST LIMIT 10 OFFSET 5"},
		{"select a from t fetch first 3 rows only", "SELECT a FROM t LIMIT 3"},
		{"select a from t limit all", "SELECT a FROM t"},
		{"select 1 union select 2 union all select 3 intersect select 4 except all select 5",
			"((SELECT 1 UNION SELECT 2) UNION ALL (SELECT 3 INTERSECT SELECT 4)) EXCEPT ALL SELECT 5"},
		{"(select 1 order by 1 limit 1) union select 2", "(SELECT 1 ORDER BY 1 LIMIT 1) UNION SELECT 2"},
		{"values (1, 'a'), (2, 'b')", "VALUES (1, 'a'), (2, 'b')"},
		{"with x(a) as (select 1), y as (select * from x) select * from y", "WITH x (a) AS (SELECT 1), y AS (SELECT * FROM x) SELECT * FROM y"},
		{"select row_number() over (partition by a order by b desc), sum(x) over w from t window w as (partition by c)",
			"SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC), sum(x) OVER (PARTITION BY c) FROM t"},
		{"select sum(x) over (order by y rows between 1 preceding and current row) from t",
			"SELECT sum(x) OVER (ORDER BY y ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t"},
		{"select count(distinct a), string_agg(b, ',' order by c) filter (where d) from t",
			"SELECT count(DISTINCT a), string_agg(b, ',' ORDER BY c) FILTER (WHERE d) FROM t"},
		// Expressions.
		{"select a = any(array[1,2]), a <> all('{1}'), a is distinct from b, a is not distinct from b, nullif(a, b)",
			"SELECT (a = ANY (ARRAY[1, 2])), (a <> ALL ('{1}')), (a IS DISTINCT FROM b), (a IS NOT DISTINCT FROM b), nullif(a, b)"},
		{"select a in (1, 2), a not in (3), a like 'x%', a not like 'y' escape '!', a ilike 'z', a not ilike 'w', a similar to 'v'",
			"SELECT (a IN (1, 2)), (a NOT IN (3)), (a LIKE 'x%'), (a NOT LIKE 'y' ESCAPE '!'), (a ILIKE 'z'), (a NOT ILIKE 'w'), (a SIMILAR TO 'v')"},
		{"select a between 1 and 2, a not between symmetric 3 and 1", "SELECT (a BETWEEN 1 AND 2), (a NOT BETWEEN SYMMETRIC 3 AND 1)"},
		{"select a and b or not c, a is null, a is not null, a isnull, a is true, a is not false, a is unknown",
			"SELECT ((a AND b) OR (NOT c)), (a IS NULL), (a IS NOT NULL), (a IS NULL), (a IS TRUE), (a IS NOT FALSE), (a IS UNKNOWN)"},
		{"select a::int, cast(b as varchar(10)), c::numeric(10,2), d::timestamp with time zone, e::int[], '1'::\"char\", f::text, g::double precision",
			"SELECT CAST(a AS int4), CAST(b AS varchar(10)), CAST(c AS numeric(10,2)), CAST(d AS timestamptz), CAST(e AS int4[]), CAST('1' AS \"char\"), CAST(f AS text), CAST(g AS float8)"},
		{"select interval '1' hour, interval '1:30' hour to minute, interval '1 day', date '2024-01-01'",
			"SELECT CAST('1 hour' AS interval), CAST('1:30' AS interval), CAST('1 day' AS interval), CAST('2024-01-01' AS date)"},
		{"select case when a then 1 when b then 2 else 3 end, case x when 1 then 'a' end",
			"SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'a' END"},
		{"select coalesce(a, b), greatest(1, 2), least(3, 4)", "SELECT coalesce(a, b), greatest(1, 2), least(3, 4)"},
		{"select current_timestamp, current_date, current_time, localtimestamp, current_user, session_user, current_role, current_catalog, current_schema, user",
			"SELECT current_timestamp, current_date, current_time, localtimestamp, current_user, session_user, current_role, current_catalog, current_schema, current_user"},
		{"select exists (select 1), (select 2), a in (select 3), a not in (select 4), a = any (select 5), a > any (select 6), a < all (select 7), array(select 8)",
			"SELECT EXISTS (SELECT 1), (SELECT 2), (a IN (SELECT 3)), (NOT (a IN (SELECT 4))), (a IN (SELECT 5)), (a > ANY (SELECT 6)), (a < ALL (SELECT 7)), ARRAY(SELECT 8)"},
		{"select a[1], (b)[2], x collate \"C\", row(1, 2), (3, 4), $1, $2", "SELECT (a)[1], (b)[2], (x COLLATE \"C\"), ROW(1, 2), ROW(3, 4), $1, $2"},
		{"select 1, -2, 3.5, 1e10, 123456789012345678901234, 'it''s', e'a\\nb', $$x$$, true, false, null, b'101', x'ff'",
			"SELECT 1, -2, 3.5, 1e10, 123456789012345678901234, 'it''s', 'a\nb', 'x', TRUE, FALSE, NULL, B'101', X'ff'"},
		{"select a OPERATOR(pg_catalog.~) b, pg_catalog.upper(c), myschema.f(d), - e, a != b, a || b, j -> 'k', j ->> 'k'",
			"SELECT (a ~ b), upper(c), myschema.f(d), (- e), (a <> b), (a || b), (j -> 'k'), (j ->> 'k')"},
		{"select extract(year from ts), substring(s from 1 for 2), position('a' in s), trim(s), ts at time zone 'utc'",
			"SELECT \"extract\"('year', ts), substring(s, 1, 2), \"position\"(s, 'a'), btrim(s), timezone('utc', ts)"},
		// DML.
		{"insert into t values (1, default), (2, 3) returning *", "INSERT INTO t VALUES (1, DEFAULT), (2, 3) RETURNING *"},
		{"insert into s.t (a, b) select x, y from u", "INSERT INTO s.t (a, b) SELECT x, y FROM u"},
		{"insert into t default values", "INSERT INTO t DEFAULT VALUES"},
		{"update t set a = 1, b = b + 1 from u where t.id = u.id returning a", "UPDATE t SET a = 1, b = (b + 1) FROM u WHERE (t.id = u.id) RETURNING a"},
		{"update t set (a, b) = (1, 2)", "UPDATE t SET a = 1, b = 2"},
		{"delete from t where a = $1", "DELETE FROM t WHERE (a = $1)"},
		// DDL and utility statements.
		{"create table if not exists t (a int primary key, b varchar(10) not null default 'x', c timestamptz null)",
			"CREATE TABLE IF NOT EXISTS t (a int4 PRIMARY KEY, b varchar(10) NOT NULL DEFAULT 'x', c timestamptz)"},
		{"create table t (a int, b int, primary key (a, b))", "CREATE TABLE t (a int4, b int4, PRIMARY KEY (a, b))"},
		{"create table t2 as select * from t", "CREATE TABLE t2 AS SELECT * FROM t"},
		{"create view v (x) as select 1", "CREATE VIEW v (x) AS SELECT 1"},
		{"create or replace view v as select 1", "CREATE OR REPLACE VIEW v AS SELECT 1"},
		{"create materialized view if not exists m as select a, count(*) from t group by a",
			"CREATE MATERIALIZED VIEW IF NOT EXISTS m AS SELECT a, count(*) FROM t GROUP BY a"},
		{"create index i on t (a, b)", "CREATE INDEX i ON t (a, b)"},
		{"create schema if not exists s", "CREATE SCHEMA IF NOT EXISTS s"},
		{"drop table if exists a, s.b cascade", "DROP TABLE IF EXISTS a, s.b CASCADE"},
		{"drop materialized view m", "DROP MATERIALIZED VIEW m"},
		{"drop view v restrict", "DROP VIEW v"},
		{"drop index i", "DROP INDEX i"},
		{"drop schema s", "DROP SCHEMA s"},
		{"set search_path = public, 'x'", "SET search_path = 'public', 'x'"},
		{"set time zone 'UTC'", "SET timezone = 'UTC'"},
		{"set session application_name to default", "SET application_name TO DEFAULT"},
		{"set local extra_float_digits = 3", "SET LOCAL extra_float_digits = '3'"},
		{"set streaming_parallelism = on", "SET streaming_parallelism = 'on'"},
		{"reset all", "RESET ALL"},
		{"reset x", "RESET x"},
		{"show transaction isolation level", "SHOW transaction_isolation"},
		{"show all", "SHOW \"all\""},
		{"begin", "BEGIN"},
		{"start transaction isolation level repeatable read", "BEGIN"},
		{"commit", "COMMIT"},
		{"end", "COMMIT"},
		{"rollback", "ROLLBACK"},
		{"abort", "ROLLBACK"},
		{"savepoint s1", "SAVEPOINT s1"},
		{"release savepoint s1", "RELEASE SAVEPOINT s1"},
		{"rollback to savepoint s1", "ROLLBACK TO SAVEPOINT s1"},
		{"explain select 1", "EXPLAIN SELECT 1"},
		{"explain (analyze, verbose) select 1", "EXPLAIN (ANALYZE, VERBOSE) SELECT 1"},
		{"discard all", "DISCARD ALL"},
		{"deallocate prepare p1", "DEALLOCATE p1"},
		{"deallocate all", "DEALLOCATE ALL"},
		{"prepare p (int, text) as select $1, $2", "PREPARE p (integer, character varying) AS SELECT $1, $2"},
		{"execute p (1, 'a')", "EXECUTE p (1, 'a')"},
		{"copy (select 1) to stdout with (format csv, header)", "COPY (SELECT 1) TO STDOUT WITH (format 'csv', header 'true')"},
		{"copy t (a) to stdout", "COPY t (a) TO STDOUT"},
		{"comment on table t is 'hello'", "COMMENT ON TABLE t IS 'hello'"},
		{`declare "c1" cursor without hold for select 1`, "DECLARE c1 CURSOR FOR SELECT 1"},
		{"declare c binary scroll cursor with hold for select 1", "DECLARE c BINARY SCROLL CURSOR WITH HOLD FOR SELECT 1"},
		{`fetch forward 2000 from "c1"`, "FETCH FORWARD 2000 FROM c1"},
		{"fetch c", "FETCH FORWARD 1 FROM c"},
		{"fetch all in c", "FETCH FORWARD ALL FROM c"},
		{"fetch prior from c", "FETCH BACKWARD 1 FROM c"},
		{"move 5 in c", "MOVE FORWARD 5 FROM c"},
		{"close c", "CLOSE c"},
		{"close all", "CLOSE ALL"},
		{"comment on column s.t.c is null", "COMMENT ON COLUMN s.t.c IS NULL"},
	}
	for _, c := range cases {
		p := mustParseOne(t, c.in)
		if got := Deparse(p.Stmt); got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.want)
			continue
		}
		checkRoundTrip(t, c.in, p.Stmt)
		if slow := mustParseOne(t, c.in+";"); !reflect.DeepEqual(slow, p) { // the scanning path
			t.Errorf("%s: scanning path gives %s", c.in, Deparse(slow.Stmt))
		}
	}
}
