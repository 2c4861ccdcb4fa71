package planner

import (
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// subquery binds a subquery used as an expression. Every kind is reduced to a scalar subquery whose
// one row is joined onto the current input (or, when it reads the outer query's columns, computed
// per outer row by an Apply); the expression then reads that column:
//   - EXISTS (q)           -> (SELECT count(*) > 0 FROM (q LIMIT 1))
//   - x IN / op ANY (q)    -> CASE WHEN count = 0 THEN false ELSE x op ANY(array_agg(c)) END
//   - x op ALL (q)         -> CASE WHEN count = 0 THEN true ELSE x op ALL(array_agg(c)) END
//   - ARRAY(q)             -> array_agg(c)
//
// array_agg keeps NULLs, so x IN (q) is NULL rather than false when q has a NULL and no match, as in
// PostgreSQL.
func (x *exprCtx) subquery(sq *sql.Subquery) (expr.Expr, error) {
	if x.rel == nil || x.rel.n == nil {
		return nil, pgerr.Unsupported("subqueries are not supported in %s", x.clause)
	}
	var lhs expr.Expr
	if sq.X != nil {
		var err error
		if lhs, err = x.bind(sq.X); err != nil {
			return nil, err
		}
	}
	b := x.b
	f := &frame{outer: x.rel.s}
	b.frames = append(b.frames, f)
	sub, ss, err := b.query(sq.Query, x.rel.s)
	b.frames = b.frames[:len(b.frames)-1]
	if err != nil {
		return nil, err
	}
	sub, ss = visibleOnly(sub, ss)

	var node Node
	var valueType types.Type
	switch sq.Kind {
	case sql.ScalarSubquery:
		if len(ss.cols) != 1 {
			return nil, pgerr.New(pgerr.SyntaxError, "subquery must return only one column")
		}
		node, valueType = &EnforceSingleRow{Input: sub}, ss.cols[0].typ
	case sql.ExistsSubquery:
		count, err := expr.LookupAgg("count", nil, false)
		if err != nil {
			return nil, err
		}
		agg := &Agg{Input: &Limit{Input: sub, Count: 1}, Aggs: []AggCall{{Func: count}}, Cols: []Column{{Name: "count", Type: count.Ret}}}
		gt, err := expr.NewBinary(">", expr.NewColumn(0, count.Ret), expr.NewConst(types.NewInt64(0), types.Int64))
		if err != nil {
			return nil, err
		}
		node = &Project{Input: agg, Exprs: []expr.Expr{gt}, Cols: []Column{{Name: "exists", Type: types.Bool}}}
		valueType = types.Bool
	case sql.InSubquery, sql.AnySubquery, sql.AllSubquery, sql.ArraySubquery:
		if len(ss.cols) != 1 {
			return nil, pgerr.New(pgerr.SyntaxError, "subquery has too many columns")
		}
		elem := ss.cols[0].typ
		arrAgg, err := expr.LookupAgg("array_agg", []types.Type{elem}, false)
		if err != nil {
			return nil, err
		}
		count, err := expr.LookupAgg("count", nil, false)
		if err != nil {
			return nil, err
		}
		node = &Agg{Input: sub, Aggs: []AggCall{{Func: arrAgg, Args: []expr.Expr{expr.NewColumn(0, elem)}}, {Func: count}},
			Cols: []Column{{Name: "array", Type: arrAgg.Ret}, {Name: "count", Type: count.Ret}}}
		valueType = arrAgg.Ret
	default:
		return nil, pgerr.Unsupported("subquery kind %d is not supported", sq.Kind)
	}

	// Attach the one-row result to the input.
	width := len(node.Columns())
	base := len(x.rel.s.cols)
	all := append(x.rel.cols(), node.Columns()...)
	if f.correlated {
		x.rel.n = &Apply{Kind: Inner, Outer: x.rel.n, Sub: node, OuterCols: f.cols, Params: f.slots, Cols: all}
	} else {
		x.rel.n = &Join{Kind: Inner, L: x.rel.n, R: node, Cols: all}
	}
	for i, c := range node.Columns() {
		x.rel.s.cols = append(x.rel.s.cols, scopeCol{name: c.Name, typ: c.Type, hidden: true})
		_ = i
	}
	_ = width
	value := expr.NewColumn(base, valueType)

	switch sq.Kind {
	case sql.InSubquery, sql.AnySubquery, sql.AllSubquery:
		op := sq.Op
		if op == "" {
			op = "="
		}
		all := sq.Kind == sql.AllSubquery
		cmp, err := expr.NewAnyArray(lhs, op, value, all)
		if err != nil {
			return nil, err
		}
		isEmpty, err := expr.NewBinary("=", expr.NewColumn(base+1, types.Int64), expr.NewConst(types.NewInt64(0), types.Int64))
		if err != nil {
			return nil, err
		}
		return expr.NewCase(nil, [][2]expr.Expr{{isEmpty, expr.NewConst(types.NewBool(all), types.Bool)}}, cmp)
	case sql.ArraySubquery:
		// array_agg of no rows is NULL, but ARRAY(SELECT ... WHERE false) is an empty array.
		isEmpty, err := expr.NewBinary("=", expr.NewColumn(base+1, types.Int64), expr.NewConst(types.NewInt64(0), types.Int64))
		if err != nil {
			return nil, err
		}
		empty := expr.NewConst(types.NewArray(valueType.Elem(), []types.Datum{}), valueType)
		return expr.NewCase(nil, [][2]expr.Expr{{isEmpty, empty}}, value)
	}
	return value, nil
}

// walk visits e and its sub-expressions in pre-order; fn returns false to skip an expression's
// children. It does not enter subqueries' queries, only their left operands.
func walk(e sql.Expr, fn func(sql.Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch e := e.(type) {
	case *sql.BinaryExpr:
		walk(e.L, fn)
		walk(e.R, fn)
		walk(e.Escape, fn)
	case *sql.UnaryExpr:
		walk(e.X, fn)
	case *sql.FuncCall:
		for _, a := range e.Args {
			walk(a, fn)
		}
		walk(e.Filter, fn)
		for _, o := range e.OrderBy {
			walk(o.Expr, fn)
		}
	case *sql.Cast:
		walk(e.X, fn)
	case *sql.CaseExpr:
		walk(e.Operand, fn)
		for _, w := range e.Whens {
			walk(w.Cond, fn)
			walk(w.Result, fn)
		}
		walk(e.Else, fn)
	case *sql.InList:
		walk(e.X, fn)
		for _, it := range e.List {
			walk(it, fn)
		}
	case *sql.Between:
		walk(e.X, fn)
		walk(e.Lo, fn)
		walk(e.Hi, fn)
	case *sql.IsNull:
		walk(e.X, fn)
	case *sql.IsBool:
		walk(e.X, fn)
	case *sql.Subquery:
		walk(e.X, fn)
	case *sql.ArrayExpr:
		for _, it := range e.Elems {
			walk(it, fn)
		}
	case *sql.Subscript:
		walk(e.X, fn)
		walk(e.Index, fn)
	case *sql.AnyExpr:
		walk(e.X, fn)
		walk(e.Array, fn)
	case *sql.Collate:
		walk(e.X, fn)
	case *sql.FieldSelect:
		walk(e.X, fn)
	case *sql.RowExpr:
		for _, it := range e.Elems {
			walk(it, fn)
		}
	}
}

func hasSubquery(e sql.Expr) bool {
	found := false
	walk(e, func(e sql.Expr) bool {
		if _, ok := e.(*sql.Subquery); ok {
			found = true
		}
		return !found
	})
	return found
}

func hasAggCall(e sql.Expr) bool {
	found := false
	walk(e, func(e sql.Expr) bool {
		if f, ok := e.(*sql.FuncCall); ok && isAggregate(f) {
			found = true
		}
		return !found
	})
	return found
}

// readsColumns reports whether e refers to any column (so it is not a constant).
func readsColumns(e sql.Expr) bool {
	found := false
	walk(e, func(e sql.Expr) bool {
		if _, ok := e.(*sql.ColumnRef); ok {
			found = true
		}
		return !found
	})
	return found
}
