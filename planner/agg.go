package planner

import (
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// aggregateNames are the functions that aggregate rather than compute per row.
var aggregateNames = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true, "bool_and": true, "bool_or": true,
	"every": true, "string_agg": true, "array_agg": true, "stddev": true, "stddev_samp": true,
	"stddev_pop": true, "variance": true, "var_samp": true, "var_pop": true, "jsonb_agg": true,
	"jsonb_object_agg": true, "approx_count_distinct": true,
}

func isAggregate(f *sql.FuncCall) bool {
	return f.Over == nil && f.Schema == "" && aggregateNames[f.Name]
}

// aggCtx is the state of binding expressions above an Agg node: group keys and aggregates become
// columns of the Agg's output.
type aggCtx struct {
	in     *rel     // the aggregation's input
	groups []string // String() of each bound group key
	aggs   []string // String() keys of the aggregate calls, in output order
	calls  []AggCall
}

// hasAggregate reports whether the select list or ORDER BY calls an aggregate at this level.
func hasAggregate(sel *sql.Select, orderBy []sql.OrderItem) bool {
	found := false
	visit := func(e sql.Expr) {
		walk(e, func(e sql.Expr) bool {
			if f, ok := e.(*sql.FuncCall); ok && isAggregate(f) {
				found = true
			}
			return !found
		})
	}
	for _, it := range sel.Items {
		visit(it.Expr)
	}
	for _, it := range orderBy {
		visit(it.Expr)
	}
	return found
}

// aggregate plans GROUP BY and the aggregate calls of sel, returning the context for binding the
// select list, HAVING and ORDER BY over the Agg's output.
func (b *binder) aggregate(in *rel, sel *sql.Select, orderBy []sql.OrderItem) (*aggCtx, *rel, error) {
	ctx := &aggCtx{in: in}
	x := &exprCtx{b: b, rel: in, clause: "GROUP BY"}
	var groupBy []expr.Expr
	var groupCols []scopeCol
	for _, g := range sel.GroupBy {
		g = b.groupTarget(g, sel)
		e, err := x.bind(g)
		if err != nil {
			return nil, nil, err
		}
		groupBy = append(groupBy, e)
		ctx.groups = append(ctx.groups, e.String())
		col := scopeCol{name: exprName(g), typ: e.Type()}
		if c, ok := e.(*expr.ColumnExpr); ok {
			src := in.s.cols[c.Idx]
			col.table, col.name = src.table, src.name
		}
		groupCols = append(groupCols, col)
	}
	// Collect every aggregate call of this level (not those inside subqueries).
	collect := func(e sql.Expr) error {
		var err error
		walk(e, func(e sql.Expr) bool {
			f, ok := e.(*sql.FuncCall)
			if !ok || !isAggregate(f) || err != nil {
				return err == nil
			}
			err = b.addAggCall(ctx, f)
			return false
		})
		return err
	}
	for _, it := range sel.Items {
		if err := collect(it.Expr); err != nil {
			return nil, nil, err
		}
	}
	if sel.Having != nil {
		if err := collect(sel.Having); err != nil {
			return nil, nil, err
		}
	}
	for _, it := range orderBy {
		if err := collect(it.Expr); err != nil {
			return nil, nil, err
		}
	}
	out := &scope{parent: in.s.parent, cols: groupCols}
	for i, c := range ctx.calls {
		out.cols = append(out.cols, scopeCol{name: c.Func.Name, typ: c.Func.Ret, hidden: false})
		_ = i
	}
	node := &Agg{Input: in.n, GroupBy: groupBy, Aggs: ctx.calls, Cols: out.columns()}
	return ctx, &rel{n: node, s: out}, nil
}

// groupTarget resolves GROUP BY items written as output positions or output aliases.
func (b *binder) groupTarget(g sql.Expr, sel *sql.Select) sql.Expr {
	switch e := g.(type) {
	case *sql.Literal:
		if e.Kind == sql.IntLit {
			var k int
			for _, ch := range e.Val {
				k = k*10 + int(ch-'0')
			}
			if k >= 1 && k <= len(sel.Items) {
				return sel.Items[k-1].Expr
			}
		}
	case *sql.ColumnRef:
		if len(e.Parts) == 1 {
			for _, it := range sel.Items {
				if it.Alias == e.Parts[0] {
					// An input column of the same name wins, as in PostgreSQL; checked by the caller
					// binding the original first would be more exact, but aliases rarely collide.
					return it.Expr
				}
			}
		}
	}
	return g
}

