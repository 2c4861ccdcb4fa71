package types

import (
	"github.com/cockroachdb/apd/v3"
)

// compareJsonb follows jsonb's btree order: Object > Array > Boolean > Number > String > Null; an
// object or array with more members is greater; otherwise members compare in storage order (keys
// then values); numbers compare as numeric; strings bytewise. As in PostgreSQL, a top-level empty
// array sorts before everything, even null (a scalar is stored as a one-element array, and element
// counts are compared first).
func compareJsonb(a, b string) int {
	if a == b {
		return 0
	}
	if a == "[]" || b == "[]" {
		if a == "[]" {
			return -1
		}
		return 1
	}
	return compareJsonbValue(a, b)
}

func compareJsonbValue(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" || b == "" {
		return cmpInt(int64(len(a)), int64(len(b)))
	}
	ka, kb := jsonKindOf(a), jsonKindOf(b)
	if ka != kb {
		return cmpInt(int64(ka), int64(kb))
	}
	switch ka {
	case jsonString:
		ua, ub := jsonUnquote(a), jsonUnquote(b)
		switch {
		case ua < ub:
			return -1
		case ua > ub:
			return 1
		}
		return 0
	case jsonNumber:
		var x, y apd.Decimal
		x.SetString(a)
		y.SetString(b)
		return x.Cmp(&y)
	case jsonBool:
		return cmpInt(int64(len(b)), int64(len(a))) // "false" (5) < "true" (4)
	case jsonNull:
		return 0
	case jsonArray:
		ea, eb := jsonSplitElems(a), jsonSplitElems(b)
		if len(ea) != len(eb) {
			return cmpInt(int64(len(ea)), int64(len(eb)))
		}
		for i := range ea {
			if c := compareJsonbValue(ea[i], eb[i]); c != 0 {
				return c
			}
		}
		return 0
	}
	pa, pb := jsonSplitPairs(a), jsonSplitPairs(b)
	if len(pa) != len(pb) {
		return cmpInt(int64(len(pa)), int64(len(pb)))
	}
	for i := range pa {
		if c := compareJsonbValue(pa[i][0], pb[i][0]); c != 0 {
			return c
		}
		if c := compareJsonbValue(pa[i][1], pb[i][1]); c != 0 {
			return c
		}
	}
	return 0
}

func jsonSplitElems(s string) []string {
	var out []string
	jsonElems(s, func(e string) bool { out = append(out, e); return true })
	return out
}

func jsonSplitPairs(s string) [][2]string {
	var out [][2]string
	jsonFields(s, func(k, v string) bool { out = append(out, [2]string{k, v}); return true })
	return out
}

// hashJsonb hashes canonical text with numbers reduced (1.0 and 1 are equal jsonb values), without
// allocating.
func hashJsonb(h uint64, s string) uint64 {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			i = jsonSkipString(s, i) - 1
			continue
		}
		if c != '-' && !isDigit(c) {
			continue
		}
		j := i
		for j < len(s) && (s[j] == '-' || s[j] == '.' || isDigit(s[j])) {
			j++
		}
		h = hashString(h, s[start:i])
		h = hashString(h, reduceNumberText(s[i:j]))
		start = j
		i = j - 1
	}
	return hashString(h, s[start:])
}

// reduceNumberText strips trailing fractional zeros (and a bare point) from numeric text.
func reduceNumberText(n string) string {
	dot := -1
	for k := 0; k < len(n); k++ {
		if n[k] == '.' {
			dot = k
		}
	}
	if dot < 0 {
		return n
	}
	e := len(n)
	for e > dot+1 && n[e-1] == '0' {
		e--
	}
	if e == dot+1 {
		e = dot
	}
	return n[:e]
}

// JsonbContains is the @> operator: every member of b's object is in a's object with a containing
// value, every element of b's array is contained in some element of a's array, scalars are equal;
// a top-level array also contains a bare scalar it has as an element.
func JsonbContains(a, b Datum) bool {
	if a.t != Jsonb || b.t != Jsonb || a.s == "" || b.s == "" {
		return false
	}
	ka, kb := jsonKindOf(a.s), jsonKindOf(b.s)
	if ka == jsonArray && kb != jsonArray && kb != jsonObject {
		found := false
		jsonElems(a.s, func(e string) bool { found = compareJsonbValue(e, b.s) == 0; return !found })
		return found
	}
	return jsonContains(a.s, b.s)
}

func jsonContains(a, b string) bool {
	ka, kb := jsonKindOf(a), jsonKindOf(b)
	if ka != kb {
		return false
	}
	switch ka {
	case jsonObject:
		ok := true
		jsonFields(b, func(k, v string) bool {
			av, found := jsonField(a, jsonUnquote(k))
			ok = found && jsonContains(av, v)
			return ok
		})
		return ok
	case jsonArray:
		ok := true
		jsonElems(b, func(be string) bool {
			found := false
			jsonElems(a, func(ae string) bool {
				found = jsonKindOf(ae) == jsonKindOf(be) && jsonContains(ae, be)
				return !found
			})
			ok = found
			return ok
		})
		return ok
	}
	return compareJsonbValue(a, b) == 0
}
