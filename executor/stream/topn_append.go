package stream

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/types"
)

// SetAppendOnly tells the top-N that its input never retracts (sources and append-only tables
// through operators that only insert, as planner.AppendOnly decides). A row that ranks past
// offset+limit in its group then can never enter the window, since nothing above it will ever
// leave: the input keyspace keeps only each group's first offset+limit rows, and a row that does
// not make it there is dropped without a write. For Nexmark q9 (the best bid per auction) that is
// one state row per auction instead of every bid joined with its auction. Without an offset the
// kept rows are the emitted window itself, and the input keyspace is not used at all: a touched
// group costs one read of its window, which is also what the epoch's output is diffed against.
// Call it before the first Push, and for the same plan every time (the state layout follows it).
//
// Past appendOnlyMaxKeep rows per group it does nothing: every group an epoch touches has its
// kept rows loaded, and for a large window that costs more than writing each input row.
func (t *TopN) SetAppendOnly() {
	if t.offset <= appendOnlyMaxKeep && t.limit <= appendOnlyMaxKeep-t.offset {
		t.kept = make(map[string]*keptGroup)
	}
}

const appendOnlyMaxKeep = 128

// keptGroup is one group's first offset+limit rows during an epoch: loaded from the input
// keyspace when the group is first touched, updated in memory by each insert, and written back
// (only what changed) at Flush.
type keptGroup struct {
	rows []windowRow // in rank order, at most offset+limit
	orig []windowRow // the rows loaded from the state
}

// pushAppendOnly is Push for an append-only input.
func (t *TopN) pushAppendOnly(c *types.Chunk) error {
	keep := t.offset + t.limit
	for i := 0; i < c.Len(); i++ {
		if !c.Op(i).IsInsert() {
			return fmt.Errorf("top-n: a delete reached a top-n planned for an insert-only input")
		}
		t.row = c.Row(i, t.row)
		var glen int
		t.keyBuf, glen = t.appendRowKey(t.keyBuf[:0], topnInput, t.row)
		group, rest := t.keyBuf[1:glen], t.keyBuf[glen:]
		g := t.kept[string(group)]
		if g == nil {
			from := topnInput
			if t.offset == 0 {
				from = topnEmitted
			}
			orig, err := t.scan(from, group, 0, keep)
			if err != nil {
				return err
			}
			g = &keptGroup{rows: slices.Clone(orig), orig: orig}
			t.kept[string(group)] = g
		}
		n := int64(len(g.rows))
		if n == keep && bytes.Compare(rest, g.rows[n-1].key) >= 0 {
			continue // ranks past the kept rows: it never enters the window
		}
		at, _ := slices.BinarySearchFunc(g.rows, rest, func(r windowRow, k []byte) int { return bytes.Compare(r.key, k) })
		r := windowRow{key: bytes.Clone(rest), val: codec.AppendRow(nil, t.row), row: t.row.Copy()}
		g.rows = slices.Insert(g.rows, at, r)
		if int64(len(g.rows)) > keep {
			g.rows = g.rows[:keep]
		}
		if min, ok := t.changed[string(group)]; !ok || bytes.Compare(rest, min) < 0 {
			t.changed[string(group)] = r.key
		}
	}
	return nil
}

// flushKept writes the kept rows that changed in the epoch back to the input keyspace and returns
// group's window (the kept rows past offset). Without an offset there is nothing to write: the
// window is diffed against the rows loaded, which were the emitted window.
func (t *TopN) flushKept(group string) (old, cur []windowRow) {
	g := t.kept[group]
	if t.offset == 0 {
		return g.orig, g.rows
	}
	key := func(k []byte) []byte { return t.stateKey(topnInput, group, k) }
	for _, o := range g.orig {
		if !slices.ContainsFunc(g.rows, func(r windowRow) bool { return bytes.Equal(r.key, o.key) }) {
			t.st.Delete(key(o.key))
		}
	}
	for _, r := range g.rows {
		if !slices.ContainsFunc(g.orig, func(o windowRow) bool { return bytes.Equal(r.key, o.key) }) {
			t.st.Put(key(r.key), r.val)
		}
	}
	if int64(len(g.rows)) <= t.offset {
		return nil, []windowRow{}
	}
	return nil, g.rows[t.offset:]
}

// flushAppendOnly emits and stores the window changes of the changed groups (sorted). The kept
// rows are written first, all groups in key order, and only then are the emitted windows read
// and written, also in key order: the state table's pending writes then only ever grow at their
// sorted end, where a write before each group's read would make every read merge them all again.
func (t *TopN) flushAppendOnly(groups []string, w *changeWriter) error {
	olds := make([][]windowRow, len(groups))
	curs := make([][]windowRow, len(groups))
	for i, g := range groups {
		olds[i], curs[i] = t.flushKept(g)
	}
	for i, g := range groups {
		if t.offset == 0 {
			if err := t.diff([]byte(g), olds[i], curs[i], w); err != nil {
				return err
			}
			continue
		}
		old, err := t.scan(topnEmitted, []byte(g), 0, t.limit)
		if err != nil {
			return err
		}
		if err := t.diff([]byte(g), old, curs[i], w); err != nil {
			return err
		}
	}
	return nil
}
