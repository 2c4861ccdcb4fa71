package codec

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

const (
	keyValue  = 0x01
	keyNull   = 0x02
	arrayEnd  = 0x00
	escape    = 0x00
	escaped00 = 0xFF
	strEnd    = 0x01
)

// AppendKey appends the memcomparable encoding of d: for datums a and b of one type,
// bytes.Compare(AppendKey(nil, a, desc), AppendKey(nil, b, desc)) has the sign of types.Compare(a, b)
// (reversed when desc), with NULL last ascending and first descending. Keys of several columns
// concatenate. jsonb keys are deterministic but not in jsonb order (see the package comment).
func AppendKey(buf []byte, d types.Datum, desc bool) []byte {
	start := len(buf)
	buf = appendKeyAsc(buf, d)
	if desc {
		for i := start; i < len(buf); i++ {
			buf[i] = ^buf[i]
		}
	}
	return buf
}

func appendKeyAsc(buf []byte, d types.Datum) []byte {
	if d.IsNull() {
		return append(buf, keyNull)
	}
	buf = append(buf, keyValue)
	t := d.Type()
	if t.IsArray() {
		for _, e := range d.Array() {
			buf = appendKeyAsc(buf, e)
		}
		return append(buf, arrayEnd)
	}
	switch t {
	case types.Bool:
		if d.Bool() {
			return append(buf, 1)
		}
		return append(buf, 0)
	case types.Int16:
		return binary.BigEndian.AppendUint16(buf, uint16(d.Int())^1<<15)
	case types.Int32, types.Date:
		return binary.BigEndian.AppendUint32(buf, uint32(d.Int())^1<<31)
	case types.Int64, types.Time, types.Timestamp, types.Timestamptz:
		return binary.BigEndian.AppendUint64(buf, uint64(d.Int())^1<<63)
	case types.Oid, types.Regclass, types.Regtype:
		return binary.BigEndian.AppendUint32(buf, uint32(d.Int()))
	case types.Float32:
		return binary.BigEndian.AppendUint32(buf, float32Key(float32(d.Float())))
	case types.Float64:
		return binary.BigEndian.AppendUint64(buf, float64Key(d.Float()))
	case types.Numeric:
		return appendNumericKey(buf, d.Numeric())
	case types.Varchar, types.Name, types.Char, types.Bytea, types.Jsonb:
		return appendStringKey(buf, d.Str())
	case types.Interval:
		hi, lo := intervalLength(d.IntervalValue())
		buf = binary.BigEndian.AppendUint64(buf, uint64(hi)^1<<63)
		return binary.BigEndian.AppendUint64(buf, lo)
	}
	panic("codec: no key encoding for type " + t.String())
}

// float64Key maps a float to an unsigned integer of the same order: positives get the sign bit set,
// negatives are inverted so that larger magnitudes sort lower.
func float64Key(f float64) uint64 {
	switch {
	case f == 0:
		f = 0 // -0 == 0
	case f != f:
		return math.MaxUint64 // NaN above +Inf, all NaNs equal
	}
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

func float32Key(f float32) uint32 {
	switch {
	case f == 0:
		f = 0
	case f != f:
		return math.MaxUint32
	}
	b := math.Float32bits(f)
	if b&(1<<31) != 0 {
		return ^b
	}
	return b | 1<<31
}

func appendStringKey(buf []byte, s string) []byte {
	for {
		i := indexZero(s)
		if i < 0 {
			buf = append(buf, s...)
			return append(buf, escape, strEnd)
		}
		buf = append(buf, s[:i]...)
		buf = append(buf, escape, escaped00)
		s = s[i+1:]
	}
}

func indexZero(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}

// intervalLength is the interval's comparison value, as types.Compare uses it: microseconds with a
// month as 30 days, in 128 bits.
func intervalLength(v types.IntervalValue) (hi int64, lo uint64) {
	days := int64(v.Months)*types.DaysPerMonth + int64(v.Days)
	// days*MicrosPerDay + Micros, computed as a signed 128-bit sum.
	dhi, dlo := mul64x64(days, types.MicrosPerDay)
	mhi := int64(0)
	if v.Micros < 0 {
		mhi = -1
	}
	lo = dlo + uint64(v.Micros)
	carry := int64(0)
	if lo < dlo {
		carry = 1
	}
	return dhi + mhi + carry, lo
}

// mul64x64 multiplies a signed value by a positive constant into a signed 128-bit result.
func mul64x64(a int64, b uint64) (hi int64, lo uint64) {
	neg := a < 0
	ua := uint64(a)
	if neg {
		ua = -ua
	}
	h, l := bits.Mul64(ua, b)
	if neg {
		l = ^l + 1
		h = ^h
		if l == 0 {
			h++
		}
	}
	return int64(h), l
}

func errCorrupt(what string) error {
	return pgerr.New("XX001", "codec: corrupt %s encoding", what)
}