// addAggCall binds one aggregate call over the aggregation input, deduplicating identical calls.
func (b *binder) addAggCall(ctx *aggCtx, f *sql.FuncCall) error {
	x := &exprCtx{b: b, rel: &rel{s: ctx.in.s}, clause: "aggregate"}
	x.inAgg = true
	var args []expr.Expr
	for _, a := range f.Args {
		e, err := x.bind(a)
		if err != nil {
			return err
		}
		args = append(args, e)
	}
	if f.Star && f.Name != "count" {
		return pgerr.New(pgerr.SyntaxError, "%s(*) is not valid", f.Name)
	}
	args, argTypes, err := resolveUnknownArgs(args)
	if err != nil {
		return err
	}
	fn, err := expr.LookupAgg(f.Name, argTypes, f.Distinct)
	if err != nil {
		return err
	}
	// LookupAgg may want the arguments cast to the types it was resolved for.
	for i := range args {
		if i < len(fn.Args) && args[i].Type() != fn.Args[i] {
			if args[i], err = expr.Coerce(args[i], fn.Args[i]); err != nil {
				return err
			}
		}
	}
	call := AggCall{Func: fn, Args: args, Distinct: f.Distinct}
	key := f.Name
	if f.Distinct {
		key += " distinct"
	}
	for _, a := range args {
		key += "|" + a.String()
	}
	if f.Filter != nil {
		cond, err := x.bindBool(f.Filter, "FILTER")
		if err != nil {
			return err
		}
		call.Filter = cond
		key += " filter " + cond.String()
	}
	for _, o := range f.OrderBy {
		e, err := x.bind(o.Expr)
		if err != nil {
			return err
		}
		k := sortKey(0, o)
		k.Expr = e
		call.OrderBy = append(call.OrderBy, k)
		key += " order " + e.String()
	}
	for _, k := range ctx.aggs {
		if k == key {
			return nil
		}
	}
	ctx.aggs = append(ctx.aggs, key)
	ctx.calls = append(ctx.calls, call)
	return nil
}

// match binds e as a reference to the aggregation's output when it is an aggregate call or a group
// key; ok is false when e is neither (the caller then binds its parts).
func (ctx *aggCtx) match(x *exprCtx, e sql.Expr) (expr.Expr, bool, error) {
	if f, ok := e.(*sql.FuncCall); ok && isAggregate(f) {
		if err := x.b.addAggCall(ctx, f); err != nil {
			return nil, true, err
		}
		key := aggKeyOf(x.b, ctx, f)
		for i, k := range ctx.aggs {
			if k == key {
				if i >= len(x.rel.s.cols)-len(ctx.groups) {
					return nil, true, pgerr.New(pgerr.InternalError, "aggregate %s was not planned", f.Name)
				}
				return expr.NewColumn(len(ctx.groups)+i, ctx.calls[i].Func.Ret), true, nil
			}
		}
		return nil, true, pgerr.New(pgerr.InternalError, "aggregate %s was not planned", f.Name)
	}
	if len(ctx.groups) == 0 || hasSubquery(e) || hasAggCall(e) {
		return nil, false, nil
	}
	if _, isLit := e.(*sql.Literal); isLit {
		return nil, false, nil
	}
	in := &exprCtx{b: x.b, rel: &rel{s: ctx.in.s}, clause: x.clause}
	be, err := in.bind(e)
	if err != nil {
		return nil, false, nil
	}
	s := be.String()
	for i, g := range ctx.groups {
		if g == s {
			return expr.NewColumn(i, be.Type()), true, nil
		}
	}
	return nil, false, nil
}

// aggKeyOf recomputes the dedup key addAggCall gave f.
func aggKeyOf(b *binder, ctx *aggCtx, f *sql.FuncCall) string {
	x := &exprCtx{b: b, rel: &rel{s: ctx.in.s}, clause: "aggregate", inAgg: true}
	key := f.Name
	if f.Distinct {
		key += " distinct"
	}
	var args []expr.Expr
	for _, a := range f.Args {
		e, err := x.bind(a)
		if err != nil {
			return ""
		}
		args = append(args, e)
	}
	args, argTypes, err := resolveUnknownArgs(args)
	if err != nil {
		return ""
	}
	if fn, err := expr.LookupAgg(f.Name, argTypes, f.Distinct); err == nil {
		for i := range args {
			if i < len(fn.Args) && args[i].Type() != fn.Args[i] {
				if c, err := expr.Coerce(args[i], fn.Args[i]); err == nil {
					args[i] = c
				}
			}
		}
	}
	for _, a := range args {
		key += "|" + a.String()
	}
	if f.Filter != nil {
		if cond, err := x.bindBool(f.Filter, "FILTER"); err == nil {
			key += " filter " + cond.String()
		}
	}
	for _, o := range f.OrderBy {
		if e, err := x.bind(o.Expr); err == nil {
			key += " order " + e.String()
		}
	}
	return key
}

// resolveUnknownArgs types untyped literals as text, as PostgreSQL does for aggregate arguments
// (string_agg(x, ',')).
func resolveUnknownArgs(args []expr.Expr) ([]expr.Expr, []typesT, error) {
	ts := make([]typesT, len(args))
	for i, a := range args {
		if a.Type() == types.Unknown {
			c, err := expr.Coerce(a, types.Varchar)
			if err != nil {
				return nil, nil, err
			}
			args[i] = c
		}
		ts[i] = args[i].Type()
	}
	return args, ts, nil
}
