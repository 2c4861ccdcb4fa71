package pgwire

import (
	"encoding/binary"
	"math"
	"time"
	"unicode/utf8"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// PostgreSQL counts dates and timestamps from 2000-01-01; Runnel's datums count from 1970-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1000000
)

// appendBinary appends d in PostgreSQL's binary format for type t (the column's declared type, which
// is what the client decodes by). The caller writes the length prefix; d is not NULL.
func appendBinary(buf []byte, t types.Type, d types.Datum) ([]byte, error) {
	if t.IsArray() {
		return appendArrayBinary(buf, t.Elem(), d)
	}
	switch t {
	case types.Bool:
		if d.Bool() {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case types.Int16:
		return binary.BigEndian.AppendUint16(buf, uint16(d.Int())), nil
	case types.Int32:
		return binary.BigEndian.AppendUint32(buf, uint32(d.Int())), nil
	case types.Int64:
		return binary.BigEndian.AppendUint64(buf, uint64(d.Int())), nil
	case types.Oid, types.Regclass, types.Regtype:
		return binary.BigEndian.AppendUint32(buf, uint32(d.Int())), nil
	case types.Float32:
		return binary.BigEndian.AppendUint32(buf, math.Float32bits(float32(d.Float()))), nil
	case types.Float64:
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(d.Float())), nil
	case types.Numeric:
		if d.Type() != types.Numeric {
			return buf, mismatch(t, d)
		}
		return appendNumericBinary(buf, d.Numeric()), nil
	case types.Varchar, types.Name, types.Bytea, types.Unknown:
		return append(buf, d.Str()...), nil
	case types.Char:
		// "char" is one byte on the wire; an empty value is a zero byte, as in PostgreSQL.
		if s := d.Str(); s != "" {
			return append(buf, s[0]), nil
		}
		return append(buf, 0), nil
	case types.Jsonb:
		return append(append(buf, 1), d.Str()...), nil
	case types.Date:
		return binary.BigEndian.AppendUint32(buf, uint32(dateToWire(d.Int()))), nil
	case types.Time:
		return binary.BigEndian.AppendUint64(buf, uint64(d.Int())), nil
	case types.Timestamp, types.Timestamptz:
		return binary.BigEndian.AppendUint64(buf, uint64(timestampToWire(d.Int()))), nil
	case types.Interval:
		if d.Type() != types.Interval {
			return buf, mismatch(t, d)
		}
		iv := d.IntervalValue()
		buf = binary.BigEndian.AppendUint64(buf, uint64(iv.Micros))
		buf = binary.BigEndian.AppendUint32(buf, uint32(iv.Days))
		return binary.BigEndian.AppendUint32(buf, uint32(iv.Months)), nil
	}
	return buf, pgerr.Unsupported("binary output of type %s is not supported", t)
}

func mismatch(t types.Type, d types.Datum) *pgerr.Error {
	return pgerr.New(pgerr.InternalError, "column of type %s holds a value of type %s", t, d.Type())
}

// Infinite dates and timestamps keep their sentinel values across the epoch shift.
func dateToWire(days int64) int32 {
	switch {
	case days >= math.MaxInt32:
		return math.MaxInt32
	case days <= math.MinInt32:
		return math.MinInt32
	}
	return int32(days - pgEpochDays)
}

func dateFromWire(days int32) int64 {
	if days == math.MaxInt32 || days == math.MinInt32 {
		return int64(days)
	}
	return int64(days) + pgEpochDays
}

func timestampToWire(us int64) int64 {
	if us == math.MaxInt64 || us == math.MinInt64 {
		return us
	}
	return us - pgEpochMicros
}

func timestampFromWire(us int64) int64 {
	if us == math.MaxInt64 || us == math.MinInt64 {
		return us
	}
	return us + pgEpochMicros
}

