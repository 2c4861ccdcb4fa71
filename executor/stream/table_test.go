package stream

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// table runs one table job (writer -> Materialize) over a store.
type table struct {
	store *storage.Store
	coord *Coordinator
	w     *TableWriter
	out   chan Message
}

var rowTypes = []types.Type{types.Int64, types.Varchar}

func openTable(t *testing.T, dir string, withOut bool) *table {
	t.Helper()
	st, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tb := &table{store: st, coord: NewCoordinator(st, time.Hour, log)}
	tb.coord.Start()
	w, ch := NewTableWriter("t")
	tb.w = w
	m := &Materialize{JobID: 1, Table: 20000, Types: rowTypes, PK: []int{0}, In: ch, Coord: tb.coord, Store: st, Log: log}
	if withOut {
		tb.out = make(chan Message, 1024)
		m.Out = NewFanout(20000, 2, tb.out)
	}
	go m.Run()
	tb.coord.AddJob(&Job{ID: 1, Sources: []chan<- Message{ch}, Writers: 1})
	return tb
}

func (tb *table) close() {
	tb.coord.Close()
	tb.store.Close()
}

func (tb *table) write(t *testing.T, ops []types.Op, rows ...types.Row) {
	t.Helper()
	c := types.NewChunk(2, len(rows))
	for i, r := range rows {
		c.Append(ops[i], r)
	}
	if err := tb.w.Write(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := tb.coord.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// contents returns the committed rows, by key order, as "k=v" strings.
func (tb *table) contents(t *testing.T) []string {
	t.Helper()
	snap := tb.store.Snapshot()
	defer snap.Close()
	it := snap.NewIter(20000, nil, nil)
	defer it.Close()
	var out []string
	for ok := it.First(); ok; ok = it.Next() {
		r, err := codec.DecodeRow(it.Value(), rowTypes, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r[0].String()+"="+r[1].String())
	}
	return out
}

func row(k int64, v string) types.Row { return types.Row{types.NewInt64(k), types.NewVarchar(v)} }

func TestMaterializeTable(t *testing.T) {
	I, D := types.Insert, types.Delete
	steps := []struct {
		ops  []types.Op
		rows []types.Row
		want []string
	}{
		{[]types.Op{I, I}, []types.Row{row(1, "a"), row(2, "b")}, []string{"1=a", "2=b"}},
		{[]types.Op{I}, []types.Row{row(1, "z")}, []string{"1=z", "2=b"}}, // insert on a key overwrites
		{[]types.Op{D}, []types.Row{row(2, "b")}, []string{"1=z"}},
		{[]types.Op{D}, []types.Row{row(7, "x")}, []string{"1=z"}}, // deleting an absent key is a no-op
		{[]types.Op{types.UpdateDelete, types.UpdateInsert}, []types.Row{row(1, "z"), row(1, "y")}, []string{"1=y"}},
	}
	dir := t.TempDir()
	tb := openTable(t, dir, false)
	for i, s := range steps {
		tb.write(t, s.ops, s.rows...)
		if got := tb.contents(t); !equal(got, s.want) {
			t.Fatalf("step %d: got %v, want %v", i, got, s.want)
		}
	}
	tb.close()
	// Reopen: the committed state is there, and writes go on from it.
	tb = openTable(t, dir, false)
	defer tb.close()
	if got := tb.contents(t); !equal(got, []string{"1=y"}) {
		t.Fatalf("after reopen: %v", got)
	}
	tb.write(t, []types.Op{I}, row(3, "c"))
	if got := tb.contents(t); !equal(got, []string{"1=y", "3=c"}) {
		t.Fatalf("after reopen and write: %v", got)
	}
}

func TestMaterializeEmitsEffectiveChanges(t *testing.T) {
	tb := openTable(t, t.TempDir(), true)
	defer tb.close()
	I, D := types.Insert, types.Delete
	tb.write(t, []types.Op{I, I, D, D}, row(1, "a"), row(1, "b"), row(1, "b"), row(5, "none"))
	var got []string
	for len(tb.out) > 0 {
		m := <-tb.out
		if m.Chunk == nil {
			continue
		}
		for i := 0; i < m.Chunk.Len(); i++ {
			r := m.Chunk.Row(i, nil)
			got = append(got, m.Chunk.Op(i).String()+r[0].String()+r[1].String())
		}
	}
	want := []string{"+1a", "U-1a", "U+1b", "-1b"}
	if !equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestRemoveJobStopsActors(t *testing.T) {
	tb := openTable(t, t.TempDir(), false)
	defer tb.close()
	tb.write(t, []types.Op{types.Insert}, row(1, "a"))
	tb.w.Close()
	if err := tb.coord.RemoveJob(1, nil, func(b *storage.Batch) error { b.DropTable(20000); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := tb.contents(t); len(got) != 0 {
		t.Fatalf("table not dropped: %v", got)
	}
	if err := tb.w.Write(context.Background(), types.NewChunk(2, 0)); err == nil {
		t.Fatal("write to a dropped table succeeded")
	}
	// Later epochs do without the job.
	if err := tb.coord.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
