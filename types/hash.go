package types

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/cockroachdb/apd/v3"
)

// Hash returns a hash of d consistent with Equal within a type family: integers of every width hash
// alike, -0 and 0 alike, all NaNs alike, 1.50 and 1.5 alike, '1 mon' and '30 days' alike. It is
// deterministic across processes (state placement may depend on it) and does not allocate for
// scalar types.
func Hash(d Datum, seed uint64) uint64 {
	h := seed ^ 0x9e3779b97f4a7c15
	if d.t.IsArray() {
		h = mix(h, uint64(d.t))
		for _, e := range d.Array() {
			h = mix(h, Hash(e, seed))
		}
		return h
	}
	switch d.t {
	case Unknown:
		return mix(h, 0x5bd1e995)
	case Bool, Int16, Int32, Int64, Oid, Regclass, Regtype, Date, Time, Timestamp, Timestamptz:
		return mix(h, uint64(d.i))
	case Float32, Float64:
		f := d.Float()
		switch {
		case f == 0:
			f = 0
		case math.IsNaN(f):
			f = math.NaN()
		}
		return mix(h^2, math.Float64bits(f))
	case Numeric:
		return hashDecimal(h^3, d.Numeric())
	case Varchar, Name, Char, Bytea:
		return hashString(h, d.s)
	case Interval:
		hi, lo := intervalKey(d.IntervalValue())
		return mix(mix(h^4, uint64(hi)), lo)
	case Jsonb:
		return hashJsonb(h^5, d.s)
	}
	return h
}

// mix folds v into h with a multiply-xorshift round (in the style of wyhash's mum).
func mix(h, v uint64) uint64 {
	hi, lo := bits.Mul64(h^v, 0xa0761d6478bd642f)
	return hi ^ lo ^ v
}

func hashString(h uint64, s string) uint64 {
	h = mix(h, uint64(len(s)))
	for len(s) >= 8 {
		h = mix(h, binary.LittleEndian.Uint64([]byte(s[:8])))
		s = s[8:]
	}
	var tail uint64
	for i := 0; i < len(s); i++ {
		tail |= uint64(s[i]) << (8 * i)
	}
	return mix(h, tail)
}

// hashDecimal hashes a numeric's value, not its scale: trailing zeros are stripped from the
// coefficient first. Coefficients that fit in 64 bits (nearly all) take an allocation-free path.
func hashDecimal(h uint64, d *apd.Decimal) uint64 {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return mix(h, 1)
	case apd.Infinite:
		if d.Negative {
			return mix(h, 2)
		}
		return mix(h, 3)
	}
	if d.Coeff.Sign() == 0 {
		return mix(h, 4)
	}
	if d.Negative {
		h = mix(h, 5)
	}
	exp := int64(d.Exponent)
	if d.Coeff.IsUint64() {
		c := d.Coeff.Uint64()
		for c%10 == 0 {
			c /= 10
			exp++
		}
		return mix(mix(h, c), uint64(exp))
	}
	var r apd.Decimal
	r.Reduce(d)
	if r.Coeff.IsUint64() {
		return mix(mix(h, r.Coeff.Uint64()), uint64(int64(r.Exponent)))
	}
	h = mix(h, uint64(int64(r.Exponent)))
	for _, w := range r.Coeff.Bits() {
		h = mix(h, uint64(w))
	}
	return h
}