// appendArrayBinary writes PostgreSQL's array wire format: ndim, has-nulls flag, element OID, then
// (length, lower bound) per dimension and each element with its length (-1 for NULL).
func appendArrayBinary(buf []byte, elem types.Type, d types.Datum) ([]byte, error) {
	if !d.Type().IsArray() {
		return buf, mismatch(types.ArrayOf(elem), d)
	}
	elems := d.Array()
	if len(elems) == 0 {
		buf = binary.BigEndian.AppendUint32(buf, 0)
		buf = binary.BigEndian.AppendUint32(buf, 0)
		return binary.BigEndian.AppendUint32(buf, elem.OID()), nil
	}
	hasNull := uint32(0)
	for _, e := range elems {
		if e.IsNull() {
			hasNull = 1
			break
		}
	}
	buf = binary.BigEndian.AppendUint32(buf, 1)
	buf = binary.BigEndian.AppendUint32(buf, hasNull)
	buf = binary.BigEndian.AppendUint32(buf, elem.OID())
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(elems)))
	buf = binary.BigEndian.AppendUint32(buf, 1)
	for _, e := range elems {
		if e.IsNull() {
			buf = binary.BigEndian.AppendUint32(buf, math.MaxUint32)
			continue
		}
		at := len(buf)
		buf = append(buf, 0, 0, 0, 0)
		var err error
		if buf, err = appendBinary(buf, elem, e); err != nil {
			return buf, err
		}
		binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	return buf, nil
}

// decodeBinary decodes a parameter sent in binary format for a parameter of type t.
func decodeBinary(t types.Type, b []byte, loc *time.Location) (types.Datum, error) {
	if t.IsArray() {
		return decodeArrayBinary(t.Elem(), b, loc)
	}
	switch t {
	case types.Bool:
		if len(b) != 1 {
			return types.NullDatum, badBinary("boolean", "wrong length")
		}
		return types.NewBool(b[0] != 0), nil
	case types.Int16, types.Int32, types.Int64:
		// Accept any integer width the client picked and check the range, as a cast would.
		v, err := decodeInt(b, t.String())
		if err != nil {
			return types.NullDatum, err
		}
		if (t == types.Int16 && v != int64(int16(v))) || (t == types.Int32 && v != int64(int32(v))) {
			return types.NullDatum, pgerr.New(pgerr.NumericValueOutOfRange, "%s out of range", t)
		}
		return types.NewInt(t, v), nil
	case types.Oid, types.Regclass, types.Regtype:
		if len(b) != 4 {
			return types.NullDatum, badBinary(t.String(), "wrong length")
		}
		return types.NewInt(t, int64(binary.BigEndian.Uint32(b))), nil
	case types.Float32, types.Float64:
		switch len(b) {
		case 4:
			return types.NewFloat(t, float64(math.Float32frombits(binary.BigEndian.Uint32(b)))), nil
		case 8:
			return types.NewFloat(t, math.Float64frombits(binary.BigEndian.Uint64(b))), nil
		}
		return types.NullDatum, badBinary(t.String(), "wrong length")
	case types.Numeric:
		n, err := decodeNumericBinary(b)
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewNumeric(n), nil
	case types.Varchar, types.Name, types.Char, types.Unknown:
		if !utf8.Valid(b) {
			return types.NullDatum, pgerr.New("22021", "invalid byte sequence for encoding \"UTF8\"")
		}
		if t == types.Unknown {
			t = types.Varchar
		}
		return types.NewString(t, string(b)), nil
	case types.Bytea:
		return types.NewBytea(b), nil
	case types.Jsonb:
		if len(b) < 1 || b[0] != 1 {
			return types.NullDatum, badBinary("jsonb", "unsupported jsonb version number")
		}
		// Canonicalise through the text parser: the datum holds jsonb's output form.
		return types.ParseText(types.Jsonb, string(b[1:]), loc)
	case types.Date:
		if len(b) != 4 {
			return types.NullDatum, badBinary("date", "wrong length")
		}
		return types.NewDate(dateFromWire(int32(binary.BigEndian.Uint32(b)))), nil
	case types.Time:
		if len(b) != 8 {
			return types.NullDatum, badBinary("time", "wrong length")
		}
		return types.NewTime(int64(binary.BigEndian.Uint64(b))), nil
	case types.Timestamp, types.Timestamptz:
		if len(b) != 8 {
			return types.NullDatum, badBinary(t.String(), "wrong length")
		}
		us := timestampFromWire(int64(binary.BigEndian.Uint64(b)))
		if t == types.Timestamp {
			return types.NewTimestamp(us), nil
		}
		return types.NewTimestamptz(us), nil
	case types.Interval:
		if len(b) != 16 {
			return types.NullDatum, badBinary("interval", "wrong length")
		}
		return types.NewInterval(types.IntervalValue{
			Micros: int64(binary.BigEndian.Uint64(b)),
			Days:   int32(binary.BigEndian.Uint32(b[8:])),
			Months: int32(binary.BigEndian.Uint32(b[12:])),
		}), nil
	}
	return types.NullDatum, pgerr.Unsupported("binary input of type %s is not supported", t)
}

