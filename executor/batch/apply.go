package batch

import (
	"context"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// applyOp runs a correlated subquery once per outer row. The outer values are bound into the shared
// expression context's parameters, where expr.NewParam(slot, ...) reads slot as $slot, that is
// Params[slot-1]; the Sub plan is then built afresh, which also resets any state it holds (a Sort, an
// Agg) from the previous row.
type applyOp struct {
	env   *Env
	n     *planner.Apply
	outer Operator
	ow    int

	oc *types.Chunk // current outer chunk and row
	oi int
	// sub runs for outer row oi; nil before it starts. subc/subi is its chunk being copied out.
	sub     Operator
	subc    *types.Chunk
	subi    int
	matched bool
	done    bool
	out     *colBuf
}

func newApply(n *planner.Apply, outer Operator, env *Env) (*applyOp, error) {
	if len(n.OuterCols) != len(n.Params) {
		return nil, pgerr.New(pgerr.InternalError, "apply: %d outer columns for %d parameters", len(n.OuterCols), len(n.Params))
	}
	switch n.Kind {
	case planner.Inner, planner.LeftOuter, planner.LeftSemi, planner.LeftAnti:
	default:
		return nil, pgerr.Unsupported("apply of kind %d", n.Kind)
	}
	for _, slot := range n.Params {
		if slot < 1 {
			return nil, pgerr.New(pgerr.InternalError, "apply: parameter slot %d (slots are 1-based, as $n)", slot)
		}
	}
	return &applyOp{env: env, n: n, outer: outer, ow: len(n.Outer.Columns()), out: newColBuf(len(n.Cols))}, nil
}

func (o *applyOp) Next(ctx context.Context) (*types.Chunk, error) {
	o.out.reset()
	for !o.done && !o.out.full() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if o.oc == nil || o.oi >= o.oc.Len() {
			c, err := o.outer.Next(ctx)
			if err != nil {
				return nil, err
			}
			if c == nil {
				o.done = true
				break
			}
			o.oc, o.oi = c, 0
			continue
		}
		if o.sub == nil {
			if err := o.startSub(); err != nil {
				return nil, err
			}
		}
		if err := o.step(ctx); err != nil {
			return nil, err
		}
	}
	return o.out.chunk(), nil
}

// startSub binds outer row oi and builds the subquery for it.
func (o *applyOp) startSub() error {
	p := o.env.Ctx.Params
	for i, slot := range o.n.Params {
		if len(p) < slot {
			p = append(p, make([]types.Datum, slot-len(p))...)
		}
		p[slot-1] = o.oc.Cols[o.n.OuterCols[i]][o.oi]
	}
	o.env.Ctx.Params = p
	sub, err := Build(o.n.Sub, o.env)
	if err != nil {
		return err
	}
	o.sub, o.subc, o.subi, o.matched = sub, nil, 0, false
	return nil
}

// step advances the current outer row's subquery by one chunk's worth of work.
func (o *applyOp) step(ctx context.Context) error {
	if o.subc != nil && o.subi < o.subc.Len() {
		for ; o.subi < o.subc.Len() && !o.out.full(); o.subi++ {
			o.out.appendChunkRow(o.oc, o.oi, 0)
			for j, col := range o.subc.Cols {
				o.out.cols[o.ow+j] = append(o.out.cols[o.ow+j], col[o.subi])
			}
			o.out.n++
		}
		return nil
	}
	c, err := o.sub.Next(ctx)
	if err != nil {
		return err
	}
	if c != nil && c.Len() > 0 {
		o.matched = true
		switch o.n.Kind {
		case planner.Inner, planner.LeftOuter:
			o.subc, o.subi = c, 0
			return nil
		}
		// Semi and anti joins need only know that a row exists.
		c = nil
	}
	if c != nil {
		return nil
	}
	o.finishRow()
	return nil
}

// finishRow emits what the outer row contributes once its subquery is done, and moves on.
func (o *applyOp) finishRow() {
	switch o.n.Kind {
	case planner.LeftOuter:
		if !o.matched {
			o.out.appendChunkRow(o.oc, o.oi, 0)
			o.out.appendNulls(o.ow, len(o.out.cols)-o.ow)
			o.out.n++
		}
	case planner.LeftSemi, planner.LeftAnti:
		if o.matched == (o.n.Kind == planner.LeftSemi) {
			o.out.appendChunkRow(o.oc, o.oi, 0)
			o.out.n++
		}
	}
	o.sub.Close()
	o.sub, o.subc = nil, nil
	o.oi++
}

func (o *applyOp) Close() {
	if o.sub != nil {
		o.sub.Close()
		o.sub = nil
	}
	o.outer.Close()
}
