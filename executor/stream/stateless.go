package stream

import (
	"fmt"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Filter passes the rows for which Cond is true. An update pair whose halves fall on different
// sides of the condition becomes a plain Delete or Insert.
type Filter struct {
	Cond expr.Expr
	Ctx  *expr.Context
	Out  Output
	buf  *types.Chunk
}

func (f *Filter) Push(_ int, c *types.Chunk) error {
	keep, err := f.Cond.Eval(f.Ctx, c)
	if err != nil {
		return fmt.Errorf("filter: %w", err)
	}
	if f.buf == nil {
		f.buf = types.NewChunk(len(c.Cols), c.Len())
	}
	out := f.buf
	out.Reset()
	pass := func(i int) bool { d := keep[i]; return !d.IsNull() && d.Bool() }
	for i := 0; i < c.Len(); i++ {
		op := c.Op(i)
		if op == types.UpdateDelete && i+1 < c.Len() && c.Op(i+1) == types.UpdateInsert {
			a, b := pass(i), pass(i+1)
			switch {
			case a && b:
				appendRow(out, types.UpdateDelete, c, i)
				appendRow(out, types.UpdateInsert, c, i+1)
			case a:
				appendRow(out, types.Delete, c, i)
			case b:
				appendRow(out, types.Insert, c, i+1)
			}
			i++
			continue
		}
		if pass(i) {
			appendRow(out, normalOp(op), c, i)
		}
	}
	return f.Out.Emit(out)
}

// normalOp turns an unpaired update half into a plain Delete or Insert.
func normalOp(op types.Op) types.Op {
	switch op {
	case types.UpdateDelete:
		return types.Delete
	case types.UpdateInsert:
		return types.Insert
	}
	return op
}

// appendRow copies row i of c into out with op.
func appendRow(out *types.Chunk, op types.Op, c *types.Chunk, i int) {
	if out.Ops == nil && out.Len() == 0 {
		out.Ops = make([]types.Op, 0, types.MaxChunkRows)
	}
	out.Ops = append(out.Ops, op)
	for j := range c.Cols {
		out.Cols[j] = append(out.Cols[j], c.Cols[j][i])
	}
	out.SetLen(out.Len() + 1)
}

func (f *Filter) Flush(uint64, *storage.Batch) error { return nil }

// Project computes one expression per output column; ops pass through unchanged.
type Project struct {
	Exprs []expr.Expr
	Ctx   *expr.Context
	Out   Output
}

func (p *Project) Push(_ int, c *types.Chunk) error {
	cols := make([][]types.Datum, len(p.Exprs))
	for i, e := range p.Exprs {
		v, err := e.Eval(p.Ctx, c)
		if err != nil {
			return fmt.Errorf("project: %w", err)
		}
		// Eval's result may be a reused buffer: the output chunk must own its vectors, since
		// downstream operators may keep it past the next Push.
		cols[i] = append([]types.Datum(nil), v...)
	}
	var ops []types.Op
	if c.Ops != nil {
		ops = append([]types.Op(nil), c.Ops[:c.Len()]...)
	}
	return p.Out.Emit(types.ChunkOf(ops, cols, c.Len()))
}

func (p *Project) Flush(uint64, *storage.Batch) error { return nil }
