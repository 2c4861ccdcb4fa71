package pgwire

import (
	"encoding/binary"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/pgerr"
)

// PostgreSQL's numeric wire format: ndigits, weight, sign, dscale (int16 each), then ndigits base-10000
// digits. weight is the power of 10000 of the first digit; dscale is the display scale.
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

func appendNumericBinary(buf []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return appendNumericHeader(buf, 0, 0, numericNaN, 0)
	case apd.Infinite:
		if d.Negative {
			return appendNumericHeader(buf, 0, 0, numericNInf, 0)
		}
		return appendNumericHeader(buf, 0, 0, numericPInf, 0)
	}
	var scratch [48]byte
	digits := d.Coeff.Append(scratch[:0], 10)
	exp := int(d.Exponent)
	dscale := 0
	if exp > 0 {
		for range exp {
			digits = append(digits, '0')
		}
		exp = 0
	} else {
		dscale = -exp
	}
	// Pad the fraction on the right and the integer part on the left to whole base-10000 digits.
	frac := dscale
	for frac%4 != 0 {
		digits = append(digits, '0')
		frac++
	}
	intLen := len(digits) - frac
	lead := 0
	if intLen < 0 {
		lead = -intLen
	} else if intLen%4 != 0 {
		lead = 4 - intLen%4
	}
	if lead > 0 {
		digits = append([]byte(strings.Repeat("0", lead)), digits...)
		intLen += lead
	}
	groups := make([]int16, 0, len(digits)/4)
	for i := 0; i < len(digits); i += 4 {
		g := int16(0)
		for _, c := range digits[i : i+4] {
			g = g*10 + int16(c-'0')
		}
		groups = append(groups, g)
	}
	weight := intLen/4 - 1
	for len(groups) > 0 && groups[0] == 0 {
		groups = groups[1:]
		weight--
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	sign := uint16(numericPos)
	if len(groups) == 0 {
		weight = 0
	} else if d.Negative {
		sign = numericNeg
	}
	buf = appendNumericHeader(buf, len(groups), weight, sign, dscale)
	for _, g := range groups {
		buf = binary.BigEndian.AppendUint16(buf, uint16(g))
	}
	return buf
}

func appendNumericHeader(buf []byte, ndigits, weight int, sign uint16, dscale int) []byte {
	buf = binary.BigEndian.AppendUint16(buf, uint16(ndigits))
	buf = binary.BigEndian.AppendUint16(buf, uint16(int16(weight)))
	buf = binary.BigEndian.AppendUint16(buf, sign)
	return binary.BigEndian.AppendUint16(buf, uint16(dscale))
}

func decodeNumericBinary(b []byte) (*apd.Decimal, error) {
	if len(b) < 8 {
		return nil, badBinary("numeric", "message too short")
	}
	ndigits := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	switch sign {
	case numericNaN:
		return &apd.Decimal{Form: apd.NaN}, nil
	case numericPInf:
		return &apd.Decimal{Form: apd.Infinite}, nil
	case numericNInf:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	case numericPos, numericNeg:
	default:
		return nil, badBinary("numeric", "invalid sign")
	}
	if len(b) != 8+2*ndigits || dscale > 0x3FFF {
		return nil, badBinary("numeric", "invalid length")
	}
	digits := make([]byte, 0, 4*ndigits+dscale)
	for i := range ndigits {
		g := binary.BigEndian.Uint16(b[8+2*i:])
		if g >= 10000 {
			return nil, badBinary("numeric", "invalid digit")
		}
		digits = append(digits, byte('0'+g/1000), byte('0'+g/100%10), byte('0'+g/10%10), byte('0'+g%10))
	}
	// The last digit stands for 10000^(weight-ndigits+1).
	exp := 4 * (weight - ndigits + 1)
	for exp > -dscale {
		digits = append(digits, '0')
		exp--
	}
	// Digits beyond dscale are zero in anything PostgreSQL sends; drop them to honour dscale.
	for exp < -dscale && len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if len(digits) == 0 {
		digits = append(digits, '0')
	}
	var coeff apd.BigInt
	if _, ok := coeff.SetString(string(digits), 10); !ok {
		return nil, badBinary("numeric", "invalid digits")
	}
	d := apd.NewWithBigInt(&coeff, int32(exp))
	d.Negative = sign == numericNeg && coeff.Sign() != 0
	return d, nil
}

func badBinary(typ, why string) *pgerr.Error {
	return pgerr.New(pgerr.InvalidBinaryRepresentation, "invalid binary data for type %s: %s", typ, why)
}
