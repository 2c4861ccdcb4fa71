package stream

import (
	"fmt"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/types"
)

// probeBuf evaluates the pairs of a probing row with the rows of the other side's bucket. Its
// buffers are reused from probe to probe, so probing allocates only what decoding strings does.
type probeBuf struct {
	nL, nR int
	// prefix is the probed bucket's key.
	prefix []byte
	// cols is the batch of candidate pairs being evaluated, laid out as the joined row (left
	// columns then right ones), so a matching pair is output straight from it.
	cols  [][]types.Datum
	chunk types.Chunk
	row   types.Row
	pass  []bool
	val   []byte // an updated degree + row, for Put
}

func (p *probeBuf) init(nL, nR int) {
	p.nL, p.nR = nL, nR
	p.cols = make([][]types.Datum, nL+nR)
	for i := range p.cols {
		p.cols[i] = make([]types.Datum, 0, types.MaxChunkRows)
	}
	p.pass = make([]bool, 0, types.MaxChunkRows)
}

// fill decodes the other side's rows, probed by row of side s, into p.cols as joined rows.
func (p *probeBuf) fill(s int, row types.Row, ts []types.Type, rows []joinRow) error {
	for i := range p.cols {
		p.cols[i] = p.cols[i][:0]
	}
	own, other := 0, p.nL // column offsets of the probing row and of the candidates
	if s == 1 {
		own, other = p.nL, 0
	}
	var err error
	for i := range rows {
		c := &rows[i]
		p.row, err = codec.DecodeRow(c.row(), ts, p.row)
		if err != nil {
			return fmt.Errorf("corrupt state: row of key %x: %w", c.key(), err)
		}
		for k, d := range p.row {
			p.cols[other+k] = append(p.cols[other+k], d)
		}
		for k, d := range row {
			p.cols[own+k] = append(p.cols[own+k], d)
		}
	}
	p.chunk = *types.ChunkOf(nil, p.cols, len(rows))
	return nil
}

// eval evaluates cond over the filled batch of n pairs, once for the whole batch, into p.pass.
func (p *probeBuf) eval(ctx *expr.Context, cond expr.Expr, n int) error {
	p.pass = p.pass[:0]
	if cond == nil {
		for range n {
			p.pass = append(p.pass, true)
		}
		return nil
	}
	res, err := cond.Eval(ctx, &p.chunk)
	if err != nil {
		return fmt.Errorf("join condition: %w", err)
	}
	for _, d := range res[:n] {
		p.pass = append(p.pass, !d.IsNull() && d.Bool())
	}
	return nil
}

// pairRow appends the joined row of batch position i to dst.
func (p *probeBuf) pairRow(dst types.Row, i int) types.Row {
	for _, col := range p.cols {
		dst = append(dst, col[i])
	}
	return dst
}

// sideRow appends side s's half of the pair at batch position i to dst.
func (p *probeBuf) sideRow(dst types.Row, s, i int) types.Row {
	cols := p.cols[:p.nL]
	if s == 1 {
		cols = p.cols[p.nL:]
	}
	for _, col := range cols {
		dst = append(dst, col[i])
	}
	return dst
}
