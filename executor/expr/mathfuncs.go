package expr

import (
	"math"
	"math/rand/v2"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

const (
	tF8  = types.Float64
	tNum = types.Numeric
)

func f8k(f func(float64) float64) Kernel {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewFloat64(f(a[0].Float())), nil
	}
}

// numScaleFn applies an apd operation at a working precision and rounds to the scale PostgreSQL picks.
func numScaleFn(op func(c *apd.Context, d, x *apd.Decimal) (apd.Condition, error), scale func(x, r *apd.Decimal) int32) Kernel {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x := a[0].Numeric()
		r := new(apd.Decimal)
		if _, err := op(workCtx(40), r, x); err != nil {
			return types.NullDatum, errNumericOverflow
		}
		rs := scale(x, r)
		prec := max(r.NumDigits()+int64(r.Exponent), 1) + int64(rs) + 4
		if _, err := op(workCtx(uint32(prec)), r, x); err != nil {
			return types.NullDatum, errNumericOverflow
		}
		out, err := roundScale(r, rs)
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewNumeric(out), nil
	}
}

// sigScale is the "16 significant digits, and no fewer decimals than the input" rule of ln/exp/log.
func sigScale(x, r *apd.Decimal) int32 {
	f := math.Abs(numToFloat(r))
	w := 0
	if f != 0 {
		w = int(math.Log10(f)) // truncation toward zero, as PostgreSQL's (int) cast
	}
	return int32(min(max(16-w, int(dscale(x)), 0), 1000))
}

func numUnary(f func(x *apd.Decimal) (*apd.Decimal, error)) Kernel {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := f(a[0].Numeric())
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewNumeric(r), nil
	}
}

func numRound(x *apd.Decimal, s int32, rounder apd.Rounder) (*apd.Decimal, error) {
	if x.Form != apd.Finite {
		return x, nil
	}
	c := *decCtx
	c.Rounding = rounder
	c.Precision = uint32(max(x.NumDigits()+int64(x.Exponent)+int64(s)+1, 1))
	r := new(apd.Decimal)
	if _, err := c.Quantize(r, x, -s); err != nil {
		return nil, errNumericOverflow
	}
	if s < 0 {
		// round(12345, -2) is 12300: numeric shows no decimals, not an exponent.
		c.Precision = uint32(r.NumDigits()) + uint32(-s) + 1
		c.Quantize(r, r, 0)
	}
	return r, nil
}

