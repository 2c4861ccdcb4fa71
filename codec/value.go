package codec

import (
	"encoding/binary"
	"math"
	"math/big"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/types"
)

// Row value encoding. The schema is not stored; the reader supplies the column types:
//
//	uvarint column count, then a NULL bitmap of ceil(count/8) bytes (bit set = NULL), then each
//	non-NULL column:
//	bool                 1 byte
//	smallint/int/bigint  zigzag varint
//	oid, regclass, ...   uvarint
//	real / double        4 / 8 bytes, little-endian IEEE bits (exact, keeps -0 and NaN payloads)
//	numeric              see appendNumericValue
//	date                 zigzag varint
//	time, timestamp(tz)  8 bytes little-endian
//	interval             zigzag varints: months, days, microseconds
//	text types, bytea,   uvarint length, bytes
//	jsonb
//	arrays               uvarint count, NULL bitmap, elements as above
//
// A value written with fewer columns than the reader's schema decodes the missing trailing columns
// as NULL, which is what ALTER TABLE ADD COLUMN needs.

// AppendRow appends the value encoding of r, using each datum's own type.
func AppendRow(buf []byte, r types.Row) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(r)))
	buf = appendNullBitmap(buf, r)
	for _, d := range r {
		if !d.IsNull() {
			buf = appendValue(buf, d)
		}
	}
	return buf
}

func appendNullBitmap(buf []byte, r []types.Datum) []byte {
	for i := 0; i < len(r); i += 8 {
		var b byte
		for j := i; j < i+8 && j < len(r); j++ {
			if r[j].IsNull() {
				b |= 1 << (j - i)
			}
		}
		buf = append(buf, b)
	}
	return buf
}

func appendValue(buf []byte, d types.Datum) []byte {
	t := d.Type()
	if t.IsArray() {
		elems := d.Array()
		buf = binary.AppendUvarint(buf, uint64(len(elems)))
		buf = appendNullBitmap(buf, elems)
		for _, e := range elems {
			if !e.IsNull() {
				buf = appendValue(buf, e)
			}
		}
		return buf
	}
	switch t {
	case types.Bool:
		if d.Bool() {
			return append(buf, 1)
		}
		return append(buf, 0)
	case types.Int16, types.Int32, types.Int64, types.Date:
		return binary.AppendVarint(buf, d.Int())
	case types.Oid, types.Regclass, types.Regtype:
		return binary.AppendUvarint(buf, uint64(d.Int()))
	case types.Float32:
		return binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(d.Float())))
	case types.Float64:
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(d.Float()))
	case types.Time, types.Timestamp, types.Timestamptz:
		return binary.LittleEndian.AppendUint64(buf, uint64(d.Int()))
	case types.Numeric:
		return appendNumericValue(buf, d.Numeric())
	case types.Varchar, types.Name, types.Char, types.Bytea, types.Jsonb:
		s := d.Str()
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		return append(buf, s...)
	case types.Interval:
		v := d.IntervalValue()
		buf = binary.AppendVarint(buf, int64(v.Months))
		buf = binary.AppendVarint(buf, int64(v.Days))
		return binary.AppendVarint(buf, v.Micros)
	}
	panic("codec: no value encoding for type " + t.String())
}

// Numeric values keep their exact coefficient and exponent (so the scale survives): a header byte,
// then for finite values the exponent as a zigzag varint and the coefficient as a uvarint when it
// fits in 64 bits, otherwise as length-prefixed big-endian bytes.
const (
	numValFinite   = 0x00
	numValNaN      = 0x01
	numValInfinite = 0x02
	numValNegative = 0x04
	numValBig      = 0x08
)

func appendNumericValue(buf []byte, d *apd.Decimal) []byte {
	var h byte
	if d.Negative {
		h |= numValNegative
	}
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, h|numValNaN)
	case apd.Infinite:
		return append(buf, h|numValInfinite)
	}
	if d.Coeff.IsUint64() {
		buf = append(buf, h)
		buf = binary.AppendVarint(buf, int64(d.Exponent))
		return binary.AppendUvarint(buf, d.Coeff.Uint64())
	}
	buf = append(buf, h|numValBig)
	buf = binary.AppendVarint(buf, int64(d.Exponent))
	b := d.Coeff.MathBigInt().Bytes()
	buf = binary.AppendUvarint(buf, uint64(len(b)))
	return append(buf, b...)
}

// DecodeRow decodes a value written by AppendRow whose columns have types ts, reusing dst's backing
// array. Columns beyond the encoded count are NULL. It does not allocate for rows of fixed-size
// types; a row with variable-length values (strings, bytea, jsonb, numeric, arrays) costs one
// allocation: the values alias one immutable copy of buf, so the row stays valid whatever happens
// to buf afterwards (storage iterators and caches reuse their buffers).
func DecodeRow(buf []byte, ts []types.Type, dst types.Row) (types.Row, error) {
	for _, t := range ts {
		if aliasesBuf(t) {
			if len(buf) > 0 {
				s := string(buf)
				buf = unsafe.Slice(unsafe.StringData(s), len(s))
			}
			break
		}
	}
	dst = dst[:0]
	n64, k := binary.Uvarint(buf)
	if k <= 0 {
		return dst, errCorrupt("row")
	}
	n := int(n64)
	pos := k
	nb := (n + 7) / 8
	if len(buf) < pos+nb {
		return dst, errCorrupt("row")
	}
	bitmap := buf[pos : pos+nb]
	pos += nb
	for i, t := range ts {
		if i >= n || bitmap[i>>3]&(1<<(i&7)) != 0 {
			dst = append(dst, types.NullDatum)
			continue
		}
		d, m, err := decodeValue(buf[pos:], t)
		if err != nil {
			return dst, err
		}
		dst = append(dst, d)
		pos += m
	}
	return dst, nil
}

