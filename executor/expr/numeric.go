package expr

import (
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// decCtx does exact arithmetic: PostgreSQL's numeric add, subtract and multiply never round.
var decCtx = func() *apd.Context {
	c := apd.BaseContext
	c.Rounding = apd.RoundHalfUp // half away from zero, as PostgreSQL's round_var
	return &c
}()

// truncCtx computes quotients to a working precision; they are then rounded once to the result scale,
// so truncating here never double-rounds.
func workCtx(prec uint32) *apd.Context {
	c := *decCtx
	c.Precision = prec
	c.Rounding = apd.RoundDown
	return &c
}

var errNumericOverflow = pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")

func numOf(v int64) *apd.Decimal { return apd.New(v, 0) }

// dscale is numeric's display scale: the digits kept after the decimal point.
func dscale(d *apd.Decimal) int32 {
	if d.Exponent < 0 {
		return -d.Exponent
	}
	return 0
}

// roundScale rounds d half away from zero to s digits after the point (s may be negative).
func roundScale(d *apd.Decimal, s int32) (*apd.Decimal, error) {
	r := new(apd.Decimal)
	if d.Form != apd.Finite {
		return r.Set(d), nil
	}
	// Quantize needs room for every digit of the result, plus one for a rounding carry.
	c := *decCtx
	c.Precision = uint32(max(d.NumDigits()+int64(d.Exponent)+int64(s)+1, 1))
	if _, err := c.Quantize(r, d, -s); err != nil {
		return nil, errNumericOverflow
	}
	return r, nil
}

// nbaseFirst returns the weight and value of the first non-zero base-10000 digit of |d|, as
// PostgreSQL's NumericVar stores it; select_div_scale decides the quotient's scale from them.
func nbaseFirst(d *apd.Decimal) (weight int, first int) {
	if d.IsZero() || d.Form != apd.Finite {
		return 0, 0
	}
	digits := d.Coeff.String()
	adj := int(d.Exponent) + len(digits) - 1 // power of ten of the leading digit
	w := floorDiv(adj, 4)
	n := adj - 4*w + 1 // decimal digits in the leading group
	v := 0
	for i := range n {
		v *= 10
		if i < len(digits) {
			v += int(digits[i] - '0')
		}
	}
	return w, v
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// divScale is PostgreSQL's select_div_scale: at least 16 significant digits, and no fewer decimals
// than either input shows.
func divScale(a, b *apd.Decimal) int32 {
	w1, f1 := nbaseFirst(a)
	w2, f2 := nbaseFirst(b)
	qw := w1 - w2
	if f1 <= f2 {
		qw--
	}
	rs := 16 - qw*4
	rs = max(rs, int(dscale(a)), int(dscale(b)), 0)
	return int32(min(rs, 1000))
}

// numDiv divides with PostgreSQL's result scale.
func numDiv(a, b *apd.Decimal) (*apd.Decimal, error) {
	if b.IsZero() {
		return nil, errDivZero
	}
	if a.Form == apd.NaN || b.Form == apd.NaN {
		return &apd.Decimal{Form: apd.NaN}, nil
	}
	return numDivScale(a, b, divScale(a, b))
}

func numDivScale(a, b *apd.Decimal, rs int32) (*apd.Decimal, error) {
	// Digits needed: the integer digits of the quotient plus rs, plus guard digits.
	intDigits := (a.NumDigits() + int64(a.Exponent)) - (b.NumDigits() + int64(b.Exponent)) + 2
	prec := max(intDigits, 1) + int64(rs) + 3
	q := new(apd.Decimal)
	if _, err := workCtx(uint32(prec)).Quo(q, a, b); err != nil {
		return nil, errNumericOverflow
	}
	return roundScale(q, rs)
}

// numMod is PostgreSQL's numeric %: the remainder of truncating division, with the sign of a.
func numMod(a, b *apd.Decimal) (*apd.Decimal, error) {
	if b.IsZero() {
		return nil, errDivZero
	}
	q := new(apd.Decimal)
	c := workCtx(uint32(a.NumDigits() + int64(max(a.Exponent, 0)) + int64(dscale(b)) + 10))
	if _, err := c.QuoInteger(q, a, b); err != nil {
		return nil, errNumericOverflow
	}
	m := new(apd.Decimal)
	decCtx.Mul(m, q, b)
	r := new(apd.Decimal)
	decCtx.Sub(r, a, m)
	return r, nil
}

// numToInt rounds half away from zero and checks t's range.
func numToInt(d *apd.Decimal, t types.Type) (int64, error) {
	if d.Form != apd.Finite {
		return 0, pgerr.New(pgerr.FeatureNotSupported, "cannot convert NaN to %s", t)
	}
	r, err := roundScale(d, 0)
	if err != nil {
		return 0, intRangeErr(t)
	}
	v, err := r.Int64()
	if err != nil {
		return 0, intRangeErr(t)
	}
	return checkIntRange(v, t)
}

func numToFloat(d *apd.Decimal) float64 {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return math.NaN()
	case apd.Infinite:
		if d.Negative {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	f, _ := strconv.ParseFloat(d.Text('E'), 64)
	return f
}

// floatToNum converts as PostgreSQL's float8_numeric does: through the value printed with DBL_DIG (15)
// significant digits (FLT_DIG, 6, for real), so 0.1::float8::numeric is 0.1.
func floatToNum(f float64, t types.Type) (*apd.Decimal, error) {
	if math.IsNaN(f) {
		return &apd.Decimal{Form: apd.NaN}, nil
	}
	if math.IsInf(f, 0) {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot convert infinity to numeric")
	}
	digits := 15
	if t == types.Float32 {
		digits = 6
	}
	d, _, err := apd.NewFromString(strconv.FormatFloat(f, 'g', digits, 64))
	if err != nil {
		return nil, err
	}
	// %g drops trailing zeros but may leave an exponent; PG's numeric shows plain digits.
	if d.Exponent > 0 {
		d.Reduce(d)
		r := new(apd.Decimal)
		decCtx.Quantize(r, d, 0)
		return r, nil
	}
	return d, nil
}

func numAdd(a, b *apd.Decimal) *apd.Decimal {
	r := new(apd.Decimal)
	decCtx.Add(r, a, b)
	return r
}

func numSub(a, b *apd.Decimal) *apd.Decimal {
	r := new(apd.Decimal)
	decCtx.Sub(r, a, b)
	return r
}

func numMul(a, b *apd.Decimal) *apd.Decimal {
	r := new(apd.Decimal)
	decCtx.Mul(r, a, b)
	return r
}

// apdDecimal lets files that only need the type avoid importing apd.
type apdDecimal = apd.Decimal
