package stream

import (
	"fmt"

	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Flush emits one change per group touched in the epoch and writes the groups' states into b.
func (h *HashAgg) Flush(epoch uint64, b *storage.Batch) error {
	if h.simple() && !h.simpleEmitted && h.ndirty == 0 {
		// The one row of a simple aggregation appears at the first Flush even without input.
		h.keyBuf = append(h.keyBuf[:0], groupPrefix)
		if _, err := h.load(); err != nil {
			return fmt.Errorf("hashagg: epoch %d: %w", epoch, err)
		}
	}
	dirty := h.groups[:h.ndirty]
	// Rescans run before any group value is written: the state table sorts its pending writes for
	// the first iterator, and a write between iterators would make each of them sort again.
	for _, g := range dirty {
		for a := range h.aggs {
			if g.rescan[a] {
				if err := h.rebuild(g, a); err != nil {
					return fmt.Errorf("hashagg: epoch %d: rebuild %s: %w", epoch, h.aggs[a].Func.Name, err)
				}
			}
		}
	}
	if h.outBuf == nil {
		h.outBuf = types.NewChunk(len(h.groupBy)+len(h.aggs), types.MaxChunkRows)
	}
	h.outBuf.Reset()
	for _, g := range dirty {
		if err := h.finish(g); err != nil {
			return fmt.Errorf("hashagg: epoch %d: %w", epoch, err)
		}
	}
	if err := h.emit(); err != nil {
		return err
	}
	h.st.Flush(b)
	if h.simple() {
		h.simpleEmitted = true
	}
	h.resetDirty()
	return nil
}

// resetDirty empties the dirty set for the next epoch. The pool and map keep their size, so a
// steady load allocates nothing; after a burst far above the current epoch's size they are
// dropped, so that one large epoch does not pin its memory for the operator's life.
func (h *HashAgg) resetDirty() {
	const keep = 1 << 14
	if len(h.groups) > keep && h.ndirty < len(h.groups)/4 {
		clear(h.groups[h.ndirty:])
		h.groups = h.groups[:h.ndirty:h.ndirty]
		h.dirty = make(map[string]int32, h.ndirty)
	} else {
		clear(h.dirty)
	}
	h.ndirty = 0
	h.last = nil
}

// finish emits g's change, if any, and writes its group value.
func (h *HashAgg) finish(g *aggGroup) error {
	if g.count < 0 {
		return fmt.Errorf("group row count is %d: a row was retracted that was never added", g.count)
	}
	h.keyBuf = append(append(h.keyBuf[:0], groupPrefix), g.key...)
	if g.count == 0 && !h.simple() {
		if g.existed {
			if err := h.appendOut(types.Delete, g.vals, g.old); err != nil {
				return err
			}
			h.st.Delete(h.keyBuf)
		}
		return nil
	}
	row := append(h.rowBuf[:0], g.vals...)
	for _, s := range g.states {
		row = append(row, s.Result())
	}
	h.rowBuf = row
	res := row[len(g.vals):]
	switch {
	case !g.existed:
		if err := h.appendOut(types.Insert, g.vals, res); err != nil {
			return err
		}
	case !sameRow(g.old, res):
		if h.outBuf.Len()+2 > types.MaxChunkRows {
			// An update pair stays in one chunk.
			if err := h.emit(); err != nil {
				return err
			}
		}
		if err := h.appendOut(types.UpdateDelete, g.vals, g.old); err != nil {
			return err
		}
		if err := h.appendOut(types.UpdateInsert, g.vals, res); err != nil {
			return err
		}
	}
	h.valBuf = encodeGroup(h.valBuf[:0], g)
	h.st.Put(h.keyBuf, h.valBuf)
	return nil
}

// appendOut adds the output row vals+res with op, emitting the chunk first when it is full.
func (h *HashAgg) appendOut(op types.Op, vals, res []types.Datum) error {
	if h.outBuf.Len() >= types.MaxChunkRows {
		if err := h.emit(); err != nil {
			return err
		}
	}
	r := append(append(h.outRow[:0], vals...), res...)
	h.outRow = r
	h.outBuf.Append(op, r)
	return nil
}

// emit sends the pending output chunk downstream; the chunk is reused (the receiver copies).
func (h *HashAgg) emit() error {
	if err := h.out.Emit(h.outBuf); err != nil {
		return fmt.Errorf("hashagg: emit: %w", err)
	}
	h.outBuf.Reset()
	return nil
}

func sameRow(a, b []types.Datum) bool {
	for i := range a {
		if !sameDatum(a[i], b[i]) {
			return false
		}
	}
	return true
}
