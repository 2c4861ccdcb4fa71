package batch

import (
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// These tests run SQL through the real parser and binder, checking the executor against the plans
// the planner actually produces (the contract of planner/plan.go), not only hand-built ones.

type sqlDB struct {
	cat   *catalog.Catalog
	store *storage.Store
}

func newSQLDB(t *testing.T) *sqlDB {
	t.Helper()
	st, err := storage.Open(t.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := catalog.New()
	tRel := &catalog.Relation{ID: 20001, Kind: catalog.Table, Schema: "public", Name: "t", PK: []int{0}, UserPK: true,
		Columns: []catalog.Column{{Name: "id", Type: types.Int32, NotNull: true}, {Name: "name", Type: types.Varchar}, {Name: "v", Type: types.Float64}}}
	uRel := &catalog.Relation{ID: 20002, Kind: catalog.Table, Schema: "public", Name: "u", PK: []int{2},
		Columns: []catalog.Column{{Name: "id", Type: types.Int32}, {Name: "t_id", Type: types.Int64}, {Name: catalog.RowIDColumn, Type: types.Int64, Hidden: true}}}
	f := func(v float64) types.Datum { return types.NewFloat64(v) }
	i32 := func(v int32) types.Datum { return types.NewInt32(v) }
	data := map[*catalog.Relation][]types.Row{
		tRel: {R(i32(1), S("a"), f(1.5)), R(i32(2), S("b"), N), R(i32(3), N, f(3)), R(i32(4), S("d"), f(4))},
		uRel: {R(i32(10), I(1), I(100)), R(i32(11), I(1), I(101)), R(i32(12), I(3), I(102)), R(i32(13), N, I(103))},
	}
	b := st.NewBatch()
	for rel, rows := range data {
		if err := c.Publish(rel); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			var k []byte
			for _, pk := range rel.PK {
				k = codec.AppendKey(k, r[pk], false)
			}
			b.Put(storage.TableID(rel.ID), k, codec.AppendRow(nil, r))
		}
	}
	if err := st.Commit(1, b); err != nil {
		t.Fatal(err)
	}
	return &sqlDB{cat: c, store: st}
}

func (db *sqlDB) query(t *testing.T, q string) ([]types.Row, error) {
	t.Helper()
	stmt, err := sql.ParseOne(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	sel, ok := stmt.Stmt.(*sql.SelectStmt)
	if !ok {
		t.Fatalf("not a query: %q", q)
	}
	ctx := &expr.Context{Location: time.UTC, Now: time.Now()}
	p, err := planner.PlanQuery(&planner.Env{Catalog: db.cat, Ctx: ctx}, sel.Query)
	if err != nil {
		t.Fatalf("plan %q: %v", q, err)
	}
	sn := db.store.Snapshot()
	defer sn.Close()
	op, err := Build(p.Root, &Env{Snapshot: sn, Catalog: db.cat, Ctx: ctx})
	if err != nil {
		return nil, err
	}
	rows, err := Collect(t.Context(), op)
	if err != nil {
		return nil, err
	}
	// Plans may carry hidden columns past the output; the client sees the first len(p.Cols).
	for i, r := range rows {
		rows[i] = r[:len(p.Cols)]
	}
	return rows, nil
}

func TestSQL(t *testing.T) {
	db := newSQLDB(t)
	tests := []struct {
		q    string
		want string // rows separated by ";"
	}{
		{"SELECT id, name FROM t WHERE v > 2 ORDER BY id", "3|NULL;4|d"},
		{"SELECT 1 + 1", "2"},
		{"SELECT * FROM u ORDER BY id", "10|1;11|1;12|3;13|NULL"},
		{"SELECT t.id, count(u.id) FROM t LEFT JOIN u ON u.t_id = t.id GROUP BY t.id ORDER BY t.id", "1|2;2|0;3|1;4|0"},
		{"SELECT t.id, u.id FROM t FULL JOIN u ON u.t_id = t.id ORDER BY 1, 2", "1|10;1|11;2|NULL;3|12;4|NULL;NULL|13"},
		{"SELECT id FROM t WHERE id NOT IN (SELECT t_id FROM u)", ""},
		{"SELECT id FROM t WHERE id NOT IN (SELECT t_id FROM u WHERE t_id IS NOT NULL) ORDER BY id", "2;4"},
		{"SELECT id FROM t WHERE id IN (SELECT t_id FROM u) ORDER BY id", "1;3"},
		{"SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id) ORDER BY 1", "1;3"},
		{"SELECT id FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id AND u.id > 10) ORDER BY 1", "2;4"},
		{"SELECT id, (SELECT max(u.id) FROM u WHERE u.t_id = t.id) FROM t ORDER BY id", "1|11;2|NULL;3|12;4|NULL"},
		{"SELECT name FROM t UNION SELECT 'a' ORDER BY 1", "a;b;d;NULL"},
		{"SELECT t_id FROM u INTERSECT ALL SELECT 1 UNION ALL SELECT 1 ORDER BY 1", "1;1"},
		{"SELECT t_id FROM u EXCEPT ALL SELECT 1 ORDER BY 1", "1;3;NULL"},
		{"SELECT count(*), sum(v) FROM t WHERE id > 100", "0|NULL"},
		{"SELECT count(*), sum(v), count(DISTINCT t_id) FROM t, u WHERE u.id = 10", "4|8.5|1"},
		{"SELECT DISTINCT ON (t_id) t_id, id FROM u ORDER BY t_id, id DESC", "1|11;3|12;NULL|13"},
		{"SELECT DISTINCT t_id FROM u ORDER BY 1 DESC", "NULL;3;1"},
		{"SELECT id FROM t ORDER BY v DESC NULLS LAST LIMIT 2", "4;3"},
		{"SELECT id FROM t ORDER BY id LIMIT 2 OFFSET 1", "2;3"},
		{"SELECT string_agg(name, ',' ORDER BY id DESC) FROM t", "d,b,a"},
		{"SELECT t_id, count(*) FILTER (WHERE id > 10) FROM u GROUP BY t_id ORDER BY 1", "1|1;3|1;NULL|1"},
		{"SELECT * FROM (VALUES (1, 'x'), (2, 'y')) AS v(a, b) WHERE a > 1", "2|y"},
	}
	for _, tc := range tests {
		db.expectQuery(t, tc.q, tc.want)
	}
}

func TestSQLErrors(t *testing.T) {
	db := newSQLDB(t)
	tests := []struct{ q, code string }{
		{"SELECT (SELECT id FROM u)", pgerr.CardinalityViolation},
		{"SELECT id, (SELECT u.id FROM u WHERE u.t_id = t.id) FROM t", pgerr.CardinalityViolation},
		{"SELECT 1 / (id - 1) FROM t", pgerr.DivisionByZero},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			_, err := db.query(t, tc.q)
			if pgerr.Code(err) != tc.code {
				t.Fatalf("err = %v (%s), want %s", err, pgerr.Code(err), tc.code)
			}
		})
	}
}

// expectQuery runs q as a subtest and checks its rows: want is rows separated by ';', columns by
// '|' ("" for no rows).
func (db *sqlDB) expectQuery(t *testing.T, q, want string) {
	t.Helper()
	t.Run(q, func(t *testing.T) {
		rows, err := db.query(t, q)
		if err != nil {
			t.Fatalf("%v", err)
		}
		var w []string
		if want != "" {
			w = strings.Split(want, ";")
		}
		expectRows(t, rows, w...)
	})
}
