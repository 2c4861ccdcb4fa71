package expr

import (
	"crypto/md5"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

const (
	tText  = types.Varchar
	tInt   = types.Int32
	tInt8  = types.Int64
	tBool  = types.Bool
	tBytea = types.Bytea
)

func vtext(s string) types.Datum { return types.NewVarchar(s) }

// strKernel adapts a string -> string function.
func strKernel(f func(string) string) Kernel {
	return func(_ *Context, a []types.Datum) (types.Datum, error) { return vtext(f(a[0].Str())), nil }
}

// substrRunes is substr(s, from, count) on characters, with PostgreSQL's handling of a start before 1
// (the count still runs from the given start) and a negative count (an error).
func substrRunes(s string, from int64, count int64, hasCount bool) (string, error) {
	if hasCount && count < 0 {
		return "", pgerr.New("22011", "negative substring length not allowed")
	}
	start := from - 1
	end := int64(1 << 62)
	if hasCount {
		end = start + count
	}
	if start < 0 {
		start = 0
	}
	if end <= start {
		return "", nil
	}
	var b strings.Builder
	var i int64
	for _, r := range s {
		if i >= end {
			break
		}
		if i >= start {
			b.WriteRune(r)
		}
		i++
	}
	return b.String(), nil
}

func trimKernel(left, right bool) Kernel {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		cut := " "
		if len(a) > 1 {
			cut = a[1].Str()
		}
		s := a[0].Str()
		if left {
			s = strings.TrimLeft(s, cut)
		}
		if right {
			s = strings.TrimRight(s, cut)
		}
		return vtext(s), nil
	}
}

// pad is lpad/rpad: fill to n characters with fill (truncating s when it is longer).
func pad(s string, n int64, fill string, left bool) string {
	rs := []rune(s)
	if n <= 0 {
		return ""
	}
	if int64(len(rs)) >= n {
		return string(rs[:n])
	}
	fr := []rune(fill)
	if len(fr) == 0 {
		return s
	}
	need := int(n) - len(rs)
	p := make([]rune, need)
	for i := range p {
		p[i] = fr[i%len(fr)]
	}
	if left {
		return string(p) + s
	}
	return s + string(p)
}

