package codec

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/runnel-db/runnel/types"
)

// DecodeKey decodes one datum of type t from the front of buf, which AppendKey wrote with the same
// desc, and returns it with the rest of buf. The datum is Equal to the encoded one, though not always
// identical (see the package comment). Strings are copied, so the result does not alias buf.
func DecodeKey(buf []byte, t types.Type, desc bool) (types.Datum, []byte, error) {
	var mask byte
	if desc {
		mask = 0xFF
	}
	d, n, err := decodeKey(buf, t, mask)
	if err != nil {
		return types.NullDatum, buf, err
	}
	return d, buf[n:], nil
}

// decodeKey reads with every byte xor mask, so descending keys decode without an inverted copy.
func decodeKey(buf []byte, t types.Type, mask byte) (types.Datum, int, error) {
	if len(buf) == 0 {
		return types.NullDatum, 0, errCorrupt("key")
	}
	switch buf[0] ^ mask {
	case keyNull:
		return types.NullDatum, 1, nil
	case keyValue:
	default:
		return types.NullDatum, 0, errCorrupt("key")
	}
	b := buf[1:]
	if t.IsArray() {
		var elems []types.Datum
		n := 1
		for {
			if len(buf) <= n {
				return types.NullDatum, 0, errCorrupt("array key")
			}
			if buf[n]^mask == arrayEnd {
				return types.NewArray(t.Elem(), elems), n + 1, nil
			}
			e, m, err := decodeKey(buf[n:], t.Elem(), mask)
			if err != nil {
				return types.NullDatum, 0, err
			}
			elems = append(elems, e)
			n += m
		}
	}
	size := fixedKeySize(t)
	if size > 0 && len(b) < size {
		return types.NullDatum, 0, errCorrupt(t.String() + " key")
	}
	switch t {
	case types.Bool:
		return types.NewBool(b[0]^mask != 0), 2, nil
	case types.Int16:
		return types.NewInt(t, int64(int16(be16(b, mask)^1<<15))), 3, nil
	case types.Int32, types.Date:
		return types.NewInt(t, int64(int32(be32(b, mask)^1<<31))), 5, nil
	case types.Int64, types.Time, types.Timestamp, types.Timestamptz:
		return types.NewInt(t, int64(be64(b, mask)^1<<63)), 9, nil
	case types.Oid, types.Regclass, types.Regtype:
		return types.NewInt(t, int64(be32(b, mask))), 5, nil
	case types.Float32:
		return types.NewFloat(t, float64(float32FromKey(be32(b, mask)))), 5, nil
	case types.Float64:
		return types.NewFloat64(float64FromKey(be64(b, mask))), 9, nil
	case types.Interval:
		hi := int64(be64(b, mask) ^ 1<<63)
		lo := be64(b[8:], mask)
		return types.NewInterval(intervalFromLength(hi, lo)), 17, nil
	case types.Numeric:
		v, n, err := decodeNumericKey(b, mask)
		if err != nil {
			return types.NullDatum, 0, err
		}
		return types.NewNumeric(v), n + 1, nil
	case types.Varchar, types.Name, types.Char, types.Bytea, types.Jsonb:
		s, n, err := decodeStringKey(b, mask)
		if err != nil {
			return types.NullDatum, 0, err
		}
		return types.NewString(t, s), n + 1, nil
	}
	return types.NullDatum, 0, errCorrupt(t.String() + " key")
}

func fixedKeySize(t types.Type) int {
	switch t {
	case types.Bool:
		return 1
	case types.Int16:
		return 2
	case types.Int32, types.Date, types.Oid, types.Regclass, types.Regtype, types.Float32:
		return 4
	case types.Int64, types.Time, types.Timestamp, types.Timestamptz, types.Float64:
		return 8
	case types.Interval:
		return 16
	}
	return 0
}

// The mask is a byte; widen it to the word being read.
func be16(b []byte, mask byte) uint16 {
	return binary.BigEndian.Uint16(b) ^ uint16(mask)*0x0101
}

func be32(b []byte, mask byte) uint32 {
	return binary.BigEndian.Uint32(b) ^ uint32(mask)*0x01010101
}

func be64(b []byte, mask byte) uint64 {
	return binary.BigEndian.Uint64(b) ^ uint64(mask)*0x0101010101010101
}

func float64FromKey(k uint64) float64 {
	if k == math.MaxUint64 {
		return math.NaN()
	}
	if k&(1<<63) != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

func float32FromKey(k uint32) float32 {
	if k == math.MaxUint32 {
		return float32(math.NaN())
	}
	if k&(1<<31) != 0 {
		return math.Float32frombits(k &^ (1 << 31))
	}
	return math.Float32frombits(^k)
}

// intervalFromLength rebuilds an interval from its length as days and microseconds, falling back to
// 30-day months when the days do not fit in 32 bits.
func intervalFromLength(hi int64, lo uint64) types.IntervalValue {
	neg := hi < 0
	uh, ul := uint64(hi), lo
	if neg {
		ul = ^ul + 1
		uh = ^uh
		if ul == 0 {
			uh++
		}
	}
	// The magnitude is below 2^64 * MicrosPerDay, so the quotient by MicrosPerDay fits in 64 bits.
	q, r := bits.Div64(uh, ul, types.MicrosPerDay)
	days, micros := int64(q), int64(r)
	if neg {
		days, micros = -days, -micros
	}
	v := types.IntervalValue{Micros: micros}
	if days > math.MaxInt32 || days < math.MinInt32 {
		months := days / types.DaysPerMonth
		months = max(min(months, math.MaxInt32), math.MinInt32)
		days -= months * types.DaysPerMonth
		v.Months = int32(months)
	}
	v.Days = int32(days)
	return v
}

func decodeStringKey(b []byte, mask byte) (string, int, error) {
	// Fast path: no escaped zero bytes, so the body is one run.
	for i := 0; i+1 < len(b); i++ {
		if b[i]^mask != escape {
			continue
		}
		if b[i+1]^mask == strEnd {
			out := make([]byte, i)
			for k := range out {
				out[k] = b[k] ^ mask
			}
			return string(out), i + 2, nil
		}
		break
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		c := b[i] ^ mask
		if c != escape {
			out = append(out, c)
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch b[i+1] ^ mask {
		case strEnd:
			return string(out), i + 2, nil
		case escaped00:
			out = append(out, 0)
			i++
		default:
			return "", 0, errCorrupt("string key")
		}
	}
	return "", 0, errCorrupt("string key")
}
