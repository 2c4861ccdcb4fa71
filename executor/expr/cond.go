package expr

import (
	"strings"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// CaseExpr is a searched CASE; each THEN runs only on the rows its WHEN selected, and each WHEN only on
// the rows no earlier WHEN took.
type CaseExpr struct {
	Whens [][2]Expr // condition, result
	Else  Expr      // nil means NULL
	T     types.Type
	subs  []*subset
	buf   []types.Datum
	rest  []int
	next  []int
	hit   []int
}

// NewCase builds CASE [operand] WHEN ... THEN ... [ELSE ...] END. With an operand, each WHEN value is
// compared to it with =.
func NewCase(operand Expr, whens [][2]Expr, els Expr) (Expr, error) {
	if len(whens) == 0 {
		return nil, pgerr.New(pgerr.SyntaxError, "CASE requires at least one WHEN")
	}
	ts := make([]types.Type, 0, len(whens)+1)
	for _, w := range whens {
		ts = append(ts, w[1].Type())
	}
	if els != nil {
		ts = append(ts, els.Type())
	}
	t, err := CommonType(ts)
	if err != nil {
		return nil, withMessagePrefix(err, "CASE ")
	}
	e := &CaseExpr{T: t}
	for _, w := range whens {
		cond := w[0]
		if operand != nil {
			if cond, err = newCompare("=", operand, cond); err != nil {
				return nil, err
			}
		} else if cond, err = boolOperand("CASE", cond, nil); err != nil {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "argument of CASE/WHEN must be type boolean, not type %s", w[0].Type())
		}
		res, err := coerceImplicit(w[1], t)
		if err != nil {
			return nil, err
		}
		e.Whens = append(e.Whens, [2]Expr{cond, res})
	}
	if els != nil {
		if e.Else, err = coerceImplicit(els, t); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func withMessagePrefix(err error, prefix string) error {
	if pe, ok := err.(*pgerr.Error); ok {
		return &pgerr.Error{Code: pe.Code, Message: prefix + pe.Message, Hint: pe.Hint}
	}
	return err
}

func (e *CaseExpr) Type() types.Type { return e.T }
func (e *CaseExpr) clone() Expr {
	c := &CaseExpr{T: e.T}
	for _, w := range e.Whens {
		c.Whens = append(c.Whens, [2]Expr{Clone(w[0]), Clone(w[1])})
	}
	if e.Else != nil {
		c.Else = Clone(e.Else)
	}
	return c
}

func (e *CaseExpr) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w[0].String() + " THEN " + w[1].String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

func (e *CaseExpr) sub(i int, x Expr) *subset {
	for len(e.subs) <= i {
		e.subs = append(e.subs, nil)
	}
	if e.subs[i] == nil {
		e.subs[i] = newSubset(x)
	}
	return e.subs[i]
}

func (e *CaseExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	n := c.Len()
	e.buf = grow(e.buf, n)
	out := e.buf
	clear(out)
	e.rest = e.rest[:0]
	for i := range n {
		e.rest = append(e.rest, i)
	}
	for wi, w := range e.Whens {
		if len(e.rest) == 0 {
			return out, nil
		}
		cond, err := e.sub(2*wi, w[0]).eval(ctx, w[0], c, e.rest)
		if err != nil {
			return nil, err
		}
		e.hit, e.next = e.hit[:0], e.next[:0]
		for j, r := range e.rest {
			if d := cond[j]; !d.IsNull() && d.Bool() {
				e.hit = append(e.hit, r)
			} else {
				e.next = append(e.next, r)
			}
		}
		if len(e.hit) > 0 {
			res, err := e.sub(2*wi+1, w[1]).eval(ctx, w[1], c, e.hit)
			if err != nil {
				return nil, err
			}
			for j, r := range e.hit {
				out[r] = res[j]
			}
		}
		e.rest, e.next = e.next, e.rest
	}
	if e.Else != nil && len(e.rest) > 0 {
		res, err := e.sub(2*len(e.Whens), e.Else).eval(ctx, e.Else, c, e.rest)
		if err != nil {
			return nil, err
		}
		for j, r := range e.rest {
			out[r] = res[j]
		}
	}
	return out, nil
}

// CoalesceExpr is COALESCE(a, b, ...): each argument runs only on the rows still NULL.
type CoalesceExpr struct {
	Args []Expr
	T    types.Type
	subs []*subset
	buf  []types.Datum
	rest []int
	next []int
}

func newCoalesce(args []Expr) (Expr, error) {
	t, err := commonArgs("COALESCE", args)
	if err != nil {
		return nil, err
	}
	return &CoalesceExpr{Args: args, T: t}, nil
}

// commonArgs coerces args in place to their common type.
func commonArgs(what string, args []Expr) (types.Type, error) {
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	t, err := CommonType(ts)
	if err != nil {
		return t, withMessagePrefix(err, what+" ")
	}
	for i := range args {
		if args[i], err = coerceImplicit(args[i], t); err != nil {
			return t, err
		}
	}
	return t, nil
}

func (e *CoalesceExpr) Type() types.Type { return e.T }
func (e *CoalesceExpr) String() string   { return "COALESCE(" + exprList(e.Args) + ")" }
func (e *CoalesceExpr) clone() Expr      { return &CoalesceExpr{Args: cloneAll(e.Args), T: e.T} }
func (e *CoalesceExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	n := c.Len()
	e.buf = grow(e.buf, n)
	out := e.buf
	clear(out)
	e.rest = e.rest[:0]
	for i := range n {
		e.rest = append(e.rest, i)
	}
	if len(e.subs) < len(e.Args) {
		e.subs = make([]*subset, len(e.Args))
	}
	for ai, a := range e.Args {
		if len(e.rest) == 0 {
			break
		}
		if e.subs[ai] == nil {
			e.subs[ai] = newSubset(a)
		}
		v, err := e.subs[ai].eval(ctx, a, c, e.rest)
		if err != nil {
			return nil, err
		}
		e.next = e.next[:0]
		for j, r := range e.rest {
			if v[j].IsNull() {
				e.next = append(e.next, r)
			} else {
				out[r] = v[j]
			}
		}
		e.rest, e.next = e.next, e.rest
	}
	return out, nil
}

// InExpr is x [NOT] IN (list): true when some element equals x, else NULL when x or an element is
// NULL, else false.
type InExpr struct {
	X    Expr
	List []Expr
	Not  bool
	kind cmpKind
	// set holds the list when it is all constants, for the common `col IN (1, 2, 3)`.
	ints    map[int64]struct{}
	strs    map[string]struct{}
	hasNull bool
	buf     []types.Datum
	vals    [][]types.Datum
}

// NewIn builds x [NOT] IN (list), resolving all operands to one common type as PostgreSQL does.
func NewIn(x Expr, list []Expr, not bool) (Expr, error) {
	all := append([]Expr{x}, list...)
	ts := make([]types.Type, len(all))
	for i, a := range all {
		ts[i] = a.Type()
	}
	t, err := CommonType(ts)
	if err != nil {
		// No common type: PostgreSQL falls back to x = e1 OR x = e2 ..., whose error names the operator.
		for _, e := range list {
			if _, err := newCompare("=", x, e); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	for i := range all {
		if all[i], err = coerceImplicit(all[i], t); err != nil {
			return nil, err
		}
	}
	e := &InExpr{X: all[0], List: all[1:], Not: not, kind: kindOf(t)}
	e.buildSet()
	return e, nil
}

func (e *InExpr) buildSet() {
	if e.kind != cmpInt && e.kind != cmpString {
		return
	}
	ints := map[int64]struct{}{}
	strs := map[string]struct{}{}
	for _, x := range e.List {
		k, ok := x.(*ConstExpr)
		if !ok {
			return
		}
		switch {
		case k.D.IsNull():
			e.hasNull = true
		case e.kind == cmpInt:
			ints[k.D.Int()] = struct{}{}
		default:
			strs[k.D.Str()] = struct{}{}
		}
	}
	if e.kind == cmpInt {
		e.ints = ints
	} else {
		e.strs = strs
	}
}

func (e *InExpr) Type() types.Type { return types.Bool }
func (e *InExpr) clone() Expr {
	c := &InExpr{X: Clone(e.X), List: cloneAll(e.List), Not: e.Not, kind: e.kind}
	c.buildSet()
	return c
}
func (e *InExpr) String() string {
	op := " IN ("
	if e.Not {
		op = " NOT IN ("
	}
	return "(" + e.X.String() + op + exprList(e.List) + "))"
}

func (e *InExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	x, err := e.X.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(x))
	out := e.buf
	if e.ints != nil || e.strs != nil {
		for i, d := range x {
			if d.IsNull() {
				out[i] = types.NullDatum
				continue
			}
			var found bool
			if e.ints != nil {
				_, found = e.ints[d.Int()]
			} else {
				_, found = e.strs[d.Str()]
			}
			out[i] = inResult(found, e.hasNull, e.Not)
		}
		return out, nil
	}
	if len(e.vals) < len(e.List) {
		e.vals = make([][]types.Datum, len(e.List))
	}
	for j, l := range e.List {
		if e.vals[j], err = l.Eval(ctx, c); err != nil {
			return nil, err
		}
	}
	for i, d := range x {
		if d.IsNull() {
			out[i] = types.NullDatum
			continue
		}
		found, null := false, false
		for j := range e.List {
			v := e.vals[j][i]
			if v.IsNull() {
				null = true
			} else if compareDatums(d, v) == 0 {
				found = true
				break
			}
		}
		out[i] = inResult(found, null, e.Not)
	}
	return out, nil
}

func inResult(found, null, not bool) types.Datum {
	switch {
	case found:
		return types.NewBool(!not)
	case null:
		return types.NullDatum
	}
	return types.NewBool(not)
}

// AnyExpr is x op ANY|ALL (array), with PostgreSQL's NULL rules (NULL elements make a missed ANY or a
// passed ALL NULL).
type AnyExpr struct {
	X, Arr Expr
	Op     string
	All    bool
	buf    []types.Datum
}

// NewAnyArray builds x op ANY(arr), or x op ALL(arr) when all is set. An unknown literal array
// ('{r,p}') takes x's type.
func NewAnyArray(x Expr, op string, arr Expr, all bool) (Expr, error) {
	var err error
	at := arr.Type()
	if at == types.Unknown {
		et := x.Type()
		if et == types.Unknown {
			et = types.Varchar
			if x, err = NewCast(x, et); err != nil {
				return nil, err
			}
		}
		if arr, err = NewCast(arr, types.ArrayOf(et)); err != nil {
			return nil, err
		}
		at = arr.Type()
	}
	if !at.IsArray() {
		return nil, pgerr.New(pgerr.WrongObjectType, "op ANY/ALL (array) requires array on right side")
	}
	switch op {
	case "=", "<>", "<", "<=", ">", ">=":
	default:
		return nil, opNotExist(op, x.Type(), at.Elem())
	}
	// Resolve the element comparison as a plain operator would, then lift the array to that type.
	probe, err := newCompare(op, x, NewColumn(0, at.Elem()))
	if err != nil {
		return nil, err
	}
	cmp := probe.(*CmpExpr)
	lt := cmp.L.Type()
	if cmp.R.Type() != at.Elem() || lt != x.Type() {
		if x, err = coerceImplicit(x, lt); err != nil {
			return nil, err
		}
		if at.Elem() != cmp.R.Type() {
			if arr, err = coerceImplicit(arr, types.ArrayOf(cmp.R.Type())); err != nil {
				return nil, err
			}
		}
	}
	return &AnyExpr{X: x, Arr: arr, Op: op, All: all}, nil
}

func (e *AnyExpr) Type() types.Type { return types.Bool }
func (e *AnyExpr) clone() Expr {
	return &AnyExpr{X: Clone(e.X), Arr: Clone(e.Arr), Op: e.Op, All: e.All}
}
func (e *AnyExpr) String() string {
	q := "ANY"
	if e.All {
		q = "ALL"
	}
	return "(" + e.X.String() + " " + e.Op + " " + q + "(" + e.Arr.String() + "))"
}

func (e *AnyExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	x, err := e.X.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	a, err := e.Arr.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(x))
	for i := range e.buf {
		if a[i].IsNull() {
			e.buf[i] = types.NullDatum
			continue
		}
		elems := a[i].Array()
		if len(elems) == 0 {
			e.buf[i] = types.NewBool(e.All)
			continue
		}
		if x[i].IsNull() {
			e.buf[i] = types.NullDatum
			continue
		}
		null, decided := false, false
		for _, v := range elems {
			if v.IsNull() {
				null = true
				continue
			}
			if cmpResult(e.Op, compareDatums(x[i], v)) != e.All {
				decided = true
				break
			}
		}
		switch {
		case decided:
			e.buf[i] = types.NewBool(!e.All)
		case null:
			e.buf[i] = types.NullDatum
		default:
			e.buf[i] = types.NewBool(e.All)
		}
	}
	return e.buf, nil
}

// ArrayExpr is ARRAY[a, b, ...].
type ArrayExpr struct {
	Elems []Expr
	T     types.Type
	vals  [][]types.Datum
	buf   []types.Datum
}

// NewArray builds ARRAY[elems...] of the elements' common type.
func NewArray(elems []Expr) (Expr, error) {
	if len(elems) == 0 {
		return nil, pgerr.New(pgerr.IndeterminateDatatype, "cannot determine type of empty array").
			WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].")
	}
	elems = append([]Expr(nil), elems...)
	t, err := commonArgs("ARRAY", elems)
	if err != nil {
		return nil, err
	}
	if t.IsArray() {
		return nil, pgerr.Unsupported("multidimensional arrays are not supported")
	}
	return &ArrayExpr{Elems: elems, T: types.ArrayOf(t)}, nil
}

func (e *ArrayExpr) Type() types.Type { return e.T }
func (e *ArrayExpr) String() string   { return "ARRAY[" + exprList(e.Elems) + "]" }
func (e *ArrayExpr) clone() Expr      { return &ArrayExpr{Elems: cloneAll(e.Elems), T: e.T} }
func (e *ArrayExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	if len(e.vals) < len(e.Elems) {
		e.vals = make([][]types.Datum, len(e.Elems))
	}
	var err error
	for j, x := range e.Elems {
		if e.vals[j], err = x.Eval(ctx, c); err != nil {
			return nil, err
		}
	}
	n := c.Len()
	e.buf = grow(e.buf, n)
	for i := range n {
		arr := make([]types.Datum, len(e.Elems))
		for j := range e.Elems {
			arr[j] = e.vals[j][i]
		}
		e.buf[i] = types.NewArray(e.T.Elem(), arr)
	}
	return e.buf, nil
}
