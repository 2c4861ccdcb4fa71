package stream

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

func TestUnionPassesThrough(t *testing.T) {
	out := &captureOp{t: t}
	u := NewUnion(3, Output{Op: out})
	r := func(k int64) types.Row { return types.Row{types.NewInt64(k)} }
	for port, c := range []*types.Chunk{
		chunkOf(1, []types.Op{types.Insert, types.Delete}, []types.Row{r(1), r(2)}),
		chunkOf(1, []types.Op{types.UpdateDelete, types.UpdateInsert}, []types.Row{r(3), r(4)}),
		chunkOf(1, []types.Op{types.Insert}, []types.Row{r(5)}),
	} {
		if err := u.Push(port, c); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"+1", "-2", "U-3", "U+4", "+5"}
	got := out.take()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i, g := range got {
		if s := g.op.String() + rowString(g.row); s != want[i] {
			t.Errorf("row %d: %s, want %s", i, s, want[i])
		}
	}
	for _, port := range []int{-1, 3} {
		if err := u.Push(port, chunkOf(1, []types.Op{types.Insert}, []types.Row{r(1)})); err == nil {
			t.Errorf("port %d: no error", port)
		}
	}
	if err := u.Flush(1, nil); err != nil {
		t.Fatal(err)
	}
}
