package planner

import (
	"strings"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// fromItem binds one FROM item, returning its node and the names of its columns.
func (b *binder) fromItem(t sql.TableExpr, level *scope) (Node, []scopeCol, error) {
	switch t := t.(type) {
	case *sql.TableRef:
		return b.tableRef(t, level)
	case *sql.SubqueryRef:
		parent := level.parent
		if t.Lateral {
			return nil, nil, pgerr.Unsupported("LATERAL subqueries are not supported")
		}
		n, s, err := b.query(t.Query, parent)
		if err != nil {
			return nil, nil, err
		}
		n, s = visibleOnly(n, s)
		name := ""
		if t.Alias != nil {
			name = t.Alias.Name
		}
		cols, err := aliased(s.cols, name, t.Alias)
		return n, cols, err
	case *sql.Join:
		return b.join(t, level)
	case *sql.FuncTable:
		return b.funcTable(t, level)
	}
	return nil, nil, pgerr.Unsupported("FROM item %T is not supported", t)
}

// aliased renames columns per an alias's column list and qualifies them all by name.
func aliased(cols []scopeCol, name string, a *sql.Alias) ([]scopeCol, error) {
	out := make([]scopeCol, len(cols))
	copy(out, cols)
	var renames []string
	if a != nil {
		renames = a.Columns
	}
	if len(renames) > len(out) {
		return nil, pgerr.New(pgerr.InvalidColumnReference, "table %q has %d columns available but %d columns specified", name, len(out), len(renames))
	}
	for i := range out {
		out[i].table = name
		out[i].using = false
		if i < len(renames) {
			out[i].name = renames[i]
		}
	}
	return out, nil
}

func (b *binder) lookupCTE(name string) *cteDef {
	for i := len(b.ctes) - 1; i >= 0; i-- {
		if d, ok := b.ctes[i][name]; ok {
			return d
		}
	}
	return nil
}

func (b *binder) tableRef(t *sql.TableRef, level *scope) (Node, []scopeCol, error) {
	alias := t.Name.Name
	if t.Alias != nil {
		alias = t.Alias.Name
	}
	if t.Name.Schema == "" {
		if d := b.lookupCTE(t.Name.Name); d != nil {
			// A CTE is planned where it is used: simple, and each use may be optimised on its own.
			saved := b.ctes
			b.ctes = b.ctesBefore(d)
			n, s, err := b.query(d.cte.Query, level.parent)
			b.ctes = saved
			if err != nil {
				return nil, nil, err
			}
			n, s = visibleOnly(n, s)
			cols := s.cols
			if len(d.cte.Columns) > 0 {
				if cols, err = aliased(cols, alias, &sql.Alias{Columns: d.cte.Columns}); err != nil {
					return nil, nil, err
				}
			}
			cols, err = aliased(cols, alias, t.Alias)
			return n, cols, err
		}
	}
	r, ok := b.env.Catalog.Lookup(t.Name.Schema, t.Name.Name)
	if !ok {
		return nil, nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", t.Name.String())
	}
	b.deps = append(b.deps, r.ID)
	switch r.Kind {
	case catalog.Table, catalog.MaterializedView, catalog.System:
		var cols []scopeCol
		var pcols []Column
		for i, c := range r.Columns {
			sc := scopeCol{table: alias, name: c.Name, typ: c.Type, hidden: c.Hidden, tableOID: r.ID, attr: int16(i + 1)}
			cols = append(cols, sc)
			pcols = append(pcols, Column{Name: c.Name, Type: c.Type, TableOID: r.ID, Attr: int16(i + 1)})
		}
		var n Node = &Scan{Rel: r, Cols: pcols}
		if r.Kind == catalog.System {
			n = &SystemScan{Rel: r, Cols: pcols}
		}
		if t.Alias != nil && len(t.Alias.Columns) > 0 {
			vis := 0
			for i := range cols {
				if cols[i].hidden {
					continue
				}
				if vis < len(t.Alias.Columns) {
					cols[i].name = t.Alias.Columns[vis]
				}
				vis++
			}
		}
		return n, cols, nil
	case catalog.View:
		q, err := viewQuery(r)
		if err != nil {
			return nil, nil, err
		}
		n, s, err := b.query(q, nil)
		if err != nil {
			return nil, nil, err
		}
		n, s = visibleOnly(n, s)
		cols := s.cols
		for i := range cols {
			if i < len(r.Columns) {
				cols[i].name = r.Columns[i].Name
			}
		}
		cols, err = aliased(cols, alias, t.Alias)
		return n, cols, err
	case catalog.Source:
		if !b.stream {
			return nil, nil, pgerr.Unsupported("querying source %q directly is not supported: create a materialized view over it, or a table with a connector", r.Name)
		}
		var cols []scopeCol
		var pcols []Column
		for i, c := range r.Columns {
			cols = append(cols, scopeCol{table: alias, name: c.Name, typ: c.Type, hidden: c.Hidden})
			pcols = append(pcols, Column{Name: c.Name, Type: c.Type, TableOID: r.ID, Attr: int16(i + 1)})
		}
		return &Scan{Rel: r, Cols: pcols}, cols, nil
	}
	return nil, nil, pgerr.New(pgerr.WrongObjectType, "%q is a %s, not a table", r.Name, r.Kind)
}

// ctesBefore returns the CTE scopes visible to d's own query: those defined before d, so a CTE may
// use earlier ones but not itself.
func (b *binder) ctesBefore(d *cteDef) []map[string]*cteDef {
	for i := len(b.ctes) - 1; i >= 0; i-- {
		if _, ok := b.ctes[i][d.cte.Name]; ok {
			out := append([]map[string]*cteDef(nil), b.ctes[:i]...)
			m := map[string]*cteDef{}
			for k, v := range b.ctes[i] {
				if v != d && v.cte != d.cte {
					m[k] = v
				}
			}
			return append(out, m)
		}
	}
	return b.ctes
}

// viewQuery re-parses a view's definition.
func viewQuery(r *catalog.Relation) (*sql.Query, error) {
	p, err := sql.ParseOne(r.Definition)
	if err != nil {
		return nil, pgerr.Wrap(err, pgerr.InternalError, "view %s", r.Name)
	}
	switch s := p.Stmt.(type) {
	case *sql.CreateView:
		return s.Query, nil
	case *sql.CreateMaterializedView:
		return s.Query, nil
	}
	return nil, pgerr.New(pgerr.InternalError, "view %s has no query", r.Name)
}

// join binds L JOIN R.
func (b *binder) join(j *sql.Join, level *scope) (Node, []scopeCol, error) {
	ln, lcols, err := b.fromItem(j.L, level)
	if err != nil {
		return nil, nil, err
	}
	rn, rcols, err := b.fromItem(j.R, level)
	if err != nil {
		return nil, nil, err
	}
	kind := map[sql.JoinKind]JoinKind{sql.InnerJoin: Inner, sql.CrossJoin: Inner, sql.LeftJoin: LeftOuter,
		sql.RightJoin: RightOuter, sql.FullJoin: FullOuter}[j.Kind]
	all := append(append([]scopeCol(nil), lcols...), rcols...)
	combined := &scope{cols: all, parent: level.parent}
	node := &Join{Kind: kind, L: ln, R: rn}
	node.Cols = combined.columns()

	using := j.Using
	if j.Natural {
		for _, l := range lcols {
			if l.hidden {
				continue
			}
			for _, r := range rcols {
				if !r.hidden && r.name == l.name {
					using = append(using, l.name)
				}
			}
		}
	}
	if len(using) > 0 {
		return b.joinUsing(node, lcols, rcols, using, level)
	}
	if j.On != nil {
		// Equi-join keys first, then the rest of the condition: keys that are not plain columns
		// (casts, expressions) become hidden columns of their side, so every join key is a column
		// (the streaming join needs that) and the residual condition is bound over the final layout.
		ls := &scope{cols: lcols, parent: level.parent}
		rs := &scope{cols: rcols, parent: level.parent}
		x := &exprCtx{b: b, rel: &rel{s: combined}, clause: "JOIN"}
		var residualAST []sql.Expr
		for _, c := range conjuncts(j.On) {
			if _, err := x.bindBool(c, "JOIN"); err != nil {
				return nil, nil, err
			}
			if lk, rk, ok := b.equiKey(c, ls, rs); ok {
				node.LeftKeys = append(node.LeftKeys, lk)
				node.RightKeys = append(node.RightKeys, rk)
				continue
			}
			residualAST = append(residualAST, c)
		}
		node.L, lcols, node.LeftKeys = keyColumns(node.L, lcols, node.LeftKeys)
		node.R, rcols, node.RightKeys = keyColumns(node.R, rcols, node.RightKeys)
		all = append(append([]scopeCol(nil), lcols...), rcols...)
		combined = &scope{cols: all, parent: level.parent}
		node.Cols = combined.columns()
		x = &exprCtx{b: b, rel: &rel{s: combined}, clause: "JOIN"}
		var residual []expr.Expr
		for _, c := range residualAST {
			e, err := x.bindBool(c, "JOIN")
			if err != nil {
				return nil, nil, err
			}
			residual = append(residual, e)
		}
		if len(residual) > 0 {
			var err error
			if node.Cond, err = andAll(residual); err != nil {
				return nil, nil, err
			}
		}
	} else if j.Kind != sql.CrossJoin && j.Kind != sql.InnerJoin {
		return nil, nil, pgerr.New(pgerr.SyntaxError, "syntax error: JOIN requires an ON or USING clause")
	}
	cols := all
	if j.Alias != nil {
		if cols, err = aliased(cols, j.Alias.Name, j.Alias); err != nil {
			return nil, nil, err
		}
	}
	return node, cols, nil
}

// equiKey recognises a = b where a reads only the left input and b only the right (or vice versa).
func (b *binder) equiKey(c sql.Expr, ls, rs *scope) (expr.Expr, expr.Expr, bool) {
	be, ok := c.(*sql.BinaryExpr)
	if !ok || be.Op != "=" || hasSubquery(be) {
		return nil, nil, false
	}
	try := func(le, re sql.Expr) (expr.Expr, expr.Expr, bool) {
		lx := &exprCtx{b: b, rel: &rel{s: ls}, clause: "JOIN"}
		rx := &exprCtx{b: b, rel: &rel{s: rs}, clause: "JOIN"}
		l, err := lx.bind(le)
		if err != nil || !readsColumns(le) {
			return nil, nil, false
		}
		r, err := rx.bind(re)
		if err != nil || !readsColumns(re) {
			return nil, nil, false
		}
		l, r, err = unify(l, r, "=")
		if err != nil {
			return nil, nil, false
		}
		return l, r, true
	}
	if l, r, ok := try(be.L, be.R); ok {
		return l, r, true
	}
	return try(be.R, be.L)
}

// joinUsing completes a JOIN ... USING: equality keys on the named columns, and one merged output
// column per name, listed first as PostgreSQL does.
func (b *binder) joinUsing(node *Join, lcols, rcols []scopeCol, using []string, level *scope) (Node, []scopeCol, error) {
	ls := &scope{cols: lcols}
	rs := &scope{cols: rcols}
	var lidx, ridx []int
	usedL := map[int]bool{}
	usedR := map[int]bool{}
	for _, name := range using {
		li, err := ls.find("", name)
		if err != nil {
			return nil, nil, err
		}
		ri, err := rs.find("", name)
		if err != nil {
			return nil, nil, err
		}
		if li < 0 || ri < 0 {
			return nil, nil, pgerr.New(pgerr.UndefinedColumn, "column %q specified in USING clause does not exist in %s table", name, map[bool]string{true: "left", false: "right"}[li < 0])
		}
		usedL[li], usedR[ri] = true, true
		lidx, ridx = append(lidx, li), append(ridx, ri)
		lk, rk, err := unify(expr.NewColumn(li, lcols[li].typ), expr.NewColumn(ri, rcols[ri].typ), "=")
		if err != nil {
			return nil, nil, err
		}
		node.LeftKeys = append(node.LeftKeys, lk)
		node.RightKeys = append(node.RightKeys, rk)
	}
	nl := len(lcols)
	node.L, lcols, node.LeftKeys = keyColumns(node.L, lcols, node.LeftKeys)
	node.R, rcols, node.RightKeys = keyColumns(node.R, rcols, node.RightKeys)
	node.Cols = (&scope{cols: append(append([]scopeCol(nil), lcols...), rcols...)}).columns()
	var exprs []expr.Expr
	var out []scopeCol
	for i, name := range using {
		li, ri := lidx[i], ridx[i]
		lref := expr.NewColumn(li, lcols[li].typ)
		rref := expr.NewColumn(len(lcols)+ri, rcols[ri].typ)
		var m expr.Expr
		switch node.Kind {
		case RightOuter:
			m = rref
		case FullOuter:
			l2, r2, err := unify(lref, rref, "=")
			if err != nil {
				return nil, nil, err
			}
			if m, err = expr.NewFunc("coalesce", []expr.Expr{l2, r2}); err != nil {
				return nil, nil, err
			}
		default:
			m = lref
		}
		exprs = append(exprs, m)
		out = append(out, scopeCol{name: name, typ: m.Type()})
	}
	for i, c := range lcols {
		if i >= nl {
			break // hidden key columns stay below the join
		}
		exprs = append(exprs, expr.NewColumn(i, c.typ))
		if usedL[i] {
			c.using = true
		}
		out = append(out, c)
	}
	for i, c := range rcols {
		exprs = append(exprs, expr.NewColumn(len(lcols)+i, c.typ))
		if usedR[i] {
			c.using = true
		}
		out = append(out, c)
	}
	s := &scope{cols: out}
	return &Project{Input: node, Exprs: exprs, Cols: s.columns()}, out, nil
}

func (b *binder) funcTable(t *sql.FuncTable, level *scope) (Node, []scopeCol, error) {
	name := t.Name
	alias := name
	if t.Alias != nil {
		alias = t.Alias.Name
	}
	// Arguments may read the enclosing query's columns (psql's unnest(stxkeys) inside a correlated
	// subquery), not this level's FROM items.
	if name == "tumble" || name == "hop" {
		return b.hopWindow(t, level)
	}
	x := &exprCtx{b: b, rel: &rel{s: &scope{parent: level.parent}}, clause: "FROM"}
	var args []expr.Expr
	for _, a := range t.Args {
		e, err := x.bind(a)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, e)
	}
	var colType types.Type
	switch name {
	case "generate_series":
		if len(args) < 2 || len(args) > 3 {
			return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series with %d arguments does not exist", len(args))
		}
		t0 := args[0].Type()
		if t0 == types.Unknown {
			t0 = args[1].Type()
		}
		switch {
		case t0.IsInteger() || t0 == types.Unknown:
			colType = types.Int32
			if t0 == types.Int64 || args[1].Type() == types.Int64 {
				colType = types.Int64
			}
		case t0 == types.Numeric:
			colType = types.Numeric
		case t0 == types.Timestamp || t0 == types.Timestamptz:
			colType = t0
			if len(args) != 3 {
				return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series(%s, %s) does not exist", t0, args[1].Type())
			}
		default:
			return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series(%s, %s) does not exist", t0, args[1].Type())
		}
		for i := range args {
			want := colType
			if i == 2 && colType.IsTemporal() {
				want = types.Interval
			}
			c, err := expr.Coerce(args[i], want)
			if err != nil {
				return nil, nil, err
			}
			args[i] = c
		}
	case "unnest":
		if len(args) != 1 || (!args[0].Type().IsArray() && args[0].Type() != types.Unknown) {
			return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function unnest requires one array argument")
		}
		colType = args[0].Type().Elem()
		if colType == types.Unknown {
			colType = types.Varchar
			c, err := expr.Coerce(args[0], types.ArrayOf(types.Varchar))
			if err != nil {
				return nil, nil, err
			}
			args[0] = c
		}
	case "tumble", "hop":
		return b.hopWindow(t, level)
	default:
		return b.scalarFuncTable(t, x, alias)
	}
	colName := name
	if t.Alias != nil && len(t.Alias.Columns) > 0 {
		colName = t.Alias.Columns[0]
	} else if t.Alias != nil {
		colName = t.Alias.Name
	}
	n := &TableFunc{Name: name, Args: args, Cols: []Column{{Name: colName, Type: colType}}}
	return n, []scopeCol{{table: alias, name: colName, typ: colType}}, nil
}

