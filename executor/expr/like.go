package expr

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// LikeExpr is x [NOT] [I]LIKE pattern [ESCAPE e]. A constant pattern is compiled once.
type LikeExpr struct {
	X, Pattern Expr
	Escape     rune // 0: none
	CI, Not    bool
	m          *likeMatcher
	buf        []types.Datum
}

// NewLike builds x LIKE pattern; escape may be nil (backslash) or a one-character string (empty: none).
func NewLike(x, pattern, escape Expr, caseInsensitive, not bool) (Expr, error) {
	var err error
	if x, err = textOperand(x); err != nil {
		return nil, err
	}
	if pattern, err = textOperand(pattern); err != nil {
		return nil, err
	}
	if !x.Type().IsString() || !pattern.Type().IsString() {
		op := "~~"
		if caseInsensitive {
			op = "~~*"
		}
		if not {
			op = "!" + op
		}
		return nil, opNotExist(op, x.Type(), pattern.Type())
	}
	esc := '\\'
	if escape != nil {
		k, ok := escape.(*ConstExpr)
		if !ok {
			return nil, pgerr.Unsupported("LIKE ESCAPE must be a constant")
		}
		s := k.D.Str()
		switch utf8.RuneCountInString(s) {
		case 0:
			esc = 0
		case 1:
			esc, _ = utf8.DecodeRuneInString(s)
		default:
			return nil, pgerr.New("22025", "invalid escape string").WithHint("Escape string must be empty or one character.")
		}
	}
	e := &LikeExpr{X: x, Pattern: pattern, Escape: esc, CI: caseInsensitive, Not: not}
	if k, ok := pattern.(*ConstExpr); ok && !k.D.IsNull() {
		if e.m, err = compileLike(k.D.Str(), esc, caseInsensitive); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// textOperand resolves an unknown literal to text for string operators.
func textOperand(x Expr) (Expr, error) {
	if x.Type() == types.Unknown || x.Type() == types.Name || x.Type() == types.Char {
		return NewCast(x, types.Varchar)
	}
	return x, nil
}

func (e *LikeExpr) Type() types.Type { return types.Bool }
func (e *LikeExpr) clone() Expr {
	return &LikeExpr{X: Clone(e.X), Pattern: Clone(e.Pattern), Escape: e.Escape, CI: e.CI, Not: e.Not, m: e.m}
}
func (e *LikeExpr) String() string {
	op := "LIKE"
	if e.CI {
		op = "ILIKE"
	}
	if e.Not {
		op = "NOT " + op
	}
	return binString(e.X, op, e.Pattern)
}

func (e *LikeExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	x, err := e.X.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	var pats []types.Datum
	if e.m == nil {
		if pats, err = e.Pattern.Eval(ctx, c); err != nil {
			return nil, err
		}
	}
	e.buf = grow(e.buf, len(x))
	for i, d := range x {
		m := e.m
		if m == nil {
			if pats[i].IsNull() {
				e.buf[i] = types.NullDatum
				continue
			}
			if m, err = compileLike(pats[i].Str(), e.Escape, e.CI); err != nil {
				return nil, err
			}
		}
		if d.IsNull() {
			e.buf[i] = types.NullDatum
			continue
		}
		e.buf[i] = types.NewBool(m.match(d.Str()) != e.Not)
	}
	return e.buf, nil
}

// likeMatcher is a parsed LIKE pattern: literal runs separated by % and _ tokens. Patterns that are a
// literal with % at the ends reduce to prefix/suffix/substring tests.
type likeMatcher struct {
	ci    bool
	toks  []likeTok
	exact string
	kind  byte // 'e' exact, 'p' prefix, 's' suffix, 'c' contains, 'g' general
}

type likeTok struct {
	lit string
	op  byte // 0 literal, '%' any run, '_' one character
}

func compileLike(p string, esc rune, ci bool) (*likeMatcher, error) {
	if ci {
		p = strings.ToLower(p)
	}
	m := &likeMatcher{ci: ci}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			m.toks = append(m.toks, likeTok{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch {
		case esc != 0 && r == esc:
			if i >= len(p) {
				return nil, pgerr.New("22025", "LIKE pattern must not end with escape character")
			}
			r2, n2 := utf8.DecodeRuneInString(p[i:])
			i += n2
			lit.WriteRune(r2)
		case r == '%':
			flush()
			if len(m.toks) == 0 || m.toks[len(m.toks)-1].op != '%' {
				m.toks = append(m.toks, likeTok{op: '%'})
			}
		case r == '_':
			flush()
			m.toks = append(m.toks, likeTok{op: '_'})
		default:
			lit.WriteRune(r)
		}
	}
	flush()
	m.kind = 'g'
	t := m.toks
	switch {
	case len(t) == 0:
		m.kind = 'e'
	case len(t) == 1 && t[0].op == 0:
		m.kind, m.exact = 'e', t[0].lit
	case len(t) == 2 && t[0].op == 0 && t[1].op == '%':
		m.kind, m.exact = 'p', t[0].lit
	case len(t) == 2 && t[0].op == '%' && t[1].op == 0:
		m.kind, m.exact = 's', t[1].lit
	case len(t) == 3 && t[0].op == '%' && t[1].op == 0 && t[2].op == '%':
		m.kind, m.exact = 'c', t[1].lit
	case len(t) == 1 && t[0].op == '%':
		m.kind, m.exact = 'c', ""
	}
	return m, nil
}

func (m *likeMatcher) match(s string) bool {
	if m.ci {
		s = strings.ToLower(s)
	}
	switch m.kind {
	case 'e':
		return s == m.exact
	case 'p':
		return strings.HasPrefix(s, m.exact)
	case 's':
		return strings.HasSuffix(s, m.exact)
	case 'c':
		return strings.Contains(s, m.exact)
	}
	return likeRec(s, m.toks)
}

// likeRec matches tokens against s; % tries the shortest run first and backtracks.
func likeRec(s string, toks []likeTok) bool {
	for len(toks) > 0 {
		t := toks[0]
		switch t.op {
		case 0:
			if !strings.HasPrefix(s, t.lit) {
				return false
			}
			s = s[len(t.lit):]
		case '_':
			if s == "" {
				return false
			}
			_, n := utf8.DecodeRuneInString(s)
			s = s[n:]
		case '%':
			rest := toks[1:]
			if len(rest) == 0 {
				return true
			}
			for i := 0; i <= len(s); {
				if likeRec(s[i:], rest) {
					return true
				}
				if i == len(s) {
					break
				}
				_, n := utf8.DecodeRuneInString(s[i:])
				i += n
			}
			return false
		}
		toks = toks[1:]
	}
	return s == ""
}

// newRegexMatch builds ~ ~* !~ !~* with Go's RE2, which agrees with PostgreSQL's ARE on the common
// syntax (no backreferences).
func newRegexMatch(op string, l, r Expr) (Expr, error) {
	var err error
	if l, err = textOperand(l); err != nil {
		return nil, err
	}
	if r, err = textOperand(r); err != nil {
		return nil, err
	}
	if !l.Type().IsString() || !r.Type().IsString() {
		return nil, opNotExist(op, l.Type(), r.Type())
	}
	ci := op == "~*" || op == "!~*"
	not := op[0] == '!'
	cache := &regexCache{ci: ci}
	if k, ok := r.(*ConstExpr); ok && !k.D.IsNull() {
		if _, err := cache.get(k.D.Str()); err != nil {
			return nil, err
		}
	}
	return &BinFuncExpr{Name: op, L: l, R: r, T: types.Bool, Fn: func(_ *Context, a, b types.Datum) (types.Datum, error) {
		re, err := cache.get(b.Str())
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewBool(re.MatchString(a.Str()) != not), nil
	}}, nil
}

// regexCache keeps the last compiled pattern: patterns are nearly always constant.
type regexCache struct {
	ci  bool
	src string
	re  *regexp.Regexp
}

func (c *regexCache) get(p string) (*regexp.Regexp, error) {
	if c.re != nil && c.src == p {
		return c.re, nil
	}
	src := p
	if c.ci {
		src = "(?i)" + p
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, pgerr.New(pgerr.InvalidRegularExpression, "invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	c.src, c.re = p, re
	return re, nil
}

// newConcatOp is ||: text concatenation (a non-text operand is converted to text, so 'a' || 1 is
// 'a1'), array concatenation, or jsonb concatenation.
func newConcatOp(l, r Expr) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	var err error
	switch {
	case lt.IsArray() || rt.IsArray():
		return newArrayCat(l, r)
	case lt == types.Jsonb && (rt == types.Jsonb || rt == types.Unknown):
		if r, err = NewCast(r, types.Jsonb); err != nil {
			return nil, err
		}
		return &BinFuncExpr{Name: "||", L: l, R: r, T: types.Jsonb, Fn: jsonbConcat}, nil
	case lt.IsString() || rt.IsString() || lt == types.Unknown || rt == types.Unknown || lt == types.Char || rt == types.Char:
		if l, err = NewCast(l, types.Varchar); err != nil {
			return nil, err
		}
		if r, err = NewCast(r, types.Varchar); err != nil {
			return nil, err
		}
		return &BinFuncExpr{Name: "||", L: l, R: r, T: types.Varchar, Fn: func(_ *Context, a, b types.Datum) (types.Datum, error) {
			return types.NewVarchar(a.Str() + b.Str()), nil
		}}, nil
	}
	return nil, opNotExist("||", lt, rt)
}

func newArrayCat(l, r Expr) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	var err error
	switch {
	case lt.IsArray() && (rt.IsArray() || rt == types.Unknown):
		if r, err = NewCast(r, lt); err != nil {
			return nil, err
		}
	case rt.IsArray() && lt == types.Unknown:
		if l, err = NewCast(l, rt); err != nil {
			return nil, err
		}
	}
	lt, rt = l.Type(), r.Type()
	var elem types.Type
	switch {
	case lt.IsArray() && rt.IsArray():
		if elem, err = CommonType([]types.Type{lt.Elem(), rt.Elem()}); err != nil {
			return nil, opNotExist("||", lt, rt)
		}
		l, _ = coerceImplicit(l, types.ArrayOf(elem))
		r, _ = coerceImplicit(r, types.ArrayOf(elem))
	case lt.IsArray():
		elem = lt.Elem()
		if r, err = coerceImplicit(r, elem); err != nil {
			return nil, opNotExist("||", lt, rt)
		}
	default:
		elem = rt.Elem()
		if l, err = coerceImplicit(l, elem); err != nil {
			return nil, opNotExist("||", lt, rt)
		}
	}
	la, ra := l.Type().IsArray(), r.Type().IsArray()
	fn := func(_ *Context, args []types.Datum) (types.Datum, error) {
		var out []types.Datum
		for i, d := range args {
			isArr := (i == 0 && la) || (i == 1 && ra)
			switch {
			case isArr && !d.IsNull():
				out = append(out, d.Array()...)
			case !isArr:
				out = append(out, d)
			}
		}
		if args[0].IsNull() && args[1].IsNull() {
			return types.NullDatum, nil
		}
		return types.NewArray(elem, out), nil
	}
	return kernelExpr("array_cat", []Expr{l, r}, types.ArrayOf(elem), fn, false, Immutable), nil
}
