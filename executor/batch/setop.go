package batch

import (
	"context"

	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// newSetOp returns the operator for UNION / INTERSECT / EXCEPT [ALL]. UNION ALL streams its inputs one
// after the other; UNION dedups that stream; INTERSECT and EXCEPT count rows and hold the distinct rows
// of their first input in memory.
func newSetOp(n *planner.SetOp, ins []Operator) Operator {
	w := len(n.Cols)
	switch n.Kind {
	case planner.UnionOp:
		var op Operator = &concatOp{ins: ins}
		if !n.All {
			op = &distinctOp{in: op, seen: newSeenSet(w), keys: make([][]types.Datum, w), out: newColBuf(w)}
		}
		return op
	default:
		return &countSetOp{kind: n.Kind, all: n.All, ins: ins, seen: newSeenSet(w), out: newColBuf(w)}
	}
}

// concatOp returns the rows of its inputs in order.
type concatOp struct {
	ins []Operator
	cur int
}

func (o *concatOp) Next(ctx context.Context) (*types.Chunk, error) {
	for o.cur < len(o.ins) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := o.ins[o.cur].Next(ctx)
		if err != nil {
			return nil, err
		}
		if c != nil {
			return c, nil
		}
		// Release each input as soon as it is drained.
		o.ins[o.cur].Close()
		o.cur++
	}
	return nil, nil
}

func (o *concatOp) Close() {
	for ; o.cur < len(o.ins); o.cur++ {
		o.ins[o.cur].Close()
	}
}

// countSetOp implements INTERSECT [ALL] and EXCEPT [ALL] with PostgreSQL's multiset rules: a row that
// occurs m times on the left and n times on the right occurs min(m, n) times in INTERSECT ALL,
// max(m-n, 0) times in EXCEPT ALL, and once in INTERSECT (m>0 and n>0) or EXCEPT (m>0 and n=0). More
// than two inputs fold from the left. Rows come out in order of their first occurrence on the left.
type countSetOp struct {
	kind   planner.SetOpKind
	all    bool
	ins    []Operator
	seen   *seenSet
	counts []int64
	loaded bool
	// emission cursor: tuple pos, copies of it already emitted
	pos, emitted int64
	out          *colBuf
}

func (o *countSetOp) Next(ctx context.Context) (*types.Chunk, error) {
	if !o.loaded {
		if err := o.load(ctx); err != nil {
			return nil, err
		}
		o.loaded = true
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.out.reset()
	for o.pos < int64(len(o.counts)) && !o.out.full() {
		if o.emitted >= o.counts[o.pos] {
			o.pos++
			o.emitted = 0
			continue
		}
		o.out.appendRow(o.seen.keys.row(int(o.pos)))
		o.emitted++
	}
	return o.out.chunk(), nil
}

func (o *countSetOp) load(ctx context.Context) error {
	err := drain(ctx, o.ins[0], func(c *types.Chunk) {
		for i := 0; i < c.Len(); i++ {
			e, added := o.seen.add(c.Cols, i)
			if added {
				o.counts = append(o.counts, 0)
			}
			o.counts[e]++
		}
	})
	if err != nil {
		return err
	}
	o.ins[0].Close()
	right := make([]int64, len(o.counts))
	for _, in := range o.ins[1:] {
		clear(right)
		err := drain(ctx, in, func(c *types.Chunk) {
			for i := 0; i < c.Len(); i++ {
				if e := o.seen.find(c.Cols, i); e >= 0 {
					right[e]++
				}
			}
		})
		if err != nil {
			return err
		}
		in.Close()
		for e, m := range o.counts {
			n := right[e]
			if !o.all {
				m, n = min(m, 1), min(n, 1)
			}
			if o.kind == planner.IntersectOp {
				o.counts[e] = min(m, n)
			} else {
				o.counts[e] = max(m-n, 0)
			}
		}
	}
	if !o.all {
		for e, m := range o.counts {
			o.counts[e] = min(m, 1)
		}
	}
	return nil
}

func (o *countSetOp) Close() {
	for _, in := range o.ins {
		in.Close()
	}
	o.seen = nil
}

// drain pulls every chunk of op into f, checking for cancellation once per chunk.
func drain(ctx context.Context, op Operator, f func(c *types.Chunk)) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := op.Next(ctx)
		if err != nil {
			return err
		}
		if c == nil {
			return nil
		}
		f(c)
	}
}