func initcap(s string) string {
	var b strings.Builder
	prev := false // previous rune alphanumeric
	for _, r := range s {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if alnum && !prev {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		prev = alnum
	}
	return b.String()
}

func quoteIdent(s string) string {
	safe := s != ""
	for i, r := range s {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (i > 0 && (r >= '0' && r <= '9' || r == '$'))) {
			safe = false
			break
		}
	}
	if safe && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

var reservedWords = map[string]bool{"select": true, "from": true, "where": true, "table": true, "user": true,
	"order": true, "group": true, "limit": true, "all": true, "and": true, "or": true, "not": true, "null": true,
	"true": true, "false": true, "case": true, "when": true, "then": true, "else": true, "end": true, "as": true,
	"in": true, "is": true, "on": true, "join": true, "union": true, "create": true, "default": true, "check": true}

// concatText is the text form concat() and concat_ws() use for a non-NULL argument.
func concatText(ctx *Context, d types.Datum) string {
	if d.Type().IsString() {
		return d.Str()
	}
	return string(appendText(nil, d, location(ctx)))
}

func init() {
	for _, n := range []string{"length", "char_length", "character_length"} {
		def(n, tInt, ts(tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInt32(int32(utf8.RuneCountInString(a[0].Str()))), nil
		})
	}
	def("length", tInt, ts(tBytea), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewInt32(int32(len(a[0].Str()))), nil
	})
	def("octet_length", tInt, ts(tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewInt32(int32(len(a[0].Str()))), nil
	})
	def("octet_length", tInt, ts(tBytea), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewInt32(int32(len(a[0].Str()))), nil
	})
	def("upper", tText, ts(tText), strKernel(strings.ToUpper))
	def("lower", tText, ts(tText), strKernel(strings.ToLower))
	def("initcap", tText, ts(tText), strKernel(initcap))
	def("reverse", tText, ts(tText), strKernel(func(s string) string {
		r := []rune(s)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r)
	}))
	def("md5", tText, ts(tText), strKernel(func(s string) string {
		h := md5.Sum([]byte(s))
		return hex.EncodeToString(h[:])
	}))
	def("md5", tText, ts(tBytea), strKernel(func(s string) string {
		h := md5.Sum([]byte(s))
		return hex.EncodeToString(h[:])
	}))
	for _, n := range []string{"substr", "substring"} {
		def(n, tText, ts(tText, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := substrRunes(a[0].Str(), a[1].Int(), 0, false)
			return vtext(s), err
		})
		def(n, tText, ts(tText, tInt, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := substrRunes(a[0].Str(), a[1].Int(), a[2].Int(), true)
			return vtext(s), err
		})
	}
	// position(s, sub): the parser turns POSITION(sub IN s) into this argument order, like strpos.
	for _, n := range []string{"strpos", "position"} {
		def(n, tInt, ts(tText, tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, sub := a[0].Str(), a[1].Str()
			i := strings.Index(s, sub)
			if i < 0 {
				return types.NewInt32(0), nil
			}
			return types.NewInt32(int32(utf8.RuneCountInString(s[:i]) + 1)), nil
		})
	}
	def("replace", tText, ts(tText, tText, tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[1].Str() == "" {
			return a[0], nil
		}
		return vtext(strings.ReplaceAll(a[0].Str(), a[1].Str(), a[2].Str())), nil
	})
	for _, n := range []string{"btrim", "trim"} {
		def(n, tText, ts(tText), trimKernel(true, true))
		def(n, tText, ts(tText, tText), trimKernel(true, true))
	}
	def("ltrim", tText, ts(tText), trimKernel(true, false))
	def("ltrim", tText, ts(tText, tText), trimKernel(true, false))
	def("rtrim", tText, ts(tText), trimKernel(false, true))
	def("rtrim", tText, ts(tText, tText), trimKernel(false, true))
	for _, left := range []bool{true, false} {
		name := "rpad"
		if left {
			name = "lpad"
		}
		def(name, tText, ts(tText, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
			return vtext(pad(a[0].Str(), a[1].Int(), " ", left)), nil
		})
		def(name, tText, ts(tText, tInt, tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
			return vtext(pad(a[0].Str(), a[1].Int(), a[2].Str(), left)), nil
		})
	}
	def("left", tText, ts(tText, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		r := []rune(a[0].Str())
		n := a[1].Int()
		if n < 0 {
			n = max(int64(len(r))+n, 0)
		}
		return vtext(string(r[:min(n, int64(len(r)))])), nil
	})
	def("right", tText, ts(tText, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		r := []rune(a[0].Str())
		n := a[1].Int()
		if n < 0 {
			n = max(int64(len(r))+n, 0)
		}
		n = min(n, int64(len(r)))
		return vtext(string(r[int64(len(r))-n:])), nil
	})
	def("repeat", tText, ts(tText, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		n := a[1].Int()
		if n <= 0 {
			return vtext(""), nil
		}
		if int64(len(a[0].Str()))*n > 1<<30 {
			return types.NullDatum, pgerr.New(pgerr.OutOfMemory, "requested length too large")
		}
		return vtext(strings.Repeat(a[0].Str(), int(n))), nil
	})
	def("split_part", tText, ts(tText, tText, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		n := a[2].Int()
		if n == 0 {
			return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "field position must not be zero")
		}
		s, sep := a[0].Str(), a[1].Str()
		var parts []string
		if sep == "" {
			parts = []string{s}
		} else {
			parts = strings.Split(s, sep)
		}
		if s == "" {
			parts = nil
		}
		if n < 0 {
			n = int64(len(parts)) + n + 1
		}
		if n < 1 || n > int64(len(parts)) {
			return vtext(""), nil
		}
		return vtext(parts[n-1]), nil
	})
	def("starts_with", tBool, ts(tText, tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewBool(strings.HasPrefix(a[0].Str(), a[1].Str())), nil
	})
	def("ends_with", tBool, ts(tText, tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewBool(strings.HasSuffix(a[0].Str(), a[1].Str())), nil
	})
	def("translate", tText, ts(tText, tText, tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		from, to := []rune(a[1].Str()), []rune(a[2].Str())
		var b strings.Builder
		for _, r := range a[0].Str() {
			i := strings.IndexRune(string(from), r)
			switch {
			case i < 0:
				b.WriteRune(r)
			default:
				k := utf8.RuneCountInString(string(from)[:i])
				if k < len(to) {
					b.WriteRune(to[k])
				}
			}
		}
		return vtext(b.String()), nil
	})
	def("ascii", tInt, ts(tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, _ := utf8.DecodeRuneInString(a[0].Str())
		if a[0].Str() == "" {
			r = 0
		}
		return types.NewInt32(int32(r)), nil
	})
	def("chr", tText, ts(tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		c := a[0].Int()
		if c == 0 {
			return types.NullDatum, pgerr.New("54000", "null character not permitted")
		}
		if c < 0 || c > unicode.MaxRune {
			return types.NullDatum, pgerr.New("54000", "requested character too large for encoding: %d", c)
		}
		return vtext(string(rune(c))), nil
	})
	def("to_hex", tText, ts(tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return vtext(strconv.FormatUint(uint64(uint32(a[0].Int())), 16)), nil
	})
	def("to_hex", tText, ts(tInt8), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return vtext(strconv.FormatUint(uint64(a[0].Int()), 16)), nil
	})
	def("quote_ident", tText, ts(tText), strKernel(quoteIdent))
	def("quote_literal", tText, ts(tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		s := a[0].Str()
		if strings.Contains(s, `\`) {
			return vtext("E" + quoteLiteral(strings.ReplaceAll(s, `\`, `\\`))), nil
		}
		return vtext(quoteLiteral(s)), nil
	})
	def("quote_nullable", tText, ts(tText), func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return vtext("NULL"), nil
		}
		return vtext(quoteLiteral(a[0].Str())), nil
	}).nonStrict()
	def("concat", tText, ts(anyType), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		var b strings.Builder
		for _, d := range a {
			if !d.IsNull() {
				b.WriteString(concatText(ctx, d))
			}
		}
		return vtext(b.String()), nil
	}).variadicLast().nonStrict().vol = Stable
	def("concat_ws", tText, ts(tText, anyType), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.NullDatum, nil
		}
		var b strings.Builder
		first := true
		for _, d := range a[1:] {
			if d.IsNull() {
				continue
			}
			if !first {
				b.WriteString(a[0].Str())
			}
			first = false
			b.WriteString(concatText(ctx, d))
		}
		return vtext(b.String()), nil
	}).variadicLast().nonStrict().vol = Stable
	regexFns()
}

// compiled caches patterns for regexp_match and regexp_replace across rows and call sites: those
// functions are defined once for all of them, and their pattern is nearly always a constant (q21
// compiled it anew for every row: 39% of its CPU). A *regexp.Regexp is safe for concurrent use.
// Patterns that come from data could be many: the cache starts over past maxCompiled.
var (
	compiled      sync.Map // pattern -> *regexp.Regexp
	compiledCount atomic.Int64
)

const maxCompiled = 256

func compileCached(p string) (*regexp.Regexp, error) {
	if re, ok := compiled.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := (&regexCache{}).get(p)
	if err != nil {
		return nil, err
	}
	if compiledCount.Add(1) > maxCompiled {
		compiled.Clear()
		compiledCount.Store(1)
	}
	compiled.Store(p, re)
	return re, nil
}

// regexFns are regexp_replace and regexp_match over Go's RE2. PostgreSQL's replacement string uses \1
// and \& where Go uses ${1} and ${0}.
func regexFns() {
	replace := func(_ *Context, a []types.Datum) (types.Datum, error) {
		flags := ""
		if len(a) > 3 {
			flags = a[3].Str()
		}
		pat := a[1].Str()
		global := strings.Contains(flags, "g")
		if strings.Contains(flags, "i") {
			pat = "(?i)" + pat
		}
		re, err := compileCached(pat)
		if err != nil {
			return types.NullDatum, err
		}
		repl := pgReplacement(a[2].Str())
		s := a[0].Str()
		if global {
			return vtext(re.ReplaceAllString(s, repl)), nil
		}
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			return a[0], nil
		}
		out := re.ExpandString(nil, repl, s, loc)
		return vtext(s[:loc[0]] + string(out) + s[loc[1]:]), nil
	}
	def("regexp_replace", tText, ts(tText, tText, tText), replace)
	def("regexp_replace", tText, ts(tText, tText, tText, tText), replace)
	match := func(_ *Context, a []types.Datum) (types.Datum, error) {
		pat := a[1].Str()
		if len(a) > 2 && strings.Contains(a[2].Str(), "i") {
			pat = "(?i)" + pat
		}
		re, err := compileCached(pat)
		if err != nil {
			return types.NullDatum, err
		}
		m := re.FindStringSubmatchIndex(a[0].Str())
		if m == nil {
			return types.NullDatum, nil
		}
		var out []types.Datum
		if len(m) == 2 {
			out = []types.Datum{vtext(a[0].Str()[m[0]:m[1]])}
		}
		for i := 2; i < len(m); i += 2 {
			if m[i] < 0 {
				out = append(out, types.NullDatum)
			} else {
				out = append(out, vtext(a[0].Str()[m[i]:m[i+1]]))
			}
		}
		return types.NewArray(tText, out), nil
	}
	def("regexp_match", types.ArrayOf(tText), ts(tText, tText), match)
	def("regexp_match", types.ArrayOf(tText), ts(tText, tText, tText), match)
}

func pgReplacement(r string) string {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(r):
			n := r[i+1]
			i++
			switch {
			case n >= '0' && n <= '9':
				b.WriteString("${" + string(n) + "}")
			case n == '&':
				b.WriteString("${0}")
			default:
				b.WriteByte(n)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
