package batch

import (
	"context"
	"errors"
	"testing"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// testTable is a stored relation (id bigint primary key, name varchar, score bigint) filled with
// codec-encoded rows in a temporary store.
type testTable struct {
	store *storage.Store
	rel   *catalog.Relation
}

func newTestTable(tb testing.TB, rows []types.Row) *testTable {
	tb.Helper()
	st, err := storage.Open(tb.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	rel := &catalog.Relation{ID: catalog.FirstUserID + 7, Kind: catalog.Table, Schema: "public", Name: "t",
		Columns: []catalog.Column{{Name: "id", Type: types.Int64}, {Name: "name", Type: types.Varchar}, {Name: "score", Type: types.Int64}},
		PK:      []int{0}, UserPK: true}
	b := st.NewBatch()
	var k, v []byte
	for _, r := range rows {
		k = codec.AppendKey(k[:0], r[0], false)
		v = codec.AppendRow(v[:0], r)
		b.Put(storage.TableID(rel.ID), k, v)
	}
	// A neighbouring table's rows must not leak into the scan.
	b.Put(storage.TableID(rel.ID+1), codec.AppendKey(nil, I(0), false), codec.AppendRow(nil, R(I(-1), S("other"), I(0))))
	if err := st.Commit(1, b); err != nil {
		tb.Fatal(err)
	}
	return &testTable{store: st, rel: rel}
}

func (tt *testTable) scan() *planner.Scan {
	cols := make([]planner.Column, len(tt.rel.Columns))
	for i, c := range tt.rel.Columns {
		cols[i] = planner.Column{Name: c.Name, Type: c.Type, TableOID: tt.rel.ID, Attr: int16(i + 1)}
	}
	return &planner.Scan{Rel: tt.rel, Cols: cols}
}

func (tt *testTable) env(tb testing.TB) *Env {
	sn := tt.store.Snapshot()
	tb.Cleanup(func() { sn.Close() })
	return &Env{Snapshot: sn, Ctx: &expr.Context{}}
}

func TestScan(t *testing.T) {
	tt := newTestTable(t, []types.Row{R(I(3), S("c"), N), R(I(1), S("a"), I(10)), R(I(2), N, I(20))})
	env := tt.env(t)
	// Written after the snapshot: invisible to the query.
	b := tt.store.NewBatch()
	b.Put(storage.TableID(tt.rel.ID), codec.AppendKey(nil, I(4), false), codec.AppendRow(nil, R(I(4), S("d"), I(1))))
	if err := tt.store.Commit(2, b); err != nil {
		t.Fatal(err)
	}
	op, err := Build(tt.scan(), env)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Collect(t.Context(), op)
	if err != nil {
		t.Fatal(err)
	}
	expectRows(t, rows, "1|a|10", "2|NULL|20", "3|c|NULL")
}

func TestScanManyRows(t *testing.T) {
	const n = 10000
	rows := make([]types.Row, n)
	for i := range rows {
		rows[i] = R(I(int64(i)), S("name"), I(int64(i%10)))
	}
	tt := newTestTable(t, rows)
	plan := &planner.Limit{Input: &planner.Filter{Input: tt.scan(), Cond: eq(col(2), cnst(I(3)))}, Count: 500, Offset: 10}
	op, err := Build(plan, tt.env(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Collect(t.Context(), op)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 500 || got[0][0].Int() != 103 || got[499][0].Int() != 5093 {
		t.Fatalf("%d rows, first %v, last %v", len(got), fmtRows(got[:1]), fmtRows(got[len(got)-1:]))
	}
}

func TestScanCancel(t *testing.T) {
	tt := newTestTable(t, []types.Row{R(I(1), S("a"), I(1))})
	op, err := Build(tt.scan(), tt.env(t))
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := op.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestScanCorruptRow(t *testing.T) {
	tt := newTestTable(t, nil)
	b := tt.store.NewBatch()
	b.Put(storage.TableID(tt.rel.ID), codec.AppendKey(nil, I(1), false), []byte{0xff, 0xff, 0xff})
	if err := tt.store.Commit(2, b); err != nil {
		t.Fatal(err)
	}
	_, err := runWith(tt.scan(), tt.env(t))
	if err == nil {
		t.Fatal("corrupt row decoded")
	}
}

func TestSystemScan(t *testing.T) {
	rel := &catalog.Relation{ID: 1259, Kind: catalog.System, Schema: "pg_catalog", Name: "pg_test",
		Columns: []catalog.Column{{Name: "a", Type: types.Int64}},
		Rows: func(*catalog.Catalog) []types.Row {
			var rs []types.Row
			for i := range 2000 {
				rs = append(rs, R(I(int64(i))))
			}
			return rs
		}}
	rows, err := runWith(&planner.SystemScan{Rel: rel, Cols: columns(1)}, &Env{Catalog: catalog.New()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2000 || rows[1999][0].Int() != 1999 {
		t.Fatalf("%d rows", len(rows))
	}
}

func runWith(n planner.Node, env *Env) ([]types.Row, error) {
	op, err := Build(n, env)
	if err != nil {
		return nil, err
	}
	return Collect(context.Background(), op)
}