func decodeValue(b []byte, t types.Type) (types.Datum, int, error) {
	if t.IsArray() {
		return decodeArrayValue(b, t)
	}
	switch t {
	case types.Bool:
		if len(b) < 1 {
			break
		}
		return types.NewBool(b[0] != 0), 1, nil
	case types.Int16, types.Int32, types.Int64, types.Date:
		v, k := binary.Varint(b)
		if k <= 0 {
			break
		}
		return types.NewInt(t, v), k, nil
	case types.Oid, types.Regclass, types.Regtype:
		v, k := binary.Uvarint(b)
		if k <= 0 {
			break
		}
		return types.NewInt(t, int64(v)), k, nil
	case types.Float32:
		if len(b) < 4 {
			break
		}
		return types.NewFloat(t, float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))), 4, nil
	case types.Float64:
		if len(b) < 8 {
			break
		}
		return types.NewFloat64(math.Float64frombits(binary.LittleEndian.Uint64(b))), 8, nil
	case types.Time, types.Timestamp, types.Timestamptz:
		if len(b) < 8 {
			break
		}
		return types.NewInt(t, int64(binary.LittleEndian.Uint64(b))), 8, nil
	case types.Numeric:
		d, k, ok := decodeNumericValue(b)
		if !ok {
			break
		}
		return types.NewNumeric(d), k, nil
	case types.Varchar, types.Name, types.Char, types.Bytea, types.Jsonb:
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			break
		}
		return types.NewString(t, aliasString(b[k:k+int(l)])), k + int(l), nil
	case types.Interval:
		m, k1 := binary.Varint(b)
		if k1 <= 0 {
			break
		}
		d, k2 := binary.Varint(b[k1:])
		if k2 <= 0 {
			break
		}
		u, k3 := binary.Varint(b[k1+k2:])
		if k3 <= 0 {
			break
		}
		return types.NewInterval(types.IntervalValue{Months: int32(m), Days: int32(d), Micros: u}), k1 + k2 + k3, nil
	}
	return types.NullDatum, 0, errCorrupt(t.String() + " value")
}

// aliasString views b as a string without copying; see DecodeRow for the aliasing contract.
func aliasString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func decodeArrayValue(b []byte, t types.Type) (types.Datum, int, error) {
	n64, k := binary.Uvarint(b)
	if k <= 0 || n64 > uint64(len(b)) {
		return types.NullDatum, 0, errCorrupt("array value")
	}
	n := int(n64)
	nb := (n + 7) / 8
	if len(b) < k+nb {
		return types.NullDatum, 0, errCorrupt("array value")
	}
	bitmap := b[k : k+nb]
	pos := k + nb
	elems := make([]types.Datum, n)
	for i := range elems {
		if bitmap[i>>3]&(1<<(i&7)) != 0 {
			continue
		}
		d, m, err := decodeValue(b[pos:], t.Elem())
		if err != nil {
			return types.NullDatum, 0, err
		}
		elems[i] = d
		pos += m
	}
	return types.NewArray(t.Elem(), elems), pos, nil
}

func decodeNumericValue(b []byte) (*apd.Decimal, int, bool) {
	if len(b) < 1 {
		return nil, 0, false
	}
	h := b[0]
	d := new(apd.Decimal)
	d.Negative = h&numValNegative != 0
	switch {
	case h&numValNaN != 0:
		d.Form = apd.NaN
		return d, 1, true
	case h&numValInfinite != 0:
		d.Form = apd.Infinite
		return d, 1, true
	}
	e, k1 := binary.Varint(b[1:])
	if k1 <= 0 {
		return nil, 0, false
	}
	d.Exponent = int32(e)
	pos := 1 + k1
	if h&numValBig == 0 {
		c, k2 := binary.Uvarint(b[pos:])
		if k2 <= 0 {
			return nil, 0, false
		}
		d.Coeff.SetUint64(c)
		return d, pos + k2, true
	}
	l, k2 := binary.Uvarint(b[pos:])
	if k2 <= 0 || uint64(len(b)-pos-k2) < l {
		return nil, 0, false
	}
	pos += k2
	d.Coeff.SetMathBigInt(new(big.Int).SetBytes(b[pos : pos+int(l)]))
	return d, pos + int(l), true
}

// aliasesBuf reports whether decoded values of type t would point into the buffer: strings do;
// numerics do not (their coefficient is copied into the decimal), so rows of numbers need no copy.
func aliasesBuf(t types.Type) bool {
	switch t.Elem() {
	case types.Varchar, types.Name, types.Char, types.Bytea, types.Jsonb, types.Unknown:
		return true
	}
	return false
}