func init() {
	for _, t := range []types.Type{types.Int16, types.Int32, types.Int64} {
		def("abs", t, ts(t), func(_ *Context, a []types.Datum) (types.Datum, error) {
			v := a[0].Int()
			if v < 0 {
				n, err := intArith('-', 0, v, t)
				return types.NewInt(t, n), err
			}
			return a[0], nil
		})
		def("mod", t, ts(t, t), func(_ *Context, a []types.Datum) (types.Datum, error) {
			v, err := intArith('%', a[0].Int(), a[1].Int(), t)
			return types.NewInt(t, v), err
		})
	}
	def("abs", types.Float32, ts(types.Float32), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewFloat(types.Float32, math.Abs(a[0].Float())), nil
	})
	def("abs", tF8, ts(tF8), f8k(math.Abs))
	def("abs", tNum, ts(tNum), numUnary(func(x *apd.Decimal) (*apd.Decimal, error) { return new(apd.Decimal).Abs(x), nil }))
	def("mod", tNum, ts(tNum, tNum), numUnary2(numMod))

	def("round", tF8, ts(tF8), f8k(math.RoundToEven)) // dround uses rint()
	def("round", tNum, ts(tNum), numUnary(func(x *apd.Decimal) (*apd.Decimal, error) { return numRound(x, 0, apd.RoundHalfUp) }))
	def("round", tNum, ts(tNum, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := numRound(a[0].Numeric(), int32(a[1].Int()), apd.RoundHalfUp)
		return types.NewNumeric(r), err
	})
	def("trunc", tF8, ts(tF8), f8k(math.Trunc))
	def("trunc", tNum, ts(tNum), numUnary(func(x *apd.Decimal) (*apd.Decimal, error) { return numRound(x, 0, apd.RoundDown) }))
	def("trunc", tNum, ts(tNum, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := numRound(a[0].Numeric(), int32(a[1].Int()), apd.RoundDown)
		return types.NewNumeric(r), err
	})
	for _, n := range []string{"ceil", "ceiling"} {
		def(n, tF8, ts(tF8), f8k(math.Ceil))
		def(n, tNum, ts(tNum), numUnary(func(x *apd.Decimal) (*apd.Decimal, error) { return numRound(x, 0, apd.RoundCeiling) }))
	}
	def("floor", tF8, ts(tF8), f8k(math.Floor))
	def("floor", tNum, ts(tNum), numUnary(func(x *apd.Decimal) (*apd.Decimal, error) { return numRound(x, 0, apd.RoundFloor) }))
	def("sign", tF8, ts(tF8), f8k(func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}))
	def("sign", tNum, ts(tNum), numUnary(func(x *apd.Decimal) (*apd.Decimal, error) { return apd.New(int64(x.Sign()), 0), nil }))

	def("sqrt", tF8, ts(tF8), func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[0].Float() < 0 {
			return types.NullDatum, pgerr.New("2201F", "cannot take square root of a negative number")
		}
		return types.NewFloat64(math.Sqrt(a[0].Float())), nil
	})
	def("sqrt", tNum, ts(tNum), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		if a[0].Numeric().Negative && !a[0].Numeric().IsZero() {
			return types.NullDatum, pgerr.New("2201F", "cannot take square root of a negative number")
		}
		return numScaleFn((*apd.Context).Sqrt, func(x, _ *apd.Decimal) int32 {
			w, _ := nbaseFirst(x)
			sw := (w+1)*4/2 - 1
			return int32(min(max(16-sw, int(dscale(x)), 0), 1000))
		})(ctx, a)
	})
	def("cbrt", tF8, ts(tF8), f8k(math.Cbrt))
	for _, n := range []string{"power", "pow"} {
		def(n, tF8, ts(tF8, tF8), func(_ *Context, a []types.Datum) (types.Datum, error) {
			v, err := floatPow(a[0].Float(), a[1].Float())
			return types.NewFloat64(v), err
		})
		def(n, tNum, ts(tNum, tNum), numUnary2(numPow))
	}
	def("exp", tF8, ts(tF8), func(_ *Context, a []types.Datum) (types.Datum, error) {
		r := math.Exp(a[0].Float())
		if math.IsInf(r, 0) && !math.IsInf(a[0].Float(), 0) {
			return types.NullDatum, floatRangeErr(true)
		}
		return types.NewFloat64(r), nil
	})
	def("exp", tNum, ts(tNum), numScaleFn((*apd.Context).Exp, func(x, _ *apd.Decimal) int32 {
		v := int(numToFloat(x) * 0.434294481903252)
		return int32(min(max(16-v, int(dscale(x)), 0), 1000))
	}))
	logF := func(name string, f func(float64) float64) {
		def(name, tF8, ts(tF8), func(_ *Context, a []types.Datum) (types.Datum, error) {
			x := a[0].Float()
			if x == 0 {
				return types.NullDatum, pgerr.New("2201E", "cannot take logarithm of zero")
			}
			if x < 0 {
				return types.NullDatum, pgerr.New("2201E", "cannot take logarithm of a negative number")
			}
			return types.NewFloat64(f(x)), nil
		})
	}
	logF("ln", math.Log)
	logF("log", math.Log10)
	logF("log10", math.Log10)
	logN := func(op func(c *apd.Context, d, x *apd.Decimal) (apd.Condition, error)) Kernel {
		k := numScaleFn(op, sigScale)
		return func(ctx *Context, a []types.Datum) (types.Datum, error) {
			x := a[0].Numeric()
			if x.IsZero() {
				return types.NullDatum, pgerr.New("2201E", "cannot take logarithm of zero")
			}
			if x.Negative {
				return types.NullDatum, pgerr.New("2201E", "cannot take logarithm of a negative number")
			}
			return k(ctx, a)
		}
	}
	def("ln", tNum, ts(tNum), logN((*apd.Context).Ln))
	def("log", tNum, ts(tNum), logN((*apd.Context).Log10))
	def("log10", tNum, ts(tNum), logN((*apd.Context).Log10))
	def("log", tNum, ts(tNum, tNum), func(_ *Context, a []types.Datum) (types.Datum, error) {
		b, x := a[0].Numeric(), a[1].Numeric()
		if b.Sign() <= 0 || x.Sign() <= 0 {
			return types.NullDatum, pgerr.New("2201E", "cannot take logarithm of a negative number")
		}
		lb, lx := new(apd.Decimal), new(apd.Decimal)
		workCtx(40).Ln(lb, b)
		workCtx(40).Ln(lx, x)
		if lb.IsZero() {
			return types.NullDatum, errDivZero
		}
		q := new(apd.Decimal)
		workCtx(40).Quo(q, lx, lb)
		r, err := roundScale(q, sigScale(x, q))
		return types.NewNumeric(r), err
	})
	def("pi", tF8, nil, func(_ *Context, _ []types.Datum) (types.Datum, error) { return types.NewFloat64(math.Pi), nil })
	def("degrees", tF8, ts(tF8), f8k(func(x float64) float64 { return x * 180 / math.Pi }))
	def("radians", tF8, ts(tF8), f8k(func(x float64) float64 { return x * math.Pi / 180 }))
	for name, f := range map[string]func(float64) float64{"sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
		"asin": math.Asin, "acos": math.Acos, "atan": math.Atan, "sinh": math.Sinh, "cosh": math.Cosh, "tanh": math.Tanh,
		"cot": func(x float64) float64 { return 1 / math.Tan(x) }} {
		def(name, tF8, ts(tF8), f8k(f))
	}
	def("atan2", tF8, ts(tF8, tF8), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewFloat64(math.Atan2(a[0].Float(), a[1].Float())), nil
	})
	def("random", tF8, nil, func(_ *Context, _ []types.Datum) (types.Datum, error) {
		return types.NewFloat64(rand.Float64()), nil
	}).vol = Volatile
	def("div", tNum, ts(tNum, tNum), numUnary2(func(a, b *apd.Decimal) (*apd.Decimal, error) {
		if b.IsZero() {
			return nil, errDivZero
		}
		q := new(apd.Decimal)
		workCtx(uint32(a.NumDigits()+int64(max(a.Exponent, 0))+int64(dscale(b))+10)).QuoInteger(q, a, b)
		return numRound(q, 0, apd.RoundDown)
	}))
}

func numUnary2(f func(a, b *apd.Decimal) (*apd.Decimal, error)) Kernel {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := f(a[0].Numeric(), a[1].Numeric())
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewNumeric(r), nil
	}
}
