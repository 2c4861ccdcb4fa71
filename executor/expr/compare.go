package expr

import (
	"cmp"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// cmpKind picks the comparison loop by representation, so the hot cases never reach compareDatums.
type cmpKind uint8

const (
	cmpGeneric cmpKind = iota
	cmpInt             // integers, oids, bool, date, time, timestamps: Datum.Int()
	cmpFloat
	cmpString
)

func kindOf(t types.Type) cmpKind {
	switch t {
	case types.Int16, types.Int32, types.Int64, types.Oid, types.Regclass, types.Regtype, types.Bool,
		types.Date, types.Time, types.Timestamp, types.Timestamptz:
		return cmpInt
	case types.Float32, types.Float64:
		return cmpFloat
	case types.Varchar, types.Name, types.Char, types.Bytea:
		return cmpString
	}
	return cmpGeneric
}

// CmpExpr is = <> < > <= >= and IS [NOT] DISTINCT FROM between two operands of one comparable type.
type CmpExpr struct {
	Op   string
	L, R Expr
	kind cmpKind
	// distinct is IS DISTINCT FROM (not strict: NULLs compare as equal to each other).
	distinct, notDistinct bool
	buf                   []types.Datum
}

func (e *CmpExpr) Type() types.Type { return types.Bool }
func (e *CmpExpr) String() string {
	switch {
	case e.distinct:
		return binString(e.L, "IS DISTINCT FROM", e.R)
	case e.notDistinct:
		return binString(e.L, "IS NOT DISTINCT FROM", e.R)
	}
	return binString(e.L, e.Op, e.R)
}
func (e *CmpExpr) clone() Expr {
	return &CmpExpr{Op: e.Op, L: Clone(e.L), R: Clone(e.R), kind: e.kind, distinct: e.distinct, notDistinct: e.notDistinct}
}

// cmpResult turns a three-way comparison into the operator's answer.
func cmpResult(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

func (e *CmpExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	l, err := e.L.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(l))
	out := e.buf
	if k, ok := e.R.(*ConstExpr); ok && !e.distinct && !e.notDistinct {
		if k.D.IsNull() {
			clear(out)
			return out, nil
		}
		e.evalConst(l, k.D, out)
		return out, nil
	}
	r, err := e.R.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	for i := range out {
		a, b := l[i], r[i]
		if a.IsNull() || b.IsNull() {
			switch {
			case e.distinct:
				out[i] = types.NewBool(a.IsNull() != b.IsNull())
			case e.notDistinct:
				out[i] = types.NewBool(a.IsNull() == b.IsNull())
			default:
				out[i] = types.NullDatum
			}
			continue
		}
		out[i] = types.NewBool(cmpResult(e.Op, e.compare(a, b)))
	}
	return out, nil
}

// evalConst is the filter fast path: one loop per operator, the constant unpacked once.
func (e *CmpExpr) evalConst(l []types.Datum, k types.Datum, out []types.Datum) {
	if e.kind == cmpInt {
		// Index, don't range: ranging copies each 48-byte datum, which costs more than the compare.
		b := k.Int()
		switch e.Op {
		case "=":
			for i := range l {
				switch {
				case l[i].IsNull():
					out[i] = types.NullDatum
				case l[i].Int() == b:
					out[i] = datumTrue
				default:
					out[i] = datumFalse
				}
			}
		case "<>":
			for i := range l {
				switch {
				case l[i].IsNull():
					out[i] = types.NullDatum
				case l[i].Int() != b:
					out[i] = datumTrue
				default:
					out[i] = datumFalse
				}
			}
		case "<":
			for i := range l {
				switch {
				case l[i].IsNull():
					out[i] = types.NullDatum
				case l[i].Int() < b:
					out[i] = datumTrue
				default:
					out[i] = datumFalse
				}
			}
		case "<=":
			for i := range l {
				switch {
				case l[i].IsNull():
					out[i] = types.NullDatum
				case l[i].Int() <= b:
					out[i] = datumTrue
				default:
					out[i] = datumFalse
				}
			}
		case ">":
			for i := range l {
				switch {
				case l[i].IsNull():
					out[i] = types.NullDatum
				case l[i].Int() > b:
					out[i] = datumTrue
				default:
					out[i] = datumFalse
				}
			}
		case ">=":
			for i := range l {
				switch {
				case l[i].IsNull():
					out[i] = types.NullDatum
				case l[i].Int() >= b:
					out[i] = datumTrue
				default:
					out[i] = datumFalse
				}
			}
		}
		return
	}
	for i, d := range l {
		if d.IsNull() {
			out[i] = types.NullDatum
			continue
		}
		out[i] = types.NewBool(cmpResult(e.Op, e.compare(d, k)))
	}
}

var datumTrue, datumFalse = types.NewBool(true), types.NewBool(false)

func boolOrNull(d types.Datum, b bool) types.Datum {
	if d.IsNull() {
		return types.NullDatum
	}
	return types.NewBool(b)
}

func (e *CmpExpr) compare(a, b types.Datum) int {
	switch e.kind {
	case cmpInt:
		return cmp.Compare(a.Int(), b.Int())
	case cmpFloat:
		return types.CompareFloat(a.Float(), b.Float())
	case cmpString:
		return strings.Compare(a.Str(), b.Str())
	}
	return compareDatums(a, b)
}

// cmpInterval compares intervals as PostgreSQL does, by their span with a month of 30 days.
func cmpInterval(a, b types.IntervalValue) int {
	norm := func(v types.IntervalValue) (int64, int64) {
		days := int64(v.Months)*30 + int64(v.Days)
		q := floorDiv64(v.Micros, microsPerDay)
		return days + q, v.Micros - q*microsPerDay
	}
	ad, am := norm(a)
	bd, bm := norm(b)
	if c := cmp.Compare(ad, bd); c != 0 {
		return c
	}
	return cmp.Compare(am, bm)
}

// fallbackCompare orders two non-NULL datums of one type (arrays put NULL elements last).
func fallbackCompare(a, b types.Datum) int {
	t := a.Type()
	if t.IsArray() {
		x, y := a.Array(), b.Array()
		for i := 0; i < len(x) && i < len(y); i++ {
			switch {
			case x[i].IsNull() && y[i].IsNull():
				continue
			case x[i].IsNull():
				return 1
			case y[i].IsNull():
				return -1
			}
			if c := fallbackCompare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(int64(len(x)), int64(len(y)))
	}
	switch kindOf(t) {
	case cmpInt:
		return cmp.Compare(a.Int(), b.Int())
	case cmpFloat:
		return types.CompareFloat(a.Float(), b.Float())
	case cmpString:
		return strings.Compare(a.Str(), b.Str())
	}
	switch t {
	case types.Numeric:
		return types.CompareNumeric(a.Numeric(), b.Numeric())
	case types.Interval:
		return cmpInterval(a.IntervalValue(), b.IntervalValue())
	}
	return typesCompare(a, b)
}

// cmpOperands brings both sides of a comparison to one type: an unknown literal takes the other side's
// type; integers of different widths compare without casts; otherwise both go to the common type.
func cmpOperands(op string, l, r Expr) (Expr, Expr, error) {
	lt, rt := l.Type(), r.Type()
	var err error
	switch {
	case lt == types.Unknown && rt == types.Unknown:
		lt, rt = types.Varchar, types.Varchar
		if l, err = NewCast(l, types.Varchar); err != nil {
			return nil, nil, err
		}
		r, err = NewCast(r, types.Varchar)
		return l, r, err
	case lt == types.Unknown:
		l, err = NewCast(l, rt)
		return l, r, err
	case rt == types.Unknown:
		r, err = NewCast(r, lt)
		return l, r, err
	case lt == rt:
		return l, r, nil
	case lt.IsInteger() && rt.IsInteger():
		return l, r, nil
	case (lt == types.Char && rt.IsString()) || (rt == types.Char && lt.IsString()):
		if l, err = NewCast(l, types.Varchar); err != nil {
			return nil, nil, err
		}
		r, err = NewCast(r, types.Varchar)
		return l, r, err
	}
	t, err := CommonType([]types.Type{lt, rt})
	if err != nil {
		return nil, nil, opNotExist(op, lt, rt)
	}
	if l, err = coerceImplicit(l, t); err != nil {
		return nil, nil, err
	}
	r, err = coerceImplicit(r, t)
	return l, r, err
}

func opNotExist(op string, lt, rt types.Type) error {
	return pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt).
		WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

func newCompare(op string, l, r Expr) (Expr, error) {
	sym := op
	if strings.HasPrefix(op, "IS ") {
		sym = "=" // PostgreSQL resolves IS DISTINCT FROM through the = operator
	}
	l, r, err := cmpOperands(sym, l, r)
	if err != nil {
		return nil, err
	}
	e := &CmpExpr{Op: op, L: l, R: r, kind: kindOf(l.Type())}
	if l.Type() != r.Type() && !(l.Type().IsInteger() && r.Type().IsInteger()) {
		e.kind = cmpGeneric
	}
	switch op {
	case "IS DISTINCT FROM":
		e.Op, e.distinct = "<>", true
	case "IS NOT DISTINCT FROM":
		e.Op, e.notDistinct = "=", true
	}
	// A constant on the left is moved right so the fast path sees it.
	if _, ok := e.L.(*ConstExpr); ok {
		if _, ok := e.R.(*ConstExpr); !ok {
			e.L, e.R, e.Op = e.R, e.L, flipCmp(e.Op)
		}
	}
	return e, nil
}

func flipCmp(op string) string {
	switch op {
	case "<":
		return ">"
	case ">":
		return "<"
	case "<=":
		return ">="
	case ">=":
		return "<="
	}
	return op
}
