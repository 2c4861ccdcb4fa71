package expr

import (
	"math"
	"math/bits"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/types"
)

// NumArithExpr is numeric + - * / % ^. Integer operands are read directly rather than through a cast,
// and + - * on values whose coefficients fit in 64 bits (nearly all real data: prices, amounts) run in
// integer arithmetic, writing results into one slab of decimals per chunk instead of one allocation
// per row. Everything else goes through apd.
type NumArithExpr struct {
	Op   byte
	L, R Expr
	buf  []types.Datum
}

func newNumArith(op byte, l, r Expr) Expr {
	return &NumArithExpr{Op: op, L: l, R: r}
}

func (e *NumArithExpr) Type() types.Type { return types.Numeric }
func (e *NumArithExpr) String() string   { return binString(e.L, string(e.Op), e.R) }
func (e *NumArithExpr) clone() Expr      { return &NumArithExpr{Op: e.Op, L: Clone(e.L), R: Clone(e.R)} }

// operand unwraps an integer-to-numeric cast so the kernel sees the integer.
func numOperand(x Expr) Expr {
	if c, ok := x.(*CastExpr); ok && c.X.Type().IsInteger() {
		return c.X
	}
	return x
}

// small returns d as coefficient and exponent when the coefficient fits in an int64.
func small(d types.Datum) (int64, int32, bool) {
	if d.Type() != types.Numeric {
		return d.Int(), 0, true
	}
	n := d.Numeric()
	if n.Form != apd.Finite || !n.Coeff.IsInt64() {
		return 0, 0, false
	}
	c := n.Coeff.Int64()
	if n.Negative {
		c = -c
	}
	return c, n.Exponent, true
}

func toNumeric(d types.Datum) *apd.Decimal {
	if d.Type() == types.Numeric {
		return d.Numeric()
	}
	return apd.New(d.Int(), 0)
}

var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return
}()

func mulOK(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	hi, lo := bits.Mul64(uint64(absI(a)), uint64(absI(b)))
	if hi != 0 || lo > math.MaxInt64 || a == math.MinInt64 || b == math.MinInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absI(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// fastNum computes a op b on small coefficients; false sends the row to apd.
func fastNum(op byte, ac int64, ae int32, bc int64, be int32) (int64, int32, bool) {
	switch op {
	case '*':
		c, ok := mulOK(ac, bc)
		return c, ae + be, ok
	case '+', '-':
		if op == '-' {
			if bc == math.MinInt64 {
				return 0, 0, false
			}
			bc = -bc
		}
		// Align to the smaller exponent: the larger-exponent side is scaled up.
		if ae > be {
			ac, ae, bc, be = bc, be, ac, ae
		}
		d := be - ae
		if d >= int32(len(pow10)) {
			return 0, 0, false
		}
		b, ok := mulOK(bc, pow10[d])
		if !ok {
			return 0, 0, false
		}
		s := ac + b
		if (ac >= 0) == (b >= 0) && (s >= 0) != (ac >= 0) {
			return 0, 0, false
		}
		return s, ae, true
	}
	return 0, 0, false
}

func (e *NumArithExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	l, err := e.L.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	r, err := e.R.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	n := len(l)
	e.buf = grow(e.buf, n)
	// A fresh slab per chunk: callers may keep result datums, which point into it.
	var slab []apd.Decimal
	if e.Op == '+' || e.Op == '-' || e.Op == '*' {
		slab = make([]apd.Decimal, n)
	}
	for i := range n {
		a, b := l[i], r[i]
		if a.IsNull() || b.IsNull() {
			e.buf[i] = types.NullDatum
			continue
		}
		if slab != nil {
			if ac, ae, ok := small(a); ok {
				if bc, be, ok := small(b); ok {
					if rc, re, ok := fastNum(e.Op, ac, ae, bc, be); ok {
						e.buf[i] = types.NewNumeric(slab[i].SetFinite(rc, re))
						continue
					}
				}
			}
		}
		v, err := numArith(e.Op, toNumeric(a), toNumeric(b))
		if err != nil {
			return nil, err
		}
		e.buf[i] = types.NewNumeric(v)
	}
	return e.buf, nil
}
