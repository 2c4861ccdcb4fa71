package types

import (
	"strings"
	"time"

	"github.com/runnel-db/runnel/pgerr"
)

// appendArrayText follows array_out for one-dimensional arrays: {a,b,NULL}, with an element quoted
// when it is empty, is NULL spelled as text, or contains white space, braces, commas, quotes or
// backslashes; inside quotes " and \ are backslash-escaped.
func appendArrayText(buf []byte, d Datum, loc *time.Location) []byte {
	buf = append(buf, '{')
	var tmp []byte
	for i, e := range d.Array() {
		if i > 0 {
			buf = append(buf, ',')
		}
		if e.IsNull() {
			buf = append(buf, "NULL"...)
			continue
		}
		tmp = AppendText(tmp[:0], e, loc)
		if !arrayElemNeedsQuotes(tmp) {
			buf = append(buf, tmp...)
			continue
		}
		buf = append(buf, '"')
		for _, c := range tmp {
			if c == '"' || c == '\\' {
				buf = append(buf, '\\')
			}
			buf = append(buf, c)
		}
		buf = append(buf, '"')
	}
	return append(buf, '}')
}

func arrayElemNeedsQuotes(s []byte) bool {
	if len(s) == 0 || (len(s) == 4 && strings.EqualFold(string(s), "null")) {
		return true
	}
	for _, c := range s {
		switch c {
		case '{', '}', ',', '"', '\\', ' ', '\t', '\n', '\r', '\v', '\f':
			return true
		}
	}
	return false
}

// parseArray follows array_in for one-dimensional arrays: elements separated by commas, optionally
// double-quoted, backslash escapes anywhere, unquoted NULL (any case) for SQL NULL, white space
// around elements ignored. Each element is read with elem's input function.
func parseArray(elem Type, s string, loc *time.Location) (Datum, error) {
	malformed := func(detail string) error {
		return pgerr.New(pgerr.InvalidTextRepresentation, "malformed array literal: \"%s\"", s).WithDetail("%s", detail)
	}
	v := trimSpace(s)
	if v == "" || v[0] != '{' {
		return NullDatum, malformed("Array value must start with \"{\" or dimension information.")
	}
	elems := []Datum{}
	i := 1
	skipSpace := func() {
		for i < len(v) && isSpaceByte(v[i]) {
			i++
		}
	}
	skipSpace()
	if i < len(v) && v[i] == '}' {
		i++
		skipSpace()
		if i != len(v) {
			return NullDatum, malformed("Junk after closing right brace.")
		}
		return NewArray(elem, elems), nil
	}
	var sb strings.Builder
	for {
		skipSpace()
		if i >= len(v) {
			return NullDatum, malformed("Unexpected end of input.")
		}
		if v[i] == '{' {
			return NullDatum, pgerr.Unsupported("multidimensional arrays are not supported")
		}
		sb.Reset()
		quoted, sawQuote := false, false
		trailing := 0 // unquoted trailing white space to drop
	scan:
		for ; i < len(v); i++ {
			c := v[i]
			switch {
			case c == '\\':
				if i+1 >= len(v) {
					return NullDatum, malformed("Unexpected end of input.")
				}
				i++
				sb.WriteByte(v[i])
				trailing = 0
			case c == '"':
				// A quote may only open an element or close it before the delimiter.
				if !quoted && (sawQuote || sb.Len() > 0) {
					return NullDatum, malformed("Unexpected array element.")
				}
				quoted = !quoted
				sawQuote = true
				trailing = 0
			case sawQuote && !quoted && !isSpaceByte(c) && c != ',' && c != '}':
				return NullDatum, malformed("Unexpected array element.")
			case quoted:
				sb.WriteByte(c)
			case c == ',' || c == '}':
				break scan
			case c == '{':
				return NullDatum, malformed("Unexpected \"{\" character.")
			case isSpaceByte(c):
				sb.WriteByte(c)
				trailing++
			default:
				sb.WriteByte(c)
				trailing = 0
			}
		}
		if i >= len(v) {
			return NullDatum, malformed("Unexpected end of input.")
		}
		text := sb.String()
		text = text[:len(text)-trailing]
		if !sawQuote && text == "" {
			return NullDatum, malformed("Unexpected \"" + string(v[i]) + "\" character.")
		}
		if !sawQuote && strings.EqualFold(text, "null") {
			elems = append(elems, NullDatum)
		} else {
			d, err := ParseText(elem, text, loc)
			if err != nil {
				return NullDatum, err
			}
			elems = append(elems, d)
		}
		if v[i] == '}' {
			i++
			skipSpace()
			if i != len(v) {
				return NullDatum, malformed("Junk after closing right brace.")
			}
			return NewArray(elem, elems), nil
		}
		i++ // comma
	}
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
