package stream

import (
	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/types"
)

// SortKey is one ORDER BY key over an operator's input columns. NullsFirst is explicit (the planner
// resolves PostgreSQL's default: NULLS LAST for ASC, NULLS FIRST for DESC), so every combination of
// direction and NULL placement is expressible.
type SortKey struct {
	Col        int
	Desc       bool
	NullsFirst bool
}

// Markers placed before each sort key value. codec.AppendKey ties NULL placement to the direction
// (last ascending, first descending); a leading marker byte decides NULL placement on its own, so
// the value bytes after it only ever order non-NULL values.
const (
	sortNullFirst byte = 0x00
	sortValue     byte = 0x01
	sortNullLast  byte = 0x02
)

// AppendSortKey appends the memcomparable encoding of d under k: bytes.Compare of two encodings
// orders the datums as ORDER BY k would (types.Compare, except jsonb, whose key order is
// deterministic but not jsonb's order). Encodings of several keys concatenate.
func AppendSortKey(buf []byte, d types.Datum, k SortKey) []byte {
	if d.IsNull() {
		if k.NullsFirst {
			return append(buf, sortNullFirst)
		}
		return append(buf, sortNullLast)
	}
	buf = append(buf, sortValue)
	return codec.AppendKey(buf, d, k.Desc)
}
