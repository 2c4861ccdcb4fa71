package batch

import (
	"context"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// valuesOp evaluates constant rows. Each expression is evaluated over a one-row chunk with no
// columns, as the planner's contract says; VALUES lists are short, so row-at-a-time is fine here.
type valuesOp struct {
	env  *Env
	rows [][]expr.Expr
	next int
	out  *colBuf
	one  *types.Chunk
}

func newValues(n *planner.Values, env *Env) *valuesOp {
	return &valuesOp{env: env, rows: n.Rows, out: newColBuf(len(n.Cols)), one: types.ChunkOf(nil, nil, 1)}
}

func (o *valuesOp) Next(ctx context.Context) (*types.Chunk, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.out.reset()
	for o.next < len(o.rows) && !o.out.full() {
		for j, e := range o.rows[o.next] {
			v, err := e.Eval(o.env.Ctx, o.one)
			if err != nil {
				return nil, evalErr("values", err)
			}
			o.out.cols[j] = append(o.out.cols[j], v[0])
		}
		o.out.n++
		o.next++
	}
	return o.out.chunk(), nil
}

func (o *valuesOp) Close() {}
