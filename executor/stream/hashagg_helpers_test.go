package stream

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// aggCapture is an Output that records every change it receives, as "op row" text.
type aggCapture struct{ got []string }

func (c *aggCapture) Push(_ int, ch *types.Chunk) error {
	if n := ch.Len(); n > types.MaxChunkRows || ch.Op(n-1) == types.UpdateDelete {
		return fmt.Errorf("chunk of %d rows ending in %v: too long or an update pair split", n, ch.Op(n-1))
	}
	for i := 0; i < ch.Len(); i++ {
		c.got = append(c.got, ch.Op(i).String()+" "+aggRowText(ch.Row(i, nil)))
	}
	return nil
}

func (c *aggCapture) Flush(uint64, *storage.Batch) error { return nil }

func aggRowText(r types.Row) string {
	parts := make([]string, len(r))
	for i, d := range r {
		parts[i] = d.String()
	}
	return strings.Join(parts, "|")
}

// aggRig drives a HashAgg through epochs, keeping the view its changes describe.
type aggRig struct {
	t       testing.TB
	store   *storage.Store
	env     *Env
	table   storage.TableID
	inTypes []types.Type
	groupBy []int
	calls   []AggCall
	h       *HashAgg
	out     *aggCapture
	epoch   uint64
	// view maps the group-by text to the whole output row's text.
	view map[string]string
	// appendOnly makes reopen call SetAppendOnly: the test pushes only inserts.
	appendOnly bool
}

func newAggRig(t testing.TB, cacheBytes int64, inTypes []types.Type, groupBy []int, calls []AggCall) *aggRig {
	t.Helper()
	store, err := storage.Open(t.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	r := &aggRig{t: t, store: store, env: &Env{Store: store, CacheBytes: cacheBytes, Ctx: &expr.Context{}},
		table: 42, inTypes: inTypes, groupBy: groupBy, calls: calls, view: map[string]string{}}
	r.reopen()
	return r
}

// reopen replaces the operator with a new one over the same committed state, as recovery does.
func (r *aggRig) reopen() {
	r.t.Helper()
	r.out = &aggCapture{}
	h, err := NewHashAgg(r.env, r.table, r.inTypes, r.groupBy, r.calls, Output{Op: r.out})
	if err != nil {
		r.t.Fatal(err)
	}
	if r.appendOnly {
		h.SetAppendOnly()
	}
	r.h = h
}

func (r *aggRig) push(ops []types.Op, rows []types.Row) {
	r.t.Helper()
	c := types.NewChunk(len(r.inTypes), len(rows))
	for i, row := range rows {
		c.Append(ops[i], row)
	}
	if err := r.h.Push(0, c); err != nil {
		r.t.Fatal(err)
	}
}

// flush ends an epoch, commits it and returns the changes emitted, after applying them to the view.
func (r *aggRig) flush() []string {
	r.t.Helper()
	r.epoch++
	b := r.store.NewBatch()
	if err := r.h.Flush(r.epoch, b); err != nil {
		r.t.Fatal(err)
	}
	if err := r.store.Commit(r.epoch, b); err != nil {
		r.t.Fatal(err)
	}
	got := r.out.got
	r.out.got = nil
	nk := len(r.groupBy)
	for i, ch := range got {
		op, row, _ := strings.Cut(ch, " ")
		key := strings.Join(strings.Split(row, "|")[:nk], "|")
		cur, ok := r.view[key]
		switch op {
		case "+":
			if ok {
				r.t.Fatalf("epoch %d: insert of existing group %q (%s)", r.epoch, key, cur)
			}
			r.view[key] = row
		case "-", "U-":
			if !ok || cur != row {
				r.t.Fatalf("epoch %d: %s %q but the view has %q (present %v)", r.epoch, op, row, cur, ok)
			}
			delete(r.view, key)
			if op == "U-" && (i+1 >= len(got) || !strings.HasPrefix(got[i+1], "U+ ")) {
				r.t.Fatalf("epoch %d: U- not followed by U+: %q", r.epoch, got)
			}
		case "U+":
			if i == 0 || !strings.HasPrefix(got[i-1], "U- ") {
				r.t.Fatalf("epoch %d: U+ without U-: %q", r.epoch, got)
			}
			r.view[key] = row
		}
	}
	return got
}

// rows returns the view's rows, sorted.
func (r *aggRig) rows() []string {
	var out []string
	for _, v := range r.view {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func agFunc(t testing.TB, name string, distinct bool, args ...types.Type) *expr.AggFunc {
	t.Helper()
	f, err := expr.LookupAgg(name, args, distinct)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Datum shorthands.
func agI(v int64) types.Datum   { return types.NewInt64(v) }
func agS(s string) types.Datum  { return types.NewVarchar(s) }
func agB(b bool) types.Datum    { return types.NewBool(b) }
func agF(f float64) types.Datum { return types.NewFloat64(f) }

var agN = types.NullDatum

// ins, del, upd build a chunk's worth of changes.
type aggIn struct {
	ops  []types.Op
	rows []types.Row
}

func agIns(rows ...types.Row) aggIn { return agWithOp(types.Insert, rows) }
func agDel(rows ...types.Row) aggIn { return agWithOp(types.Delete, rows) }

// upd moves from to to as an update pair.
func agUpd(from, to types.Row) aggIn {
	return aggIn{ops: []types.Op{types.UpdateDelete, types.UpdateInsert}, rows: []types.Row{from, to}}
}

func agWithOp(op types.Op, rows []types.Row) aggIn {
	in := aggIn{rows: rows}
	for range rows {
		in.ops = append(in.ops, op)
	}
	return in
}

func agRow(ds ...types.Datum) types.Row { return ds }
