package batch

import (
	"context"
	"slices"

	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// sortOp materialises its input, then emits it ordered by Keys. The sort is stable, so rows equal on
// every key keep their input order (DISTINCT ON and window-like plans rely on it). The whole input is
// held in memory.
type sortOp struct {
	in     Operator
	keys   []planner.SortKey
	rows   rowStore
	order  []int32
	pos    int
	sorted bool
	out    *colBuf
}

func newSort(n *planner.Sort, in Operator) *sortOp {
	w := len(n.Columns())
	return &sortOp{in: in, keys: n.Keys, rows: rowStore{w: w}, out: newColBuf(w)}
}

func (o *sortOp) Next(ctx context.Context) (*types.Chunk, error) {
	if !o.sorted {
		if err := o.load(ctx); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.out.reset()
	for o.pos < len(o.order) && !o.out.full() {
		o.out.appendRow(o.rows.row(int(o.order[o.pos])))
		o.pos++
	}
	return o.out.chunk(), nil
}

func (o *sortOp) load(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := o.in.Next(ctx)
		if err != nil {
			return err
		}
		if c == nil {
			break
		}
		for i := 0; i < c.Len(); i++ {
			o.rows.appendChunkRow(c, i)
		}
	}
	o.order = make([]int32, o.rows.n)
	for i := range o.order {
		o.order[i] = int32(i)
	}
	slices.SortStableFunc(o.order, func(a, b int32) int {
		ra, rb := o.rows.row(int(a)), o.rows.row(int(b))
		for _, k := range o.keys {
			if c := compareKey(ra[k.Col], rb[k.Col], k.Desc, k.NullsFirst); c != 0 {
				return c
			}
		}
		return 0
	})
	o.sorted = true
	return nil
}

func (o *sortOp) Close() {
	o.in.Close()
	o.rows = rowStore{}
	o.order = nil
}
