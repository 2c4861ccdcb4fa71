package planner

import (
	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// StreamPlan is a query compiled for incremental maintenance. Its nodes are the same as a batch
// plan's, rewritten so that executor/stream can run them over changes:
//   - every node has a stream key (Keys), the columns that identify one of its rows, so a delete
//     or update can always find the row it retracts; where a projection dropped its input's key
//     columns, they are kept as hidden columns appended at the end;
//   - Agg and TopN read plain columns (group keys and arguments are computed by a Project below);
//   - Sort+Limit became TopN, DISTINCT a key-only Agg, UNION ALL a Union with a branch key.
type StreamPlan struct {
	Root Node
	// Key is the stream key of Root: the view's primary key in storage.
	Key []int
	// Visible is the number of the view's own columns; Root's columns after them are hidden keys.
	Visible int
	Keys    map[Node][]int
	// Scans are the leaves, in plan order: the relations the view subscribes to.
	Scans []*Scan
	// Deps are the ids of the relations the view reads.
	Deps []uint32
}

// TopN keeps the first Limit rows after Offset of each group (GroupBy; none: one group) in Order,
// ties broken by the input's stream key. With RankCol it appends a bigint row_number column.
type TopN struct {
	Input   Node
	GroupBy []int
	Order   []SortKey
	Offset  int64
	Limit   int64
	RankCol bool
	Cols    []Column
}

// Union is UNION ALL in a stream: its inputs have identical columns.
type Union struct {
	Inputs []Node
	Cols   []Column
}

func (n *TopN) Columns() []Column  { return n.Cols }
func (n *TopN) Children() []Node   { return []Node{n.Input} }
func (n *Union) Columns() []Column { return n.Cols }
func (n *Union) Children() []Node  { return n.Inputs }

// PlanStream plans a materialized view's query.
func PlanStream(env *Env, q *sql.Query) (*StreamPlan, []Column, error) {
	b := newBinder(env)
	b.stream = true
	n, s, err := b.query(q, nil)
	if err != nil {
		return nil, nil, err
	}
	p, err := b.finish(n, s)
	if err != nil {
		return nil, nil, err
	}
	if len(p.ParamTypes) > 0 {
		return nil, nil, pgerr.Unsupported("parameters are not allowed in a materialized view")
	}
	for name := range b.funcs {
		if timeDependent[name] {
			// A view must equal its query at every moment; now() and random() would make it
			// depend on when each row happened to be processed.
			return nil, nil, pgerr.Unsupported("%s() is not supported in a materialized view", name)
		}
	}
	sp := &StreamPlan{Keys: map[Node][]int{}, Visible: len(p.Cols)}
	root, key, err := sp.rewrite(p.Root)
	if err != nil {
		return nil, nil, err
	}
	sp.Root, sp.Key = root, key
	// Every relation the query names is a dependency, plain views included (they are expanded in
	// place, so no scan names them, but dropping one would leave the view unplannable).
	seen := map[uint32]bool{}
	for _, id := range b.deps {
		if r, ok := env.Catalog.ByID(id); ok && r.Kind != catalog.System && !seen[id] {
			seen[id] = true
			sp.Deps = append(sp.Deps, id)
		}
	}
	return sp, p.Cols, nil
}

// timeDependent are the functions whose value depends on when or how often they are evaluated.
var timeDependent = map[string]bool{
	"now": true, "current_timestamp": true, "current_date": true, "current_time": true,
	"localtimestamp": true, "localtime": true, "clock_timestamp": true, "statement_timestamp": true,
	"transaction_timestamp": true, "timeofday": true, "random": true, "gen_random_uuid": true,
	"txid_current": true, "pg_backend_pid": true,
}

func (sp *StreamPlan) keyed(n Node, key []int) (Node, []int, error) {
	sp.Keys[n] = key
	return n, key, nil
}

// rewrite returns n rewritten for streaming, and its stream key.
func (sp *StreamPlan) rewrite(n Node) (Node, []int, error) {
	switch n := n.(type) {
	case *Scan:
		sp.Scans = append(sp.Scans, n)
		return sp.keyed(n, append([]int(nil), n.Rel.PK...))
	case *SystemScan:
		return nil, nil, pgerr.Unsupported("a materialized view cannot read %s.%s", n.Rel.Schema, n.Rel.Name)
	case *Values:
		// Rows of VALUES may repeat: an ordinal column tells them apart.
		cols := append(append([]Column(nil), n.Cols...), Column{Name: "_ordinal", Type: types.Int64})
		rows := make([][]expr.Expr, len(n.Rows))
		for i, r := range n.Rows {
			rows[i] = append(append([]expr.Expr(nil), r...), expr.NewConst(types.NewInt64(int64(i)), types.Int64))
		}
		return sp.keyed(&Values{Rows: rows, Cols: cols}, []int{len(n.Cols)})
	case *Filter:
		if t, ok := topNFromRowNumber(n); ok {
			return sp.rewrite(t)
		}
		in, key, err := sp.rewrite(n.Input)
		if err != nil {
			return nil, nil, err
		}
		return sp.keyed(&Filter{Input: in, Cond: n.Cond}, key)
	case *Project:
		in, key, err := sp.rewrite(n.Input)
		if err != nil {
			return nil, nil, err
		}
		exprs := append([]expr.Expr(nil), n.Exprs...)
		cols := append([]Column(nil), n.Cols...)
		out := keepColumns(&exprs, &cols, key, in.Columns())
		return sp.keyed(&Project{Input: in, Exprs: exprs, Cols: cols}, out)
	case *Join:
		return sp.join(n)
	case *Agg:
		return sp.agg(n)
	case *Distinct:
		cols := n.Input.Columns()
		input := n.Input
		var order []SortKey
		if s, ok := input.(*Sort); ok {
			order, input = s.Keys, s.Input // a view's rows have no order; DISTINCT ON uses it
		}
		in, _, err := sp.rewrite(input)
		if err != nil {
			return nil, nil, err
		}
		if len(n.On) > 0 {
			// DISTINCT ON keeps the first row of each group: a top-1 per group.
			t := &TopN{Input: in, GroupBy: n.On, Order: order, Limit: 1, Cols: in.Columns()}
			return sp.keyed(t, n.On)
		}
		in, err = sp.dropHidden(in, len(cols))
		if err != nil {
			return nil, nil, err
		}
		group := make([]int, len(cols))
		a := &Agg{Input: in, Cols: cols}
		for i, c := range cols {
			a.GroupBy = append(a.GroupBy, expr.NewColumn(i, c.Type))
			group[i] = i
		}
		return sp.keyed(a, group)
	case *Sort:
		// ORDER BY without LIMIT does not order a view's rows (as in RisingWave).
		return sp.rewrite(n.Input)
	case *Limit:
		var order []SortKey
		input := n.Input
		if s, ok := input.(*Sort); ok {
			order, input = s.Keys, s.Input
		}
		in, key, err := sp.rewrite(input)
		if err != nil {
			return nil, nil, err
		}
		if n.Count < 0 {
			return nil, nil, pgerr.Unsupported("OFFSET without LIMIT is not supported in a materialized view")
		}
		t := &TopN{Input: in, Order: order, Offset: n.Offset, Limit: n.Count, Cols: in.Columns()}
		return sp.keyed(t, key)
	case *SetOp:
		return sp.setOp(n)
	case *TopN:
		in, key, err := sp.rewrite(n.Input)
		if err != nil {
			return nil, nil, err
		}
		t := *n
		t.Input = in
		inCols := in.Columns()
		t.Cols = append(append([]Column(nil), inCols...), Column{Name: "row_number", Type: types.Int64})
		if !n.RankCol {
			t.Cols = inCols
		}
		if n.RankCol && len(inCols) != len(n.Input.Columns()) {
			// The rewrite appended hidden key columns to the input: the rank must stay the column
			// right after the original ones, so put it back in place with a projection.
			return nil, nil, pgerr.Unsupported("ROW_NUMBER over this query is not supported in a materialized view")
		}
		// Per-group top-N runs partitioned by the group: like a join, its key includes it.
		return sp.keyed(&t, withColumns(n.GroupBy, key))
	case *RowNumber:
		return nil, nil, pgerr.Unsupported("ROW_NUMBER() in a materialized view needs a filter on its result, such as WHERE rn <= 10")
	case *EnforceSingleRow:
		// A scalar subquery in a view must be a global aggregate, which always has exactly one row.
		if isSingleRow(n.Input) {
			return sp.rewrite(n.Input)
		}
		return nil, nil, pgerr.Unsupported("scalar subqueries in a materialized view must be aggregates without GROUP BY")
	case *Apply:
		return nil, nil, pgerr.Unsupported("correlated subqueries are not supported in a materialized view")
	case *TableFunc:
		return nil, nil, pgerr.Unsupported("table function %s is not supported in a materialized view", n.Name)
	case *HopWindow:
		in, key, err := sp.rewrite(n.Input)
		if err != nil {
			return nil, nil, err
		}
		w := *n
		w.Input = in
		w.Cols = append(append([]Column(nil), in.Columns()...), n.Cols[len(n.Input.Columns()):]...)
		// Each input row appears in several windows: window_start tells them apart.
		return sp.keyed(&w, append(append([]int(nil), key...), len(in.Columns())))
	}
	return nil, nil, pgerr.Unsupported("%s is not supported in a materialized view", describe(n))
}

// isSingleRow reports whether n always produces exactly one row.
func isSingleRow(n Node) bool {
	switch n := n.(type) {
	case *Agg:
		return len(n.GroupBy) == 0
	case *Project:
		return isSingleRow(n.Input)
	}
	return false
}

// keepColumns makes sure every key column of the input is an output column of the projection,
// appending the missing ones, and returns the key's output positions.
func keepColumns(exprs *[]expr.Expr, cols *[]Column, key []int, inCols []Column) []int {
	out := make([]int, len(key))
	for i, k := range key {
		out[i] = -1
		for j, e := range *exprs {
			if c, ok := e.(*expr.ColumnExpr); ok && c.Idx == k {
				out[i] = j
				break
			}
		}
		if out[i] < 0 {
			*exprs = append(*exprs, expr.NewColumn(k, inCols[k].Type))
			*cols = append(*cols, Column{Name: "_key_" + inCols[k].Name, Type: inCols[k].Type})
			out[i] = len(*exprs) - 1
		}
	}
	return out
}

// dropHidden projects n down to its first width columns, where the rewrite appended hidden keys
// that a key-changing operator above does not need.
func (sp *StreamPlan) dropHidden(n Node, width int) (Node, error) {
	cols := n.Columns()
	if len(cols) == width {
		return n, nil
	}
	exprs := make([]expr.Expr, width)
	for i := 0; i < width; i++ {
		exprs[i] = expr.NewColumn(i, cols[i].Type)
	}
	p := &Project{Input: n, Exprs: exprs, Cols: cols[:width]}
	sp.Keys[p] = nil
	return p, nil
}

func (sp *StreamPlan) agg(n *Agg) (Node, []int, error) {
	in, _, err := sp.rewrite(n.Input)
	if err != nil {
		return nil, nil, err
	}
	// The operator reads plain columns: compute group keys, arguments and filters below it.
	// An expression used twice (q16's eight DISTINCT aggregates over two columns, their four
	// filters) is computed once, and aggregates over one column can share their DISTINCT state
	// (stream.HashAgg.shareDistinct compares argument columns).
	var exprs []expr.Expr
	var cols []Column
	add := func(e expr.Expr) int {
		for i, x := range exprs {
			if x.Type() == e.Type() && x.String() == e.String() {
				return i
			}
		}
		exprs = append(exprs, e)
		cols = append(cols, Column{Name: e.String(), Type: e.Type()})
		return len(exprs) - 1
	}
	a := &Agg{Cols: n.Cols}
	for _, g := range n.GroupBy {
		a.GroupBy = append(a.GroupBy, expr.NewColumn(add(g), g.Type()))
	}
	for _, c := range n.Aggs {
		call := AggCall{Func: c.Func, Distinct: c.Distinct}
		for _, arg := range c.Args {
			call.Args = append(call.Args, expr.NewColumn(add(arg), arg.Type()))
		}
		if c.Filter != nil {
			call.Filter = expr.NewColumn(add(c.Filter), types.Bool)
		}
		for _, k := range c.OrderBy {
			k.Col = add(k.Expr)
			k.Expr = nil
			call.OrderBy = append(call.OrderBy, k)
		}
		a.Aggs = append(a.Aggs, call)
	}
	p := &Project{Input: in, Exprs: exprs, Cols: cols}
	sp.Keys[p] = nil
	a.Input = p
	key := make([]int, len(n.GroupBy))
	for i := range key {
		key[i] = i
	}
	return sp.keyed(a, key)
}

// join rewrites a join. The rewrite may have appended hidden key columns to either input; the
// operator outputs left ++ right with them, so a projection after it restores the layout the rest
// of the plan was bound against (left columns, right columns) and moves the hidden keys last.
func (sp *StreamPlan) join(n *Join) (Node, []int, error) {
	nl, nr := len(n.L.Columns()), len(n.R.Columns())
	l, lk, err := sp.rewrite(n.L)
	if err != nil {
		return nil, nil, err
	}
	r, rk, err := sp.rewrite(n.R)
	if err != nil {
		return nil, nil, err
	}
	extraL := len(l.Columns()) - nl
	cond := n.Cond
	var post expr.Expr
	if extraL > 0 && cond != nil {
		// Cond is bound over the original layout; the operator would see the right columns shifted.
		if n.Kind != Inner {
			return nil, nil, pgerr.Unsupported("this outer join's condition is not supported in a materialized view: join the tables directly rather than through subqueries")
		}
		post, cond = cond, nil
	}
	lcols, rcols := l.Columns(), r.Columns()
	j := &Join{Kind: n.Kind, L: l, R: r, LeftKeys: n.LeftKeys, Cond: cond}
	// Right keys read the right input's columns, which the rewrite did not move.
	j.RightKeys = n.RightKeys
	j.Cols = append(append([]Column(nil), lcols...), rcols...)
	if n.Kind == LeftSemi || n.Kind == LeftAnti || n.Kind == NullAwareAnti {
		if n.Kind == NullAwareAnti {
			return nil, nil, pgerr.Unsupported("NOT IN (subquery) is not supported in a materialized view; use NOT EXISTS")
		}
		j.Cols = append([]Column(nil), lcols...)
		return sp.keyed(j, withColumns(lk, columnsOf(n.LeftKeys, 0)))
	}
	sp.Keys[j] = nil
	// Reorder: original left, original right, then hidden keys of both sides.
	var exprs []expr.Expr
	var cols []Column
	pos := func(i int) { exprs = append(exprs, expr.NewColumn(i, j.Cols[i].Type)); cols = append(cols, j.Cols[i]) }
	for i := 0; i < nl; i++ {
		pos(i)
	}
	for i := 0; i < nr; i++ {
		pos(len(lcols) + i)
	}
	for i := nl; i < len(lcols); i++ {
		pos(i)
	}
	for i := nr; i < len(rcols); i++ {
		pos(len(lcols) + i)
	}
	where := func(joined int) int { // position in the reordered output of a joined column
		switch {
		case joined < nl:
			return joined
		case joined < len(lcols):
			return nl + nr + (joined - nl)
		case joined < len(lcols)+nr:
			return nl + (joined - len(lcols))
		}
		return nl + nr + (len(lcols) - nl) + (joined - len(lcols) - nr)
	}
	var key []int
	for _, k := range lk {
		key = append(key, where(k))
	}
	for _, k := range rk {
		key = append(key, where(len(lcols)+k))
	}
	var out Node = &Project{Input: j, Exprs: exprs, Cols: cols}
	if extraL == 0 && len(rcols) == nr {
		out = j // nothing moved
		key = key[:0]
		for _, k := range lk {
			key = append(key, k)
		}
		for _, k := range rk {
			key = append(key, len(lcols)+k)
		}
	}
	// A partitioned join's stream key includes the join keys (its distribution key): an update that
	// changes a row's join key is retracted by one instance and re-inserted by another, and with
	// the same stream key the two changes could reach the view in either order.
	var jk []int
	for _, c := range columnsOf(n.LeftKeys, 0) {
		if out == j {
			jk = append(jk, c)
		} else {
			jk = append(jk, where(c))
		}
	}
	for _, c := range columnsOf(n.RightKeys, 0) {
		if out == j {
			jk = append(jk, len(lcols)+c)
		} else {
			jk = append(jk, where(len(lcols)+c))
		}
	}
	key = withColumns(key, jk)
	if post != nil {
		sp.Keys[out] = key
		out = &Filter{Input: out, Cond: post}
	}
	return sp.keyed(out, key)
}

// columnsOf returns the column indices of column expressions (the planner made join keys columns).
func columnsOf(es []expr.Expr, base int) []int {
	var out []int
	for _, e := range es {
		if c, ok := e.(*expr.ColumnExpr); ok {
			out = append(out, base+c.Idx)
		}
	}
	return out
}

// withColumns returns key extended by the columns of extra it does not contain yet.
func withColumns(key, extra []int) []int {
	out := append([]int(nil), key...)
	for _, c := range extra {
		found := false
		for _, k := range out {
			if k == c {
				found = true
				break
			}
		}
		if !found {
			out = append(out, c)
		}
	}
	return out
}

// setOp rewrites UNION [ALL]. Each branch is projected to the same layout: the visible columns, a
// branch number, and every branch's key columns (NULL outside their own branch), which together
// identify a row of the union.
func (sp *StreamPlan) setOp(n *SetOp) (Node, []int, error) {
	if n.Kind != UnionOp {
		return nil, nil, pgerr.Unsupported("INTERSECT and EXCEPT are not supported in a materialized view")
	}
	width := len(n.Cols)
	var ins []Node
	var keys [][]int
	var keyTypes [][]types.Type
	for _, in := range n.Inputs {
		r, k, err := sp.rewrite(in)
		if err != nil {
			return nil, nil, err
		}
		ins = append(ins, r)
		keys = append(keys, k)
		var ts []types.Type
		for _, c := range k {
			ts = append(ts, r.Columns()[c].Type)
		}
		keyTypes = append(keyTypes, ts)
	}
	cols := append([]Column(nil), n.Cols...)
	cols = append(cols, Column{Name: "_branch", Type: types.Int32})
	for b, ts := range keyTypes {
		for i, t := range ts {
			cols = append(cols, Column{Name: "_key_" + string(rune('a'+b)) + string(rune('0'+i)), Type: t})
		}
	}
	u := &Union{Cols: cols}
	for b, r := range ins {
		var exprs []expr.Expr
		for i := 0; i < width; i++ {
			exprs = append(exprs, expr.NewColumn(i, n.Cols[i].Type))
		}
		exprs = append(exprs, expr.NewConst(types.NewInt32(int32(b)), types.Int32))
		for ob, ts := range keyTypes {
			for i, t := range ts {
				if ob == b {
					exprs = append(exprs, expr.NewColumn(keys[b][i], t))
				} else {
					exprs = append(exprs, expr.NewConst(types.NullDatum, t))
				}
			}
		}
		p := &Project{Input: r, Exprs: exprs, Cols: cols}
		sp.Keys[p] = nil
		u.Inputs = append(u.Inputs, p)
	}
	key := make([]int, len(cols)-width)
	for i := range key {
		key[i] = width + i
	}
	sp.keyed(u, key)
	if n.All {
		return u, key, nil
	}
	// UNION without ALL: distinct over the visible columns.
	d, err := sp.dropHidden(u, width)
	if err != nil {
		return nil, nil, err
	}
	a := &Agg{Input: d, Cols: n.Cols}
	group := make([]int, width)
	for i, c := range n.Cols {
		a.GroupBy = append(a.GroupBy, expr.NewColumn(i, c.Type))
		group[i] = i
	}
	return sp.keyed(a, group)
}

// AppendOnly reports whether a stream plan node only ever inserts: it reads sources, append-only
// tables or connector tables without a primary key, through operators that never retract (filters,
// projections, windows, unions, inner joins of append-only inputs).
func AppendOnly(n Node) bool {
	switch n := n.(type) {
	case *Scan:
		r := n.Rel
		switch r.Kind {
		case catalog.Source:
			return true
		case catalog.Table:
			// With a primary key, an insert on an existing key replaces the row: an update.
			return !r.UserPK && (r.AppendOnly || (r.With["connector"] != "" && r.Format == "PLAIN"))
		}
		return false
	case *Join:
		if n.Kind != Inner {
			return false
		}
	case *Filter, *Project, *HopWindow, *Union, *Values:
	default:
		return false
	}
	for _, c := range n.Children() {
		if !AppendOnly(c) {
			return false
		}
	}
	return true
}
