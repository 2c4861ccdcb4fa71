package batch

import (
	"context"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// projectOp computes its output columns. It copies nothing: the output chunk is made of the
// expressions' result vectors, which stay valid until their next evaluation, that is until this
// operator's next Next, exactly the lifetime a returned chunk promises.
type projectOp struct {
	env   *Env
	in    Operator
	exprs []expr.Expr
	cols  [][]types.Datum
}

func newProject(n *planner.Project, in Operator, env *Env) *projectOp {
	return &projectOp{env: env, in: in, exprs: n.Exprs, cols: make([][]types.Datum, len(n.Exprs))}
}

func (o *projectOp) Next(ctx context.Context) (*types.Chunk, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := o.in.Next(ctx)
	if err != nil || c == nil {
		return nil, err
	}
	for i, e := range o.exprs {
		v, err := e.Eval(o.env.Ctx, c)
		if err != nil {
			return nil, evalErr("project", err)
		}
		o.cols[i] = v[:c.Len()]
	}
	// A fresh Chunk header per call: the parent may still hold the previous one while it decides
	// (e.g. a filter keeping a pending chunk), and the header is tiny next to 1024 rows of work.
	return types.ChunkOf(nil, append([][]types.Datum(nil), o.cols...), c.Len()), nil
}

func (o *projectOp) Close() { o.in.Close() }
