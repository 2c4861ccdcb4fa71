package planner

import (
	"fmt"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// rel is the input of a query level while it is being bound: binding a subquery may join onto it, so
// expressions take it by pointer.
type rel struct {
	n Node
	s *scope
	// commas are the joins of comma-separated FROM items, which WHERE equalities turn into hash
	// joins (FROM a, b WHERE a.id = b.aid).
	commas []commaJoin
}

// commaJoin is one join of a comma-separated FROM list: the columns before the item and its own.
type commaJoin struct {
	j            *Join
	lcols, rcols []scopeCol
}

// add appends a hidden column produced by a node that replaces r.n.
func (r *rel) add(n Node, name string, t types.Type) int {
	r.n = n
	r.s.cols = append(r.s.cols, scopeCol{name: name, typ: t, hidden: true})
	return len(r.s.cols) - 1
}

func (r *rel) cols() []Column { return r.s.columns() }

// selectQuery binds SELECT with its ORDER BY and LIMIT.
func (b *binder) selectQuery(sel *sql.Select, orderBy []sql.OrderItem, limit, offset sql.Expr, parent *scope) (Node, *scope, error) {
	level := b.newLevel(parent)
	in, err := b.from(sel.From, level)
	if err != nil {
		return nil, nil, err
	}
	if sel.Where != nil {
		if err := b.where(in, sel.Where); err != nil {
			return nil, nil, err
		}
	}

	// Aggregation: the select list, HAVING and ORDER BY then read the Agg's output.
	post := in
	var agg *aggCtx
	if len(sel.GroupBy) > 0 || sel.Having != nil || hasAggregate(sel, orderBy) {
		agg, post, err = b.aggregate(in, sel, orderBy)
		if err != nil {
			return nil, nil, err
		}
	}
	x := &exprCtx{b: b, rel: post, agg: agg, clause: "SELECT"}
	if sel.Having != nil {
		x.clause = "HAVING"
		cond, err := x.bindBool(sel.Having, "HAVING")
		if err != nil {
			return nil, nil, err
		}
		post.n = &Filter{Input: post.n, Cond: cond}
		x.clause = "SELECT"
	}

	if err := b.windows(post, sel.Items, x); err != nil {
		return nil, nil, err
	}
	if err := b.expandArrays(post, sel.Items, x); err != nil {
		return nil, nil, err
	}

	// The select list.
	var exprs []expr.Expr
	out := &scope{parent: parent}
	for _, it := range sel.Items {
		if st, ok := it.Expr.(*sql.Star); ok {
			n := 0
			for i, c := range post.s.cols {
				if c.hidden || c.using || (st.Table != "" && c.table != st.Table) {
					continue
				}
				if agg != nil {
					return nil, nil, pgerr.New(pgerr.GroupingError, "column %q must appear in the GROUP BY clause or be used in an aggregate function", c.name)
				}
				exprs = append(exprs, expr.NewColumn(i, c.typ))
				out.cols = append(out.cols, scopeCol{table: c.table, name: c.name, typ: c.typ, tableOID: c.tableOID, attr: c.attr})
				n++
			}
			if st.Table != "" && n == 0 && !post.s.hasTable(st.Table) {
				return nil, nil, pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", st.Table)
			}
			if st.Table == "" && n == 0 && len(sel.From) == 0 {
				return nil, nil, pgerr.New(pgerr.SyntaxError, "SELECT * with no tables specified is not valid")
			}
			continue
		}
		if f, ok := isExpandArray(it.Expr); ok {
			// The composite's fields become two columns, item.x and item.n.
			cols := b.expandCols[f]
			name := outputName(it)
			for i, field := range []string{"x", "n"} {
				c := post.s.cols[cols[i]]
				exprs = append(exprs, expr.NewColumn(cols[i], c.typ))
				out.cols = append(out.cols, scopeCol{name: name + "." + field, typ: c.typ})
			}
			continue
		}
		e, err := x.bind(it.Expr)
		if err != nil {
			return nil, nil, err
		}
		exprs = append(exprs, e)
		col := scopeCol{name: outputName(it), typ: e.Type()}
		if cr, ok := it.Expr.(*sql.ColumnRef); ok && it.Alias == "" {
			if c, ok := e.(*expr.ColumnExpr); ok && agg == nil {
				src := post.s.cols[c.Idx]
				col.tableOID, col.attr, col.table = src.tableOID, src.attr, src.table
			}
			_ = cr
		}
		out.cols = append(out.cols, col)
	}
	visible := len(exprs)

	// ORDER BY: output columns by name or position, else any expression of the input, computed as
	// an extra hidden column.
	var keys []SortKey
	for _, it := range orderBy {
		idx, err := b.orderTarget(it.Expr, out, visible, sel)
		if err != nil {
			return nil, nil, err
		}
		if idx < 0 {
			e, err := x.bind(it.Expr)
			if err != nil {
				return nil, nil, err
			}
			for i := 0; i < len(exprs); i++ {
				if exprs[i].String() == e.String() {
					idx = i
					break
				}
			}
			if idx < 0 {
				if sel.Distinct {
					return nil, nil, pgerr.New(pgerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
				}
				exprs = append(exprs, e)
				out.cols = append(out.cols, scopeCol{name: "?order?", typ: e.Type(), hidden: true})
				idx = len(exprs) - 1
			}
		}
		keys = append(keys, sortKey(idx, it))
	}

	var n Node = &Project{Input: post.n, Exprs: exprs, Cols: out.columns()}
	if sel.Distinct {
		d := &Distinct{Input: n}
		if len(sel.DistinctOn) > 0 {
			for _, e := range sel.DistinctOn {
				idx, err := b.orderTarget(e, out, visible, sel)
				if err != nil {
					return nil, nil, err
				}
				if idx < 0 {
					be, err := x.bind(e)
					if err != nil {
						return nil, nil, err
					}
					for i := range exprs {
						if exprs[i].String() == be.String() {
							idx = i
						}
					}
				}
				if idx < 0 {
					return nil, nil, pgerr.Unsupported("DISTINCT ON expressions must appear in the select list")
				}
				d.On = append(d.On, idx)
			}
			// DISTINCT ON keeps the first row of each group in ORDER BY order: sort first.
			if len(keys) > 0 {
				d.Input = &Sort{Input: n, Keys: keys}
				keys = nil
			}
		}
		n = d
	}
	if len(keys) > 0 {
		n = &Sort{Input: n, Keys: keys}
	}
	n, err = b.limit(n, limit, offset)
	if err != nil {
		return nil, nil, err
	}
	return n, out, nil
}

// orderTarget resolves an ORDER BY item that names an output column (by position or bare name);
// it returns -1 for any other expression.
func (b *binder) orderTarget(e sql.Expr, out *scope, visible int, sel *sql.Select) (int, error) {
	switch e := e.(type) {
	case *sql.Literal:
		if e.Kind == sql.IntLit {
			var k int
			fmt.Sscan(e.Val, &k)
			if k < 1 || k > visible {
				return 0, pgerr.New(pgerr.InvalidColumnReference, "ORDER BY position %d is not in select list", k)
			}
			return k - 1, nil
		}
	case *sql.ColumnRef:
		if len(e.Parts) == 1 {
			found := -1
			for i := 0; i < visible; i++ {
				if out.cols[i].name == e.Parts[0] {
					if found >= 0 && !sameItem(sel, found, i) {
						return 0, pgerr.New(pgerr.AmbiguousColumn, "ORDER BY %q is ambiguous", e.Parts[0])
					}
					if found < 0 {
						found = i
					}
				}
			}
			return found, nil
		}
	}
	return -1, nil
}

func sameItem(sel *sql.Select, i, j int) bool {
	if i >= len(sel.Items) || j >= len(sel.Items) {
		return false
	}
	return fmt.Sprint(sel.Items[i].Expr) == fmt.Sprint(sel.Items[j].Expr)
}

// outputName is the column name PostgreSQL gives a select item.
func outputName(it sql.SelectItem) string {
	if it.Alias != "" {
		return it.Alias
	}
	return exprName(it.Expr)
}

func exprName(e sql.Expr) string {
	switch e := e.(type) {
	case *sql.ColumnRef:
		return e.Parts[len(e.Parts)-1]
	case *sql.FuncCall:
		return e.Name
	case *sql.Cast:
		if n := exprName(e.X); n != "?column?" {
			return n
		}
		return castName(e)
	case *sql.CaseExpr:
		return "case"
	case *sql.Subquery:
		switch e.Kind {
		case sql.ExistsSubquery:
			return "exists"
		case sql.ArraySubquery:
			return "array"
		case sql.ScalarSubquery:
			if sel, ok := e.Query.Body.(*sql.Select); ok && len(sel.Items) == 1 {
				return outputName(sel.Items[0])
			}
		}
	case *sql.ArrayExpr:
		return "array"
	case *sql.FieldSelect:
		return e.Field
	case *sql.Collate:
		return exprName(e.X)
	}
	return "?column?"
}

// castName is the name PostgreSQL gives a cast of a constant: the type's internal name.
func castName(c *sql.Cast) string {
	switch c.Type {
	case types.Int16:
		return "int2"
	case types.Int32:
		return "int4"
	case types.Int64:
		return "int8"
	case types.Float32:
		return "float4"
	case types.Float64:
		return "float8"
	case types.Bool:
		return "bool"
	case types.Varchar:
		if c.TypeName == "text" {
			return "text"
		}
		return "varchar"
	case types.Timestamptz:
		return "timestamptz"
	}
	return c.Type.String()
}

// from binds the FROM clause into level (whose cols it fills) and returns the level's input.
func (b *binder) from(items []sql.TableExpr, level *scope) (*rel, error) {
	r := &rel{s: level}
	if len(items) == 0 {
		r.n = &Values{Rows: [][]expr.Expr{{}}}
		return r, nil
	}
	for i, it := range items {
		n, cols, err := b.fromItem(it, level)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			r.n = n
			level.cols = cols
			continue
		}
		lcols := level.cols
		all := append(append([]scopeCol(nil), level.cols...), cols...)
		level.cols = all
		j := &Join{Kind: Inner, L: r.n, R: n, Cols: level.columns()}
		r.n = j
		r.commas = append(r.commas, commaJoin{j: j, lcols: lcols, rcols: cols})
	}
	return r, nil
}

// where adds the WHERE clause to r: IN/EXISTS conjuncts become semi/anti joins, the rest a filter.
func (b *binder) where(r *rel, w sql.Expr) error {
	x := &exprCtx{b: b, rel: r, clause: "WHERE"}
	var conds []expr.Expr
	for _, c := range conjuncts(w) {
		if len(r.commas) > 0 && !hasSubquery(c) {
			// Bound in the whole scope first, so an ambiguous name is still 42702.
			e, err := x.bindBool(c, "WHERE")
			if err != nil {
				return err
			}
			if !b.commaKey(r, c) {
				conds = append(conds, e)
			}
			continue
		}
		done, err := b.semiJoin(r, c)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		e, err := x.bindBool(c, "WHERE")
		if err != nil {
			return err
		}
		conds = append(conds, e)
	}
	if len(conds) > 0 {
		cond, err := andAll(conds)
		if err != nil {
			return err
		}
		r.n = &Filter{Input: r.n, Cond: cond}
	}
	return nil
}

func conjuncts(e sql.Expr) []sql.Expr {
	if be, ok := e.(*sql.BinaryExpr); ok && be.Op == "AND" {
		return append(conjuncts(be.L), conjuncts(be.R)...)
	}
	return []sql.Expr{e}
}

func andAll(es []expr.Expr) (expr.Expr, error) {
	out := es[0]
	for _, e := range es[1:] {
		var err error
		if out, err = expr.NewBinary("AND", out, e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// semiJoin turns an uncorrelated [NOT] EXISTS / [NOT] IN (subquery) conjunct into a join on r. It
// reports false, changing nothing, for anything else (which the general subquery path handles).
func (b *binder) semiJoin(r *rel, c sql.Expr) (bool, error) {
	not := false
	if u, ok := c.(*sql.UnaryExpr); ok && u.Op == "NOT" {
		not, c = true, u.X
	}
	sq, ok := c.(*sql.Subquery)
	if !ok || (sq.Kind != sql.ExistsSubquery && sq.Kind != sql.InSubquery) {
		return false, nil
	}
	f := &frame{outer: r.s}
	b.frames = append(b.frames, f)
	sub, ss, err := b.query(sq.Query, r.s)
	b.frames = b.frames[:len(b.frames)-1]
	if err != nil {
		return false, err
	}
	if f.correlated {
		// The usual shape (a plain SELECT whose WHERE ties it to the outer row) becomes a semi or
		// anti join; anything else is planned by the general path, as an Apply.
		return b.decorrelatedSemiJoin(r, sq, not)
	}
	sub, ss = visibleOnly(sub, ss)
	j := &Join{Kind: LeftSemi, L: r.n, R: sub, Cols: r.cols()}
	if not {
		j.Kind = LeftAnti
	}
	if sq.Kind == sql.InSubquery {
		if len(ss.cols) != 1 {
			return false, pgerr.New(pgerr.SyntaxError, "subquery has too many columns")
		}
		x := &exprCtx{b: b, rel: &rel{s: r.s}, clause: "WHERE"}
		l, err := x.bind(sq.X)
		if err != nil {
			return false, err
		}
		rk := expr.NewColumn(0, ss.cols[0].typ)
		if l, rk, err = unify(l, rk, "IN"); err != nil {
			return false, err
		}
		j.LeftKeys, j.RightKeys = []expr.Expr{l}, []expr.Expr{rk}
		if not {
			j.Kind = NullAwareAnti
		}
	}
	r.n = j
	return true, nil
}

// unify coerces two expressions to their common type, for equality keys.
func unify(l, r expr.Expr, what string) (expr.Expr, expr.Expr, error) {
	if l.Type() == r.Type() {
		return l, r, nil
	}
	t, err := expr.CommonType([]types.Type{l.Type(), r.Type()})
	if err != nil {
		return nil, nil, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s = %s", l.Type(), r.Type())
	}
	if l, err = expr.Coerce(l, t); err != nil {
		return nil, nil, err
	}
	if r, err = expr.Coerce(r, t); err != nil {
		return nil, nil, err
	}
	return l, r, nil
}

// visibleOnly projects away hidden columns.
func visibleOnly(n Node, s *scope) (Node, *scope) {
	var keep []int
	for i, c := range s.cols {
		if !c.hidden {
			keep = append(keep, i)
		}
	}
	if len(keep) == len(s.cols) {
		return n, s
	}
	return project(n, s, keep)
}

// decorrelatedSemiJoin plans [NOT] EXISTS / IN (SELECT ... FROM ... WHERE ...) whose WHERE reads
// the outer query's columns as a join: conjuncts that only read the subquery's FROM filter it,
// inner = outer equalities become join keys, and other conjuncts that read outer columns the join's
// condition. It reports false, changing nothing, for shapes it does not handle.
func (b *binder) decorrelatedSemiJoin(r *rel, sq *sql.Subquery, not bool) (bool, error) {
	q := sq.Query
	sel, ok := q.Body.(*sql.Select)
	if !ok || len(q.With) > 0 || q.Limit != nil || q.Offset != nil || len(sel.GroupBy) > 0 || sel.Having != nil ||
		sel.Distinct || hasAggregate(sel, nil) || (not && sq.Kind == sql.InSubquery) {
		return false, nil
	}
	for _, it := range sel.Items {
		if sq.Kind == sql.InSubquery && (hasSubquery(it.Expr) || len(sel.Items) != 1) {
			return false, nil
		}
	}
	// The subquery's FROM, bound with no access to the outer query.
	inner := b.newLevel(nil)
	in, err := b.from(sel.From, inner)
	if err != nil {
		return false, nil
	}
	var local, correlated []sql.Expr
	if sel.Where != nil {
		for _, c := range conjuncts(sel.Where) {
			if hasSubquery(c) {
				return false, nil
			}
			x := &exprCtx{b: b, rel: &rel{s: &scope{cols: inner.cols}}, clause: "WHERE"}
			if _, err := x.bindBool(c, "WHERE"); err == nil {
				local = append(local, c)
			} else {
				correlated = append(correlated, c)
			}
		}
	}
	if len(local) > 0 {
		if err := b.where(in, andExprs(local)); err != nil {
			return false, err
		}
	}
	outer := &scope{cols: r.s.cols}
	innerOnly := &scope{cols: in.s.cols}
	j := &Join{Kind: LeftSemi, L: r.n, R: in.n}
	if not {
		j.Kind = LeftAnti
	}
	if sq.Kind == sql.InSubquery {
		// x IN (SELECT y ...) adds the key x = y.
		lx := &exprCtx{b: b, rel: &rel{s: outer}, clause: "WHERE"}
		rx := &exprCtx{b: b, rel: &rel{s: innerOnly}, clause: "WHERE"}
		l, err := lx.bind(sq.X)
		if err != nil {
			return false, nil
		}
		rk, err := rx.bind(sel.Items[0].Expr)
		if err != nil {
			return false, nil
		}
		if l, rk, err = unify(l, rk, "IN"); err != nil {
			return false, err
		}
		j.LeftKeys, j.RightKeys = append(j.LeftKeys, l), append(j.RightKeys, rk)
	}
	var residual []sql.Expr
	for _, c := range correlated {
		if lk, rk, ok := b.equiKey(c, outer, innerOnly); ok {
			j.LeftKeys, j.RightKeys = append(j.LeftKeys, lk), append(j.RightKeys, rk)
			continue
		}
		residual = append(residual, c)
	}
	lcols, rcols := outer.cols, innerOnly.cols
	j.L, lcols, j.LeftKeys = keyColumns(j.L, lcols, j.LeftKeys)
	j.R, rcols, j.RightKeys = keyColumns(j.R, rcols, j.RightKeys)
	if len(residual) > 0 {
		combined := &scope{cols: append(append([]scopeCol(nil), lcols...), rcols...)}
		x := &exprCtx{b: b, rel: &rel{s: combined}, clause: "WHERE"}
		var conds []expr.Expr
		for _, c := range residual {
			e, err := x.bindBool(c, "WHERE")
			if err != nil {
				return false, nil // reads something further out: leave it to the general path
			}
			conds = append(conds, e)
		}
		cond, err := andAll(conds)
		if err != nil {
			return false, err
		}
		j.Cond = cond
	}
	// Semi and anti joins output the left columns; key columns added to the left stay hidden.
	r.s.cols = lcols
	j.Cols = r.s.columns()
	r.n = j
	return true, nil
}

func andExprs(es []sql.Expr) sql.Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = &sql.BinaryExpr{Op: "AND", L: out, R: e}
	}
	return out
}

// commaKey makes a WHERE conjunct col = col between a comma-separated FROM item and the items
// before it a key of their join, so FROM a, b WHERE a.id = b.aid is a hash join rather than a
// nested loop under a filter. Only plain columns of the same type qualify: a key that needs a cast
// would need a computed column, which would move the columns everything else was bound to.
func (b *binder) commaKey(r *rel, c sql.Expr) bool {
	be, ok := c.(*sql.BinaryExpr)
	if !ok || be.Op != "=" || hasSubquery(be) {
		return false
	}
	for _, cj := range r.commas {
		ls := &scope{cols: cj.lcols, parent: r.s.parent}
		rs := &scope{cols: cj.rcols, parent: r.s.parent}
		lk, rk, ok := b.equiKey(c, ls, rs)
		if !ok {
			continue
		}
		lc, lok := lk.(*expr.ColumnExpr)
		rc, rok := rk.(*expr.ColumnExpr)
		if !lok || !rok || lc.T != rc.T {
			continue
		}
		cj.j.LeftKeys = append(cj.j.LeftKeys, lc)
		cj.j.RightKeys = append(cj.j.RightKeys, rc)
		return true
	}
	return false
}
