package batch

import (
	"context"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// filterOp keeps the rows whose condition is true (NULL counts as false). A chunk that passes whole
// is forwarded without copying; otherwise the surviving rows are compacted into a reused buffer, and
// sparse results from several input chunks are packed together so that a selective filter does not
// hand its parent a stream of nearly empty chunks.
type filterOp struct {
	env  *Env
	in   Operator
	cond expr.Expr
	out  *colBuf
	sel  []int32      // selected rows of pending
	pend *types.Chunk // an input chunk whose selection did not fit into the last output
	done bool
}

func newFilter(n *planner.Filter, in Operator, env *Env) *filterOp {
	return &filterOp{env: env, in: in, cond: n.Cond, out: newColBuf(len(n.Columns()))}
}

func (o *filterOp) Next(ctx context.Context) (*types.Chunk, error) {
	o.out.reset()
	for !o.out.full() {
		if o.pend == nil {
			if o.done {
				break
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			c, err := o.in.Next(ctx)
			if err != nil {
				return nil, err
			}
			if c == nil {
				o.done = true
				break
			}
			if err := o.selectRows(c); err != nil {
				return nil, err
			}
			o.pend = c
		}
		c := o.pend
		if len(o.sel) == 0 {
			o.pend = nil
			continue
		}
		if o.out.n == 0 && len(o.sel) == c.Len() {
			o.pend = nil
			return c, nil
		}
		if o.out.n+len(o.sel) > types.MaxChunkRows {
			// Keep c for the next call: the input is not pulled again before then, so c stays valid.
			break
		}
		for j, col := range c.Cols {
			dst := o.out.cols[j]
			for _, i := range o.sel {
				dst = append(dst, col[i])
			}
			o.out.cols[j] = dst
		}
		o.out.n += len(o.sel)
		o.pend = nil
	}
	return o.out.chunk(), nil
}

// selectRows evaluates the condition over c into o.sel; the result vector is read at once because
// the expression reuses it on its next evaluation.
func (o *filterOp) selectRows(c *types.Chunk) error {
	v, err := o.cond.Eval(o.env.Ctx, c)
	if err != nil {
		return evalErr("filter", err)
	}
	o.sel = o.sel[:0]
	for i, d := range v[:c.Len()] {
		if !d.IsNull() && d.Bool() {
			o.sel = append(o.sel, int32(i))
		}
	}
	return nil
}

func (o *filterOp) Close() { o.in.Close() }
