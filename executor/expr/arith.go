package expr

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

var errDivZero = pgerr.New(pgerr.DivisionByZero, "division by zero")

// arithType gives the operand type and result type of a numeric + - * / % between lt and rt, following
// the operator set PostgreSQL resolves to (int2 op int2 stays int2; real with anything but real becomes
// double precision, because float8 is the numeric category's preferred type).
func arithType(op string, lt, rt types.Type) (types.Type, bool) {
	rl, rr := numRank(lt), numRank(rt)
	if rl == 0 || rr == 0 {
		return types.Unknown, false
	}
	var t types.Type
	switch {
	case lt.IsInteger() && rt.IsInteger():
		t = lt
		if rr > rl {
			t = rt
		}
	case lt == types.Float64 || rt == types.Float64:
		t = types.Float64
	case lt == types.Float32 && rt == types.Float32:
		t = types.Float32
	case lt == types.Float32 || rt == types.Float32:
		t = types.Float64
	default:
		t = types.Numeric
	}
	switch op {
	case "%":
		if t == types.Float32 || t == types.Float64 {
			return types.Unknown, false
		}
	case "^":
		if t != types.Numeric {
			t = types.Float64
		}
	}
	return t, true
}

// IntArithExpr is integer arithmetic with PostgreSQL's overflow checks; both sides have type T.
type IntArithExpr struct {
	Op   byte
	L, R Expr
	T    types.Type
	buf  []types.Datum
}

func (e *IntArithExpr) Type() types.Type { return e.T }
func (e *IntArithExpr) String() string   { return binString(e.L, string(e.Op), e.R) }
func (e *IntArithExpr) clone() Expr {
	return &IntArithExpr{Op: e.Op, L: Clone(e.L), R: Clone(e.R), T: e.T}
}

func (e *IntArithExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	l, err := e.L.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(l))
	out := e.buf
	if k, ok := e.R.(*ConstExpr); ok {
		// Column op constant is the common shape (auction % 123): keep the constant in a register.
		if k.D.IsNull() {
			clear(out)
			return out, nil
		}
		b := k.D.Int()
		if (e.Op == '/' || e.Op == '%') && b == 0 {
			for _, d := range l {
				if !d.IsNull() {
					return nil, errDivZero
				}
			}
		}
		if e.Op == '%' && b != -1 {
			// No overflow is possible: the remainder is smaller than the divisor.
			for i := range l {
				if l[i].IsNull() {
					out[i] = types.NullDatum
				} else {
					out[i] = types.NewInt(e.T, l[i].Int()%b)
				}
			}
			return out, nil
		}
		for i := range l {
			if l[i].IsNull() {
				out[i] = types.NullDatum
				continue
			}
			v, err := intArith(e.Op, l[i].Int(), b, e.T)
			if err != nil {
				return nil, err
			}
			out[i] = types.NewInt(e.T, v)
		}
		return out, nil
	}
	r, err := e.R.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if l[i].IsNull() || r[i].IsNull() {
			out[i] = types.NullDatum
			continue
		}
		v, err := intArith(e.Op, l[i].Int(), r[i].Int(), e.T)
		if err != nil {
			return nil, err
		}
		out[i] = types.NewInt(e.T, v)
	}
	return out, nil
}

func intArith(op byte, a, b int64, t types.Type) (int64, error) {
	var r int64
	switch op {
	case '+':
		r = a + b
		if t == types.Int64 && (a >= 0) == (b >= 0) && (r >= 0) != (a >= 0) {
			return 0, intRangeErr(t)
		}
	case '-':
		r = a - b
		if t == types.Int64 && (a >= 0) != (b >= 0) && (r >= 0) != (a >= 0) {
			return 0, intRangeErr(t)
		}
	case '*':
		r = a * b
		if t == types.Int64 && a != 0 && (r/a != b || (a == -1 && b == math.MinInt64)) {
			return 0, intRangeErr(t)
		}
	case '/':
		if b == 0 {
			return 0, errDivZero
		}
		if b == -1 {
			if t == types.Int64 && a == math.MinInt64 {
				return 0, intRangeErr(t)
			}
			r = -a
		} else {
			r = a / b // Go truncates toward zero, as C does
		}
	case '%':
		if b == 0 {
			return 0, errDivZero
		}
		if b == -1 {
			return 0, nil
		}
		r = a % b
	default:
		return 0, pgerr.New(pgerr.InternalError, "bad integer operator %c", op)
	}
	if t != types.Int64 {
		return checkIntRange(r, t)
	}
	return r, nil
}

// FloatArithExpr is real or double precision arithmetic; PostgreSQL raises on overflow to infinity,
// underflow to zero and division by zero rather than producing inf/NaN.
type FloatArithExpr struct {
	Op   byte
	L, R Expr
	T    types.Type
	buf  []types.Datum
}

func (e *FloatArithExpr) Type() types.Type { return e.T }
func (e *FloatArithExpr) String() string   { return binString(e.L, string(e.Op), e.R) }
func (e *FloatArithExpr) clone() Expr {
	return &FloatArithExpr{Op: e.Op, L: Clone(e.L), R: Clone(e.R), T: e.T}
}

