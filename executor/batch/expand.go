package batch

import (
	"context"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// expandArray turns each input row into one row per element of its array, appending the element
// and its 1-based position (_pg_expandarray's x and n).
type expandArray struct {
	in      Operator
	arg     expr.Expr
	ctx     *expr.Context
	out     *types.Chunk
	pending *types.Chunk
	arrays  []types.Datum
	pos     int // next row of pending
	elem    int // next element of that row's array
	row     types.Row
}

func newExpandArray(n *planner.ExpandArray, in Operator, env *Env) Operator {
	return &expandArray{in: in, arg: n.Arg, ctx: env.Ctx, out: types.NewChunk(len(n.Cols), types.MaxChunkRows)}
}

func (o *expandArray) Next(ctx context.Context) (*types.Chunk, error) {
	o.out.Reset()
	for o.out.Len() < types.MaxChunkRows {
		if o.pending == nil || o.pos >= o.pending.Len() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			c, err := o.in.Next(ctx)
			if err != nil {
				return nil, err
			}
			if c == nil {
				break
			}
			v, err := o.arg.Eval(o.ctx, c)
			if err != nil {
				return nil, err
			}
			o.pending, o.arrays, o.pos, o.elem = c, append(o.arrays[:0], v...), 0, 0
			continue
		}
		a := o.arrays[o.pos]
		if a.IsNull() || o.elem >= len(a.Array()) {
			o.pos, o.elem = o.pos+1, 0
			continue
		}
		o.row = o.pending.Row(o.pos, o.row)
		o.out.Append(types.Insert, append(o.row, a.Array()[o.elem], types.NewInt32(int32(o.elem+1))))
		o.elem++
	}
	if o.out.Len() == 0 {
		return nil, nil
	}
	o.out.Ops = nil
	return o.out, nil
}

func (o *expandArray) Close() { o.in.Close() }
