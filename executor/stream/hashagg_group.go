package stream

import (
	"encoding/binary"
	"fmt"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/types"
)

// aggGroup is a group touched in the current epoch. Groups are pooled across epochs, so their
// slices and states are allocated once per pool slot, not per group.
type aggGroup struct {
	key  string        // memcomparable group key, no prefix
	vals []types.Datum // the group-by values, for output rows
	// existed says the group's 0x00 entry was in the state when the epoch first touched it: its
	// row is downstream, and old holds that row's aggregate values.
	existed bool
	count   int64 // hidden row count, current
	old     []types.Datum
	states  []expr.AggState
	// rescan marks the sorted aggregates whose cached state no longer follows the inputs: a list
	// aggregate changed, or an extreme lost its last copy.
	rescan []bool
}

// group returns the dirty group of input row i, loading it from the state on its first touch in
// the epoch. h.keyBuf holds 0x00 + the group key afterwards.
func (h *HashAgg) group(c *types.Chunk, i int) (*aggGroup, error) {
	h.keyBuf = append(h.keyBuf[:0], groupPrefix)
	for _, col := range h.groupBy {
		h.keyBuf = codec.AppendKey(h.keyBuf, c.Cols[col][i], false)
	}
	gk := h.keyBuf[1:]
	if g := h.last; g != nil && g.key == string(gk) {
		return g, nil
	}
	if idx, ok := h.dirty[string(gk)]; ok {
		h.last = h.groups[idx]
		return h.last, nil
	}
	g, err := h.load()
	if err != nil {
		return nil, err
	}
	for _, col := range h.groupBy {
		g.vals = append(g.vals, c.Cols[col][i])
	}
	h.last = g
	return g, nil
}

// load takes a pool slot for the group whose key is in h.keyBuf and fills it from the state.
func (h *HashAgg) load() (*aggGroup, error) {
	if h.ndirty == len(h.groups) {
		g := &aggGroup{
			old:    make([]types.Datum, len(h.aggs)),
			states: make([]expr.AggState, len(h.aggs)),
			rescan: make([]bool, len(h.aggs)),
		}
		for a := range h.aggs {
			g.states[a] = h.aggs[a].Func.NewState()
		}
		h.groups = append(h.groups, g)
	}
	g := h.groups[h.ndirty]
	g.key = string(h.keyBuf[1:])
	g.vals = g.vals[:0]
	clear(g.rescan)
	v, ok, err := h.st.Get(h.keyBuf)
	if err != nil {
		return nil, fmt.Errorf("hashagg: read group: %w", err)
	}
	g.existed = ok
	if err := h.decodeGroup(g, v); err != nil {
		return nil, err
	}
	for a, s := range g.states {
		g.old[a] = s.Result()
	}
	h.dirty[g.key] = int32(h.ndirty)
	h.ndirty++
	return g, nil
}

// decodeGroup sets g's count and states from a 0x00 value (nil: an empty group).
func (h *HashAgg) decodeGroup(g *aggGroup, v []byte) error {
	if v == nil {
		g.count = 0
		for a, s := range g.states {
			if err := s.Decode(h.aggs[a].empty); err != nil {
				return fmt.Errorf("hashagg: reset %s state: %w", h.aggs[a].Func.Name, err)
			}
		}
		return nil
	}
	n, k := binary.Varint(v)
	if k <= 0 {
		return fmt.Errorf("hashagg: corrupt group value %x", v)
	}
	g.count = n
	v = v[k:]
	for a, s := range g.states {
		l, k := binary.Uvarint(v)
		if k <= 0 || uint64(len(v)-k) < l {
			return fmt.Errorf("hashagg: corrupt %s state in group value", h.aggs[a].Func.Name)
		}
		if err := s.Decode(v[k : k+int(l)]); err != nil {
			return fmt.Errorf("hashagg: decode %s state: %w", h.aggs[a].Func.Name, err)
		}
		v = v[k+int(l):]
	}
	return nil
}

// encodeGroup appends g's 0x00 value to buf.
func encodeGroup(buf []byte, g *aggGroup) []byte {
	buf = binary.AppendVarint(buf, g.count)
	for _, s := range g.states {
		// Reserve one length byte, the usual size, and shift when the state is longer.
		at := len(buf)
		buf = append(buf, 0)
		buf = s.Encode(buf)
		l := uint64(len(buf) - at - 1)
		if l < 0x80 {
			buf[at] = byte(l)
			continue
		}
		var lb [binary.MaxVarintLen64]byte
		n := binary.PutUvarint(lb[:], l)
		buf = append(buf, lb[:n-1]...)
		copy(buf[at+n:], buf[at+1:at+1+int(l)])
		copy(buf[at:], lb[:n])
	}
	return buf
}

// sameDatum reports whether a and b would print alike: stricter than types.Equal, which calls 1.5
// and 1.50 equal. An update whose row is the same is not emitted.
func sameDatum(a, b types.Datum) bool {
	t := a.Type()
	if t != b.Type() {
		return false
	}
	if a.IsNull() {
		return true
	}
	if t.IsArray() {
		x, y := a.Array(), b.Array()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameDatum(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	switch t {
	case types.Numeric:
		x, y := a.Numeric(), b.Numeric()
		return x.Form == y.Form && x.Negative == y.Negative && x.Exponent == y.Exponent && x.Coeff.Cmp(&y.Coeff) == 0
	case types.Interval:
		return a.IntervalValue() == b.IntervalValue()
	case types.Varchar, types.Name, types.Char, types.Bytea, types.Jsonb:
		return a.Str() == b.Str()
	}
	return a.Int() == b.Int() // Float bits live in Int's field too
}