func (e *FloatArithExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	l, err := e.L.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(l))
	out := e.buf
	if k, ok := e.R.(*ConstExpr); ok {
		// price * 0.908 and friends.
		if k.D.IsNull() {
			clear(out)
			return out, nil
		}
		b := k.D.Float()
		for i := range l {
			if l[i].IsNull() {
				out[i] = types.NullDatum
				continue
			}
			v, err := floatArith(e.Op, l[i].Float(), b, e.T)
			if err != nil {
				return nil, err
			}
			out[i] = types.NewFloat(e.T, v)
		}
		return out, nil
	}
	r, err := e.R.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if l[i].IsNull() || r[i].IsNull() {
			out[i] = types.NullDatum
			continue
		}
		v, err := floatArith(e.Op, l[i].Float(), r[i].Float(), e.T)
		if err != nil {
			return nil, err
		}
		out[i] = types.NewFloat(e.T, v)
	}
	return out, nil
}

func floatArith(op byte, a, b float64, t types.Type) (float64, error) {
	var r float64
	switch op {
	case '+':
		r = a + b
	case '-':
		r = a - b
	case '*':
		r = a * b
	case '/':
		if b == 0 {
			return 0, errDivZero
		}
		r = a / b
	case '^':
		return floatPow(a, b)
	}
	if t == types.Float32 {
		r = float64(float32(r))
	}
	if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return 0, floatRangeErr(true)
	}
	if r == 0 && (op == '*' && a != 0 && b != 0 || op == '/' && a != 0) {
		return 0, floatRangeErr(false)
	}
	return r, nil
}

// floatPow follows PostgreSQL's dpow error cases.
func floatPow(a, b float64) (float64, error) {
	if a == 0 && b < 0 {
		return 0, pgerr.New("2201F", "zero raised to a negative power is undefined")
	}
	if a < 0 && b != math.Trunc(b) {
		return 0, pgerr.New("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	r := math.Pow(a, b)
	if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return 0, floatRangeErr(true)
	}
	if r == 0 && a != 0 && !math.IsInf(b, 0) {
		return 0, floatRangeErr(false)
	}
	return r, nil
}

func numArith(op byte, a, b *apd.Decimal) (*apd.Decimal, error) {
	switch op {
	case '+':
		return numAdd(a, b), nil
	case '-':
		return numSub(a, b), nil
	case '*':
		return numMul(a, b), nil
	case '/':
		return numDiv(a, b)
	case '%':
		return numMod(a, b)
	case '^':
		return numPow(a, b)
	}
	return nil, pgerr.New(pgerr.InternalError, "bad numeric operator %c", op)
}

// numPow is numeric ^ numeric with power_var's result scale: at least 16 significant digits and no
// fewer decimals than the inputs (integer exponents: 16 decimals or the base's).
func numPow(a, b *apd.Decimal) (*apd.Decimal, error) {
	if a.IsZero() && b.Negative {
		return nil, pgerr.New("2201F", "zero raised to a negative power is undefined")
	}
	integral := new(apd.Decimal)
	decCtx.RoundToIntegralValue(integral, b)
	isInt := integral.Cmp(b) == 0
	if a.Negative && !isInt {
		return nil, pgerr.New("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	r := new(apd.Decimal)
	if _, err := workCtx(24).Pow(r, a, b); err != nil {
		return nil, errNumericOverflow
	}
	var rs int64
	if isInt {
		rs = max(16, int64(dscale(a)))
	} else {
		val := r.NumDigits() + int64(r.Exponent) - 1
		rs = max(16-val, int64(dscale(a)), int64(dscale(b)), 0)
	}
	rs = min(rs, 1000)
	prec := max(r.NumDigits()+int64(r.Exponent), 1) + rs + 4
	if _, err := workCtx(uint32(prec)).Pow(r, a, b); err != nil {
		return nil, errNumericOverflow
	}
	return roundScale(r, int32(rs))
}

// BinFuncExpr is a strict binary operator given as a datum kernel (numeric arithmetic, dates...).
type BinFuncExpr struct {
	Name string // operator, for String
	L, R Expr
	T    types.Type
	Fn   func(ctx *Context, a, b types.Datum) (types.Datum, error)
	buf  []types.Datum
}

func (e *BinFuncExpr) Type() types.Type { return e.T }
func (e *BinFuncExpr) String() string   { return binString(e.L, e.Name, e.R) }
func (e *BinFuncExpr) clone() Expr {
	return &BinFuncExpr{Name: e.Name, L: Clone(e.L), R: Clone(e.R), T: e.T, Fn: e.Fn}
}

func (e *BinFuncExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	l, err := e.L.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	r, err := e.R.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, len(l))
	for i := range e.buf {
		a, b := l[i], r[i]
		if a.IsNull() || b.IsNull() {
			e.buf[i] = types.NullDatum
			continue
		}
		if e.buf[i], err = e.Fn(ctx, a, b); err != nil {
			return nil, err
		}
	}
	return e.buf, nil
}

func binString(l Expr, op string, r Expr) string {
	return "(" + l.String() + " " + op + " " + r.String() + ")"
}

// newArith builds + - * / % ^ over numeric types.
func newArith(op string, l, r Expr) (Expr, bool, error) {
	t, ok := arithType(op, l.Type(), r.Type())
	if !ok {
		return nil, false, nil
	}
	var err error
	if l, err = coerceImplicit(l, t); err != nil {
		return nil, true, err
	}
	if r, err = coerceImplicit(r, t); err != nil {
		return nil, true, err
	}
	o := op[0]
	switch t {
	case types.Int16, types.Int32, types.Int64:
		return &IntArithExpr{Op: o, L: l, R: r, T: t}, true, nil
	case types.Float32, types.Float64:
		return &FloatArithExpr{Op: o, L: l, R: r, T: t}, true, nil
	}
	return newNumArith(o, numOperand(l), numOperand(r)), true, nil
}
