package expr

import (
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// LogicExpr is AND or OR with SQL's three-valued logic. The right side runs only on the rows the left
// side leaves undecided (not false for AND, not true for OR).
type LogicExpr struct {
	Or   bool
	L, R Expr
	sub  *subset
	sel  []int
	buf  []types.Datum
}

func newLogic(or bool, l, r Expr) (Expr, error) {
	op := "AND"
	if or {
		op = "OR"
	}
	var err error
	if l, err = boolOperand(op, l, r); err != nil {
		return nil, err
	}
	if r, err = boolOperand(op, r, l); err != nil {
		return nil, err
	}
	return &LogicExpr{Or: or, L: l, R: r}, nil
}

// boolOperand resolves an operand of AND/OR/NOT, which must be boolean (or an unknown literal).
func boolOperand(op string, x, other Expr) (Expr, error) {
	switch x.Type() {
	case types.Bool:
		return x, nil
	case types.Unknown:
		return NewCast(x, types.Bool)
	}
	return nil, pgerr.New(pgerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", op, x.Type())
}

func (e *LogicExpr) Type() types.Type { return types.Bool }
func (e *LogicExpr) String() string {
	if e.Or {
		return binString(e.L, "OR", e.R)
	}
	return binString(e.L, "AND", e.R)
}
func (e *LogicExpr) clone() Expr { return &LogicExpr{Or: e.Or, L: Clone(e.L), R: Clone(e.R)} }

func (e *LogicExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	l, err := e.L.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	n := len(l)
	e.buf = grow(e.buf, n)
	out := e.buf
	copy(out, l)
	// decided is the left value that settles the row: false for AND, true for OR.
	decided := e.Or
	e.sel = e.sel[:0]
	for i := range l {
		if l[i].IsNull() || l[i].Bool() != decided {
			e.sel = append(e.sel, i)
		}
	}
	if len(e.sel) == 0 {
		return out, nil
	}
	if len(e.sel) == n || cannotFail(e.R) {
		r, err := e.R.Eval(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, i := range e.sel {
			out[i] = combine(e.Or, out[i], r[i])
		}
		return out, nil
	}
	if e.sub == nil {
		e.sub = newSubset(e.R)
	}
	r, err := e.sub.eval(ctx, e.R, c, e.sel)
	if err != nil {
		return nil, err
	}
	for j, i := range e.sel {
		out[i] = combine(e.Or, out[i], r[j])
	}
	return out, nil
}

// combine merges an undecided left value (true/NULL for AND, false/NULL for OR) with the right value.
func combine(or bool, l, r types.Datum) types.Datum {
	if !r.IsNull() && r.Bool() == or {
		return r // false AND-wise / true OR-wise decides
	}
	if l.IsNull() || r.IsNull() {
		return types.NullDatum
	}
	return r
}

// NotExpr is NOT x.
type NotExpr struct {
	X   Expr
	buf []types.Datum
}

func (e *NotExpr) Type() types.Type { return types.Bool }
func (e *NotExpr) String() string   { return "(NOT " + e.X.String() + ")" }
func (e *NotExpr) clone() Expr      { return &NotExpr{X: Clone(e.X)} }
func (e *NotExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	in, err := e.X.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(in))
	for i, d := range in {
		if d.IsNull() {
			e.buf[i] = d
		} else {
			e.buf[i] = types.NewBool(!d.Bool())
		}
	}
	return e.buf, nil
}

// IsNullExpr is x IS [NOT] NULL.
type IsNullExpr struct {
	X   Expr
	Not bool
	buf []types.Datum
}

// NewIsNull returns x IS NULL, or x IS NOT NULL when not is set.
func NewIsNull(x Expr, not bool) Expr { return &IsNullExpr{X: x, Not: not} }

func (e *IsNullExpr) Type() types.Type { return types.Bool }
func (e *IsNullExpr) clone() Expr      { return &IsNullExpr{X: Clone(e.X), Not: e.Not} }
func (e *IsNullExpr) String() string {
	if e.Not {
		return "(" + e.X.String() + " IS NOT NULL)"
	}
	return "(" + e.X.String() + " IS NULL)"
}
func (e *IsNullExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	in, err := e.X.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(in))
	for i, d := range in {
		e.buf[i] = types.NewBool(d.IsNull() != e.Not)
	}
	return e.buf, nil
}

// IsBoolExpr is x IS [NOT] TRUE|FALSE|UNKNOWN; never NULL.
type IsBoolExpr struct {
	X                   Expr
	Value, Unknown, Not bool
	buf                 []types.Datum
}

// NewIsBool returns x IS [NOT] TRUE/FALSE (value), or IS [NOT] UNKNOWN when unknown is set.
func NewIsBool(x Expr, value, unknown, not bool) (Expr, error) {
	x, err := boolOperand("IS", x, nil)
	if err != nil {
		return nil, err
	}
	return &IsBoolExpr{X: x, Value: value, Unknown: unknown, Not: not}, nil
}

func (e *IsBoolExpr) Type() types.Type { return types.Bool }
func (e *IsBoolExpr) clone() Expr {
	return &IsBoolExpr{X: Clone(e.X), Value: e.Value, Unknown: e.Unknown, Not: e.Not}
}
func (e *IsBoolExpr) String() string {
	s := "(" + e.X.String() + " IS "
	if e.Not {
		s += "NOT "
	}
	switch {
	case e.Unknown:
		s += "UNKNOWN"
	case e.Value:
		s += "TRUE"
	default:
		s += "FALSE"
	}
	return s + ")"
}
func (e *IsBoolExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	in, err := e.X.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(in))
	for i, d := range in {
		var r bool
		if e.Unknown {
			r = d.IsNull()
		} else {
			r = !d.IsNull() && d.Bool() == e.Value
		}
		e.buf[i] = types.NewBool(r != e.Not)
	}
	return e.buf, nil
}

// NewUnary builds - + NOT.
func NewUnary(op string, x Expr) (Expr, error) {
	switch op {
	case "NOT":
		x, err := boolOperand("NOT", x, nil)
		if err != nil {
			return nil, err
		}
		return &NotExpr{X: x}, nil
	case "+", "-":
		t := x.Type()
		if t == types.Unknown {
			var err error
			if x, err = NewCast(x, types.Float64); err != nil {
				return nil, err
			}
			t = types.Float64
		}
		if !t.IsNumeric() && t != types.Interval {
			return nil, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s", op, t).
				WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
		}
		if op == "+" {
			return x, nil
		}
		if k, ok := x.(*ConstExpr); ok && !k.D.IsNull() {
			// Fold -literal right away: the binder builds negative literals this way.
			d, err := negate(k.D)
			if err != nil {
				return nil, err
			}
			return NewConst(d, t), nil
		}
		return &FuncExpr{Name: "-", Args: []Expr{x}, T: t, fn: func(_ *Context, a []types.Datum) (types.Datum, error) {
			return negate(a[0])
		}, strict: true, prefixOp: true}, nil
	}
	return nil, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s", op, x.Type())
}

func negate(d types.Datum) (types.Datum, error) {
	switch t := d.Type(); t {
	case types.Int16, types.Int32, types.Int64:
		v, err := intArith('-', 0, d.Int(), t)
		return types.NewInt(t, v), err
	case types.Float32, types.Float64:
		return types.NewFloat(t, -d.Float()), nil
	case types.Numeric:
		r := new(apdDecimal).Neg(d.Numeric())
		return types.NewNumeric(r), nil
	case types.Interval:
		iv := d.IntervalValue()
		return types.NewInterval(types.IntervalValue{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}), nil
	}
	return types.NullDatum, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: - %s", d.Type())
}
