package stream

import (
	"encoding/binary"
	"fmt"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/types"
)

// Push folds a chunk's changes into the dirty groups' states and the sorted keyspaces. Nothing is
// emitted before Flush.
func (h *HashAgg) Push(_ int, c *types.Chunk) error {
	for i, n := 0, c.Len(); i < n; i++ {
		sign := int64(1)
		if !c.Op(i).IsInsert() {
			sign = -1
		}
		g, err := h.group(c, i)
		if err != nil {
			return err
		}
		g.count += sign
		for a := range h.aggs {
			if err := h.apply(g, a, c, i, sign); err != nil {
				return fmt.Errorf("hashagg: %s: %w", h.aggs[a].Func.Name, err)
			}
		}
	}
	return nil
}

// apply adds (sign 1) or retracts (sign -1) row i of c to aggregate a of g. h.keyBuf holds the
// row's group key.
func (h *HashAgg) apply(g *aggGroup, a int, c *types.Chunk, i int, sign int64) error {
	spec := &h.aggs[a]
	if spec.Filter >= 0 {
		if f := c.Cols[spec.Filter][i]; f.IsNull() || !f.Bool() {
			return nil
		}
	}
	args := h.args[:0]
	for _, col := range spec.Args {
		args = append(args, c.Cols[col][i])
	}
	h.args = args
	st := g.states[a]
	switch spec.kind {
	case kindPlain:
		if sign > 0 {
			return st.Add(args)
		}
		return st.Retract(args)

	case kindDistinct:
		for _, d := range args {
			if d.IsNull() {
				return nil // every retractable aggregate skips NULL inputs
			}
		}
		h.entBuf = h.entryPrefix(spec)
		for _, d := range args {
			h.entBuf = codec.AppendKey(h.entBuf, d, false)
		}
		n, err := h.bumpSlot(h.entBuf, spec.slot, spec.slots, sign)
		if err != nil {
			return err
		}
		switch {
		case sign > 0 && n == 1:
			return st.Add(args)
		case sign < 0 && n == 0:
			return st.Retract(args)
		}
		return nil

	case kindExtreme:
		v := args[0]
		if v.IsNull() {
			return nil
		}
		h.entBuf = codec.AppendKey(h.entryPrefix(spec), v, false)
		if sign > 0 && !g.rescan[a] && beyond(v, st.Result(), spec.max) {
			// The state holds the range's extreme, so a value past it is not in the range: write
			// its entry blind. Rising event times make this max's common case.
			h.valBuf = codec.AppendRow(binary.AppendVarint(h.valBuf[:0], 1), args)
			h.st.Put(h.entBuf, h.valBuf)
			return st.Add(args)
		}
		n, err := h.bump(h.entBuf, sign, args)
		if err != nil {
			return err
		}
		if sign > 0 {
			return st.Add(args)
		}
		if n == 0 && !g.rescan[a] && types.Compare(v, st.Result()) == 0 {
			g.rescan[a] = true
		}
		return nil

	case kindList:
		if !spec.keepNulls && args[0].IsNull() {
			return nil // string_agg skips NULL values; array_agg keeps them
		}
		h.entBuf = h.entryPrefix(spec)
		for _, k := range spec.OrderBy {
			h.entBuf = AppendSortKey(h.entBuf, c.Cols[k.Col][i], k)
		}
		for _, d := range args {
			h.entBuf = codec.AppendKey(h.entBuf, d, false)
		}
		if _, err := h.bump(h.entBuf, sign, args); err != nil {
			return err
		}
		g.rescan[a] = true
	}
	return nil
}

// beyond reports whether v lies strictly past the extreme cur (NULL: an empty range).
func beyond(v, cur types.Datum, max bool) bool {
	if cur.IsNull() {
		return true
	}
	c := types.Compare(v, cur)
	return (max && c > 0) || (!max && c < 0)
}
