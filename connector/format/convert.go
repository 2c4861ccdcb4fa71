package format

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// value reads the JSON value at s.i and converts it to type t. The rules follow RisingWave's JSON
// parser in its default (relaxed) mode: numbers and numeric strings fill any numeric column, any
// value fills a varchar column (composites as their JSON text) or a jsonb column.
func value(s *scanner, t types.Type, depth int) (types.Datum, error) {
	start := s.i
	switch c := s.peek(); c {
	case 'n', 't', 'f':
		lit, err := s.literal()
		if err != nil || lit == "null" {
			return types.NullDatum, err
		}
		return fromBool(t, lit == "true")
	case '"':
		str, err := s.str()
		if err != nil {
			return types.NullDatum, err
		}
		if t == types.Jsonb {
			return types.ParseJsonb(string(s.b[start:s.i]))
		}
		return fromString(t, str)
	case '{', '[':
		if t.IsArray() && c == '[' {
			return array(s, t.Elem(), depth)
		}
		if err := s.skip(depth); err != nil {
			return types.NullDatum, err
		}
		raw := s.b[start:s.i]
		switch {
		case t == types.Jsonb:
			return types.ParseJsonb(string(raw))
		case t.IsString():
			return types.NewString(t, string(raw)), nil
		}
		return types.NullDatum, mismatch(t, raw)
	default:
		raw, isInt, err := s.number()
		if err != nil {
			return types.NullDatum, err
		}
		return fromNumber(t, raw, isInt)
	}
}

// array reads a JSON array into an array datum of elem.
func array(s *scanner, elem types.Type, depth int) (types.Datum, error) {
	if depth >= maxDepth {
		return types.NullDatum, s.errorf("nested too deeply")
	}
	s.i++ // '['
	var elems []types.Datum
	s.ws()
	if s.peek() == ']' {
		s.i++
		return types.NewArray(elem, []types.Datum{}), nil
	}
	for {
		s.ws()
		d, err := value(s, elem, depth+1)
		if err != nil {
			return types.NullDatum, err
		}
		elems = append(elems, d)
		s.ws()
		if s.peek() == ',' {
			s.i++
			continue
		}
		if err := s.expect(']'); err != nil {
			return types.NullDatum, err
		}
		return types.NewArray(elem, elems), nil
	}
}

func fromBool(t types.Type, b bool) (types.Datum, error) {
	switch {
	case t == types.Bool:
		return types.NewBool(b), nil
	case t == types.Jsonb || t.IsString():
		if b {
			return types.NewString(t, "true"), nil
		}
		return types.NewString(t, "false"), nil
	}
	lit := "false"
	if b {
		lit = "true"
	}
	return types.NullDatum, mismatch(t, []byte(lit))
}

func fromNumber(t types.Type, raw []byte, isInt bool) (types.Datum, error) {
	switch t {
	case types.Int16, types.Int32, types.Int64, types.Oid, types.Regclass, types.Regtype:
		v, err := jsonInt(t, raw, isInt)
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewInt(t, v), nil
	case types.Float32, types.Float64:
		f, err := strconv.ParseFloat(unsafeString(raw), 64)
		if err != nil || (t == types.Float32 && math.IsInf(float64(float32(f)), 0)) {
			return types.NullDatum, outOfRange(t, raw)
		}
		return types.NewFloat(t, f), nil
	case types.Numeric:
		return types.ParseText(types.Numeric, unsafeString(raw), nil)
	case types.Varchar, types.Name, types.Char:
		return types.NewString(t, string(raw)), nil
	case types.Jsonb:
		return types.ParseJsonb(string(raw))
	case types.Timestamp, types.Timestamptz:
		// Epoch milliseconds, the usual producer's timestamp.
		ms, err := jsonInt(types.Int64, raw, isInt)
		if err != nil {
			return types.NullDatum, err
		}
		if ms > math.MaxInt64/1000 || ms < math.MinInt64/1000 {
			return types.NullDatum, outOfRange(t, raw)
		}
		if t == types.Timestamp {
			return types.NewTimestamp(ms * 1000), nil
		}
		return types.NewTimestamptz(ms * 1000), nil
	}
	return types.NullDatum, mismatch(t, raw)
}

