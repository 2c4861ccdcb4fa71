package types

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseBool follows boolin: any unambiguous prefix of true/false/yes/no, on/off (at least two
// letters), 1/0, case-insensitive, surrounded by optional white space.
func parseBool(s string) (Datum, error) {
	v := strings.ToLower(trimSpace(s))
	if v != "" {
		switch {
		case strings.HasPrefix("true", v), strings.HasPrefix("yes", v), v == "1":
			return NewBool(true), nil
		case strings.HasPrefix("false", v), strings.HasPrefix("no", v), v == "0":
			return NewBool(false), nil
		case len(v) >= 2 && strings.HasPrefix("on", v):
			return NewBool(true), nil
		case len(v) >= 2 && strings.HasPrefix("off", v):
			return NewBool(false), nil
		}
	}
	return NullDatum, errSyntax(Bool, s)
}

// parseInt follows pg_strtoint16/32/64 (PostgreSQL 15: decimal digits only, optional sign and
// surrounding white space).
func parseInt(t Type, s string) (Datum, error) {
	v := trimSpace(s)
	neg := false
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if v == "" {
		return NullDatum, errSyntax(t, s)
	}
	var lim uint64
	switch t {
	case Int16:
		lim = math.MaxInt16
	case Int32:
		lim = math.MaxInt32
	default:
		lim = math.MaxInt64
	}
	if neg {
		lim++
	}
	var n uint64
	overflow := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return NullDatum, errSyntax(t, s)
		}
		if n > (lim-uint64(c-'0'))/10 {
			overflow = true // keep scanning: bad syntax later in the string wins, as in PostgreSQL
			continue
		}
		n = n*10 + uint64(c-'0')
	}
	if overflow {
		return NullDatum, errRange(t, s)
	}
	if neg {
		return NewInt(t, -int64(n)), nil
	}
	return NewInt(t, int64(n)), nil
}

// parseOid follows oidin: an unsigned 32-bit number, where negative input down to -2^31 wraps around
// (so '-1' is 4294967295).
func parseOid(t Type, s string) (Datum, error) {
	v := trimSpace(s)
	neg := false
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if v == "" {
		return NullDatum, errSyntax(t, s)
	}
	var n uint64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return NullDatum, errSyntax(t, s)
		}
		if n <= math.MaxUint32 {
			n = n*10 + uint64(c-'0')
		}
	}
	if n > math.MaxUint32 || (neg && n > 1<<31) {
		return NullDatum, errRange(t, s)
	}
	if neg {
		n = uint64(uint32(-int64(n)))
	}
	return NewInt(t, int64(n)), nil
}

// parseFloat follows float4in/float8in: strtod syntax including inf, infinity and nan in any case.
// Values that overflow, or underflow to zero, are out of range as in PostgreSQL.
func parseFloat(t Type, s string) (Datum, error) {
	v := trimSpace(s)
	bits := 64
	if t == Float32 {
		bits = 32
	}
	if v == "" || strings.IndexByte(v, '_') >= 0 { // Go reads underscores as digit separators; strtod does not
		return NullDatum, errSyntax(t, s)
	}
	num := v
	if len(num) == 4 && (num[0] == '+' || num[0] == '-') && strings.EqualFold(num[1:], "nan") {
		num = num[1:] // strtod accepts a signed NaN, Go does not
	}
	f, err := strconv.ParseFloat(num, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return NullDatum, errFloatRange(t, v)
		}
		return NullDatum, errSyntax(t, s)
	}
	if f == 0 && hasNonzeroMantissa(v) {
		return NullDatum, errFloatRange(t, v)
	}
	return NewFloat(t, f), nil
}

func errFloatRange(t Type, v string) error {
	e := errRange(t, v)
	e.Message = `"` + v + `" is out of range for type ` + t.String()
	return e
}

// hasNonzeroMantissa reports whether a decimal float literal has a nonzero digit before its exponent.
func hasNonzeroMantissa(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == 'e' || c == 'E' {
			return false
		}
		if c >= '1' && c <= '9' {
			return true
		}
	}
	return false
}

// appendFloat writes the shortest text that reads back as the same value, as float8out/float4out do
// with extra_float_digits > 0 (their Ryu-based output): fixed notation when the decimal exponent
// is in [-4, 15) for double precision and [-4, 6) for real, exponent notation otherwise.
func appendFloat(buf []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(buf, "-0"...)
		}
		return append(buf, '0')
	}
	start := len(buf)
	buf = strconv.AppendFloat(buf, f, 'e', -1, bits)
	// The exponent follows the last 'e': d.ddde±XX.
	i := len(buf) - 1
	for buf[i] != 'e' {
		i--
	}
	exp := 0
	for _, c := range buf[i+2:] {
		exp = exp*10 + int(c-'0')
	}
	if buf[i+1] == '-' {
		exp = -exp
	}
	limit := 15
	if bits == 32 {
		limit = 6
	}
	if exp < -4 || exp >= limit {
		return buf
	}
	return strconv.AppendFloat(buf[:start], f, 'f', -1, bits)
}

// appendChar follows charout (PostgreSQL 15+): bytes with the high bit set print as \ooo.
func appendChar(buf []byte, s string) []byte {
	if s == "" || s[0] == 0 {
		return buf
	}
	c := s[0]
	if c >= 0x80 {
		return append(buf, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
	}
	return append(buf, c)
}

// parseChar follows charin: \ooo is one byte, otherwise the first byte (empty gives the zero byte,
// which is stored as the empty string).
func parseChar(s string) Datum {
	if len(s) == 4 && s[0] == '\\' && isOctal(s[1]) && isOctal(s[2]) && isOctal(s[3]) {
		c := (s[1]-'0')<<6 | (s[2]-'0')<<3 | (s[3] - '0')
		if c == 0 {
			return NewString(Char, "")
		}
		return NewString(Char, string([]byte{c}))
	}
	if s == "" {
		return NewString(Char, "")
	}
	return NewString(Char, s[:1])
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// clipName truncates to NAMEDATALEN-1 bytes at a character boundary, as PostgreSQL does silently.
func clipName(s string) string {
	const max = 63
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