// scalarFuncTable binds a function that returns one value, used as a FROM item: in PostgreSQL
// that is a relation of one row and one column (Grafana's table picker reads
// `string_to_array(current_setting('search_path'), ',') s` this way).
func (b *binder) scalarFuncTable(t *sql.FuncTable, x *exprCtx, alias string) (Node, []scopeCol, error) {
	e, err := x.bind(&sql.FuncCall{Name: t.Name, Args: t.Args})
	if err != nil {
		if pgerr.Code(err) == pgerr.UndefinedFunction {
			return nil, nil, pgerr.Unsupported("table function %s is not supported", t.Name)
		}
		return nil, nil, err
	}
	colName := t.Name
	if t.Alias != nil && len(t.Alias.Columns) > 0 {
		colName = t.Alias.Columns[0]
	} else if t.Alias != nil {
		colName = t.Alias.Name
	}
	typ := e.Type()
	if typ == types.Unknown {
		typ = types.Varchar
		if e, err = expr.Coerce(e, typ); err != nil {
			return nil, nil, err
		}
	}
	n := &Values{Rows: [][]expr.Expr{{e}}, Cols: []Column{{Name: colName, Type: typ}}}
	return n, []scopeCol{{table: alias, name: colName, typ: typ}}, nil
}

// keyColumns makes every join key of one side a column of that side: keys that are expressions are
// computed by a Project into hidden columns appended after the side's own columns.
func keyColumns(n Node, cols []scopeCol, keys []expr.Expr) (Node, []scopeCol, []expr.Expr) {
	var extra []expr.Expr
	out := make([]expr.Expr, len(keys))
	for i, k := range keys {
		if c, ok := k.(*expr.ColumnExpr); ok {
			out[i] = c
			continue
		}
		out[i] = expr.NewColumn(len(cols)+len(extra), k.Type())
		extra = append(extra, k)
	}
	if len(extra) == 0 {
		return n, cols, keys
	}
	exprs := make([]expr.Expr, 0, len(cols)+len(extra))
	for i, c := range cols {
		exprs = append(exprs, expr.NewColumn(i, c.typ))
	}
	exprs = append(exprs, extra...)
	ncols := append([]scopeCol(nil), cols...)
	for _, e := range extra {
		ncols = append(ncols, scopeCol{name: "?key?", typ: e.Type(), hidden: true})
	}
	s := &scope{cols: ncols}
	return &Project{Input: n, Exprs: exprs, Cols: s.columns()}, ncols, out
}