// jsonInt converts a JSON number to an integer of type t. A number with a fraction or exponent is
// accepted when its value is integral (1.0, 1e3), as RisingWave does.
func jsonInt(t types.Type, raw []byte, isInt bool) (int64, error) {
	var v int64
	if isInt {
		var ok bool
		if v, ok = atoi(raw); !ok {
			return 0, outOfRange(t, raw)
		}
	} else {
		f, err := strconv.ParseFloat(unsafeString(raw), 64)
		if err != nil || f != math.Trunc(f) {
			return 0, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", t, raw)
		}
		if f >= 0x1p63 || f < -0x1p63 {
			return 0, outOfRange(t, raw)
		}
		v = int64(f)
	}
	if !intFits(t, v) {
		return 0, outOfRange(t, raw)
	}
	return v, nil
}

// atoi parses a JSON integer (already validated: optional '-', digits), reporting overflow.
func atoi(b []byte) (int64, bool) {
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) > 19 { // 19 digits cannot wrap a uint64
		return 0, false
	}
	var u uint64
	for _, c := range b {
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

func intFits(t types.Type, v int64) bool {
	switch t {
	case types.Int16:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case types.Int32:
		return v >= math.MinInt32 && v <= math.MaxInt32
	case types.Oid, types.Regclass, types.Regtype:
		return v >= 0 && v <= math.MaxUint32
	}
	return true
}

func fromString(t types.Type, str []byte) (types.Datum, error) {
	switch t {
	case types.Varchar:
		return types.NewVarchar(string(str)), nil
	case types.Name, types.Char:
		return types.ParseText(t, string(str), nil)
	case types.Timestamp, types.Timestamptz:
		if us, ok := parseTimestamp(str, t == types.Timestamptz); ok {
			if t == types.Timestamp {
				return types.NewTimestamp(us), nil
			}
			return types.NewTimestamptz(us), nil
		}
		if err := relativeTime(t, str); err != nil {
			return types.NullDatum, err
		}
		return types.ParseText(t, unsafeString(str), time.UTC)
	case types.Date:
		if days, ok := parseDate(str); ok {
			return types.NewDate(days), nil
		}
		if err := relativeTime(t, str); err != nil {
			return types.NullDatum, err
		}
		return types.ParseText(t, unsafeString(str), time.UTC)
	case types.Bytea:
		// Base64 is what encoders (ours, RisingWave's, Debezium's) write; a PostgreSQL hex literal
		// (\x...) is accepted too.
		if len(str) >= 2 && str[0] == '\\' && str[1] == 'x' {
			return types.ParseText(t, unsafeString(str), nil)
		}
		b := make([]byte, base64.StdEncoding.DecodedLen(len(str)))
		n, err := base64.StdEncoding.Decode(b, str)
		if err != nil {
			return types.NullDatum, pgerr.New(pgerr.InvalidTextRepresentation, "invalid base64 for type bytea: %q", str)
		}
		return types.NewBytea(b[:n]), nil
	}
	if t.IsArray() {
		// Array literal text ('{1,2}') keeps the strings it parses: give it its own copy.
		return types.ParseText(t, string(str), time.UTC)
	}
	// Numbers, booleans, times and intervals: the input functions copy nothing they keep.
	return types.ParseText(t, strings.TrimSpace(unsafeString(str)), time.UTC)
}

func mismatch(t types.Type, raw []byte) error {
	if len(raw) > 64 {
		raw = append(raw[:61:61], "..."...)
	}
	return pgerr.New(pgerr.InvalidTextRepresentation, "cannot convert JSON %s to %s", raw, t)
}

func outOfRange(t types.Type, raw []byte) error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value \"%s\" is out of range for type %s", raw, t)
}

// relativeTime refuses PostgreSQL's input words that depend on when they are read ('now',
// 'today', 'yesterday', 'tomorrow'): a record must decode to the same row when it is read again
// after a crash.
func relativeTime(t types.Type, str []byte) error {
	switch strings.ToLower(strings.TrimSpace(string(str))) {
	case "now", "today", "yesterday", "tomorrow":
		return pgerr.New(pgerr.InvalidDatetimeFormat, "%q is not a fixed %s: use a timestamp", str, t)
	}
	return nil
}
