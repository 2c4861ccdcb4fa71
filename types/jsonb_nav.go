package types

import (
	"strconv"
	"strings"
)

// The navigation functions work on the canonical text directly: a sub-value is a substring, so -> and
// #> return without allocating; only ->> on a string with escapes allocates.

// jsonSkip returns the end of the value that starts at s[i] (canonical text, so well-formed).
func jsonSkip(s string, i int) int {
	switch s[i] {
	case '"':
		return jsonSkipString(s, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				j = jsonSkipString(s, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(s)
	}
	j := i
	for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' {
		j++
	}
	return j
}

func jsonSkipString(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(s)
}

// jsonStringEquals reports whether the quoted canonical string q decodes to key.
func jsonStringEquals(q, key string) bool {
	inner := q[1 : len(q)-1]
	if strings.IndexByte(inner, '\\') < 0 {
		return inner == key
	}
	return jsonUnquote(q) == key
}

// jsonUnquote decodes a canonical quoted string (only escape_json's escapes can occur).
func jsonUnquote(q string) string {
	inner := q[1 : len(q)-1]
	if strings.IndexByte(inner, '\\') < 0 {
		return inner
	}
	b := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if c != '\\' || i+1 >= len(inner) {
			b = append(b, c)
			continue
		}
		i++
		switch inner[i] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if i+4 < len(inner) {
				v, _ := strconv.ParseUint(inner[i+1:i+5], 16, 32)
				b = append(b, byte(v))
				i += 4
			}
		default:
			b = append(b, inner[i])
		}
	}
	return string(b)
}

// jsonFields calls f with the quoted key and the value of each member of the object at s, stopping
// when f returns false.
func jsonFields(s string, f func(key, val string) bool) {
	if len(s) < 2 || s[0] != '{' || s[1] == '}' {
		return
	}
	i := 1
	for i < len(s) {
		ke := jsonSkipString(s, i)
		vs := ke + 2 // ": "
		ve := jsonSkip(s, vs)
		if !f(s[i:ke], s[vs:ve]) || ve >= len(s) || s[ve] != ',' {
			return
		}
		i = ve + 2 // ", "
	}
}

// jsonElems calls f with each element of the array at s, stopping when f returns false.
func jsonElems(s string, f func(elem string) bool) {
	if len(s) < 2 || s[0] != '[' || s[1] == ']' {
		return
	}
	i := 1
	for i < len(s) {
		e := jsonSkip(s, i)
		if !f(s[i:e]) || e >= len(s) || s[e] != ',' {
			return
		}
		i = e + 2
	}
}

// JsonbField is the -> operator with a key: the member's value, false when d is not an object or has
// no such key.
func JsonbField(d Datum, key string) (Datum, bool) {
	if d.t != Jsonb {
		return NullDatum, false
	}
	v, ok := jsonField(d.s, key)
	if !ok {
		return NullDatum, false
	}
	return NewJsonb(v), true
}

func jsonField(s, key string) (string, bool) {
	var out string
	found := false
	jsonFields(s, func(k, v string) bool {
		// Keys are sorted by length first, so the scan can stop at the first longer key.
		if len(k)-2 > len(key) && strings.IndexByte(k, '\\') < 0 {
			return false
		}
		if jsonStringEquals(k, key) {
			out, found = v, true
			return false
		}
		return true
	})
	return out, found
}

// JsonbIndex is the -> operator with an integer: the i-th element (0-based; negative counts from the
// end), false when d is not an array or i is out of range.
func JsonbIndex(d Datum, i int) (Datum, bool) {
	if d.t != Jsonb {
		return NullDatum, false
	}
	v, ok := jsonIndex(d.s, i)
	if !ok {
		return NullDatum, false
	}
	return NewJsonb(v), true
}

func jsonIndex(s string, i int) (string, bool) {
	if len(s) == 0 || s[0] != '[' {
		return "", false
	}
	if i < 0 {
		n := 0
		jsonElems(s, func(string) bool { n++; return true })
		i += n
		if i < 0 {
			return "", false
		}
	}
	var out string
	found := false
	k := 0
	jsonElems(s, func(e string) bool {
		if k == i {
			out, found = e, true
			return false
		}
		k++
		return true
	})
	return out, found
}

// JsonbPath is the #> operator: follows keys through objects and integer indexes through arrays.
func JsonbPath(d Datum, path []string) (Datum, bool) {
	if d.t != Jsonb {
		return NullDatum, false
	}
	s := d.s
	for _, p := range path {
		var ok bool
		switch {
		case len(s) > 0 && s[0] == '{':
			s, ok = jsonField(s, p)
		case len(s) > 0 && s[0] == '[':
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				return NullDatum, false
			}
			s, ok = jsonIndex(s, n)
		}
		if !ok {
			return NullDatum, false
		}
	}
	return NewJsonb(s), true
}

// JsonbText gives the ->> form of a jsonb value: strings without quotes or escapes, other values as
// their jsonb text, and false for JSON null (which ->> returns as SQL NULL).
func JsonbText(d Datum) (string, bool) {
	if d.t != Jsonb || d.s == "null" || d.s == "" {
		return "", false
	}
	if d.s[0] == '"' {
		return jsonUnquote(d.s), true
	}
	return d.s, true
}

// JsonbTypeof is jsonb_typeof: object, array, string, number, boolean or null.
func JsonbTypeof(d Datum) string {
	if d.s == "" {
		return "null"
	}
	return jsonKindName(jsonKindOf(d.s))
}

func jsonKindOf(s string) jsonKind {
	switch s[0] {
	case '{':
		return jsonObject
	case '[':
		return jsonArray
	case '"':
		return jsonString
	case 't', 'f':
		return jsonBool
	case 'n':
		return jsonNull
	}
	return jsonNumber
}

func jsonKindName(k jsonKind) string {
	return [...]string{"null", "string", "number", "boolean", "array", "object"}[k]
}
