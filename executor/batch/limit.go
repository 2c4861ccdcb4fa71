package batch

import (
	"context"

	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// limitOp skips Offset rows and passes at most Count. Once satisfied it stops pulling, so a LIMIT over
// a large scan reads only what it returns.
type limitOp struct {
	in     Operator
	skip   int64
	left   int64 // rows still to pass; < 0 means no limit
	closed bool
}

func newLimit(n *planner.Limit, in Operator) *limitOp {
	return &limitOp{in: in, skip: max(n.Offset, 0), left: n.Count}
}

func (o *limitOp) Next(ctx context.Context) (*types.Chunk, error) {
	for o.left != 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := o.in.Next(ctx)
		if err != nil || c == nil {
			return nil, err
		}
		lo, hi := int64(0), int64(c.Len())
		if o.skip > 0 {
			k := min(o.skip, hi)
			o.skip -= k
			lo = k
		}
		if lo == hi {
			continue
		}
		if o.left > 0 && hi-lo > o.left {
			hi = lo + o.left
		}
		if o.left > 0 {
			o.left -= hi - lo
		}
		if lo == 0 && hi == int64(c.Len()) {
			return c, nil
		}
		return sliceChunk(c, int(lo), int(hi)), nil
	}
	// Release the input (scans hold storage iterators) as soon as no more rows are needed.
	o.Close()
	return nil, nil
}

// sliceChunk returns rows [lo, hi) of c, sharing its vectors.
func sliceChunk(c *types.Chunk, lo, hi int) *types.Chunk {
	cols := make([][]types.Datum, len(c.Cols))
	for j, col := range c.Cols {
		cols[j] = col[lo:hi:hi]
	}
	return types.ChunkOf(nil, cols, hi-lo)
}

func (o *limitOp) Close() {
	if !o.closed {
		o.closed = true
		o.in.Close()
	}
}
