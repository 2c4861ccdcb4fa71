package expr

import "github.com/runnel-db/runnel/types"

// Lazy evaluation (the right side of AND/OR, CASE branches, COALESCE arguments) runs an expression on a
// subset of the rows only, so that `x <> 0 AND 10 / x > 1` never divides by a zero it was guarded from.
// The subset is gathered into a smaller chunk holding just the columns the expression reads.

type subset struct {
	cols  []int // columns the expression reads
	chunk types.Chunk
	bufs  [][]types.Datum
}

func newSubset(e Expr) *subset {
	seen := map[int]bool{}
	walk(e, func(x Expr) {
		if c, ok := x.(*ColumnExpr); ok {
			seen[c.Idx] = true
		}
	})
	s := &subset{}
	for i := range seen {
		s.cols = append(s.cols, i)
	}
	return s
}

// eval evaluates e on rows sel of c; the result is aligned with sel. A full selection evaluates in place.
func (s *subset) eval(ctx *Context, e Expr, c *types.Chunk, sel []int) ([]types.Datum, error) {
	if len(sel) == c.Len() {
		return e.Eval(ctx, c)
	}
	width := 0
	for _, i := range s.cols {
		width = max(width, i+1)
	}
	if len(s.bufs) < width {
		s.bufs = make([][]types.Datum, width)
	}
	cols := make([][]types.Datum, width)
	for _, ci := range s.cols {
		b := grow(s.bufs[ci], len(sel))
		src := c.Cols[ci]
		for j, r := range sel {
			b[j] = src[r]
		}
		s.bufs[ci] = b
		cols[ci] = b
	}
	sub := types.ChunkOf(nil, cols, len(sel))
	return e.Eval(ctx, sub)
}

// children lists the direct sub-expressions of e, for walks and folding.
func children(e Expr) []*Expr {
	switch x := e.(type) {
	case *CastExpr:
		return []*Expr{&x.X}
	case *IntArithExpr:
		return []*Expr{&x.L, &x.R}
	case *FloatArithExpr:
		return []*Expr{&x.L, &x.R}
	case *BinFuncExpr:
		return []*Expr{&x.L, &x.R}
	case *NumArithExpr:
		return []*Expr{&x.L, &x.R}
	case *CmpExpr:
		return []*Expr{&x.L, &x.R}
	case *LogicExpr:
		return []*Expr{&x.L, &x.R}
	case *NotExpr:
		return []*Expr{&x.X}
	case *IsNullExpr:
		return []*Expr{&x.X}
	case *IsBoolExpr:
		return []*Expr{&x.X}
	case *CaseExpr:
		var out []*Expr
		for i := range x.Whens {
			out = append(out, &x.Whens[i][0], &x.Whens[i][1])
		}
		if x.Else != nil {
			out = append(out, &x.Else)
		}
		return out
	case *CoalesceExpr:
		return ptrs(x.Args)
	case *InExpr:
		return append([]*Expr{&x.X}, ptrs(x.List)...)
	case *AnyExpr:
		return []*Expr{&x.X, &x.Arr}
	case *ArrayExpr:
		return ptrs(x.Elems)
	case *FuncExpr:
		return ptrs(x.Args)
	case *LikeExpr:
		return []*Expr{&x.X, &x.Pattern}
	}
	return nil
}

func ptrs(es []Expr) []*Expr {
	out := make([]*Expr, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}

func walk(e Expr, f func(Expr)) {
	f(e)
	for _, c := range children(e) {
		walk(*c, f)
	}
}

// cannotFail reports whether evaluating e on any row is free of errors, so lazy operators may evaluate
// it on all rows instead of gathering a subset.
func cannotFail(e Expr) bool {
	switch x := e.(type) {
	case *ColumnExpr, *ConstExpr, *IsNullExpr:
	case *CmpExpr:
		if x.kind == cmpGeneric {
			return false
		}
	case *LogicExpr, *NotExpr, *IsBoolExpr:
	default:
		return false
	}
	for _, c := range children(e) {
		if !cannotFail(*c) {
			return false
		}
	}
	return true
}
