package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c := catalog.New()
	rels := []*catalog.Relation{
		{ID: 20001, Kind: catalog.Table, Schema: "public", Name: "t", PK: []int{0}, UserPK: true, Columns: []catalog.Column{
			{Name: "id", Type: types.Int32, NotNull: true}, {Name: "name", Type: types.Varchar}, {Name: "v", Type: types.Float64}}},
		{ID: 20002, Kind: catalog.Table, Schema: "public", Name: "u", PK: []int{2}, Columns: []catalog.Column{
			{Name: "id", Type: types.Int32}, {Name: "t_id", Type: types.Int64}, {Name: catalog.RowIDColumn, Type: types.Int64, Hidden: true}}},
	}
	for _, r := range rels {
		if err := c.Publish(r); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func plan(t *testing.T, c *catalog.Catalog, q string) (*Plan, error) {
	t.Helper()
	p, err := sql.ParseOne(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	env := &Env{Catalog: c, Ctx: &expr.Context{Location: time.UTC, Now: time.Now()}}
	switch s := p.Stmt.(type) {
	case *sql.SelectStmt:
		return PlanQuery(env, s.Query)
	case *sql.Insert:
		d, err := PlanInsert(env, s)
		if err != nil {
			return nil, err
		}
		return &Plan{Root: d.Source, Cols: d.Source.Columns()}, nil
	case *sql.Update:
		d, err := PlanUpdate(env, s)
		if err != nil {
			return nil, err
		}
		return &Plan{Root: d.Source, Cols: d.Source.Columns()}, nil
	case *sql.Delete:
		d, err := PlanDelete(env, s)
		if err != nil {
			return nil, err
		}
		return &Plan{Root: d.Source, Cols: d.Source.Columns()}, nil
	}
	t.Fatalf("not a query: %q", q)
	return nil, nil
}

func TestPlanColumns(t *testing.T) {
	c := testCatalog(t)
	cases := []struct {
		q     string
		names string
		types string
	}{
		{"SELECT * FROM t", "id,name,v", "integer,character varying,double precision"},
		{"SELECT * FROM u", "id,t_id", "integer,bigint"}, // _row_id is hidden
		{"SELECT 1, 'a', 1.5, 3000000000", "?column?,?column?,?column?,?column?", "integer,unknown,numeric,bigint"},
		{"SELECT id AS x, upper(name) FROM t", "x,upper", "integer,character varying"},
		{"SELECT count(*), sum(id), avg(v) FROM t", "count,sum,avg", "bigint,bigint,double precision"},
		{"SELECT name, count(*) FROM t GROUP BY name HAVING count(*) > 1 ORDER BY 2 DESC", "name,count", "character varying,bigint"},
		{"SELECT t.id, u.id FROM t JOIN u ON t.id = u.t_id", "id,id", "integer,integer"},
		{"SELECT * FROM t JOIN u USING (id)", "id,name,v,t_id", "integer,character varying,double precision,bigint"},
		{"SELECT id FROM t WHERE id IN (SELECT id FROM u) AND EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)", "id", "integer"},
		{"SELECT (SELECT max(id) FROM u) AS m", "m", "integer"},
		{"WITH w AS (SELECT id FROM t) SELECT * FROM w UNION ALL SELECT 1", "id", "integer"},
		{"SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS x(a, b) ORDER BY a", "a,b", "integer,character varying"},
		{"SELECT DISTINCT name FROM t ORDER BY name NULLS FIRST LIMIT 2 OFFSET 1", "name", "character varying"},
		{"SELECT id::text, CAST(v AS int) FROM t", "id,v", "character varying,integer"},
		{"SELECT id FROM t ORDER BY v", "id", "integer"}, // sort key not in the select list stays hidden
		{"INSERT INTO t (id) VALUES (1)", "id,name,v", "integer,character varying,double precision"},
		{"SELECT t.id, (SELECT count(*) FROM u WHERE u.t_id = t.id) FROM t", "id,count", "integer,bigint"},
		// A scalar function in FROM is a one-row relation named by its alias (Grafana's table picker).
		{"SELECT s[i] AS x FROM generate_series(1, 2) AS i, string_to_array('a,b', ',') s", "x", "character varying"},
		{"SELECT * FROM upper('x') AS u(v)", "v", "character varying"},
	}
	for _, tc := range cases {
		p, err := plan(t, c, tc.q)
		if err != nil {
			t.Errorf("%s: %v", tc.q, err)
			continue
		}
		var names, typs []string
		for _, col := range p.Cols {
			names = append(names, col.Name)
			typs = append(typs, col.Type.String())
		}
		if got := strings.Join(names, ","); got != tc.names {
			t.Errorf("%s: names %s, want %s", tc.q, got, tc.names)
		}
		if got := strings.Join(typs, ","); got != tc.types {
			t.Errorf("%s: types %s, want %s", tc.q, got, tc.types)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	c := testCatalog(t)
	cases := []struct {
		q    string
		code string
	}{
		{"SELECT * FROM nope", pgerr.UndefinedTable},
		{"SELECT nope FROM t", pgerr.UndefinedColumn},
		{"SELECT x.id FROM t", pgerr.UndefinedTable},
		{"SELECT id FROM t JOIN u ON true", pgerr.AmbiguousColumn},
		{"SELECT 1 FROM t, u WHERE id = id", pgerr.AmbiguousColumn},
		{"SELECT name, count(*) FROM t", pgerr.GroupingError},
		{"SELECT id FROM t GROUP BY name", pgerr.GroupingError},
		{"SELECT * FROM t WHERE count(*) > 1", pgerr.GroupingError},
		{"SELECT sum(count(*)) FROM t", pgerr.GroupingError},
		{"SELECT * FROM t WHERE 1", pgerr.DatatypeMismatch},
		{"SELECT 'abc'::int", pgerr.InvalidTextRepresentation},
		{"SELECT 1 + true", pgerr.UndefinedFunction},
		{"SELECT nosuchfunc(1)", pgerr.UndefinedFunction},
		{"SELECT * FROM nosuchfunc(1)", pgerr.FeatureNotSupported},
		{"SELECT 1 UNION SELECT 1, 2", pgerr.SyntaxError},
		{"SELECT id FROM t ORDER BY 5", pgerr.InvalidColumnReference},
		{"SELECT (SELECT id, name FROM t)", pgerr.SyntaxError},
		{"INSERT INTO t VALUES (true)", pgerr.DatatypeMismatch},
		{"INSERT INTO t (nope) VALUES (1)", pgerr.UndefinedColumn},
		{"INSERT INTO t (id, id) VALUES (1, 2)", pgerr.DuplicateColumn},
		{"INSERT INTO t VALUES (1, 'a', 1.0, 4)", pgerr.SyntaxError},
		{"UPDATE t SET nope = 1", pgerr.UndefinedColumn},
		{"UPDATE t SET v = 'x'", pgerr.InvalidTextRepresentation},
		{"UPDATE t SET id = id + 1", pgerr.FeatureNotSupported}, // would overwrite other rows' keys
		{"DELETE FROM nope", pgerr.UndefinedTable},
	}
	for _, tc := range cases {
		_, err := plan(t, c, tc.q)
		if err == nil {
			t.Errorf("%s: planned, want error %s", tc.q, tc.code)
			continue
		}
		if got := pgerr.Code(err); got != tc.code {
			t.Errorf("%s: code %s (%v), want %s", tc.q, got, err, tc.code)
		}
	}
}

func TestExplainShapes(t *testing.T) {
	c := testCatalog(t)
	cases := []struct {
		q    string
		want []string // substrings, in order
	}{
		{"SELECT id FROM t WHERE id IN (SELECT id FROM u)", []string{"Semi Hash Join", "Scan t", "Scan u"}},
		{"SELECT id FROM t WHERE id NOT IN (SELECT id FROM u)", []string{"NullAwareAnti Hash Join"}},
		{"SELECT * FROM t LEFT JOIN u ON t.id = u.id AND u.t_id > 1", []string{"Left Hash Join on $0 = $0 AND"}},
		{"SELECT t.id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)", []string{"Semi Hash Join on $3 = $1"}},
		{"SELECT t.id FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id AND u.id > t.id)", []string{"Anti Hash Join on $3 = $1 AND"}},
		{"SELECT t.id FROM t WHERE t.id IN (SELECT u.id FROM u WHERE u.t_id = t.id)", []string{"Semi Hash Join"}},
		{"SELECT t.id, (SELECT max(u.id) FROM u WHERE u.t_id = t.id) FROM t", []string{"Apply"}},
		{"SELECT name, count(*) FROM t GROUP BY name", []string{"HashAgg group by [$1] aggs [count]"}},
		// Comma-separated FROM items joined by a WHERE equality are a hash join, not a nested loop.
		{"SELECT t.id FROM t, u WHERE u.id = t.id AND u.t_id > 1", []string{"Filter", "Inner Hash Join on $0 = $0", "Scan t", "Scan u"}},
	}
	for _, tc := range cases {
		p, err := plan(t, c, tc.q)
		if err != nil {
			t.Errorf("%s: %v", tc.q, err)
			continue
		}
		text := strings.Join(Explain(p.Root), "\n")
		pos := 0
		for _, w := range tc.want {
			i := strings.Index(text[pos:], w)
			if i < 0 {
				t.Errorf("%s: plan lacks %q after offset %d:\n%s", tc.q, w, pos, text)
				break
			}
			pos += i + len(w)
		}
	}
}
