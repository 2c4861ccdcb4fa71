package stream

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Test helpers shared by the TopN, HopWindow, Union and Values tests.

// capturedRow is one row an operator emitted.
type capturedRow struct {
	op  types.Op
	row types.Row
}

// captureOp is an Output that records what it receives and checks that update pairs stay
// adjacent inside one chunk.
type captureOp struct {
	t    *testing.T
	rows []capturedRow
}

func (c *captureOp) Push(_ int, ch *types.Chunk) error {
	for i := 0; i < ch.Len(); i++ {
		op := ch.Op(i)
		switch {
		case op == types.UpdateDelete && (i+1 >= ch.Len() || ch.Op(i+1) != types.UpdateInsert):
			c.t.Errorf("UpdateDelete at %d without its UpdateInsert", i)
		case op == types.UpdateInsert && (i == 0 || ch.Op(i-1) != types.UpdateDelete):
			c.t.Errorf("UpdateInsert at %d without its UpdateDelete", i)
		}
		c.rows = append(c.rows, capturedRow{op, ch.Row(i, nil)})
	}
	return nil
}

func (c *captureOp) Flush(uint64, *storage.Batch) error { return nil }

// take returns the rows captured since the last take.
func (c *captureOp) take() []capturedRow {
	r := c.rows
	c.rows = nil
	return r
}

// rowString renders a row for comparisons.
func rowString(r types.Row) string {
	parts := make([]string, len(r))
	for i, d := range r {
		parts[i] = d.String()
	}
	return strings.Join(parts, "|")
}

// multiset is the contents of a view built from an operator's output.
type multiset map[string]int

// apply adds the captured changes, failing on a Delete of a row not present.
func (m multiset) apply(t *testing.T, rows []capturedRow) {
	t.Helper()
	for _, r := range rows {
		k := rowString(r.row)
		if r.op.IsInsert() {
			m[k]++
			continue
		}
		if m[k] == 0 {
			t.Fatalf("delete of a row never emitted: %s", k)
		}
		if m[k]--; m[k] == 0 {
			delete(m, k)
		}
	}
}

// sorted lists the multiset's rows, repeated by count, sorted.
func (m multiset) sorted() []string {
	var out []string
	for k, n := range m {
		for range n {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func diffLists(want, got []string) string {
	return fmt.Sprintf("want %d rows:\n  %s\ngot %d rows:\n  %s", len(want), strings.Join(want, "\n  "), len(got), strings.Join(got, "\n  "))
}

// testStore opens a store in dir, closed at the end of the test unless closed before.
func testStore(t testing.TB, dir string) *storage.Store {
	t.Helper()
	st, err := storage.Open(dir, storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func testEnv(st *storage.Store) *Env {
	return &Env{Store: st, CacheBytes: 1 << 20, Ctx: &expr.Context{}}
}

// flushEpoch flushes op into a batch and commits it as epoch.
func flushEpoch(t *testing.T, st *storage.Store, op Operator, epoch uint64) {
	t.Helper()
	b := st.NewBatch()
	if err := op.Flush(epoch, b); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(epoch, b); err != nil {
		t.Fatal(err)
	}
}

// chunkOf builds a chunk of rows with ops.
func chunkOf(width int, ops []types.Op, rows []types.Row) *types.Chunk {
	c := types.NewChunk(width, len(rows))
	for i, r := range rows {
		c.Append(ops[i], r)
	}
	return c
}
