package stream

import (
	"slices"
	"testing"

	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

const valuesTable storage.TableID = 4200

func TestValuesEmitsOnce(t *testing.T) {
	colTypes := []types.Type{types.Int64, types.Varchar}
	var rows []types.Row
	for i := range 3000 { // several output chunks
		rows = append(rows, types.Row{types.NewInt64(int64(i)), types.NewVarchar("v")})
	}
	dir := t.TempDir()
	store := testStore(t, dir)
	out := &captureOp{t: t}
	open := func() *Values { return NewValues(testEnv(store), valuesTable, rows, colTypes, Output{Op: out}) }

	// A first Flush whose epoch never commits: recovery must emit the rows again.
	v := open()
	b := store.NewBatch()
	if err := v.Flush(1, b); err != nil {
		t.Fatal(err)
	}
	if n := len(out.take()); n != len(rows) {
		t.Fatalf("first flush emitted %d rows, want %d", n, len(rows))
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	v = open()
	flushEpoch(t, store, v, 1)
	got := out.take()
	var keys []int64
	for _, r := range got {
		if r.op != types.Insert {
			t.Fatalf("op %v", r.op)
		}
		keys = append(keys, r.row[0].Int())
	}
	if len(keys) != len(rows) || !slices.IsSorted(keys) || keys[0] != 0 {
		t.Fatalf("emitted %d rows, want %d in order", len(keys), len(rows))
	}
	flushEpoch(t, store, v, 2)
	if n := len(out.take()); n != 0 {
		t.Fatalf("second flush emitted %d rows", n)
	}

	// After a restart over the same table: nothing.
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	store = testStore(t, dir)
	v = open()
	flushEpoch(t, store, v, 3)
	if n := len(out.take()); n != 0 {
		t.Fatalf("flush after recovery emitted %d rows", n)
	}
	if err := v.Push(0, chunkOf(2, nil, nil)); err == nil {
		t.Fatal("push into values: no error")
	}
}

func TestValuesRowWidth(t *testing.T) {
	store := testStore(t, t.TempDir())
	v := NewValues(testEnv(store), valuesTable, []types.Row{{types.NewInt64(1)}}, []types.Type{types.Int64, types.Int64}, Output{Op: &captureOp{t: t}})
	if err := v.Flush(1, store.NewBatch()); err == nil {
		t.Fatal("short row: no error")
	}
}
