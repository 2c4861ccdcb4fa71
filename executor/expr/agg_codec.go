package expr

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/types"
)

// Aggregate states persist between epochs as bytes. The format is private to this package (states are
// only ever read back by the same aggregate): varints, raw float bits, length-prefixed strings, and
// datums as a type byte plus their value.

var errBadState = errors.New("expr: corrupt aggregate state")

type stateReader struct {
	b   []byte
	err error
}

func (r *stateReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadState
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) str() string {
	n := r.varint()
	if r.err != nil || n < 0 || int64(len(r.b)) < n {
		r.err = errBadState
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *stateReader) byte1() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errBadState
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func putStr(buf []byte, s string) []byte {
	buf = binary.AppendVarint(buf, int64(len(s)))
	return append(buf, s...)
}

func putNum(buf []byte, d *apd.Decimal) []byte {
	if d == nil {
		return putStr(buf, "")
	}
	return putStr(buf, d.Text('E'))
}

func (r *stateReader) num() *apd.Decimal {
	s := r.str()
	if r.err != nil || s == "" {
		return nil
	}
	d, _, err := apd.NewFromString(s)
	if err != nil {
		r.err = errBadState
	}
	return d
}

func encodeDatum(buf []byte, d types.Datum) []byte {
	t := d.Type()
	buf = append(buf, byte(t))
	if d.IsNull() {
		return buf
	}
	if t.IsArray() {
		arr := d.Array()
		buf = binary.AppendVarint(buf, int64(len(arr)))
		for _, e := range arr {
			buf = encodeDatum(buf, e)
		}
		return buf
	}
	switch t {
	case types.Float32, types.Float64:
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(d.Float()))
	case types.Numeric:
		return putNum(buf, d.Numeric())
	case types.Interval:
		iv := d.IntervalValue()
		buf = binary.AppendVarint(buf, int64(iv.Months))
		buf = binary.AppendVarint(buf, int64(iv.Days))
		return binary.AppendVarint(buf, iv.Micros)
	case types.Varchar, types.Name, types.Char, types.Bytea, types.Jsonb:
		return putStr(buf, d.Str())
	}
	return binary.AppendVarint(buf, d.Int())
}

func (r *stateReader) datum() types.Datum {
	t := types.Type(r.byte1())
	if r.err != nil || t == types.Unknown {
		return types.NullDatum
	}
	if t.IsArray() {
		n := r.varint()
		if n < 0 || n > int64(len(r.b)) {
			r.err = errBadState
			return types.NullDatum
		}
		arr := make([]types.Datum, n)
		for i := range arr {
			arr[i] = r.datum()
		}
		return types.NewArray(t.Elem(), arr)
	}
	switch t {
	case types.Float32, types.Float64:
		if len(r.b) < 8 {
			r.err = errBadState
			return types.NullDatum
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
		r.b = r.b[8:]
		return types.NewFloat(t, f)
	case types.Numeric:
		return types.NewNumeric(r.num())
	case types.Interval:
		m, d, us := r.varint(), r.varint(), r.varint()
		return types.NewInterval(types.IntervalValue{Months: int32(m), Days: int32(d), Micros: us})
	case types.Varchar, types.Name, types.Char:
		return types.NewString(t, r.str())
	case types.Bytea:
		return types.NewBytea([]byte(r.str()))
	case types.Jsonb:
		return types.NewJsonb(r.str())
	case types.Bool:
		return types.NewBool(r.varint() != 0)
	}
	return types.NewInt(t, r.varint())
}

func floatBits(f float64) uint64 { return math.Float64bits(f) }

func (r *stateReader) float() float64 {
	if r.err != nil || len(r.b) < 8 {
		r.err = errBadState
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return f
}

func sqrtF(v float64) float64 { return math.Sqrt(v) }

func (r *stateReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadState
		return 0
	}
	r.b = r.b[n:]
	return v
}
