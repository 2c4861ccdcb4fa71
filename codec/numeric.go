package codec

import (
	"encoding/binary"
	"math/bits"

	"github.com/cockroachdb/apd/v3"
)

// Numeric key encoding. A finite nonzero value is written as 0.d1d2d3... x 10^E with d1 != 0 and no
// trailing zero digits, which makes the representation unique (1.50 and 1.5 both become 0.15 x 10^1):
//
//	-Infinity  0x01
//	negative   0x02, ^(E as a sign-flipped int32), ^digit bytes, 0xFF
//	zero       0x03
//	positive   0x04, E as a sign-flipped int32, digit bytes, 0x00
//	+Infinity  0x05
//	NaN        0x06 (numeric sorts NaN above everything)
//
// Digits go two per byte as base-100 values plus one (0x01..0x64), the last pair padded with a zero
// digit, so the 0x00 terminator sorts below any further digits: a shorter mantissa with the same
// prefix is the smaller magnitude. For negatives everything after the tag is inverted, reversing the
// order of magnitudes. This is CockroachDB's scheme in spirit, with a fixed-width exponent.
const (
	numNegInf = 0x01
	numNeg    = 0x02
	numZero   = 0x03
	numPos    = 0x04
	numPosInf = 0x05
	numNaN    = 0x06
)

func appendNumericKey(buf []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, numNaN)
	case apd.Infinite:
		if d.Negative {
			return append(buf, numNegInf)
		}
		return append(buf, numPosInf)
	}
	if d.Coeff.Sign() == 0 {
		return append(buf, numZero)
	}
	var scratch [40]byte
	digits := d.Coeff.Append(scratch[:0], 10)
	e := int64(d.Exponent) + int64(len(digits)) // value = 0.digits x 10^e
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	var mask byte
	tag := byte(numPos)
	if d.Negative {
		mask, tag = 0xFF, numNeg
	}
	buf = append(buf, tag)
	buf = binary.BigEndian.AppendUint32(buf, (uint32(int32(e))^1<<31)^uint32(mask)*0x01010101)
	for i := 0; i < len(digits); i += 2 {
		v := (digits[i] - '0') * 10
		if i+1 < len(digits) {
			v += digits[i+1] - '0'
		}
		buf = append(buf, (v+1)^mask)
	}
	return append(buf, mask)
}

// decodeNumericKey reads what appendNumericKey wrote (bytes xor outer), returning the byte count.
func decodeNumericKey(b []byte, outer byte) (*apd.Decimal, int, error) {
	if len(b) == 0 {
		return nil, 0, errCorrupt("numeric key")
	}
	d := new(apd.Decimal)
	switch b[0] ^ outer {
	case numNaN:
		d.Form = apd.NaN
		return d, 1, nil
	case numNegInf:
		d.Form, d.Negative = apd.Infinite, true
		return d, 1, nil
	case numPosInf:
		d.Form = apd.Infinite
		return d, 1, nil
	case numZero:
		return d, 1, nil
	case numPos, numNeg:
	default:
		return nil, 0, errCorrupt("numeric key")
	}
	mask := outer
	if b[0]^outer == numNeg {
		mask ^= 0xFF
		d.Negative = true
	}
	if len(b) < 5 {
		return nil, 0, errCorrupt("numeric key")
	}
	e := int64(int32(binary.BigEndian.Uint32(b[1:]) ^ uint32(mask)*0x01010101 ^ 1<<31))
	var small uint64 // the coefficient while it fits in 64 bits
	var big *apd.BigInt
	ndigits := int64(0)
	last := uint64(0)
	i := 5
	for ; ; i++ {
		if i >= len(b) {
			return nil, 0, errCorrupt("numeric key")
		}
		c := b[i] ^ mask
		if c == 0 {
			break
		}
		v := uint64(c - 1)
		last = v
		ndigits += 2
		if big == nil {
			hi, lo := bits.Mul64(small, 100)
			lo, carry := bits.Add64(lo, v, 0)
			if hi == 0 && carry == 0 {
				small = lo
				continue
			}
			big = new(apd.BigInt).SetUint64(small)
		}
		big.Mul(big, apd.NewBigInt(100))
		big.Add(big, apd.NewBigInt(int64(v)))
	}
	// Trailing zero digits were stripped before encoding, so a last pair ending in 0 was padded:
	// drop the pad to restore the smallest scale that holds the value.
	if last%10 == 0 {
		ndigits--
		if big != nil {
			big.Quo(big, apd.NewBigInt(10))
		} else {
			small /= 10
		}
	}
	if big != nil {
		d.Coeff.Set(big)
	} else {
		d.Coeff.SetUint64(small)
	}
	d.Exponent = int32(e - ndigits)
	if d.Exponent > 0 {
		// numeric has no negative scale: write 100, not 1E+2.
		var p apd.BigInt
		p.Exp(apd.NewBigInt(10), apd.NewBigInt(int64(d.Exponent)), nil)
		d.Coeff.Mul(&d.Coeff, &p)
		d.Exponent = 0
	}
	return d, i + 1, nil
}
