package types

import (
	"math"
	"math/bits"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Compare orders two datums: negative when a < b, zero when equal, positive when a > b. NULL sorts
// after every value (ASC NULLS LAST) and equals NULL. Within a family the order is PostgreSQL's:
// integers of any width (and oids) by value; floats with -0 = 0 and NaN above everything, equal to
// itself; numeric by value (1.50 = 1.5); strings and bytea bytewise (the C collation); intervals by
// their 30-day-month length ('1 mon' = '30 days'); jsonb by jsonb's ordering; arrays element by
// element, then by length. Integers, floats and numeric also compare across families by value; other
// mixes of types fall back to ordering by type.
func Compare(a, b Datum) int {
	if a.t == Unknown || b.t == Unknown {
		switch {
		case a.t == b.t:
			return 0
		case a.t == Unknown:
			return 1
		}
		return -1
	}
	if a.t != b.t {
		return compareMixed(a, b)
	}
	if a.t.IsArray() {
		return compareArrays(a.Array(), b.Array())
	}
	switch a.t {
	case Bool, Int16, Int32, Int64, Oid, Regclass, Regtype, Date, Time, Timestamp, Timestamptz:
		return cmpInt(a.i, b.i)
	case Float32, Float64:
		return CompareFloat(a.Float(), b.Float())
	case Numeric:
		return CompareNumeric(a.Numeric(), b.Numeric())
	case Varchar, Name, Char, Bytea:
		return strings.Compare(a.s, b.s)
	case Interval:
		return cmpInterval(a.IntervalValue(), b.IntervalValue())
	case Jsonb:
		return compareJsonb(a.s, b.s)
	}
	return 0
}

// Equal reports whether Compare(a, b) == 0: grouping and DISTINCT equality, where NULLs are equal.
func Equal(a, b Datum) bool {
	if a.t == b.t {
		switch a.t {
		case Unknown:
			return true
		case Bool, Int16, Int32, Int64, Oid, Regclass, Regtype, Date, Time, Timestamp, Timestamptz:
			return a.i == b.i
		case Varchar, Name, Char, Bytea:
			return a.s == b.s
		}
	}
	return Compare(a, b) == 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareFloat is float8_cmp: NaN sorts above every other value and equals NaN; -0 equals 0.
func CompareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	}
	return -1
}

// CompareNumeric orders numerics as numeric_cmp: -Infinity < finite < Infinity < NaN, NaN = NaN.
func CompareNumeric(a, b *apd.Decimal) int {
	an, bn := a.Form == apd.NaN || a.Form == apd.NaNSignaling, b.Form == apd.NaN || b.Form == apd.NaNSignaling
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return a.Cmp(b)
}

// intervalKey is interval_cmp_value: the interval's length in microseconds with a month as 30 days,
// as a 128-bit integer because it can exceed int64.
func intervalKey(v IntervalValue) (hi int64, lo uint64) {
	days := int64(v.Months)*DaysPerMonth + int64(v.Days)
	// days * MicrosPerDay fits in 128 bits; add micros with carry.
	phi, plo := bits.Mul64(uint64(abs64(days)), MicrosPerDay)
	if days < 0 {
		plo = ^plo + 1
		phi = ^phi
		if plo == 0 {
			phi++
		}
	}
	mlo := uint64(v.Micros)
	mhi := uint64(0)
	if v.Micros < 0 {
		mhi = math.MaxUint64
	}
	lo, carry := bits.Add64(plo, mlo, 0)
	h, _ := bits.Add64(phi, mhi, carry)
	return int64(h), lo
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func cmpInterval(a, b IntervalValue) int {
	ah, al := intervalKey(a)
	bh, bl := intervalKey(b)
	if ah != bh {
		return cmpInt(ah, bh)
	}
	switch {
	case al < bl:
		return -1
	case al > bl:
		return 1
	}
	return 0
}

// compareArrays is array_cmp for one dimension: element by element (NULL elements sort last), then
// the shorter array first.
func compareArrays(a, b []Datum) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}

// family groups types that PostgreSQL compares with each other without an explicit cast.
func family(t Type) int {
	switch t {
	case Int16, Int32, Int64, Oid, Regclass, Regtype:
		return 1
	case Float32, Float64:
		return 2
	case Numeric:
		return 3
	case Varchar, Name, Char:
		return 4
	case Date, Timestamp, Timestamptz:
		return 5
	}
	return 100 + int(t)
}

func compareMixed(a, b Datum) int {
	fa, fb := family(a.t), family(b.t)
	switch {
	case fa == fb && fa == 1:
		return cmpInt(a.i, b.i)
	case fa == fb && fa == 2:
		return CompareFloat(a.Float(), b.Float())
	case fa == fb && fa == 4:
		return strings.Compare(a.s, b.s)
	case fa == fb && fa == 5:
		return cmpInt(asTimestamp(a), asTimestamp(b))
	case fa <= 3 && fb <= 3:
		return compareNumbers(a, b)
	}
	return cmpInt(int64(fa), int64(fb))
}

// asTimestamp widens a date to midnight of that date so dates and timestamps compare as PostgreSQL's
// cross-type operators do (timestamptz is taken as UTC).
func asTimestamp(d Datum) int64 {
	if d.t != Date {
		return d.i
	}
	switch d.i {
	case DateInfinity:
		return TimestampInfinity
	case DateNegInfinity:
		return TimestampNegInfinity
	}
	return d.i * MicrosPerDay
}

// compareNumbers compares an integer, float or numeric with one of another family by value.
func compareNumbers(a, b Datum) int {
	if a.t.IsInteger() || family(a.t) == 1 {
		if family(b.t) == 2 {
			return -cmpFloatInt(b.Float(), a.i)
		}
	}
	if family(a.t) == 2 && family(b.t) == 1 {
		return cmpFloatInt(a.Float(), b.i)
	}
	var x, y apd.Decimal
	return CompareNumeric(toDecimal(a, &x), toDecimal(b, &y))
}

// cmpFloatInt compares without rounding the integer to float64 when it is large.
func cmpFloatInt(f float64, i int64) int {
	if math.IsNaN(f) {
		return 1
	}
	if f >= -(1<<63) && f < 1<<63 {
		t := int64(f)
		if t != i {
			return cmpInt(t, i)
		}
		return CompareFloat(f, float64(t))
	}
	if f > 0 {
		return 1
	}
	return -1
}

func toDecimal(d Datum, scratch *apd.Decimal) *apd.Decimal {
	switch family(d.t) {
	case 1:
		return scratch.SetInt64(d.i)
	case 2:
		f := d.Float()
		switch {
		case math.IsNaN(f):
			scratch.Form = apd.NaN
		case math.IsInf(f, 0):
			scratch.Form, scratch.Negative = apd.Infinite, f < 0
		default:
			scratch.SetFloat64(f)
		}
		return scratch
	}
	return d.Numeric()
}
