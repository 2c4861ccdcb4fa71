package types

import (
	"math"

	"github.com/cockroachdb/apd/v3"
)

// Datum is one SQL value. It is a small struct rather than an interface so that vectors of datums need
// no allocation per value for the common types: integers, floats, booleans and times live in i, strings
// in s, and only numeric, interval and array values point to the heap through x.
//
// Encoding by type:
//   - Bool: i is 0 or 1
//   - Int16, Int32, Int64, Oid, Regclass, Regtype: i
//   - Float32, Float64: i holds math.Float64bits of the value (a Float32 is stored widened)
//   - Numeric: x is *apd.Decimal (never mutated after construction)
//   - Varchar, Name, Char, Bytea: s (bytes for Bytea)
//   - Jsonb: s holds the value's canonical text (PostgreSQL's jsonb output form)
//   - Date: i is days since 1970-01-01
//   - Time: i is microseconds since midnight
//   - Timestamp: i is microseconds since 1970-01-01 00:00:00 (wall clock, no zone)
//   - Timestamptz: i is microseconds since the Unix epoch (UTC)
//   - Interval: x is IntervalValue (by value)
//   - arrays: x is []Datum
//
// The zero Datum is NULL.
type Datum struct {
	t Type // Unknown means NULL
	i int64
	s string
	x any
}

// IntervalValue is PostgreSQL's interval: months, days and microseconds are kept apart because a month and
// a day have no fixed length.
type IntervalValue struct {
	Months int32
	Days   int32
	Micros int64
}

// NullDatum is the SQL NULL.
var NullDatum = Datum{}

// IsNull reports whether d is NULL.
func (d Datum) IsNull() bool { return d.t == Unknown }

// Type returns the datum's type, Unknown for NULL.
func (d Datum) Type() Type { return d.t }

// NewBool returns a boolean datum.
func NewBool(b bool) Datum {
	if b {
		return Datum{t: Bool, i: 1}
	}
	return Datum{t: Bool}
}

// NewInt returns an integer datum of type t (Int16, Int32, Int64, Oid, Regclass, Regtype).
func NewInt(t Type, v int64) Datum { return Datum{t: t, i: v} }

// NewInt64 returns a bigint datum.
func NewInt64(v int64) Datum { return Datum{t: Int64, i: v} }

// NewInt32 returns an integer datum.
func NewInt32(v int32) Datum { return Datum{t: Int32, i: int64(v)} }

// NewFloat returns a floating-point datum of type t (Float32 or Float64).
func NewFloat(t Type, v float64) Datum {
	if t == Float32 {
		v = float64(float32(v))
	}
	return Datum{t: t, i: int64(math.Float64bits(v))}
}

// NewFloat64 returns a double precision datum.
func NewFloat64(v float64) Datum { return Datum{t: Float64, i: int64(math.Float64bits(v))} }

// NewNumeric returns a numeric datum. The caller must not modify v afterwards.
func NewNumeric(v *apd.Decimal) Datum { return Datum{t: Numeric, x: v} }

// NewString returns a datum of a text type (Varchar, Name, Char).
func NewString(t Type, s string) Datum { return Datum{t: t, s: s} }

// NewVarchar returns a varchar datum.
func NewVarchar(s string) Datum { return Datum{t: Varchar, s: s} }

// NewBytea returns a bytea datum.
func NewBytea(b []byte) Datum { return Datum{t: Bytea, s: string(b)} }

// NewJsonb returns a jsonb datum from its canonical text. Use ParseJsonb for text of unknown form.
func NewJsonb(canonical string) Datum { return Datum{t: Jsonb, s: canonical} }

// NewDate returns a date datum from days since 1970-01-01.
func NewDate(days int64) Datum { return Datum{t: Date, i: days} }

// NewTime returns a time datum from microseconds since midnight.
func NewTime(micros int64) Datum { return Datum{t: Time, i: micros} }

// NewTimestamp returns a timestamp (without time zone) datum from microseconds since 1970-01-01.
func NewTimestamp(micros int64) Datum { return Datum{t: Timestamp, i: micros} }

// NewTimestamptz returns a timestamptz datum from microseconds since the Unix epoch.
func NewTimestamptz(micros int64) Datum { return Datum{t: Timestamptz, i: micros} }

// NewInterval returns an interval datum.
func NewInterval(v IntervalValue) Datum { return Datum{t: Interval, x: v} }

// NewArray returns an array datum of element type elem. The caller must not modify elems afterwards.
func NewArray(elem Type, elems []Datum) Datum { return Datum{t: ArrayOf(elem), x: elems} }

// Bool returns the value of a boolean datum.
func (d Datum) Bool() bool { return d.i != 0 }

// Int returns the value of an integer-like datum (also dates, times and timestamps in their units).
func (d Datum) Int() int64 { return d.i }

// Float returns the value of a floating-point datum.
func (d Datum) Float() float64 { return math.Float64frombits(uint64(d.i)) }

// Numeric returns the value of a numeric datum. The result must not be modified.
func (d Datum) Numeric() *apd.Decimal { return d.x.(*apd.Decimal) }

// Str returns the text of a string datum, the bytes of a bytea datum, or the canonical text of jsonb.
func (d Datum) Str() string { return d.s }

// IntervalValue returns the value of an interval datum.
func (d Datum) IntervalValue() IntervalValue { return d.x.(IntervalValue) }

// Array returns the elements of an array datum. The result must not be modified.
func (d Datum) Array() []Datum {
	if d.x == nil {
		return nil
	}
	return d.x.([]Datum)
}

// WithType returns d relabelled as type t, for types that share a representation (varchar and name,
// int and oid). It does not convert; use a cast for that.
func (d Datum) WithType(t Type) Datum {
	if d.t == Unknown {
		return d
	}
	d.t = t
	return d
}

// Row is one row of datums, in column order.
type Row []Datum

// Copy returns a copy of r that shares no backing array with it.
func (r Row) Copy() Row { return append(Row(nil), r...) }
