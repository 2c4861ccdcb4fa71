package batch

import (
	"context"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// singleRowOp is a scalar subquery's guard: it passes at most one row, fails on a second with
// PostgreSQL's 21000, and turns an empty input into one all-NULL row (the subquery's value is NULL).
type singleRowOp struct {
	in   Operator
	out  *colBuf
	done bool
}

func newSingleRow(in Operator, width int) *singleRowOp {
	return &singleRowOp{in: in, out: newColBuf(width)}
}

func (o *singleRowOp) Next(ctx context.Context) (*types.Chunk, error) {
	if o.done {
		return nil, nil
	}
	o.done = true
	o.out.reset()
	for {
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
		if c.Len() == 0 {
			continue
		}
		if o.out.n+c.Len() > 1 {
			return nil, pgerr.New(pgerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
		o.out.appendChunkRow(c, 0, 0)
		o.out.n++
	}
	if o.out.n == 0 {
		o.out.appendNulls(0, len(o.out.cols))
		o.out.n++
	}
	// A zero-column chunk still carries its one row through n.
	return types.ChunkOf(nil, o.out.cols, 1), nil
}

func (o *singleRowOp) Close() { o.in.Close() }
