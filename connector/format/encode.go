package format

import (
	"encoding/base64"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/runnel-db/runnel/types"
)

// Encoder writes rows as JSON objects {"col": value, ...} in RisingWave's default JSON form for
// sinks: numbers as numbers, timestamps as "2024-01-01 00:00:05.000000", timestamptz as
// "2024-01-01T00:00:05.000000Z", dates "2024-01-01", intervals and times as PostgreSQL text, jsonb
// embedded, bytea base64, NULL null.
type Encoder struct {
	cols []Column
	keys [][]byte // `"name":` per column, escaped once here rather than per row
}

// NewEncoder returns an encoder for rows of cols.
func NewEncoder(cols []Column) *Encoder {
	e := &Encoder{cols: cols, keys: make([][]byte, len(cols))}
	for i, c := range cols {
		e.keys[i] = append(appendString(nil, c.Name), ':')
	}
	return e
}

// Encode appends r as a JSON object to buf.
func (e *Encoder) Encode(buf []byte, r types.Row) []byte {
	buf = append(buf, '{')
	for i := range e.cols {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, e.keys[i]...)
		buf = appendValue(buf, r[i])
	}
	return append(buf, '}')
}

// EncodeKey appends a JSON object of the key columns only: an upsert sink's message key.
func (e *Encoder) EncodeKey(buf []byte, r types.Row, keyCols []int) []byte {
	buf = append(buf, '{')
	for n, i := range keyCols {
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, e.keys[i]...)
		buf = appendValue(buf, r[i])
	}
	return append(buf, '}')
}

func appendValue(buf []byte, d types.Datum) []byte {
	t := d.Type()
	if t.IsArray() {
		buf = append(buf, '[')
		for i, el := range d.Array() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendValue(buf, el)
		}
		return append(buf, ']')
	}
	switch t {
	case types.Unknown:
		return append(buf, "null"...)
	case types.Bool:
		return strconv.AppendBool(buf, d.Bool())
	case types.Int16, types.Int32, types.Int64, types.Oid, types.Regclass, types.Regtype:
		return strconv.AppendInt(buf, d.Int(), 10)
	case types.Float32, types.Float64:
		return appendFloat(buf, d.Float(), t)
	case types.Numeric:
		n := len(buf)
		buf = types.AppendText(buf, d, nil)
		if c := buf[n]; c == 'N' || c == 'I' || (c == '-' && buf[n+1] == 'I') {
			// NaN and ±Infinity are not JSON numbers.
			return appendString(buf[:n], string(buf[n:]))
		}
		return buf
	case types.Varchar, types.Name, types.Char:
		return appendString(buf, d.Str())
	case types.Jsonb:
		return append(buf, d.Str()...)
	case types.Bytea:
		buf = append(buf, '"')
		buf = base64.StdEncoding.AppendEncode(buf, []byte(d.Str()))
		return append(buf, '"')
	case types.Timestamp:
		return appendTimestamp(buf, d, false)
	case types.Timestamptz:
		return appendTimestamp(buf, d, true)
	}
	// Date, time, interval: PostgreSQL's text, quoted (none needs escaping).
	buf = append(buf, '"')
	buf = types.AppendText(buf, d, time.UTC)
	return append(buf, '"')
}

// appendFloat writes a float the way encoding/json does (shortest repr, exponent only for very
// large or small values); NaN and infinities, which JSON has no number for, as strings.
func appendFloat(buf []byte, f float64, t types.Type) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(buf, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(buf, `"-Infinity"`...)
	}
	bits := 64
	if t == types.Float32 {
		bits = 32
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		fmt = 'e'
	}
	buf = strconv.AppendFloat(buf, f, fmt, -1, bits)
	if n := len(buf); fmt == 'e' && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
		buf[n-2] = buf[n-1] // e-07 -> e-7, like encoding/json
		buf = buf[:n-1]
	}
	return buf
}

// appendTimestamp writes "YYYY-MM-DD HH:MM:SS.ffffff" (timestamptz: "YYYY-MM-DDTHH:MM:SS.ffffffZ",
// in UTC). Years outside 1..9999 and infinities fall back to PostgreSQL's text.
func appendTimestamp(buf []byte, d types.Datum, tz bool) []byte {
	us := d.Int()
	days := floorDiv(us, types.MicrosPerDay)
	tod := us - days*types.MicrosPerDay
	y, m, dd := types.CivilFromDays(days)
	if y < 1 || y > 9999 || us == types.TimestampInfinity || us == types.TimestampNegInfinity {
		buf = append(buf, '"')
		buf = types.AppendText(buf, d, time.UTC)
		return append(buf, '"')
	}
	buf = append(buf, '"')
	buf = pad(buf, int(y), 4)
	buf = append(buf, '-')
	buf = pad(buf, m, 2)
	buf = append(buf, '-')
	buf = pad(buf, dd, 2)
	if tz {
		buf = append(buf, 'T')
	} else {
		buf = append(buf, ' ')
	}
	secs := tod / types.MicrosPerSecond
	buf = pad(buf, int(secs/3600), 2)
	buf = append(buf, ':')
	buf = pad(buf, int(secs/60%60), 2)
	buf = append(buf, ':')
	buf = pad(buf, int(secs%60), 2)
	buf = append(buf, '.')
	buf = pad(buf, int(tod%types.MicrosPerSecond), 6)
	if tz {
		buf = append(buf, 'Z')
	}
	return append(buf, '"')
}

func pad(buf []byte, v, width int) []byte {
	var tmp [8]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(buf, tmp[:width]...)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as in encoding/json; HTML
// characters are left alone (this is not for browsers).
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				buf = append(buf, s[start:i]...)
				buf = append(buf, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += n
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
