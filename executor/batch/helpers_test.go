package batch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// The tests build expressions with the small implementations below rather than expr's constructors,
// so that the executor is tested against the Expr contract alone (including "results may be reused
// buffers": testFn reuses its output vector on every call).

type testCol struct {
	idx int
	t   types.Type
}

func (e testCol) Type() types.Type { return e.t }
func (e testCol) String() string   { return fmt.Sprintf("#%d", e.idx) }
func (e testCol) Eval(_ *expr.Context, c *types.Chunk) ([]types.Datum, error) {
	return c.Cols[e.idx][:c.Len()], nil
}

type testConst struct {
	d   types.Datum
	buf []types.Datum
}

func (e *testConst) Type() types.Type { return e.d.Type() }
func (e *testConst) String() string   { return fmt.Sprint(e.d) }
func (e *testConst) Eval(_ *expr.Context, c *types.Chunk) ([]types.Datum, error) {
	e.buf = e.buf[:0]
	for range c.Len() {
		e.buf = append(e.buf, e.d)
	}
	return e.buf, nil
}

// testFn applies f to each row of its arguments' values.
type testFn struct {
	name string
	t    types.Type
	args []expr.Expr
	f    func(args []types.Datum) (types.Datum, error)
	buf  []types.Datum
	vecs [][]types.Datum
	row  []types.Datum
}

func (e *testFn) Type() types.Type { return e.t }
func (e *testFn) String() string   { return e.name }
func (e *testFn) Eval(ctx *expr.Context, c *types.Chunk) ([]types.Datum, error) {
	e.vecs = e.vecs[:0]
	for _, a := range e.args {
		v, err := a.Eval(ctx, c)
		if err != nil {
			return nil, err
		}
		e.vecs = append(e.vecs, v)
	}
	e.buf = e.buf[:0]
	for i := range c.Len() {
		e.row = e.row[:0]
		for _, v := range e.vecs {
			e.row = append(e.row, v[i])
		}
		d, err := e.f(e.row)
		if err != nil {
			return nil, err
		}
		e.buf = append(e.buf, d)
	}
	return e.buf, nil
}

// testParam reads ctx.Params[n-1], as expr.NewParam does.
type testParam struct {
	n   int
	buf []types.Datum
}

func (e *testParam) Type() types.Type { return types.Int64 }
func (e *testParam) String() string   { return fmt.Sprintf("$%d", e.n) }
func (e *testParam) Eval(ctx *expr.Context, c *types.Chunk) ([]types.Datum, error) {
	d := ctx.Params[e.n-1]
	e.buf = e.buf[:0]
	for range c.Len() {
		e.buf = append(e.buf, d)
	}
	return e.buf, nil
}

func col(i int) expr.Expr { return testCol{idx: i, t: types.Int64} }

func cnst(d types.Datum) expr.Expr { return &testConst{d: d} }

// cmpFn builds a comparison with SQL's NULL rule (any NULL operand gives NULL).
func cmpFn(name string, ok func(c int) bool, a, b expr.Expr) expr.Expr {
	return &testFn{name: name, t: types.Bool, args: []expr.Expr{a, b}, f: func(v []types.Datum) (types.Datum, error) {
		if v[0].IsNull() || v[1].IsNull() {
			return types.NullDatum, nil
		}
		return types.NewBool(ok(types.Compare(v[0], v[1]))), nil
	}}
}

func eq(a, b expr.Expr) expr.Expr { return cmpFn("=", func(c int) bool { return c == 0 }, a, b) }
func gt(a, b expr.Expr) expr.Expr { return cmpFn(">", func(c int) bool { return c > 0 }, a, b) }
func lt(a, b expr.Expr) expr.Expr { return cmpFn("<", func(c int) bool { return c < 0 }, a, b) }

