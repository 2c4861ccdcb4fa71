package sql

import (
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/types"
)

func TestRisingWaveDDL(t *testing.T) {
	cases := []struct{ in, want string }{
		{`CREATE SOURCE aircraft_events_source (registration_number VARCHAR, event_type VARCHAR, "timestamp" TIMESTAMPTZ) WITH (connector = 'kafka', topic = 'aircraft-events', properties.bootstrap.server = 'localhost:9092', scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`,
			`CREATE SOURCE aircraft_events_source (registration_number varchar, event_type varchar, "timestamp" timestamptz) WITH (connector = 'kafka', topic = 'aircraft-events', properties.bootstrap.server = 'localhost:9092', scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`},
		{`create source if not exists s (a int, b timestamp, primary key (a), watermark for b as b - interval '5' second) include key as k include partition with (connector='kafka', Properties.Bootstrap.Server='h:9092', nexmark.table.type = 'Bid', nexmark.split.num = 2, x = on, y = -1.5) format upsert encode json (schema.registry = 'http://r')`,
			`CREATE SOURCE IF NOT EXISTS s (a int4, b timestamp, PRIMARY KEY (a), WATERMARK FOR b AS (b - CAST('5 second' AS interval))) INCLUDE key AS k INCLUDE partition WITH (connector = 'kafka', properties.bootstrap.server = 'h:9092', nexmark.table.type = 'Bid', nexmark.split.num = '2', x = 'on', y = '-1.5') FORMAT UPSERT ENCODE JSON (schema.registry = 'http://r')`},
		{`create source s with (connector = 'datagen') format plain encode json`,
			`CREATE SOURCE s WITH (connector = 'datagen') FORMAT PLAIN ENCODE JSON`},
		{`create source s (watermark for ts as ts, ts timestamp, id int) with (connector = 'nexmark')`,
			`CREATE SOURCE s (ts timestamp, id int4, WATERMARK FOR ts AS ts) WITH (connector = 'nexmark')`},
		{`create table t (a int primary key, b varchar, watermark for c as c - interval '1 minute', c timestamptz) append only with (connector = 'kafka', topic = 't') format plain encode json`,
			`CREATE TABLE t (a int4 PRIMARY KEY, b varchar, c timestamptz, WATERMARK FOR c AS (c - CAST('1 minute' AS interval))) APPEND ONLY WITH (connector = 'kafka', topic = 't') FORMAT PLAIN ENCODE JSON`},
		{`create table t (a int) with (appendonly = 'true')`, `CREATE TABLE t (a int4) WITH (appendonly = 'true')`},
		{`create materialized view m as select count(*) from t emit on window close`,
			`CREATE MATERIALIZED VIEW m AS SELECT count(*) FROM t EMIT ON WINDOW CLOSE`},
		{`create materialized view if not exists m (c) with (streaming_parallelism = 4) as with x as (select 1) select * from x`,
			`CREATE MATERIALIZED VIEW IF NOT EXISTS m (c) WITH (streaming_parallelism = '4') AS WITH x AS (SELECT 1) SELECT * FROM x`},
		{`create view if not exists v as select 1`, `CREATE VIEW IF NOT EXISTS v AS SELECT 1`},
		{`create sink s from mv with (connector = 'kafka', topic = 'o', properties.bootstrap.server = 'h:9092') format plain encode json (force_append_only = 'true')`,
			`CREATE SINK s FROM mv WITH (connector = 'kafka', topic = 'o', properties.bootstrap.server = 'h:9092') FORMAT PLAIN ENCODE JSON (force_append_only = 'true')`},
		{`create sink if not exists s as with w as (select 1 as a) select a from w where a in (select 1) with (connector = 'blackhole')`,
			`CREATE SINK IF NOT EXISTS s AS WITH w AS (SELECT 1 AS a) SELECT a FROM w WHERE (a IN (SELECT 1)) WITH (connector = 'blackhole')`},
		// Fixed shapes.
		{`flush`, `FLUSH`},
		{`describe s.t`, `DESCRIBE s.t`},
		{`DESC t`, `DESCRIBE t`},
		{`show tables`, `SHOW TABLES`},
		{`show tables from s like 't%'`, `SHOW TABLES FROM s LIKE 't%'`},
		{`show sources`, `SHOW SOURCES`},
		{`show sinks`, `SHOW SINKS`},
		{`show views`, `SHOW VIEWS`},
		{`show materialized views`, `SHOW MATERIALIZED VIEWS`},
		{`show databases`, `SHOW DATABASES`},
		{`show schemas`, `SHOW SCHEMAS`},
		{`show columns from t from s`, `SHOW COLUMNS FROM t FROM s`},
		{`show columns from s.t`, `SHOW COLUMNS FROM t FROM s`},
		{`show create materialized view m`, `SHOW CREATE MATERIALIZED VIEW m`},
		{`show create table t`, `SHOW CREATE TABLE t`},
		{`show create source s`, `SHOW CREATE SOURCE s`},
		{`show create sink s`, `SHOW CREATE SINK s`},
		{`show create view v`, `SHOW CREATE VIEW v`},
		{`drop source if exists s cascade`, `DROP SOURCE IF EXISTS s CASCADE`},
		{`drop sink a, b`, `DROP SINK a, b`},
	}
	for _, c := range cases {
		p := mustParseOne(t, c.in)
		if got := Deparse(p.Stmt); got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.want)
			continue
		}
		checkRoundTrip(t, c.in, p.Stmt)
	}
}

func TestRisingWaveAST(t *testing.T) {
	p := mustParseOne(t, `CREATE SOURCE s (id BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH (connector = 'kafka') FORMAT PLAIN ENCODE JSON`)
	want := &CreateSource{
		Name: ObjectName{Name: "s"},
		Columns: []ColumnDef{
			{Name: "id", Type: types.Int64, TypeName: "int8"},
			{Name: "ts", Type: types.Timestamp, TypeName: "timestamp"},
		},
		With:   []Option{{Key: "connector", Value: "kafka"}},
		Format: &Format{Format: "PLAIN", Encode: "JSON"},
		Watermarks: []Watermark{{Column: "ts", Expr: &BinaryExpr{Op: "-", L: &ColumnRef{Parts: []string{"ts"}},
			R: &Cast{X: &Literal{Kind: StringLit, Val: "5 second"}, Type: types.Interval, TypeName: "interval"}}}},
	}
	if !reflect.DeepEqual(p.Stmt, want) {
		t.Errorf("got  %#v\nwant %#v", p.Stmt, want)
	}
	a := mustParseOne(t, `ALTER MATERIALIZED VIEW s.m SET PARALLELISM = 4`)
	wantAlter := &Alter{Kind: KindMaterializedView, Name: ObjectName{Schema: "s", Name: "m"}, Set: []Option{{Key: "parallelism", Value: "4"}}, Text: `ALTER MATERIALIZED VIEW s.m SET PARALLELISM = 4`}
	if !reflect.DeepEqual(a.Stmt, wantAlter) {
		t.Errorf("got  %#v\nwant %#v", a.Stmt, wantAlter)
	}
	r := mustParseOne(t, `alter table t rename to u`)
	if got := r.Stmt.(*Alter); got.RenameTo != "u" || got.Kind != KindTable || got.Name.Name != "t" {
		t.Errorf("rename: %#v", got)
	}
	if a := mustParseOne(t, `alter table t add column x int`).Stmt.(*Alter); a.Name.Name != "t" || a.Text == "" {
		t.Errorf("alter add column: %#v", a)
	}
}
