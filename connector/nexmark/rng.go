package nexmark

import (
	"math"
	"math/bits"
)

// smallRng is rand 0.8's SmallRng on 64-bit targets: xoshiro256++. nexmark-rs seeds one per event
// with the event id, so reproducing it (and rand's sampling on top) reproduces RisingWave's data.
type smallRng struct{ s0, s1, s2, s3 uint64 }

// seedRng is rand 0.8's SeedableRng::seed_from_u64, which SmallRng does not override: eight
// PCG32 outputs, little-endian, fill the 32-byte state. (rand_xoshiro's SplitMix64 seeding gives
// other numbers; nexmark-rs's golden event 0 pins this one.)
func seedRng(state uint64) smallRng {
	var s [4]uint64
	for i := range 8 {
		state = state*6364136223846793005 + 11634580027462260723
		x := bits.RotateLeft32(uint32(((state>>18)^state)>>27), -int(state>>59))
		s[i/2] |= uint64(x) << (32 * (i % 2))
	}
	return smallRng{s[0], s[1], s[2], s[3]}
}

func (r *smallRng) next64() uint64 {
	result := bits.RotateLeft64(r.s0+r.s3, 23) + r.s0
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return result
}

// next32 takes the upper half: xoshiro's low bits are the weaker ones (rand_xoshiro does the same).
func (r *smallRng) next32() uint32 { return uint32(r.next64() >> 32) }

// below64 is gen_range(0..n) on usize: Lemire's widening multiply with rand 0.8's cheap rejection
// zone (n shifted to the top bit, minus one). n must be > 0.
func (r *smallRng) below64(n uint64) uint64 {
	zone := (n << bits.LeadingZeros64(n)) - 1
	for {
		hi, lo := bits.Mul64(r.next64(), n)
		if lo <= zone {
			return hi
		}
	}
}

// below32 is gen_range(0..n) on i32/u32, which draws 32 bits; SliceRandom::choose uses it for
// slices shorter than 2^32.
func (r *smallRng) below32(n uint32) uint32 {
	zone := (n << bits.LeadingZeros32(n)) - 1
	for {
		m := uint64(r.next32()) * uint64(n)
		if uint32(m) <= zone {
			return uint32(m >> 32)
		}
	}
}

// letterZone is rand 0.8's exact rejection zone for a u8 range of 26 (widened to u32): small
// integer types reject precisely the 2^32 mod 26 biased values.
const letterZone = math.MaxUint32 - (1<<32)%26

// letter is gen_range(b'a'..=b'z').
func (r *smallRng) letter() byte {
	for {
		m := uint64(r.next32()) * 26
		if uint32(m) <= letterZone {
			return 'a' + byte(m>>32)
		}
	}
}

// letters appends n letters (nexmark-rs gen_exact_string). It is letter() with the state held in
// locals: padding is most of a bid's cost, and registers beat four stores per draw.
func (r *smallRng) letters(dst []byte, n int) []byte {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	for i := 0; i < n; {
		x := bits.RotateLeft64(s0+s3, 23) + s0
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		m := (x >> 32) * 26
		if uint32(m) <= letterZone {
			dst = append(dst, 'a'+byte(m>>32))
			i++
		}
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
	return dst
}

// f32 is gen::<f32>(): 24 random bits scaled into [0, 1).
func (r *smallRng) f32() float32 { return float32(r.next32()>>8) * (1.0 / (1 << 24)) }

// price is nexmark-rs gen_price: 10^(6x) * 100 cents in f32, rounded, so prices run from $1 to
// $1M with a log-uniform spread (as the Beam generator's nextPrice).
func (r *smallRng) price() int64 {
	e := r.f32() * 6
	// powf(10, e) as exp(e ln 10) in f64, rounded once to f32: the f64 error is ~1e-15 relative,
	// far below f32's half ulp, so this is powf correctly rounded (libm's powf is within 0.82 ulp, so
	// a price may, very rarely, differ from RisingWave's by a last-ulp step), at a third of Pow's cost.
	p := float32(math.Exp(float64(e)*math.Ln10)) * 100
	return int64(math.Round(float64(p)))
}

// extra appends the padding that brings an event to its configured average size: a random length
// within ±20% of the shortfall (nexmark-rs gen_next_extra, Beam's nextExtra).
func (r *smallRng) extra(dst []byte, current, average int) []byte {
	if current > average {
		return dst
	}
	want := average - current
	delta := (want + 2) / 5
	size := want - delta
	if delta != 0 {
		size += int(r.below64(uint64(2 * delta)))
	}
	return r.letters(dst, size)
}
