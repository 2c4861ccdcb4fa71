package batch

import (
	"context"
	"testing"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

const benchRows = 1 << 20

func mustExpr(e expr.Expr, err error) expr.Expr {
	if err != nil {
		panic(err)
	}
	return e
}

// drainCount pulls op to the end and returns the number of rows, without copying them.
func drainCount(b testing.TB, op Operator) int {
	b.Helper()
	defer op.Close()
	n := 0
	for {
		c, err := op.Next(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if c == nil {
			return n
		}
		n += c.Len()
	}
}

// BenchmarkFilterProject: WHERE a < 1M/2 SELECT a + b, c over 1M in-memory rows, with the real
// expression implementations.
func BenchmarkFilterProject(b *testing.B) {
	src := &memOp{chunks: intChunks(benchRows,
		func(i int) types.Datum { return I(int64(i)) },
		func(i int) types.Datum { return I(int64(i % 7)) },
		func(i int) types.Datum { return S("x") })}
	a := expr.NewColumn(0, types.Int64)
	cond := mustExpr(expr.NewBinary("<", a, expr.NewConst(I(benchRows/2), types.Int64)))
	sum := mustExpr(expr.NewBinary("+", a, expr.NewColumn(1, types.Int64)))
	env := newEnv()
	b.ReportAllocs()
	for b.Loop() {
		src.pos = 0
		f := newFilter(&planner.Filter{Input: values(3), Cond: cond}, src, env)
		p := newProject(&planner.Project{Exprs: []expr.Expr{sum, expr.NewColumn(2, types.Varchar)}, Cols: columns(2)}, f, env)
		if n := drainCount(b, p); n != benchRows/2 {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkHashJoin: 1M probe rows against 1M build rows, every probe row matching one build row.
func BenchmarkHashJoin(b *testing.B) {
	l := &memOp{chunks: intChunks(benchRows, func(i int) types.Datum { return I(int64(i * 7 % benchRows)) }, func(i int) types.Datum { return I(int64(i)) })}
	r := &memOp{chunks: intChunks(benchRows, func(i int) types.Datum { return I(int64(i)) }, func(i int) types.Datum { return S("v") })}
	keys := []expr.Expr{expr.NewColumn(0, types.Int64)}
	n := &planner.Join{Kind: planner.Inner, L: values(2), R: values(2), LeftKeys: keys, RightKeys: keys, Cols: columns(4)}
	env := newEnv()
	b.ReportAllocs()
	for b.Loop() {
		l.pos, r.pos = 0, 0
		if got := drainCount(b, newJoin(n, l, r, env)); got != benchRows {
			b.Fatalf("%d rows", got)
		}
	}
}

// BenchmarkScanFilterCount: SELECT count(*) FROM t WHERE c = 3 over a stored 1M-row table, every
// row read from Pebble and decoded.
func BenchmarkScanFilterCount(b *testing.B) {
	rows := make([]types.Row, benchRows)
	for i := range rows {
		rows[i] = R(I(int64(i)), S("name"), I(int64(i%10)))
	}
	tt := newTestTable(b, rows)
	rows = nil
	env := tt.env(b)
	count, err := expr.LookupAgg("count", nil, false)
	if err != nil {
		b.Fatal(err)
	}
	filter := &planner.Filter{Input: tt.scan(), Cond: mustExpr(expr.NewBinary("=", expr.NewColumn(2, types.Int64), expr.NewConst(I(3), types.Int64)))}
	plan := &planner.Agg{Input: filter, Aggs: []planner.AggCall{{Func: count}}, Cols: columns(1)}
	b.ReportAllocs()
	for b.Loop() {
		op, err := Build(plan, env)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := Collect(context.Background(), op)
		if err != nil {
			b.Fatal(err)
		}
		if n := rows[0][0].Int(); n != (benchRows+6)/10 {
			b.Fatalf("count %d", n)
		}
	}
}

// BenchmarkHashAgg: SELECT g, count(*), sum(v) ... GROUP BY g over 1M rows in 1000 groups.
func BenchmarkHashAgg(b *testing.B) {
	src := &memOp{chunks: intChunks(benchRows, func(i int) types.Datum { return I(int64(i * 7 % 1000)) }, func(i int) types.Datum { return I(int64(i)) })}
	count, err := expr.LookupAgg("count", nil, false)
	if err != nil {
		b.Fatal(err)
	}
	sum, err := expr.LookupAgg("sum", []types.Type{types.Int64}, false)
	if err != nil {
		b.Fatal(err)
	}
	n := &planner.Agg{GroupBy: []expr.Expr{expr.NewColumn(0, types.Int64)},
		Aggs: []planner.AggCall{{Func: count}, {Func: sum, Args: []expr.Expr{expr.NewColumn(1, types.Int64)}}}, Cols: columns(3)}
	env := newEnv()
	b.ReportAllocs()
	for b.Loop() {
		src.pos = 0
		op, err := newAgg(n, src, env)
		if err != nil {
			b.Fatal(err)
		}
		if got := drainCount(b, op); got != 1000 {
			b.Fatalf("%d groups", got)
		}
	}
}
