package planner

import (
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// windows plans the window functions of a select list over r: each becomes a RowNumber node whose
// number column the function call then reads. Only row_number() is supported.
func (b *binder) windows(r *rel, items []sql.SelectItem, x *exprCtx) error {
	var calls []*sql.FuncCall
	for _, it := range items {
		walk(it.Expr, func(e sql.Expr) bool {
			if f, ok := e.(*sql.FuncCall); ok && f.Over != nil {
				calls = append(calls, f)
				return false
			}
			return true
		})
	}
	for _, f := range calls {
		if f.Name != "row_number" || len(f.Args) != 0 {
			return pgerr.Unsupported("window function %s is not supported; only row_number() is", f.Name)
		}
		if f.Over.Name != "" || f.Over.Frame != "" {
			return pgerr.Unsupported("named windows and frames are not supported")
		}
		// Partition and order expressions become columns appended to the input.
		base := len(r.s.cols)
		exprs := make([]expr.Expr, 0, base+len(f.Over.PartitionBy)+len(f.Over.OrderBy))
		for i, c := range r.s.cols {
			exprs = append(exprs, expr.NewColumn(i, c.typ))
		}
		add := func(e sql.Expr) (int, error) {
			be, err := x.bind(e)
			if err != nil {
				return 0, err
			}
			if c, ok := be.(*expr.ColumnExpr); ok {
				return c.Idx, nil
			}
			exprs = append(exprs, be)
			r.s.cols = append(r.s.cols, scopeCol{name: "?window?", typ: be.Type(), hidden: true})
			return len(exprs) - 1, nil
		}
		n := &RowNumber{}
		for _, p := range f.Over.PartitionBy {
			i, err := add(p)
			if err != nil {
				return err
			}
			n.PartitionBy = append(n.PartitionBy, i)
		}
		for _, o := range f.Over.OrderBy {
			i, err := add(o.Expr)
			if err != nil {
				return err
			}
			n.Order = append(n.Order, sortKey(i, o))
		}
		in := r.n
		if len(exprs) > base {
			in = &Project{Input: r.n, Exprs: exprs, Cols: r.s.columns()}
		}
		n.Input = in
		r.s.cols = append(r.s.cols, scopeCol{name: "row_number", typ: types.Int64, hidden: true})
		n.Cols = r.s.columns()
		r.n = n
		if b.windowCols == nil {
			b.windowCols = map[*sql.FuncCall]int{}
		}
		b.windowCols[f] = len(r.s.cols) - 1
	}
	return nil
}

// topNFromRowNumber recognises a filter bounding a row number (rn <= n, rn < n, rn = 1, reached
// through projections that pass rn on) and returns the group top-N that replaces the pair.
func topNFromRowNumber(f *Filter) (Node, bool) {
	cmp, ok := f.Cond.(*expr.CmpExpr)
	if !ok {
		return nil, false
	}
	l, op := cmp.L, cmp.Op
	col, ok := l.(*expr.ColumnExpr)
	if !ok {
		return nil, false
	}
	r, err := expr.Fold(cmp.R, nil)
	if err != nil {
		return nil, false
	}
	d, ok := expr.IsConst(r)
	if !ok || d.IsNull() || !(d.Type().IsInteger()) {
		return nil, false
	}
	limit := d.Int()
	switch op {
	case "<=":
	case "<":
		limit--
	case "=":
		if limit != 1 {
			return nil, false
		}
	default:
		return nil, false
	}
	// Follow the column down through projections to the RowNumber.
	var projects []*Project
	n := f.Input
	idx := col.Idx
	for {
		if p, ok := n.(*Project); ok {
			c, ok := p.Exprs[idx].(*expr.ColumnExpr)
			if !ok {
				return nil, false
			}
			projects = append(projects, p)
			idx, n = c.Idx, p.Input
			continue
		}
		break
	}
	rn, ok := n.(*RowNumber)
	if !ok || idx != len(rn.Cols)-1 || limit < 0 {
		return nil, false
	}
	var out Node = &TopN{Input: rn.Input, GroupBy: rn.PartitionBy, Order: rn.Order, Limit: limit, RankCol: true, Cols: rn.Cols}
	for i := len(projects) - 1; i >= 0; i-- {
		p := *projects[i]
		p.Input = out
		out = &p
	}
	return out, true
}
