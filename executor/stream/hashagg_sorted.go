package stream

import (
	"encoding/binary"
	"fmt"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// entryPrefix returns h.entBuf reset to aggregate spec's keyspace prefix plus the current row's
// group key (from h.keyBuf).
func (h *HashAgg) entryPrefix(spec *aggSpec) []byte {
	b := append(h.entBuf[:0], spec.prefix)
	return append(b, h.keyBuf[1:]...)
}

// bump changes the count of the keyspace entry at key by sign and returns the new count. A new
// entry's value also keeps row, the exact inputs (nil for distinct-count entries, whose key is all
// that is read back). A count reaching 0 deletes the entry.
func (h *HashAgg) bump(key []byte, sign int64, row []types.Datum) (int64, error) {
	v, ok, err := h.st.Get(key)
	if err != nil {
		return 0, fmt.Errorf("read input entry: %w", err)
	}
	var n int64
	var rest []byte
	if ok {
		var k int
		if n, k = binary.Varint(v); k <= 0 {
			return 0, fmt.Errorf("corrupt input entry %x", v)
		}
		rest = v[k:]
	}
	n += sign
	switch {
	case n < 0:
		return 0, fmt.Errorf("retraction of an input that was never added")
	case n == 0:
		h.st.Delete(key)
		return 0, nil
	}
	// rest aliases the table's buffer: copy it out before Put.
	buf := binary.AppendVarint(h.valBuf[:0], n)
	if ok {
		buf = append(buf, rest...)
	} else if row != nil {
		buf = codec.AppendRow(buf, row)
	}
	h.valBuf = buf
	h.st.Put(key, buf)
	return n, nil
}

// bumpSlot adds sign to count slot of the slots counts kept at key (a shared DISTINCT entry) and
// returns it; the entry goes when every count is 0.
func (h *HashAgg) bumpSlot(key []byte, slot, slots int, sign int64) (int64, error) {
	v, ok, err := h.st.Get(key)
	if err != nil {
		return 0, fmt.Errorf("read input entry: %w", err)
	}
	counts := h.counts[:0]
	for i := 0; i < slots; i++ {
		var n int64
		if ok {
			var k int
			if n, k = binary.Varint(v); k <= 0 {
				return 0, fmt.Errorf("corrupt distinct entry %x", v)
			}
			v = v[k:]
		}
		counts = append(counts, n)
	}
	h.counts = counts
	if h.appendOnly && sign > 0 && counts[slot] > 0 {
		return counts[slot] + 1, nil // seen before: nothing to change (see SetAppendOnly)
	}
	n := counts[slot] + sign
	if n < 0 {
		return 0, fmt.Errorf("retraction of an input that was never added")
	}
	counts[slot] = n
	buf, live := h.valBuf[:0], false
	for _, c := range counts {
		buf = binary.AppendVarint(buf, c)
		live = live || c != 0
	}
	h.valBuf = buf
	if live {
		h.st.Put(key, buf)
	} else {
		h.st.Delete(key)
	}
	return n, nil
}

// rebuild recomputes sorted aggregate a of g from its keyspace range: the first or last entry for
// min/max, every entry in key order for string_agg/array_agg (each once when DISTINCT, else as
// many times as it was added).
func (h *HashAgg) rebuild(g *aggGroup, a int) error {
	spec := &h.aggs[a]
	st := g.states[a]
	if err := st.Decode(spec.empty); err != nil {
		return fmt.Errorf("reset state: %w", err)
	}
	lo := append(append(h.entBuf[:0], spec.prefix), g.key...)
	h.entBuf = lo
	it := h.st.Iter(lo, storage.PrefixEnd(lo))
	var ok bool
	switch {
	case spec.kind == kindExtreme && spec.max:
		ok = it.Last()
	default:
		ok = it.First()
	}
	for ; ok; ok = it.Next() {
		n, row, err := h.decodeEntry(spec, it.Value())
		if err != nil {
			_ = it.Close()
			return err
		}
		if spec.kind == kindExtreme || spec.Distinct {
			n = 1
		}
		for ; n > 0; n-- {
			if err := st.Add(row); err != nil {
				_ = it.Close()
				return err
			}
		}
		if spec.kind == kindExtreme {
			break
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("scan inputs: %w", err)
	}
	return nil
}

// decodeEntry splits a sorted entry's value into its count and inputs.
func (h *HashAgg) decodeEntry(spec *aggSpec, v []byte) (int64, []types.Datum, error) {
	n, k := binary.Varint(v)
	if k <= 0 {
		return 0, nil, fmt.Errorf("corrupt input entry %x", v)
	}
	row, err := codec.DecodeRow(v[k:], spec.argTypes, h.decoded)
	if err != nil {
		return 0, nil, fmt.Errorf("decode input entry: %w", err)
	}
	h.decoded = row
	return n, row, nil
}
