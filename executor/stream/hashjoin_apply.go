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
	k, null := j.bucketKey(s, s, row)
	joinEnd := len(k)
	for _, c := range me.pk {
		k = codec.AppendKey(k, row[c], false)
	}
	j.keyBuf = k

	matches := 0
	if !null {
		p := &j.probe
		p.prefix = append(append(p.prefix[:0], byte(1-s)), k[1:joinEnd]...)
		ob, err := j.cache.load(j.st, p.prefix, other.degree)
		if err != nil {
			return err
		}
		// A semi/anti join probed by a left row only counts its matches: without a condition
		// it needs no right row decoded.
		needRows := j.cond != nil || !j.semi || s == 1
		for b := 0; b < len(ob.rows); b += types.MaxChunkRows {
			batch := ob.rows[b:min(len(ob.rows), b+types.MaxChunkRows)]
			if needRows {
				if err := p.fill(s, row, other.types, batch); err != nil {
					return err
				}
			}
			if err := p.eval(j.ctx, j.cond, len(batch)); err != nil {
				return err
			}
			for i := range batch {
				if !p.pass[i] {
					continue
				}
				matches++
				if err := j.matched(s, insert, &batch[i], i); err != nil {
					return err
				}
			}
		}
	}
	if err := j.own(s, insert, row, matches); err != nil {
		return err
	}

	// A NULL-keyed row on a side without degrees is never output: nothing to keep. NULL-keyed
	// rows are never probed, so they are never cached either.
	if null && !me.degree {
		return nil
	}
	var b *joinBucket
	if !null {
		b = j.cache.forWrite(k[:joinEnd])
	}
	if !insert {
		j.st.Delete(k)
		if b != nil {
			j.cache.resized(b, -b.remove(k))
		}
		return nil
	}
	v := j.valBuf[:0]
	if me.degree {
		v = binary.AppendUvarint(v, uint64(matches))
	}
	rowStart := len(v)
	v = codec.AppendRow(v, row)
	j.valBuf = v
	j.st.Put(k, v)
	if b != nil {
		data := make([]byte, 0, len(k)+len(v)-rowStart)
		data = append(append(data, k...), v[rowStart:]...)
		j.cache.resized(b, b.add(joinRow{data: data, keyLen: len(k), degree: uint64(matches)}))
	}
	return nil
}

// bucketKey sets j.keyBuf to the key of the bucket of side bs that row, a row of side s, falls
// in (s's join key under bs's byte), and reports whether the join key has a NULL.
func (j *HashJoin) bucketKey(bs, s int, row types.Row) ([]byte, bool) {
	k := append(j.keyBuf[:0], byte(bs))
	null := false
	for _, c := range j.sides[s].keys {
		null = null || row[c].IsNull()
		k = codec.AppendKey(k, row[c], false)
	}
	j.keyBuf = k
	return k, null
}

// matched handles row c (batch position bi) of the other side, which matches the row being
// inserted or deleted on side s: it emits the joined row and moves c's degree, with what a degree
// crossing zero means for c's own output.
func (j *HashJoin) matched(s int, insert bool, c *joinRow, bi int) error {
	p := &j.probe
	o := 1 - s
	other := &j.sides[o]
	if !insert && other.degree && c.degree == 0 {
		return fmt.Errorf("corrupt state: degree of key %x would go below zero", c.key())
	}
	first, last := insert && c.degree == 0, !insert && c.degree == 1
	op := types.Delete
	if insert {
		op = types.Insert
	}
	var err error
	switch {
	case j.semi && s == 1:
		// c is a left row; it is in the output of a semi join while matched, of an anti join
		// while not.
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
		p.val = append(p.val, c.row()...)
		j.st.Put(c.key(), p.val)
		c.degree = d
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
