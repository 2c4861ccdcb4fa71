package expr

import (
	"strings"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// Kernel computes one row of a function from its argument values. It must not keep args.
type Kernel func(ctx *Context, args []types.Datum) (types.Datum, error)

// Volatility is pg_proc.provolatile: only immutable calls fold to constants at plan time.
type Volatility uint8

const (
	Immutable Volatility = iota
	Stable               // fixed within a statement: now(), current_setting()
	Volatile             // random()
)

// Pseudo-types of polymorphic signatures; they sit outside the real type range.
const (
	anyElem  types.Type = 0x7f
	anyArray            = anyElem | types.Array
	// anyType is PostgreSQL's "any": each argument keeps its own type (concat, jsonb_build_object).
	anyType types.Type = 0x7e
)

type overload struct {
	args     []types.Type
	variadic bool // the last arg repeats zero or more times
	ret      types.Type
	fn       Kernel
	lazy     bool // not strict: the kernel sees NULL arguments
	vol      Volatility
}

var funcs = map[string][]*overload{}

// binders construct calls whose typing is not a fixed signature (COALESCE, GREATEST, concat...).
var binders = map[string]func(args []Expr) (Expr, error){}

func ts(t ...types.Type) []types.Type { return t }

// def registers an overload of name; later tweaks (lazy, volatility) go through the returned pointer.
func def(name string, ret types.Type, args []types.Type, fn Kernel) *overload {
	o := &overload{args: args, ret: ret, fn: fn}
	funcs[name] = append(funcs[name], o)
	return o
}

func (o *overload) nonStrict() *overload              { o.lazy = true; return o }
func (o *overload) volatility(v Volatility) *overload { o.vol = v; return o }
func (o *overload) variadicLast() *overload           { o.variadic = true; return o }

// FuncExpr is a scalar function call: one kernel run in a loop over the rows, with the argument vector
// and the output reused between rows and chunks.
type FuncExpr struct {
	Name     string
	Args     []Expr
	T        types.Type
	fn       Kernel
	strict   bool
	vol      Volatility
	prefixOp bool
	vals     [][]types.Datum
	row      []types.Datum
	buf      []types.Datum
}

func (e *FuncExpr) Type() types.Type { return e.T }
func (e *FuncExpr) clone() Expr {
	return &FuncExpr{Name: e.Name, Args: cloneAll(e.Args), T: e.T, fn: e.fn, strict: e.strict, vol: e.vol, prefixOp: e.prefixOp}
}
func (e *FuncExpr) String() string {
	if e.prefixOp {
		return "(" + e.Name + e.Args[0].String() + ")"
	}
	return e.Name + "(" + exprList(e.Args) + ")"
}

func (e *FuncExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	n := c.Len()
	if len(e.vals) != len(e.Args) {
		e.vals = make([][]types.Datum, len(e.Args))
		e.row = make([]types.Datum, len(e.Args))
	}
	var err error
	for j, a := range e.Args {
		if e.vals[j], err = a.Eval(ctx, c); err != nil {
			return nil, err
		}
	}
	e.buf = grow(e.buf, n)
rows:
	for i := range n {
		for j := range e.vals {
			d := e.vals[j][i]
			if e.strict && d.IsNull() {
				e.buf[i] = types.NullDatum
				continue rows
			}
			e.row[j] = d
		}
		if e.buf[i], err = e.fn(ctx, e.row); err != nil {
			return nil, err
		}
	}
	return e.buf, nil
}

// NewFunc resolves name(args) among the registered overloads, inserting implicit casts; 42883 when no
// overload accepts the argument types.
func NewFunc(name string, args []Expr) (Expr, error) {
	name = strings.ToLower(strings.TrimPrefix(name, "pg_catalog."))
	if b, ok := binders[name]; ok {
		return b(append([]Expr(nil), args...))
	}
	cands := funcs[name]
	var best *overload
	var bestScore [3]int
	var bestTypes []types.Type
	for _, o := range cands {
		want, ok := o.match(args)
		if !ok {
			continue
		}
		s := score(args, want)
		if best == nil || better(s, bestScore) {
			best, bestScore, bestTypes = o, s, want
		}
	}
	if best == nil {
		return nil, noFunc(name, args)
	}
	cargs := make([]Expr, len(args))
	for i, a := range args {
		c, err := coerceImplicit(a, bestTypes[i])
		if err != nil {
			return nil, err
		}
		cargs[i] = c
	}
	ret := best.ret
	if ret == anyElem || ret == anyArray {
		elem := polyElem(bestTypes, best)
		if ret == anyArray {
			ret = types.ArrayOf(elem)
		} else {
			ret = elem
		}
	}
	return &FuncExpr{Name: name, Args: cargs, T: ret, fn: best.fn, strict: !best.lazy, vol: best.vol}, nil
}

func noFunc(name string, args []Expr) error {
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	return pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, typeList(ts)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

// match returns the parameter type for each argument, or false when an argument cannot be converted.
func (o *overload) match(args []Expr) ([]types.Type, bool) {
	n := len(o.args)
	if len(args) != n && !(o.variadic && len(args) >= n-1) {
		return nil, false
	}
	want := make([]types.Type, len(args))
	for i := range args {
		if i < n {
			want[i] = o.args[i]
		} else {
			want[i] = o.args[n-1]
		}
	}
	// Polymorphic parameters all bind to one element type.
	var poly []types.Type
	for i, a := range args {
		switch want[i] {
		case anyType:
			want[i] = a.Type()
			if want[i] == types.Unknown {
				want[i] = types.Varchar
			}
		case anyElem:
			poly = append(poly, a.Type())
		case anyArray:
			if t := a.Type(); t.IsArray() {
				poly = append(poly, t.Elem())
			} else if t != types.Unknown {
				return nil, false
			}
		}
	}
	if poly != nil {
		elem, err := CommonType(poly)
		if err != nil {
			return nil, false
		}
		for i := range want {
			switch want[i] {
			case anyElem:
				want[i] = elem
			case anyArray:
				want[i] = types.ArrayOf(elem)
			}
		}
	}
	for i, a := range args {
		if want[i] == anyElem || want[i] == anyArray {
			return nil, false // only unknowns bound to it: PostgreSQL cannot decide either
		}
		if !canImplicit(a.Type(), want[i]) {
			return nil, false
		}
	}
	return want, true
}

func polyElem(want []types.Type, o *overload) types.Type {
	for i, t := range o.args {
		if i >= len(want) {
			break
		}
		switch t {
		case anyElem:
			return want[i]
		case anyArray:
			return want[i].Elem()
		}
	}
	return types.Varchar
}

// score ranks a candidate as func_select_candidate does: exact matches first, then conversions to
// preferred types (unknown literals prefer strings), then the shortest numeric widening.
func score(args []Expr, want []types.Type) [3]int {
	var s [3]int
	for i, a := range args {
		have := a.Type()
		switch {
		case have == want[i]:
			s[0]++
		case have == types.Unknown:
			if category(want[i]) == 'S' {
				s[1]++
			}
		default:
			if preferred(want[i]) {
				s[1]++
			}
			s[2] -= abs(numRank(want[i]) - numRank(have))
		}
	}
	return s
}

func better(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// kernelExpr wraps a kernel with a fixed result type, for binders that pick the kernel themselves.
func kernelExpr(name string, args []Expr, t types.Type, fn Kernel, strict bool, vol Volatility) *FuncExpr {
	return &FuncExpr{Name: name, Args: args, T: t, fn: fn, strict: strict, vol: vol}
}
