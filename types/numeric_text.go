package types

import (
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// appendNumeric follows numeric_out: plain digits, never an exponent, with the value's scale kept
// ("1.50"), NaN, Infinity and -Infinity; there is no negative zero.
func appendNumeric(buf []byte, d *apd.Decimal) []byte {
	if d.Form == apd.Finite && d.Negative && d.Coeff.Sign() == 0 {
		neg := *d
		neg.Negative = false
		return neg.Append(buf, 'f')
	}
	if d.Form == apd.NaN || d.Form == apd.NaNSignaling {
		return append(buf, "NaN"...)
	}
	return d.Append(buf, 'f')
}

// parseNumeric follows numeric_in (PostgreSQL 15): optional sign, digits with an optional point,
// an optional exponent, NaN and [+-]Infinity/inf in any case, surrounding white space. The scale of
// the result is the number of digits after the point less the exponent, never negative, so '1e2'
// reads as 100 and '1.50' keeps its two decimals.
func parseNumeric(s string) (Datum, error) {
	v := trimSpace(s)
	switch strings.ToLower(v) {
	case "nan":
		return NewNumeric(&apd.Decimal{Form: apd.NaN}), nil
	case "infinity", "+infinity", "inf", "+inf":
		return NewNumeric(&apd.Decimal{Form: apd.Infinite}), nil
	case "-infinity", "-inf":
		return NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: true}), nil
	}
	if !validNumericSyntax(v) {
		return NullDatum, errSyntax(Numeric, s)
	}
	d := new(apd.Decimal)
	if _, _, err := d.SetString(v); err != nil || d.Form != apd.Finite {
		return NullDatum, errSyntax(Numeric, s)
	}
	if d.Exponent > 0 {
		// numeric has no negative scale: 1e2 is stored as 100.
		var c apd.BigInt
		c.Exp(apd.NewBigInt(10), apd.NewBigInt(int64(d.Exponent)), nil)
		d.Coeff.Mul(&d.Coeff, &c)
		d.Exponent = 0
	}
	if d.Coeff.Sign() == 0 {
		d.Negative = false
	}
	return NewNumeric(d), nil
}

// validNumericSyntax accepts [+-]digits[.digits][e[+-]digits] with at least one mantissa digit; apd
// alone would also accept forms PostgreSQL rejects (such as "Inf" spelled differently or "sNaN").
func validNumericSyntax(v string) bool {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
		digits++
	}
	if i < len(v) && v[i] == '.' {
		i++
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		ed := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
			ed++
		}
		if ed == 0 {
			return false
		}
	}
	return i == len(v)
}
