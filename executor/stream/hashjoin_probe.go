package stream

import (
	"encoding/binary"
	"fmt"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// probeBuf holds the other side's rows with the probed join key. Every buffer is reused from
// probe to probe, so the probe path allocates only what the state table's iterator and string
// decoding do.
type probeBuf struct {
	nL, nR int
	// prefix and end bound the probed bucket.
	prefix, end []byte
	// arena holds each candidate's state key followed by its encoded row: an iterator's key and
	// value are only valid until it moves, and degrees are written back after it is closed (a
	// write while an iterator is open cannot reuse the table's value buffers).
	arena []byte
	cands []candidate
	// cols is the batch of candidate pairs being evaluated, laid out as the joined row (left
	// columns then right ones), so a matching pair is output straight from it.
	cols  [][]types.Datum
	chunk types.Chunk
	row   types.Row
	pass  []bool
	val   []byte // an updated degree + row, for Put
}

// candidate is a row of the probed bucket, as offsets into probeBuf.arena.
type candidate struct {
	keyStart, keyEnd, rowEnd int
	degree                   uint64
}

func (p *probeBuf) init(nL, nR int) {
	p.nL, p.nR = nL, nR
	p.cols = make([][]types.Datum, nL+nR)
	for i := range p.cols {
		p.cols[i] = make([]types.Datum, 0, types.MaxChunkRows)
	}
	p.pass = make([]bool, 0, types.MaxChunkRows)
}

func (c *candidate) key(arena []byte) []byte { return arena[c.keyStart:c.keyEnd] }
func (c *candidate) row(arena []byte) []byte { return arena[c.keyEnd:c.rowEnd] }

// collect reads every row under p.prefix into the arena. hasDegree says whether the values carry a
// degree.
func (p *probeBuf) collect(st *storage.StateTable, hasDegree bool) error {
	p.arena, p.cands = p.arena[:0], p.cands[:0]
	p.end = prefixEnd(p.end[:0], p.prefix)
	it := st.Iter(p.prefix, p.end)
	for ok := it.First(); ok; ok = it.Next() {
		v := it.Value()
		var deg uint64
		if hasDegree {
			d, n := binary.Uvarint(v)
			if n <= 0 {
				_ = it.Close()
				return fmt.Errorf("corrupt state: value of key %x has no degree", it.Key())
			}
			deg, v = d, v[n:]
		}
		c := candidate{keyStart: len(p.arena), degree: deg}
		p.arena = append(p.arena, it.Key()...)
		c.keyEnd = len(p.arena)
		p.arena = append(p.arena, v...)
		c.rowEnd = len(p.arena)
		p.cands = append(p.cands, c)
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	return nil
}

// prefixEnd appends to dst the smallest key above every key that starts with prefix. Join
// prefixes start with a side byte below 0xff, so one always exists.
func prefixEnd(dst, prefix []byte) []byte {
	dst = append(dst, prefix...)
	for i := len(dst) - 1; i >= 0; i-- {
		if dst[i] != 0xff {
			dst[i]++
			return dst[:i+1]
		}
	}
	panic("hash join: prefix of 0xff bytes")
}

// fill decodes candidates [b, e), probed by row of side s, into p.cols as joined rows.
func (p *probeBuf) fill(s int, row types.Row, ts []types.Type, b, e int) error {
	for i := range p.cols {
		p.cols[i] = p.cols[i][:0]
	}
	own, other := 0, p.nL // column offsets of the probing row and of the candidates
	if s == 1 {
		own, other = p.nL, 0
	}
	var err error
	for ci := b; ci < e; ci++ {
		c := &p.cands[ci]
		p.row, err = codec.DecodeRow(c.row(p.arena), ts, p.row)
		if err != nil {
			return fmt.Errorf("corrupt state: row of key %x: %w", c.key(p.arena), err)
		}
		for k, d := range p.row {
			p.cols[other+k] = append(p.cols[other+k], d)
		}
		for k, d := range row {
			p.cols[own+k] = append(p.cols[own+k], d)
		}
	}
	p.chunk = *types.ChunkOf(nil, p.cols, e-b)
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
