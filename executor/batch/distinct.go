package batch

import (
	"context"

	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// distinctOp passes the first row of each distinct key, in input order: the whole row for DISTINCT,
// the On columns for DISTINCT ON (whose "first" is defined by the Sort the planner puts below).
// Every distinct key seen is held in memory.
type distinctOp struct {
	in   Operator
	on   []int // nil: all columns
	seen *seenSet
	keys [][]types.Datum
	out  *colBuf
	sel  []int32
}

func newDistinct(n *planner.Distinct, in Operator) *distinctOp {
	w := len(n.Columns())
	kw := w
	if len(n.On) > 0 {
		kw = len(n.On)
	}
	return &distinctOp{in: in, on: n.On, seen: newSeenSet(kw), keys: make([][]types.Datum, kw), out: newColBuf(w)}
}

func (o *distinctOp) Next(ctx context.Context) (*types.Chunk, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := o.in.Next(ctx)
		if err != nil || c == nil {
			return nil, err
		}
		if o.on == nil {
			copy(o.keys, c.Cols)
		} else {
			for j, col := range o.on {
				o.keys[j] = c.Cols[col]
			}
		}
		o.sel = o.sel[:0]
		for i := 0; i < c.Len(); i++ {
			if _, added := o.seen.add(o.keys, i); added {
				o.sel = append(o.sel, int32(i))
			}
		}
		if len(o.sel) == 0 {
			continue
		}
		if len(o.sel) == c.Len() {
			return c, nil
		}
		o.out.reset()
		for j, col := range c.Cols {
			dst := o.out.cols[j]
			for _, i := range o.sel {
				dst = append(dst, col[i])
			}
			o.out.cols[j] = dst
		}
		o.out.n = len(o.sel)
		return o.out.chunk(), nil
	}
}

func (o *distinctOp) Close() {
	o.in.Close()
	o.seen = nil
}

// seenSet is a set of key tuples (NULLs equal), numbering each distinct tuple in order of arrival.
type seenSet struct {
	ht   *hashTable
	keys rowStore
}

func newSeenSet(width int) *seenSet {
	return &seenSet{ht: newHashTable(0), keys: rowStore{w: width}}
}

// add looks up row i of the key vectors, inserting it if new; it returns the tuple's number and
// whether it was added.
func (s *seenSet) add(keys [][]types.Datum, i int) (int32, bool) {
	h := hashCols(keys, i)
	for e := s.ht.first(h); e >= 0; e = s.ht.nextOf(e) {
		if equalColsRow(keys, i, s.keys.row(int(e))) {
			return e, false
		}
	}
	s.keys.appendCols(keys, i)
	return s.ht.insert(h), true
}

// find returns the number of row i's tuple, or -1.
func (s *seenSet) find(keys [][]types.Datum, i int) int32 {
	h := hashCols(keys, i)
	for e := s.ht.first(h); e >= 0; e = s.ht.nextOf(e) {
		if equalColsRow(keys, i, s.keys.row(int(e))) {
			return e
		}
	}
	return -1
}

func (s *seenSet) len() int { return s.keys.n }
