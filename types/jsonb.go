package types

import (
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/runnel-db/runnel/pgerr"
)

// jsonb values are stored as their canonical text (see Datum): the form jsonb_out prints, with object
// keys sorted (shorter keys first, then bytewise), duplicate keys resolved to the last, numbers in
// numeric's output form, and ", " / ": " separators. Because that form is compositional, every
// sub-value of a canonical text is itself the canonical text of the sub-value, which lets the
// navigation functions return substrings without re-encoding.

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonString
	jsonNumber
	jsonBool
	jsonArray
	jsonObject
)

// jsonValue is a parsed JSON value; s holds a decoded string, a number's canonical text, or "true"/
// "false".
type jsonValue struct {
	kind jsonKind
	s    string
	arr  []jsonValue
	obj  []jsonPair
}

type jsonPair struct {
	key string
	val jsonValue
}

// ParseJsonb validates JSON text and returns the jsonb datum of its canonical form. Errors are
// 22P02 "invalid input syntax for type json", as jsonb_in reports them.
func ParseJsonb(s string) (Datum, error) {
	v, err := parseJSONValue(s)
	if err != nil {
		return NullDatum, err
	}
	return NewJsonb(string(appendJSON(make([]byte, 0, len(s)+8), &v))), nil
}

func parseJSONValue(s string) (jsonValue, error) {
	p := jsonParser{s: s}
	p.skipSpace()
	v, ok := p.value(0)
	if ok {
		p.skipSpace()
		if p.i != len(p.s) {
			ok = false
			p.fail("Token \"%s\" is invalid.", p.token())
		}
	}
	if !ok {
		return jsonValue{}, p.err
	}
	return v, nil
}

type jsonParser struct {
	s   string
	i   int
	err *pgerr.Error
}

const maxJSONDepth = 6400 // PostgreSQL's stack depth limit is reached at about this nesting

func (p *jsonParser) fail(detail string, args ...any) {
	if p.err == nil {
		p.err = pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type json").WithDetail(detail, args...)
	}
}

func (p *jsonParser) failCode(code, msg, detail string) {
	if p.err == nil {
		p.err = pgerr.New(code, "%s", msg).WithDetail("%s", detail)
	}
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// token returns the offending token for error details, as PostgreSQL's lexer delimits it.
func (p *jsonParser) token() string {
	j := p.i
	for j < len(p.s) && isAlnum(p.s[j]) {
		j++
	}
	if j == p.i && j < len(p.s) {
		_, n := utf8.DecodeRuneInString(p.s[j:])
		j += n
	}
	return p.s[p.i:j]
}

func (p *jsonParser) value(depth int) (jsonValue, bool) {
	if depth > maxJSONDepth {
		p.failCode("54001", "stack depth limit exceeded", "")
		return jsonValue{}, false
	}
	if p.i >= len(p.s) {
		p.fail("The input string ended unexpectedly.")
		return jsonValue{}, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, ok := p.str()
		return jsonValue{kind: jsonString, s: s}, ok
	case c == '-' || isDigit(c):
		return p.number()
	case isLetter(c):
		tok := p.token()
		switch tok {
		case "true", "false":
			p.i += len(tok)
			return jsonValue{kind: jsonBool, s: tok}, true
		case "null":
			p.i += len(tok)
			return jsonValue{kind: jsonNull}, true
		}
	case c == '}' || c == ']' || c == ',' || c == ':':
		p.fail("Expected JSON value, but found \"%s\".", p.s[p.i:p.i+1])
		return jsonValue{}, false
	}
	p.fail("Token \"%s\" is invalid.", p.token())
	return jsonValue{}, false
}

func (p *jsonParser) object(depth int) (jsonValue, bool) {
	p.i++ // {
	v := jsonValue{kind: jsonObject}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return v, true
	}
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			p.fail("The input string ended unexpectedly.")
			return v, false
		}
		if p.s[p.i] != '"' {
			p.fail("Expected string or \"}\", but found \"%s\".", p.token())
			return v, false
		}
		key, ok := p.str()
		if !ok {
			return v, false
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			if p.i >= len(p.s) {
				p.fail("The input string ended unexpectedly.")
			} else {
				p.fail("Expected \":\", but found \"%s\".", p.token())
			}
			return v, false
		}
		p.i++
		p.skipSpace()
		val, ok := p.value(depth + 1)
		if !ok {
			return v, false
		}
		v.obj = append(v.obj, jsonPair{key, val})
		p.skipSpace()
		if p.i >= len(p.s) {
			p.fail("The input string ended unexpectedly.")
			return v, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			continue
		case '}':
			p.i++
			v.obj = canonicalPairs(v.obj)
			return v, true
		}
		p.fail("Expected \",\" or \"}\", but found \"%s\".", p.token())
		return v, false
	}
}

// canonicalPairs sorts pairs as jsonb stores them and keeps the last of duplicate keys.
func canonicalPairs(ps []jsonPair) []jsonPair {
	if len(ps) < 2 {
		return ps
	}
	sort.SliceStable(ps, func(a, b int) bool { return jsonKeyLess(ps[a].key, ps[b].key) })
	out := ps[:0]
	for i := range ps {
		if len(out) > 0 && out[len(out)-1].key == ps[i].key {
			out[len(out)-1] = ps[i]
			continue
		}
		out = append(out, ps[i])
	}
	return out
}

func jsonKeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (p *jsonParser) array(depth int) (jsonValue, bool) {
	p.i++ // [
	v := jsonValue{kind: jsonArray}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return v, true
	}
	for {
		p.skipSpace()
		e, ok := p.value(depth + 1)
		if !ok {
			return v, false
		}
		v.arr = append(v.arr, e)
		p.skipSpace()
		if p.i >= len(p.s) {
			p.fail("The input string ended unexpectedly.")
			return v, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			continue
		case ']':
			p.i++
			return v, true
		}
		p.fail("Expected \",\" or \"]\", but found \"%s\".", p.token())
		return v, false
	}
}

// str reads a JSON string, decoding escapes. \u0000 is rejected, as jsonb cannot store it.
func (p *jsonParser) str() (string, bool) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '"' {
			s := p.s[start:p.i]
			p.i++
			return s, true
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			p.fail("Character with value 0x%02x must be escaped.", c)
			return "", false
		}
		p.i++
	}
	var b strings.Builder
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), true
		case c < 0x20:
			p.fail("Character with value 0x%02x must be escaped.", c)
			return "", false
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			break
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if r == 0 {
				p.failCode("22P05", "unsupported Unicode escape sequence", "\\u0000 cannot be converted to text.")
				return "", false
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xDC00 || p.i+1 >= len(p.s) || p.s[p.i] != '\\' || p.s[p.i+1] != 'u' {
					p.fail("Unicode low surrogate must follow a high surrogate.")
					return "", false
				}
				p.i += 2
				r2, ok := p.hex4()
				if !ok {
					return "", false
				}
				if r2 < 0xDC00 || r2 > 0xDFFF {
					p.fail("Unicode low surrogate must follow a high surrogate.")
					return "", false
				}
				r = utf16.DecodeRune(r, r2)
			}
			b.WriteRune(r)
		default:
			p.i -= 2
			p.fail("Escape sequence \"\\%s\" is invalid.", string(e))
			return "", false
		}
	}
	p.fail("The input string ended unexpectedly.")
	return "", false
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		p.fail("\"\\u\" must be followed by four hexadecimal digits.")
		return 0, false
	}
	var r rune
	for k := 0; k < 4; k++ {
		h, ok := unhex(p.s[p.i+k])
		if !ok {
			p.fail("\"\\u\" must be followed by four hexadecimal digits.")
			return 0, false
		}
		r = r<<4 | rune(h)
	}
	p.i += 4
	return r, true
}

// number reads JSON number syntax and converts it to numeric's output form, since jsonb stores
// numbers as numeric: 1e2 becomes 100, 1.0 stays 1.0, -0 becomes 0.
func (p *jsonParser) number() (jsonValue, bool) {
	start := p.i
	j := p.i
	if j < len(p.s) && p.s[j] == '-' {
		j++
	}
	intStart := j
	for j < len(p.s) && isDigit(p.s[j]) {
		j++
	}
	bad := j == intStart || (p.s[intStart] == '0' && j-intStart > 1)
	exp := false
	if !bad && j < len(p.s) && p.s[j] == '.' {
		j++
		k := j
		for j < len(p.s) && isDigit(p.s[j]) {
			j++
		}
		bad = j == k
	}
	if !bad && j < len(p.s) && (p.s[j] == 'e' || p.s[j] == 'E') {
		exp = true
		j++
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		k := j
		for j < len(p.s) && isDigit(p.s[j]) {
			j++
		}
		bad = j == k
	}
	if bad || (j < len(p.s) && isAlnum(p.s[j])) {
		for j < len(p.s) && (isAlnum(p.s[j]) || p.s[j] == '.' || p.s[j] == '-' || p.s[j] == '+') {
			j++
		}
		p.fail("Token \"%s\" is invalid.", p.s[start:j])
		return jsonValue{}, false
	}
	p.i = j
	text := p.s[start:j]
	if exp || isNegativeZero(text) {
		d, err := parseNumeric(text)
		if err != nil {
			p.fail("Token \"%s\" is invalid.", text)
			return jsonValue{}, false
		}
		text = string(appendNumeric(nil, d.Numeric()))
	}
	return jsonValue{kind: jsonNumber, s: text}, true
}

func isNegativeZero(t string) bool {
	if t == "" || t[0] != '-' {
		return false
	}
	for i := 1; i < len(t); i++ {
		if t[i] != '0' && t[i] != '.' {
			return false
		}
	}
	return true
}

// appendJSON writes v in jsonb's canonical text form.
func appendJSON(buf []byte, v *jsonValue) []byte {
	switch v.kind {
	case jsonNull:
		return append(buf, "null"...)
	case jsonBool, jsonNumber:
		return append(buf, v.s...)
	case jsonString:
		return appendJSONString(buf, v.s)
	case jsonArray:
		buf = append(buf, '[')
		for i := range v.arr {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSON(buf, &v.arr[i])
		}
		return append(buf, ']')
	}
	buf = append(buf, '{')
	for i := range v.obj {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = appendJSONString(buf, v.obj[i].key)
		buf = append(buf, ": "...)
		buf = appendJSON(buf, &v.obj[i].val)
	}
	return append(buf, '}')
}

// appendJSONString quotes s as escape_json does: the short escapes for \b \f \n \r \t " and \, \u00xx
// for other control characters, everything else (including non-ASCII) as is.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			buf = append(buf, '\\', '"')
		case '\\':
			buf = append(buf, '\\', '\\')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			if c < 0x20 {
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			} else {
				buf = append(buf, c)
			}
		}
	}
	return append(buf, '"')
}
