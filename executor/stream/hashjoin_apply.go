package stream

import (
	"encoding/binary"
	"fmt"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/types"
)

// apply inserts row into side s (or deletes it), emitting the changes to the join's output and
// keeping the other side's degrees.
func (j *HashJoin) apply(s int, insert bool, row types.Row) error {
	me, other := &j.sides[s], &j.sides[1-s]
	k := append(j.keyBuf[:0], byte(s))
	null := false
	for _, c := range me.keys {
		null = null || row[c].IsNull()
		k = codec.AppendKey(k, row[c], false)
	}
	joinEnd := len(k)
	for _, c := range me.pk {
		k = codec.AppendKey(k, row[c], false)
	}
	j.keyBuf = k

	matches := 0
	if !null {
		p := &j.probe
		p.prefix = append(append(p.prefix[:0], byte(1-s)), k[1:joinEnd]...)
		if err := p.collect(j.st, other.degree); err != nil {
			return err
		}
		// A semi/anti join probed by a left row only counts its matches: without a condition
		// it needs no right row decoded.
		needRows := j.cond != nil || !j.semi || s == 1
		for b := 0; b < len(p.cands); b += types.MaxChunkRows {
			e := min(len(p.cands), b+types.MaxChunkRows)
			if needRows {
				if err := p.fill(s, row, other.types, b, e); err != nil {
					return err
				}
			}
			if err := p.eval(j.ctx, j.cond, e-b); err != nil {
				return err
			}
			for i := b; i < e; i++ {
				if !p.pass[i-b] {
					continue
				}
				matches++
				if err := j.matched(s, insert, i, i-b); err != nil {
					return err
				}
			}
		}
	}
	if err := j.own(s, insert, row, matches); err != nil {
		return err
	}

	// A NULL-keyed row on a side without degrees is never output: nothing to keep.
	if null && !me.degree {
		return nil
	}
	if !insert {
		j.st.Delete(k)
		return nil
	}
	v := j.valBuf[:0]
	if me.degree {
		v = binary.AppendUvarint(v, uint64(matches))
	}
	v = codec.AppendRow(v, row)
	j.valBuf = v
	j.st.Put(k, v)
	return nil
}

// matched handles candidate ci (batch position bi) of the other side, which matches the row being
// inserted or deleted on side s: it emits the joined row and moves the candidate's degree, with
// what a degree crossing zero means for the candidate's own output.
func (j *HashJoin) matched(s int, insert bool, ci, bi int) error {
	p := &j.probe
	c := &p.cands[ci]
	o := 1 - s
	other := &j.sides[o]
	if !insert && other.degree && c.degree == 0 {
		return fmt.Errorf("corrupt state: degree of key %x would go below zero", c.key(p.arena))
	}
	first, last := insert && c.degree == 0, !insert && c.degree == 1
	op := types.Delete
	if insert {
		op = types.Insert
	}
	var err error
	switch {
	case j.semi && s == 1:
		// The candidate is a left row; it is in the output of a semi join while matched, of an
		// anti join while not.
		if first || last {
			if (j.kind == LeftSemi) == insert {
				err = j.emitSide(types.Insert, 0, bi)
			} else {
				err = j.emitSide(types.Delete, 0, bi)
			}
		}
	case j.semi:
		// A left row's own output is decided once its matches are counted (own).
	default:
		if other.outer && first {
			err = j.emitPadded(types.Delete, o, p.sideRow(j.outRow[:0], o, bi))
		}
		if err == nil {
			j.outRow = p.pairRow(j.outRow[:0], bi)
			err = j.emit(op, j.outRow)
		}
		if err == nil && other.outer && last {
			err = j.emitPadded(types.Insert, o, p.sideRow(j.outRow[:0], o, bi))
		}
	}
	if err != nil {
		return err
	}
	if other.degree {
		d := c.degree + 1
		if !insert {
			d = c.degree - 1
		}
		p.val = binary.AppendUvarint(p.val[:0], d)
		p.val = append(p.val, c.row(p.arena)...)
		j.st.Put(c.key(p.arena), p.val)
	}
	return nil
}

// own emits what the inserted or deleted row of side s means on its own, given its matches: the
// NULL-padded row of an unmatched outer row, or the left row of a semi/anti join.
func (j *HashJoin) own(s int, insert bool, row types.Row, matches int) error {
	op := types.Delete
	if insert {
		op = types.Insert
	}
	if j.semi {
		if s == 0 && (matches > 0) == (j.kind == LeftSemi) {
			return j.emit(op, row)
		}
		return nil
	}
	if j.sides[s].outer && matches == 0 {
		return j.emitPadded(op, s, row)
	}
	return nil
}

// emitPadded emits row of side s with NULLs for the other side's columns.
func (j *HashJoin) emitPadded(op types.Op, s int, row types.Row) error {
	nL, nR := len(j.sides[0].types), len(j.sides[1].types)
	if s == 0 {
		j.padRow = append(append(j.padRow[:0], row...), j.nullRow[:nR]...)
	} else {
		j.padRow = append(append(j.padRow[:0], j.nullRow[:nL]...), row...)
	}
	return j.emit(op, j.padRow)
}

// emitSide emits side s's half of the pair at batch position bi.
func (j *HashJoin) emitSide(op types.Op, s, bi int) error {
	j.outRow = j.probe.sideRow(j.outRow[:0], s, bi)
	return j.emit(op, j.outRow)
}

// emit adds a row to the output, passing the output on when it reaches a full chunk.
func (j *HashJoin) emit(op types.Op, row types.Row) error {
	j.outBuf.Append(op, row)
	if j.outBuf.Len() >= types.MaxChunkRows {
		return j.emitOut()
	}
	return nil
}

// emitOut passes on the output gathered so far. The chunk is reused: the next operator copies
// what it keeps.
func (j *HashJoin) emitOut() error {
	if j.outBuf.Len() == 0 {
		return nil
	}
	err := j.out.Emit(j.outBuf)
	j.outBuf.Reset()
	return err
}