// hopWindow binds TUMBLE(rel, time_col, size [, offset]) and HOP(rel, time_col, slide, size
// [, offset]), RisingWave's window table functions.
func (b *binder) hopWindow(t *sql.FuncTable, level *scope) (Node, []scopeCol, error) {
	name := strings.ToUpper(t.Name)
	nint := 1
	if t.Name == "hop" {
		nint = 2
	}
	if len(t.Args) != 2+nint && len(t.Args) != 3+nint {
		return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function %s with %d arguments does not exist", strings.ToLower(name), len(t.Args))
	}
	ref, ok := t.Args[0].(*sql.ColumnRef)
	if !ok || len(ref.Parts) > 2 {
		return nil, nil, pgerr.New(pgerr.SyntaxError, "the first argument of %s must be a table, source or view name", name)
	}
	tr := &sql.TableRef{Name: sql.ObjectName{Name: ref.Parts[len(ref.Parts)-1]}}
	if len(ref.Parts) == 2 {
		tr.Name.Schema = ref.Parts[0]
	}
	in, cols, err := b.fromItem(tr, level)
	if err != nil {
		return nil, nil, err
	}
	tc, ok := t.Args[1].(*sql.ColumnRef)
	if !ok || len(tc.Parts) != 1 {
		return nil, nil, pgerr.New(pgerr.SyntaxError, "the second argument of %s must be a column name", name)
	}
	ts := &scope{cols: cols}
	timeCol, err := ts.find("", tc.Parts[0])
	if err != nil {
		return nil, nil, err
	}
	if timeCol < 0 {
		return nil, nil, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", tc.Parts[0])
	}
	tt := cols[timeCol].typ
	if tt != types.Timestamp && tt != types.Timestamptz {
		return nil, nil, pgerr.New(pgerr.DatatypeMismatch, "the time column of %s must be a timestamp or timestamptz, not %s", name, tt)
	}
	var ivs []types.IntervalValue
	for _, a := range t.Args[2:] {
		e, err := b.scalar(&scope{}, a)
		if err != nil {
			return nil, nil, err
		}
		if e, err = expr.Coerce(e, types.Interval); err != nil {
			return nil, nil, pgerr.New(pgerr.DatatypeMismatch, "window sizes of %s must be intervals", name)
		}
		f, err := expr.Fold(e, b.env.Ctx)
		if err != nil {
			return nil, nil, err
		}
		d, ok := expr.IsConst(f)
		if !ok || d.IsNull() {
			return nil, nil, pgerr.New(pgerr.InvalidParameterValue, "window sizes of %s must be constant intervals", name)
		}
		iv := d.IntervalValue()
		if iv.Months != 0 {
			return nil, nil, pgerr.Unsupported("%s windows measured in months are not supported", name)
		}
		ivs = append(ivs, iv)
	}
	w := &HopWindow{Input: in, TimeCol: timeCol}
	w.Slide, w.Size = ivs[0], ivs[0]
	rest := ivs[1:]
	if t.Name == "hop" {
		w.Size, rest = ivs[1], ivs[2:]
	}
	if len(rest) > 0 {
		w.Offset = rest[0]
	}
	slide, size := intervalMicros(w.Slide), intervalMicros(w.Size)
	if slide <= 0 || size <= 0 {
		return nil, nil, pgerr.New(pgerr.InvalidParameterValue, "window size and slide of %s must be positive", name)
	}
	if size%slide != 0 {
		return nil, nil, pgerr.New(pgerr.InvalidParameterValue, "the window size of HOP must be a multiple of its slide")
	}
	alias := tr.Name.Name
	if t.Alias != nil {
		alias = t.Alias.Name
	}
	out := make([]scopeCol, 0, len(cols)+2)
	for _, c := range cols {
		c.table = alias
		out = append(out, c)
	}
	out = append(out, scopeCol{table: alias, name: "window_start", typ: tt}, scopeCol{table: alias, name: "window_end", typ: tt})
	w.Cols = (&scope{cols: out}).columns()
	return w, out, nil
}

// intervalMicros is an interval's length with a day as 24 hours (months are refused earlier).
func intervalMicros(iv types.IntervalValue) int64 {
	return int64(iv.Days)*86_400_000_000 + iv.Micros
}