func decodeInt(b []byte, name string) (int64, error) {
	switch len(b) {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case 4:
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case 8:
		return int64(binary.BigEndian.Uint64(b)), nil
	}
	return 0, badBinary(name, "wrong length")
}

func decodeArrayBinary(elem types.Type, b []byte, loc *time.Location) (types.Datum, error) {
	name := types.ArrayOf(elem).String()
	if len(b) < 12 {
		return types.NullDatum, badBinary(name, "message too short")
	}
	ndim := int32(binary.BigEndian.Uint32(b))
	elemOID := binary.BigEndian.Uint32(b[8:])
	b = b[12:]
	if ndim == 0 {
		return types.NewArray(elem, []types.Datum{}), nil
	}
	if ndim != 1 {
		return types.NullDatum, pgerr.Unsupported("multidimensional arrays are not supported")
	}
	// The element OID tells us how the client encoded the elements (int4 elements for an int8[]
	// parameter, text for varchar[]...); decode by it when we know it, and relabel to elem.
	wireElem := elem
	if et, ok := types.FromOID(elemOID); ok && !et.IsArray() && et != elem {
		if !sameRepresentation(et, elem) {
			return types.NullDatum, badBinary(name, "wrong element type "+et.String())
		}
		wireElem = et
	}
	if len(b) < 8 {
		return types.NullDatum, badBinary(name, "message too short")
	}
	n := int32(binary.BigEndian.Uint32(b))
	b = b[8:] // the lower bound does not survive into a Datum
	if n < 0 || int(n) > len(b)/4 {
		return types.NullDatum, badBinary(name, "invalid array length")
	}
	elems := make([]types.Datum, n)
	for i := range elems {
		if len(b) < 4 {
			return types.NullDatum, badBinary(name, "message too short")
		}
		l := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if l == -1 {
			continue
		}
		if l < 0 || int(l) > len(b) {
			return types.NullDatum, badBinary(name, "invalid element length")
		}
		e, err := decodeBinary(wireElem, b[:l], loc)
		if err != nil {
			return types.NullDatum, err
		}
		if wireElem != elem {
			e = relabel(e, elem)
		}
		elems[i] = e
		b = b[l:]
	}
	if len(b) != 0 {
		return types.NullDatum, badBinary(name, "trailing bytes")
	}
	return types.NewArray(elem, elems), nil
}

func sameRepresentation(a, b types.Type) bool {
	isInt := func(t types.Type) bool { return t.IsInteger() || t == types.Oid }
	isFloat := func(t types.Type) bool { return t == types.Float32 || t == types.Float64 }
	return (isInt(a) && isInt(b)) || (a.IsString() && b.IsString()) || (isFloat(a) && isFloat(b))
}

// relabel gives a decoded element the declared element type when both share a representation.
func relabel(d types.Datum, t types.Type) types.Datum {
	switch {
	case d.Type().IsInteger() && (t.IsInteger() || t == types.Oid):
		return d.WithType(t)
	case d.Type().IsString() && t.IsString():
		return d.WithType(t)
	case (d.Type() == types.Float32 || d.Type() == types.Float64) && (t == types.Float32 || t == types.Float64):
		return types.NewFloat(t, d.Float())
	}
	return d
}
