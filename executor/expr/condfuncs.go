package expr

import (
	"github.com/runnel-db/runnel/types"
)

// COALESCE, NULLIF, GREATEST and LEAST take any number of arguments of one common type.
func init() {
	binders["coalesce"] = newCoalesce
	binders["nullif"] = func(args []Expr) (Expr, error) {
		if len(args) != 2 {
			return nil, noFunc("nullif", args)
		}
		// The result has the first argument's type; the comparison may widen both.
		t := args[0].Type()
		if t == types.Unknown {
			t = types.Varchar
		}
		l, err := resolveUnknown(args[0], t)
		if err != nil {
			return nil, err
		}
		cmp, err := newCompare("=", l, args[1])
		if err != nil {
			return nil, err
		}
		c := cmp.(*CmpExpr)
		return kernelExpr("nullif", []Expr{l, c.L, c.R}, t, func(_ *Context, a []types.Datum) (types.Datum, error) {
			if !a[1].IsNull() && !a[2].IsNull() && c.compare(a[1], a[2]) == 0 {
				return types.NullDatum, nil
			}
			return a[0], nil
		}, false, Immutable), nil
	}
	extreme := func(name string, greatest bool) func(args []Expr) (Expr, error) {
		return func(args []Expr) (Expr, error) {
			if len(args) == 0 {
				return nil, noFunc(name, args)
			}
			t, err := commonArgs(name, args)
			if err != nil {
				return nil, err
			}
			// NULLs are ignored; the result is NULL only when every argument is.
			return kernelExpr(name, args, t, func(_ *Context, a []types.Datum) (types.Datum, error) {
				var best types.Datum
				for _, d := range a {
					if d.IsNull() {
						continue
					}
					if best.IsNull() || (compareDatums(d, best) > 0) == greatest && compareDatums(d, best) != 0 {
						best = d
					}
				}
				return best, nil
			}, false, Immutable), nil
		}
	}
	binders["greatest"] = extreme("greatest", true)
	binders["least"] = extreme("least", false)
}
