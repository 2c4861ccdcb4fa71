package expr

import (
	"time"

	"github.com/runnel-db/runnel/types"
)

// IsConst returns the value of a constant expression.
func IsConst(e Expr) (types.Datum, bool) {
	if k, ok := e.(*ConstExpr); ok {
		return k.D, true
	}
	return types.NullDatum, false
}

// Fold replaces immutable subtrees whose leaves are all constants by their value. Stable and volatile
// calls (now(), random(), anything whose result depends on the session time zone) stay. A subtree that
// fails to evaluate is left as it is, so the error is raised only if a row really reaches it.
func Fold(e Expr, ctx *Context) (Expr, error) {
	if ctx == nil {
		ctx = &Context{Location: time.UTC}
	}
	return fold(e, ctx), nil
}

func fold(e Expr, ctx *Context) Expr {
	all := true
	for _, c := range children(e) {
		*c = fold(*c, ctx)
		if _, ok := (*c).(*ConstExpr); !ok {
			all = false
		}
	}
	switch x := e.(type) {
	case *ConstExpr, *ColumnExpr, *ParamExpr:
		return e
	case *FuncExpr:
		if x.vol != Immutable {
			return e
		}
	case *CoalesceExpr:
		// COALESCE(const, anything) is decided by its first non-NULL constant argument.
		if k, ok := x.Args[0].(*ConstExpr); ok && !k.D.IsNull() {
			return NewConst(k.D, x.T)
		}
	}
	if !all || zoneDependent(e) {
		return e
	}
	one := types.ChunkOf(nil, nil, 1)
	v, err := e.Eval(ctx, one)
	if err != nil {
		return e
	}
	return NewConst(v[0], e.Type())
}

// zoneDependent reports whether e's value may depend on the session TimeZone.
func zoneDependent(e Expr) bool {
	if e.Type() == types.Timestamptz {
		return true
	}
	for _, c := range children(e) {
		if (*c).Type() == types.Timestamptz {
			return true
		}
	}
	return false
}
