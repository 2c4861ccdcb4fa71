package batch

import (
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// candIter walks the right rows that may match one left row.
type candIter struct {
	stage candStage
	pos   int32
}

type candStage uint8

const (
	candNone  candStage = iota
	candChain           // the hash chain of the left key
	candAll             // every right row: a nested loop, or NOT IN with a NULL on the left
	candNulls           // NOT IN: right rows with a NULL key, which make a non-matching row unknown
)

// startChunk evaluates the left keys of c and resets the probe state.
func (o *joinOp) startChunk(c *types.Chunk) error {
	o.lc = c
	n := c.Len()
	for j, e := range o.lkeys {
		v, err := e.Eval(o.env.Ctx, c)
		if err != nil {
			return evalErr("hash join probe", err)
		}
		// Copied: Cond is evaluated while these are in use and might share buffers with them.
		o.lkeyVecs[j] = append(o.lkeyVecs[j][:0], v[:n]...)
	}
	o.lmatched = resizeBools(o.lmatched, n)
	if o.keyed() {
		o.lhash = o.lhash[:0]
		o.lnull = o.lnull[:0]
		for i := 0; i < n; i++ {
			null := anyNull(o.lkeyVecs, i)
			o.lnull = append(o.lnull, null)
			var h uint64
			if !null || o.kind == planner.NullAwareAnti {
				h = hashCols(o.lkeyVecs, i)
			}
			o.lhash = append(o.lhash, h)
		}
	}
	o.li = 0
	if n > 0 {
		o.startRow(0)
	}
	return nil
}

func resizeBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

func (o *joinOp) startRow(i int) {
	switch {
	case !o.keyed():
		o.cand = candIter{stage: candAll}
	case o.lnull[i]:
		// A NULL key equals nothing; but under NOT IN it makes the row unknown as soon as any right
		// row's other key columns do not rule it out.
		o.cand = candIter{}
		if o.kind == planner.NullAwareAnti {
			o.cand = candIter{stage: candAll}
		}
	default:
		h := o.lhash[i]
		o.cand = candIter{stage: candChain, pos: o.ht.first(h)}
	}
}

// nextCand returns the next candidate right row of the current left row, or -1.
func (o *joinOp) nextCand() int32 {
	for {
		c := &o.cand
		switch c.stage {
		case candChain:
			if c.pos < 0 {
				if o.kind == planner.NullAwareAnti && len(o.nullRows) > 0 {
					*c = candIter{stage: candNulls}
					continue
				}
				c.stage = candNone
				return -1
			}
			r := c.pos
			c.pos = o.ht.nextOf(r)
			return r
		case candAll:
			if int(c.pos) >= o.rrows.n {
				c.stage = candNone
				return -1
			}
			c.pos++
			return c.pos - 1
		case candNulls:
			if int(c.pos) >= len(o.nullRows) {
				c.stage = candNone
				return -1
			}
			c.pos++
			return o.nullRows[c.pos-1]
		default:
			return -1
		}
	}
}

// keysPass reports whether right row r's key can match left row i. For joins that is equality with
// no NULLs; for NOT IN it is "the row comparison is not false": no column pair is known to differ.
func (o *joinOp) keysPass(i int, r int32) bool {
	if !o.keyed() {
		return true
	}
	rk := o.rkeyRows.row(int(r))
	if o.kind != planner.NullAwareAnti {
		return equalColsRow(o.lkeyVecs, i, rk)
	}
	for j, k := range o.lkeyVecs {
		if !k[i].IsNull() && !rk[j].IsNull() && !equalDatum(k[i], rk[j]) {
			return false
		}
	}
	return true
}

// probe generates the candidate pairs of the current left chunk, as many as the output (or, with
// Cond, one pair chunk) has room for, and records matches. It reports whether the chunk is finished.
func (o *joinOp) probe() (bool, error) {
	n := o.lc.Len()
	stopEarly := !o.emitsPairs()
	limit := types.MaxChunkRows
	if o.emitsPairs() {
		limit = o.out.room()
	}
	o.pairL, o.pairR = o.pairL[:0], o.pairR[:0]
	emitted := 0
	for o.li < n && len(o.pairL) < limit && emitted < limit {
		if o.cand.stage == candNone || (stopEarly && o.lmatched[o.li]) {
			o.li++
			if o.li < n {
				o.startRow(o.li)
			}
			continue
		}
		r := o.nextCand()
		if r < 0 || !o.keysPass(o.li, r) {
			continue
		}
		if o.cond != nil {
			o.pairL = append(o.pairL, int32(o.li))
			o.pairR = append(o.pairR, r)
			continue
		}
		o.match(o.li, r)
		if o.emitsPairs() {
			o.emitPair(o.lc, o.li, o.rrows.row(int(r)))
			emitted++
		}
	}
	if len(o.pairL) > 0 {
		if err := o.evalPairs(); err != nil {
			return false, err
		}
	}
	return o.li >= n, nil
}

func (o *joinOp) match(i int, r int32) {
	o.lmatched[i] = true
	if o.rmatched != nil {
		o.rmatched[r] = true
	}
}

func (o *joinOp) emitPair(lc *types.Chunk, i int, rrow []types.Datum) {
	o.out.appendChunkRow(lc, i, 0)
	for j, d := range rrow {
		o.out.cols[o.lw+j] = append(o.out.cols[o.lw+j], d)
	}
	o.out.n++
}

// evalPairs evaluates Cond over the pending pairs; a pair matches only if Cond is true.
func (o *joinOp) evalPairs() error {
	p := o.pairs
	p.reset()
	for k, i := range o.pairL {
		p.appendChunkRow(o.lc, int(i), 0)
		for j, d := range o.rrows.row(int(o.pairR[k])) {
			p.cols[o.lw+j] = append(p.cols[o.lw+j], d)
		}
		p.n++
	}
	v, err := o.cond.Eval(o.env.Ctx, p.chunk())
	if err != nil {
		return evalErr("join condition", err)
	}
	for k, d := range v[:p.n] {
		if d.IsNull() || !d.Bool() {
			continue
		}
		o.match(int(o.pairL[k]), o.pairR[k])
		if o.emitsPairs() {
			for j, col := range p.cols {
				o.out.cols[j] = append(o.out.cols[j], col[k])
			}
			o.out.n++
		}
	}
	return nil
}

// emitLeftTail outputs the rows of the finished left chunk whose fate depended on all its pairs:
// unmatched rows of outer joins (padded with NULLs), matched rows of semi joins, unmatched rows of
// anti joins. It reports whether the chunk is done.
func (o *joinOp) emitLeftTail() bool {
	n := o.lc.Len()
	for ; o.tail < n && !o.out.full(); o.tail++ {
		m := o.lmatched[o.tail]
		switch o.kind {
		case planner.LeftOuter, planner.FullOuter:
			if !m {
				o.out.appendChunkRow(o.lc, o.tail, 0)
				o.out.appendNulls(o.lw, o.rw)
				o.out.n++
			}
		case planner.LeftSemi:
			if m {
				o.out.appendChunkRow(o.lc, o.tail, 0)
				o.out.n++
			}
		case planner.LeftAnti, planner.NullAwareAnti:
			if !m {
				o.out.appendChunkRow(o.lc, o.tail, 0)
				o.out.n++
			}
		default:
			return true
		}
	}
	return o.tail >= n
}

// emitRightTail outputs the right rows no left row matched, padded with NULLs on the left.
func (o *joinOp) emitRightTail() bool {
	for ; o.tail < o.rrows.n && !o.out.full(); o.tail++ {
		if o.rmatched[o.tail] {
			continue
		}
		o.out.appendNulls(0, o.lw)
		for j, d := range o.rrows.row(o.tail) {
			o.out.cols[o.lw+j] = append(o.out.cols[o.lw+j], d)
		}
		o.out.n++
	}
	return o.tail >= o.rrows.n
}