func add(a, b expr.Expr) expr.Expr {
	return &testFn{name: "+", t: types.Int64, args: []expr.Expr{a, b}, f: func(v []types.Datum) (types.Datum, error) {
		if v[0].IsNull() || v[1].IsNull() {
			return types.NullDatum, nil
		}
		return types.NewInt64(v[0].Int() + v[1].Int()), nil
	}}
}

func failing(err error) expr.Expr {
	return &testFn{name: "fail", t: types.Int64, f: func([]types.Datum) (types.Datum, error) { return types.NullDatum, err }}
}

// Datum shorthands: I(1), S("a"), N (NULL).
func I(v int64) types.Datum  { return types.NewInt64(v) }
func S(s string) types.Datum { return types.NewVarchar(s) }

var N = types.NullDatum

func R(ds ...types.Datum) types.Row { return ds }

func columns(n int) []planner.Column {
	cs := make([]planner.Column, n)
	for i := range cs {
		cs[i] = planner.Column{Name: fmt.Sprintf("c%d", i), Type: types.Int64}
	}
	return cs
}

// values returns a Values node of width w holding rows.
func values(w int, rows ...types.Row) *planner.Values {
	v := &planner.Values{Cols: columns(w)}
	for _, r := range rows {
		es := make([]expr.Expr, len(r))
		for i, d := range r {
			es[i] = cnst(d)
		}
		v.Rows = append(v.Rows, es)
	}
	return v
}

// seq returns a Values node of one column holding lo..hi-1.
func seq(lo, hi int64) *planner.Values {
	var rows []types.Row
	for i := lo; i < hi; i++ {
		rows = append(rows, R(I(i)))
	}
	return values(1, rows...)
}

func newEnv() *Env { return &Env{Ctx: &expr.Context{Location: time.UTC}} }

func run(t *testing.T, n planner.Node) []types.Row {
	t.Helper()
	rows, err := runErr(n)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return rows
}

func runErr(n planner.Node) ([]types.Row, error) {
	op, err := Build(n, newEnv())
	if err != nil {
		return nil, err
	}
	return Collect(context.Background(), op)
}

func fmtDatum(d types.Datum) string {
	if d.IsNull() {
		return "NULL"
	}
	return string(types.AppendText(nil, d, time.UTC))
}

func fmtRows(rows []types.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, d := range r {
			parts[j] = fmtDatum(d)
		}
		out[i] = strings.Join(parts, "|")
	}
	return out
}

// expectRows compares in order; expectSet ignores order.
func expectRows(t *testing.T, got []types.Row, want ...string) {
	t.Helper()
	g := fmtRows(got)
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(g, want) {
		t.Fatalf("rows:\n got  %q\n want %q", g, want)
	}
}

func expectSet(t *testing.T, got []types.Row, want ...string) {
	t.Helper()
	g := fmtRows(got)
	slices.Sort(g)
	w := slices.Clone(want)
	if w == nil {
		w = []string{}
	}
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Fatalf("rows (any order):\n got  %q\n want %q", g, w)
	}
}

// memOp is a test source that returns fixed chunks, counting how many were pulled.
type memOp struct {
	chunks []*types.Chunk
	pos    int
	pulled int
	closed bool
}

func (o *memOp) Next(ctx context.Context) (*types.Chunk, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.pos >= len(o.chunks) {
		return nil, nil
	}
	o.pos++
	o.pulled++
	return o.chunks[o.pos-1], nil
}

func (o *memOp) Close() { o.closed = true }

// intChunks splits columns of ints into full chunks.
func intChunks(n int, gen ...func(i int) types.Datum) []*types.Chunk {
	var out []*types.Chunk
	for lo := 0; lo < n; lo += types.MaxChunkRows {
		hi := min(lo+types.MaxChunkRows, n)
		cols := make([][]types.Datum, len(gen))
		for j, g := range gen {
			cols[j] = make([]types.Datum, hi-lo)
			for i := lo; i < hi; i++ {
				cols[j][i-lo] = g(i)
			}
		}
		out = append(out, types.ChunkOf(nil, cols, hi-lo))
	}
	return out
}
