package planner

import (
	"fmt"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// Plan is a planned query: a node tree, its visible output columns, and the parameter types.
type Plan struct {
	Root       Node
	Cols       []Column
	ParamTypes []types.Type
}

// Env is what planning needs from the session.
type Env struct {
	Catalog *catalog.Catalog
	// ParamTypes are the client-declared parameter types (Unknown where unspecified); the planner
	// fills in the unknown ones from context.
	ParamTypes []types.Type
	// Ctx is used for constant folding (LIMIT expressions, defaults).
	Ctx *expr.Context
	// NumParams is the highest $n in the statement text (sql.Parsed.NumParams); correlated
	// subqueries use parameter slots after it.
	NumParams int
}

// binder holds the state of planning one statement.
type binder struct {
	env     *Env
	params  []types.Type // one per $n, grown on demand
	params0 int          // number of statement parameters; slots above are for correlation
	slots   int          // parameter slots allocated in total
	ctes    []map[string]*cteDef
	frames  []*frame
	// deps are the relations the statement reads.
	deps []uint32
	// windowCols maps each window function call to the column holding its value.
	windowCols map[*sql.FuncCall]int
	// funcs records the functions the statement calls (views refuse the time-dependent ones).
	funcs map[string]bool
	// stream is set when planning a materialized view or sink: sources may be read.
	stream bool
	// expandKeys and expandCols locate the columns of _pg_expandarray expansions (see expand.go).
	expandKeys map[string][2]int
	expandCols map[*sql.FuncCall][2]int
}

type cteDef struct {
	cte *sql.CTE
}

func newBinder(env *Env) *binder {
	b := &binder{env: env}
	b.params = append(b.params, env.ParamTypes...)
	return b
}

func (b *binder) allocSlot() int {
	// Slots for correlated columns come right after the statement's own parameters, whose count
	// the parser knows before planning starts.
	b.slots++
	base := b.env.NumParams
	if len(b.env.ParamTypes) > base {
		base = len(b.env.ParamTypes)
	}
	return base + b.slots
}

// paramType returns the (possibly still unknown) type of $n.
func (b *binder) paramType(n int) types.Type {
	for len(b.params) < n {
		b.params = append(b.params, types.Unknown)
	}
	return b.params[n-1]
}

func (b *binder) setParamType(n int, t types.Type) {
	b.paramType(n)
	if b.params[n-1] == types.Unknown {
		b.params[n-1] = t
	}
}

// finalParamTypes resolves parameters whose type nothing determined to varchar, which is what a
// client sending text gets anyway.
func (b *binder) finalParamTypes() []types.Type {
	out := make([]types.Type, len(b.params))
	for i, t := range b.params {
		if t == types.Unknown {
			t = types.Varchar
		}
		out[i] = t
	}
	return out
}

// PlanQuery plans a SELECT (or VALUES) query.
func PlanQuery(env *Env, q *sql.Query) (*Plan, error) {
	b := newBinder(env)
	n, s, err := b.query(q, nil)
	if err != nil {
		return nil, err
	}
	return b.finish(n, s)
}

// finish drops hidden columns from the top of a plan and fixes the parameter types.
func (b *binder) finish(n Node, s *scope) (*Plan, error) {
	var keep []int
	for i, c := range s.cols {
		if !c.hidden {
			keep = append(keep, i)
		}
	}
	if len(keep) != len(s.cols) {
		n, s = project(n, s, keep)
	}
	return &Plan{Root: n, Cols: s.columns(), ParamTypes: b.finalParamTypes()}, nil
}

// project returns a node keeping only the given input columns.
func project(n Node, s *scope, keep []int) (Node, *scope) {
	exprs := make([]expr.Expr, len(keep))
	ns := &scope{parent: s.parent}
	for i, k := range keep {
		exprs[i] = expr.NewColumn(k, s.cols[k].typ)
		ns.cols = append(ns.cols, s.cols[k])
	}
	return &Project{Input: n, Exprs: exprs, Cols: ns.columns()}, ns
}

// query binds a full query expression. parent is the enclosing scope for correlated references.
func (b *binder) query(q *sql.Query, parent *scope) (Node, *scope, error) {
	if len(q.With) > 0 {
		m := map[string]*cteDef{}
		for i := range q.With {
			m[q.With[i].Name] = &cteDef{cte: &q.With[i]}
		}
		b.ctes = append(b.ctes, m)
		defer func() { b.ctes = b.ctes[:len(b.ctes)-1] }()
	}
	// A plain SELECT handles ORDER BY itself, since it may sort by expressions that are not in the
	// select list; any other body sorts by its output columns.
	if sel, ok := q.Body.(*sql.Select); ok {
		return b.selectQuery(sel, q.OrderBy, q.Limit, q.Offset, parent)
	}
	n, s, err := b.body(q.Body, parent)
	if err != nil {
		return nil, nil, err
	}
	if len(q.OrderBy) > 0 {
		keys, err := b.outputOrderKeys(q.OrderBy, s)
		if err != nil {
			return nil, nil, err
		}
		n = &Sort{Input: n, Keys: keys}
	}
	n, err = b.limit(n, q.Limit, q.Offset)
	return n, s, err
}

func (b *binder) body(body sql.QueryBody, parent *scope) (Node, *scope, error) {
	switch body := body.(type) {
	case *sql.Select:
		return b.selectQuery(body, nil, nil, nil, parent)
	case *sql.Query:
		return b.query(body, parent)
	case *sql.Values:
		return b.values(body, parent, nil)
	case *sql.SetOp:
		return b.setOp(body, parent)
	}
	return nil, nil, pgerr.Unsupported("query body %T is not supported", body)
}

// newLevel returns the root scope of a query level nested in parent.
func (b *binder) newLevel(parent *scope) *scope { return &scope{parent: parent} }

// limit adds a Limit node for constant LIMIT/OFFSET expressions.
func (b *binder) limit(n Node, limit, offset sql.Expr) (Node, error) {
	if limit == nil && offset == nil {
		return n, nil
	}
	count, err := b.constInt(limit, "LIMIT", -1)
	if err != nil {
		return nil, err
	}
	off, err := b.constInt(offset, "OFFSET", 0)
	if err != nil {
		return nil, err
	}
	return &Limit{Input: n, Count: count, Offset: off}, nil
}

func (b *binder) constInt(e sql.Expr, what string, def int64) (int64, error) {
	if e == nil {
		return def, nil
	}
	if l, ok := e.(*sql.Literal); ok && l.Kind == sql.NullLit {
		return def, nil
	}
	x, err := b.scalar(&scope{}, e)
	if err != nil {
		return 0, err
	}
	x, err = expr.Coerce(x, types.Int64)
	if err != nil {
		return 0, pgerr.New(pgerr.DatatypeMismatch, "argument of %s must be type bigint, not type %s", what, x.Type())
	}
	if b.env.Ctx == nil {
		return 0, pgerr.Unsupported("%s must be a constant", what)
	}
	f, err := expr.Fold(x, b.env.Ctx)
	if err != nil {
		return 0, err
	}
	d, ok := expr.IsConst(f)
	if !ok {
		return 0, pgerr.Unsupported("%s must be a constant", what)
	}
	if d.IsNull() {
		return def, nil
	}
	if d.Int() < 0 {
		if what == "LIMIT" {
			return 0, pgerr.New("2201W", "LIMIT must not be negative")
		}
		return 0, pgerr.New("2201X", "OFFSET must not be negative")
	}
	return d.Int(), nil
}

// outputOrderKeys binds ORDER BY items that may only name output columns (set operations, VALUES).
func (b *binder) outputOrderKeys(items []sql.OrderItem, s *scope) ([]SortKey, error) {
	var keys []SortKey
	for _, it := range items {
		idx := -1
		switch e := it.Expr.(type) {
		case *sql.Literal:
			if e.Kind == sql.IntLit {
				var k int
				fmt.Sscan(e.Val, &k)
				if k < 1 || k > len(s.cols) {
					return nil, pgerr.New(pgerr.InvalidColumnReference, "ORDER BY position %d is not in select list", k)
				}
				idx = k - 1
			}
		case *sql.ColumnRef:
			if len(e.Parts) == 1 {
				i, err := s.find("", e.Parts[0])
				if err != nil {
					return nil, err
				}
				idx = i
			}
		}
		if idx < 0 {
			return nil, pgerr.Unsupported("ORDER BY on a UNION/INTERSECT/EXCEPT result must name an output column")
		}
		keys = append(keys, sortKey(idx, it))
	}
	return keys, nil
}

func sortKey(col int, it sql.OrderItem) SortKey {
	k := SortKey{Col: col, Desc: it.Desc, NullsFirst: it.Desc}
	if it.NullsFirst != nil {
		k.NullsFirst = *it.NullsFirst
	}
	return k
}

// values binds a VALUES list; target, when given, are the types to coerce each column to (INSERT).
func (b *binder) values(v *sql.Values, parent *scope, target []types.Type, targetNames ...string) (Node, *scope, error) {
	if len(v.Rows) == 0 {
		return nil, nil, pgerr.New(pgerr.SyntaxError, "VALUES list is empty")
	}
	width := len(v.Rows[0])
	rows := make([][]expr.Expr, len(v.Rows))
	empty := b.newLevel(parent)
	for i, r := range v.Rows {
		if len(r) != width {
			return nil, nil, pgerr.New(pgerr.SyntaxError, "VALUES lists must all be the same length")
		}
		rows[i] = make([]expr.Expr, width)
		for j, e := range r {
			if _, ok := e.(*sql.DefaultExpr); ok {
				rows[i][j] = nil // filled in by INSERT planning
				continue
			}
			var err error
			if target != nil && j < len(target) {
				x := &exprCtx{b: b, rel: &rel{s: empty}, clause: "VALUES"}
				col := ""
				if j < len(targetNames) {
					col = targetNames[j]
				}
				rows[i][j], err = x.bindAssign(e, target[j], col)
			} else {
				rows[i][j], err = b.scalar(empty, e)
			}
			if err != nil {
				return nil, nil, err
			}
		}
	}
	cols := make([]Column, width)
	for j := 0; j < width; j++ {
		var ts []types.Type
		for i := range rows {
			if rows[i][j] != nil {
				ts = append(ts, rows[i][j].Type())
			}
		}
		t := types.Varchar
		if target != nil && j < len(target) {
			t = target[j]
		} else if len(ts) > 0 {
			var err error
			if t, err = expr.CommonType(ts); err != nil {
				return nil, nil, pgerr.New(pgerr.DatatypeMismatch, "VALUES types cannot be matched: %v", err)
			}
		}
		for i := range rows {
			if rows[i][j] == nil {
				continue
			}
			c, err := expr.Coerce(rows[i][j], t)
			if err != nil {
				if code := pgerr.Code(err); code != pgerr.DatatypeMismatch && code != pgerr.CannotCoerce {
					return nil, nil, err // e.g. 22P02: a literal that does not parse as the column's type
				}
				name := fmt.Sprintf("column%d", j+1)
				if j < len(targetNames) {
					name = targetNames[j]
				}
				return nil, nil, columnTypeError(name, t, rows[i][j].Type())
			}
			rows[i][j] = c
		}
		cols[j] = Column{Name: fmt.Sprintf("column%d", j+1), Type: t}
	}
	n := &Values{Rows: rows, Cols: cols}
	return n, scopeFor(cols, "", parent), nil
}

func columnTypeError(col string, want, got types.Type) error {
	return pgerr.New(pgerr.DatatypeMismatch, "column %q is of type %s but expression is of type %s", col, want, got).
		WithHint("You will need to rewrite or cast the expression.")
}

// setOp binds UNION / INTERSECT / EXCEPT, flattening chains of UNIONs of the same ALL-ness.
func (b *binder) setOp(op *sql.SetOp, parent *scope) (Node, *scope, error) {
	var bodies []sql.QueryBody
	var flatten func(x sql.QueryBody)
	flatten = func(x sql.QueryBody) {
		if o, ok := x.(*sql.SetOp); ok && o.Kind == sql.Union && op.Kind == sql.Union && o.All == op.All {
			flatten(o.L)
			flatten(o.R)
			return
		}
		bodies = append(bodies, x)
	}
	if op.Kind == sql.Union {
		flatten(op)
	} else {
		bodies = []sql.QueryBody{op.L, op.R}
	}
	var inputs []Node
	var scopes []*scope
	for _, body := range bodies {
		n, s, err := b.body(body, parent)
		if err != nil {
			return nil, nil, err
		}
		var keep []int
		for i, c := range s.cols {
			if !c.hidden {
				keep = append(keep, i)
			}
		}
		if len(keep) != len(s.cols) {
			n, s = project(n, s, keep)
		}
		inputs = append(inputs, n)
		scopes = append(scopes, s)
	}
	width := len(scopes[0].cols)
	for _, s := range scopes[1:] {
		if len(s.cols) != width {
			return nil, nil, pgerr.New(pgerr.SyntaxError, "each %s query must have the same number of columns", setOpName(op.Kind))
		}
	}
	cols := make([]Column, width)
	for j := 0; j < width; j++ {
		ts := make([]types.Type, len(scopes))
		for i, s := range scopes {
			ts[i] = s.cols[j].typ
		}
		t, err := expr.CommonType(ts)
		if err != nil {
			return nil, nil, pgerr.New(pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", setOpName(op.Kind), ts[0], ts[len(ts)-1])
		}
		cols[j] = Column{Name: scopes[0].cols[j].name, Type: t}
	}
	for i, n := range inputs {
		exprs := make([]expr.Expr, width)
		needed := false
		for j := 0; j < width; j++ {
			e, err := expr.Coerce(expr.NewColumn(j, scopes[i].cols[j].typ), cols[j].Type)
			if err != nil {
				return nil, nil, err
			}
			exprs[j] = e
			needed = needed || scopes[i].cols[j].typ != cols[j].Type
		}
		if needed {
			inputs[i] = &Project{Input: n, Exprs: exprs, Cols: cols}
		}
	}
	kind := map[sql.SetOpKind]SetOpKind{sql.Union: UnionOp, sql.Intersect: IntersectOp, sql.Except: ExceptOp}[op.Kind]
	n := &SetOp{Kind: kind, All: op.All, Inputs: inputs, Cols: cols}
	return n, scopeFor(cols, "", parent), nil
}

func setOpName(k sql.SetOpKind) string {
	return [...]string{"UNION", "INTERSECT", "EXCEPT"}[k]
}

// PlanView plans a view's query, returning the relations it reads.
func PlanView(env *Env, q *sql.Query) (*Plan, []uint32, error) {
	b := newBinder(env)
	n, s, err := b.query(q, nil)
	if err != nil {
		return nil, nil, err
	}
	p, err := b.finish(n, s)
	if err != nil {
		return nil, nil, err
	}
	var deps []uint32
	seen := map[uint32]bool{}
	for _, id := range b.deps {
		if r, ok := env.Catalog.ByID(id); ok && r.Kind != catalog.System && !seen[id] {
			seen[id] = true
			deps = append(deps, id)
		}
	}
	return p, deps, nil
}
