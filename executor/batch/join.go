package batch

import (
	"context"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// joinOp is a hash join that builds on the right input and probes with the left; without keys it is a
// nested loop over the same materialised right side. The right input is held in memory.
//
// It is a state machine so that a left row matching many right rows, or a large outer tail, is
// emitted across as many Next calls as it takes, never as an oversized chunk.
type joinOp struct {
	env         *Env
	kind        planner.JoinKind
	left, right Operator
	lkeys       []expr.Expr
	rkeys       []expr.Expr
	cond        expr.Expr
	lw, rw      int

	// The build side: right rows, their key values, and a hash table whose entry i is right row i.
	rrows    rowStore
	rkeyRows rowStore
	ht       *hashTable
	nullRows []int32 // NullAwareAnti: right rows with a NULL key
	rmatched []bool  // RightOuter / FullOuter: right rows that matched some left row

	// The probe side: the current left chunk and per-row state.
	lc       *types.Chunk
	lkeyVecs [][]types.Datum // copies of the left key vectors of lc
	lhash    []uint64
	lnull    []bool
	lmatched []bool
	li       int      // left row whose candidates are being generated
	cand     candIter // candidates of row li
	tail     int      // cursor of the left tail (outer/semi/anti rows of lc) or of the right tail

	pairL, pairR []int32 // candidate pairs awaiting Cond
	pairs        *colBuf // their concatenated rows, Cond's input
	phase        joinPhase
	out          *colBuf
	closed       bool
}

type joinPhase uint8

const (
	phaseBuild joinPhase = iota
	phaseNeedLeft
	phasePairs
	phaseLeftTail
	phaseRightTail
	phaseDone
)

func newJoin(n *planner.Join, l, r Operator, env *Env) *joinOp {
	lw, rw := len(n.L.Columns()), len(n.R.Columns())
	o := &joinOp{
		env: env, kind: n.Kind, left: l, right: r,
		lkeys: n.LeftKeys, rkeys: n.RightKeys, cond: n.Cond,
		lw: lw, rw: rw,
		rrows:    rowStore{w: rw},
		rkeyRows: rowStore{w: len(n.RightKeys)},
		lkeyVecs: make([][]types.Datum, len(n.LeftKeys)),
		out:      newColBuf(len(n.Cols)),
	}
	if n.Cond != nil {
		o.pairs = newColBuf(lw + rw)
	}
	return o
}

// emitsPairs reports whether matched pairs are output rows (as opposed to semi/anti joins, which
// output left rows by whether they matched).
func (o *joinOp) emitsPairs() bool { return o.kind <= planner.FullOuter }

func (o *joinOp) keyed() bool { return len(o.lkeys) > 0 }

func (o *joinOp) Next(ctx context.Context) (*types.Chunk, error) {
	o.out.reset()
	for !o.out.full() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch o.phase {
		case phaseBuild:
			if err := o.build(ctx); err != nil {
				return nil, err
			}
			o.phase = phaseNeedLeft
		case phaseNeedLeft:
			c, err := o.left.Next(ctx)
			if err != nil {
				return nil, err
			}
			if c == nil {
				o.phase, o.tail = phaseDone, 0
				if o.rmatched != nil {
					o.phase = phaseRightTail
				}
				continue
			}
			if err := o.startChunk(c); err != nil {
				return nil, err
			}
			o.phase = phasePairs
		case phasePairs:
			done, err := o.probe()
			if err != nil {
				return nil, err
			}
			if done {
				o.phase, o.tail = phaseLeftTail, 0
			}
		case phaseLeftTail:
			if o.emitLeftTail() {
				o.phase = phaseNeedLeft
			}
		case phaseRightTail:
			if o.emitRightTail() {
				o.phase = phaseDone
			}
		case phaseDone:
			return o.out.chunk(), nil
		}
	}
	return o.out.chunk(), nil
}

// build materialises the right input and indexes it by key.
func (o *joinOp) build(ctx context.Context) error {
	var hashes []uint64
	var evalErrOut error
	keyVecs := make([][]types.Datum, len(o.rkeys))
	err := drain(ctx, o.right, func(c *types.Chunk) {
		if evalErrOut != nil {
			return
		}
		for j, e := range o.rkeys {
			v, err := e.Eval(o.env.Ctx, c)
			if err != nil {
				evalErrOut = evalErr("hash join build", err)
				return
			}
			keyVecs[j] = v
		}
		for i := 0; i < c.Len(); i++ {
			ri := int32(o.rrows.n)
			o.rrows.appendChunkRow(c, i)
			if !o.keyed() {
				continue
			}
			o.rkeyRows.appendCols(keyVecs, i)
			hashes = append(hashes, hashCols(keyVecs, i))
			if o.kind == planner.NullAwareAnti && anyNull(keyVecs, i) {
				o.nullRows = append(o.nullRows, ri)
			}
		}
	})
	if err == nil {
		err = evalErrOut
	}
	if err != nil {
		return err
	}
	o.right.Close()
	// Indexed once the size is known, so the table never rehashes. Entry numbers equal row numbers,
	// so rows with a NULL key are indexed too: they never compare equal to a probe key, and this
	// keeps the two numberings in step.
	o.ht = newHashTable(len(hashes))
	for _, h := range hashes {
		o.ht.insert(h)
	}
	if o.kind == planner.RightOuter || o.kind == planner.FullOuter {
		o.rmatched = make([]bool, o.rrows.n)
	}
	return nil
}

func (o *joinOp) Close() {
	if o.closed {
		return
	}
	o.closed = true
	o.left.Close()
	o.right.Close()
	o.rrows, o.rkeyRows, o.ht = rowStore{}, rowStore{}, nil
}
