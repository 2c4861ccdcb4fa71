package expr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// Clone returns a copy of e with its own evaluation buffers. Expressions reuse per-node buffers between
// calls to Eval, so an Expr must not be evaluated by two goroutines at once: give each actor a Clone.
func Clone(e Expr) Expr {
	if c, ok := e.(interface{ clone() Expr }); ok {
		return c.clone()
	}
	return e
}

func cloneAll(es []Expr) []Expr {
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = Clone(e)
	}
	return out
}

// grow returns buf resized to n, reusing its array when it is large enough.
func grow(buf []types.Datum, n int) []types.Datum {
	if cap(buf) < n {
		return make([]types.Datum, n, max(n, types.MaxChunkRows))
	}
	return buf[:n]
}

// ColumnExpr reads input column Idx of the chunk.
type ColumnExpr struct {
	Idx int
	T   types.Type
}

// NewColumn returns the expression for input column idx, of type t.
func NewColumn(idx int, t types.Type) Expr { return &ColumnExpr{Idx: idx, T: t} }

func (e *ColumnExpr) Type() types.Type { return e.T }
func (e *ColumnExpr) String() string   { return "$" + strconv.Itoa(e.Idx) }
func (e *ColumnExpr) Eval(_ *Context, c *types.Chunk) ([]types.Datum, error) {
	return c.Cols[e.Idx][:c.Len()], nil
}

// ConstExpr is a constant. Its type is Unknown for an unresolved string literal or an untyped NULL.
type ConstExpr struct {
	D   types.Datum
	T   types.Type
	buf []types.Datum // filled with D once; callers never write into Eval's result
}

// NewConst returns a constant of type t. An Unknown t means an untyped literal: d is a varchar or NULL,
// and the binder resolves it from context through Coerce or NewCast.
func NewConst(d types.Datum, t types.Type) Expr {
	if !d.IsNull() && t != types.Unknown && d.Type() != t && sameRepr(d.Type(), t) {
		d = d.WithType(t)
	}
	return &ConstExpr{D: d, T: t}
}

func (e *ConstExpr) Type() types.Type { return e.T }
func (e *ConstExpr) clone() Expr      { return &ConstExpr{D: e.D, T: e.T} }
func (e *ConstExpr) Eval(_ *Context, c *types.Chunk) ([]types.Datum, error) {
	n := c.Len()
	if len(e.buf) < n {
		e.buf = grow(e.buf, n)
		for i := range e.buf {
			e.buf[i] = e.D
		}
	}
	return e.buf[:n], nil
}

func (e *ConstExpr) String() string {
	if e.D.IsNull() {
		return "NULL"
	}
	s := string(appendText(nil, e.D, nil))
	switch e.T {
	case types.Int32, types.Int64, types.Numeric, types.Float64, types.Bool:
		if e.T == types.Bool {
			if e.D.Bool() {
				return "true"
			}
			return "false"
		}
		if !strings.HasPrefix(s, "-") {
			return s
		}
	case types.Unknown:
		return quoteLiteral(s)
	}
	return quoteLiteral(s) + "::" + e.T.String()
}

// ParamExpr is $N, read from Context.Params.
type ParamExpr struct {
	N   int
	T   types.Type
	buf []types.Datum
}

// NewParam returns the expression for placeholder $n (1-based) of type t.
func NewParam(n int, t types.Type) Expr { return &ParamExpr{N: n, T: t} }

func (e *ParamExpr) Type() types.Type { return e.T }
func (e *ParamExpr) String() string   { return "$" + strconv.Itoa(e.N) }
func (e *ParamExpr) clone() Expr      { return &ParamExpr{N: e.N, T: e.T} }
func (e *ParamExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	d, err := e.value(ctx)
	if err != nil {
		return nil, err
	}
	e.buf = grow(e.buf, c.Len())
	for i := range e.buf {
		e.buf[i] = d
	}
	return e.buf, nil
}

func (e *ParamExpr) value(ctx *Context) (types.Datum, error) {
	if ctx == nil || e.N < 1 || e.N > len(ctx.Params) {
		return types.NullDatum, pgerr.New(pgerr.UndefinedParameter, "there is no parameter $%d", e.N)
	}
	d := ctx.Params[e.N-1]
	if d.IsNull() || d.Type() == e.T {
		return d, nil
	}
	// The wire layer may hand over a parameter in another type (text, or a related integer width).
	return castDatum(ctx, d, e.T)
}

// sameRepr reports whether values of a and b share a Datum representation, so relabelling converts.
func sameRepr(a, b types.Type) bool {
	ga, gb := reprGroup(a), reprGroup(b)
	return ga != 0 && ga == gb
}

func reprGroup(t types.Type) int {
	switch t {
	case types.Oid, types.Regclass, types.Regtype:
		return 1
	case types.Varchar, types.Name:
		return 2
	}
	return 0
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func typeList(ts []types.Type) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	return b.String()
}

func exprList(es []Expr) string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.String())
	}
	return b.String()
}

var _ = fmt.Sprintf
