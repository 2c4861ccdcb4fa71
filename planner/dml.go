package planner

import (
	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// DMLKind is the kind of a data-changing statement.
type DMLKind uint8

const (
	InsertDML DMLKind = iota
	UpdateDML
	DeleteDML
)

// DML is a planned INSERT, UPDATE or DELETE. Source computes the changes at the statement's snapshot:
//   - Insert: new rows, all of Rel's columns in order (a hidden _row_id is NULL: the table's writer
//     assigns it)
//   - Update: each old row followed by its new row, 2 x len(Rel.Columns) columns
//   - Delete: the old rows
type DML struct {
	Kind       DMLKind
	Rel        *catalog.Relation
	Source     Node
	ParamTypes []types.Type
}

func (b *binder) targetTable(name sql.ObjectName, verb string) (*catalog.Relation, error) {
	r, ok := b.env.Catalog.Lookup(name.Schema, name.Name)
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name.String())
	}
	if r.Kind != catalog.Table {
		return nil, pgerr.New(pgerr.WrongObjectType, "cannot %s %s %q: it is not a table", verb, r.Kind, r.Name)
	}
	if r.AppendOnly && verb != "insert into" {
		return nil, pgerr.Unsupported("cannot %s table %q: it is APPEND ONLY", verb, r.Name)
	}
	if r.With["connector"] != "" {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot %s table %q: it is fed by a %s connector", verb, r.Name, r.With["connector"])
	}
	return r, nil
}

// PlanInsert plans INSERT INTO t [(cols)] VALUES ... | query.
func PlanInsert(env *Env, ins *sql.Insert) (*DML, error) {
	b := newBinder(env)
	r, err := b.targetTable(ins.Table, "insert into")
	if err != nil {
		return nil, err
	}
	if len(ins.Returning) > 0 {
		return nil, pgerr.Unsupported("INSERT ... RETURNING is not supported")
	}
	// target[i] is the table column the i-th source column goes to.
	var target []int
	if len(ins.Columns) == 0 {
		target = r.VisibleColumns()
	} else {
		seen := map[int]bool{}
		for _, name := range ins.Columns {
			i := r.ColumnIndex(name)
			if i < 0 || r.Columns[i].Hidden {
				return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", name, r.Name)
			}
			if seen[i] {
				return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", name)
			}
			seen[i] = true
			target = append(target, i)
		}
	}
	defaults, err := b.defaults(r)
	if err != nil {
		return nil, err
	}

	var src Node
	var srcCols []Column
	if ins.Query == nil { // DEFAULT VALUES
		src = &Values{Rows: [][]expr.Expr{{}}}
		target = nil
	} else if v, ok := ins.Query.Body.(*sql.Values); ok && len(ins.Query.OrderBy) == 0 && ins.Query.Limit == nil && len(ins.Query.With) == 0 {
		// VALUES rows are coerced straight to the column types, so '2024-01-01' becomes a date.
		if len(v.Rows) > 0 && len(v.Rows[0]) > len(target) {
			return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more expressions than target columns")
		}
		if len(v.Rows) > 0 && len(v.Rows[0]) < len(target) {
			if len(ins.Columns) > 0 {
				return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more target columns than expressions")
			}
			target = target[:len(v.Rows[0])]
		}
		ts := make([]types.Type, len(target))
		names := make([]string, len(target))
		for i, c := range target {
			ts[i] = r.Columns[c].Type
			names[i] = r.Columns[c].Name
			for _, row := range v.Rows {
				if i < len(row) {
					b.hintParam(row[i], ts[i])
				}
			}
		}
		n, _, err := b.values(v, nil, ts, names...)
		if err != nil {
			return nil, err
		}
		vals := n.(*Values)
		for _, row := range vals.Rows {
			for j := range row {
				if row[j] == nil {
					row[j] = defaults[target[j]]
				}
			}
		}
		src, srcCols = vals, vals.Cols
	} else {
		n, s, err := b.query(ins.Query, nil)
		if err != nil {
			return nil, err
		}
		n, s = visibleOnly(n, s)
		if len(s.cols) > len(target) {
			return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more expressions than target columns")
		}
		if len(s.cols) < len(target) {
			if len(ins.Columns) > 0 {
				return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more target columns than expressions")
			}
			target = target[:len(s.cols)]
		}
		src, srcCols = n, s.columns()
	}

	// Reorder into the table's columns, filling in defaults.
	exprs := make([]expr.Expr, len(r.Columns))
	for i, c := range r.Columns {
		exprs[i] = defaults[i]
		if c.Hidden {
			exprs[i] = expr.NewConst(types.NullDatum, c.Type)
		}
	}
	for j, ti := range target {
		c := r.Columns[ti]
		e, err := expr.Coerce(expr.NewColumn(j, srcCols[j].Type), c.Type)
		if err != nil {
			return nil, columnTypeError(c.Name, c.Type, srcCols[j].Type)
		}
		exprs[ti] = e
	}
	cols := make([]Column, len(r.Columns))
	for i, c := range r.Columns {
		cols[i] = Column{Name: c.Name, Type: c.Type}
	}
	return &DML{Kind: InsertDML, Rel: r, Source: &Project{Input: src, Exprs: exprs, Cols: cols}, ParamTypes: b.finalParamTypes()}, nil
}

func (b *binder) hintParam(e sql.Expr, t types.Type) {
	if p, ok := e.(*sql.Param); ok {
		b.setParamType(p.N, t)
	}
}

// defaults returns each column's DEFAULT expression, or a typed NULL.
func (b *binder) defaults(r *catalog.Relation) ([]expr.Expr, error) {
	out := make([]expr.Expr, len(r.Columns))
	for i, c := range r.Columns {
		out[i] = expr.NewConst(types.NullDatum, c.Type)
		if c.Default == "" {
			continue
		}
		d, err := ParseExprText(c.Default)
		if err != nil {
			return nil, pgerr.Wrap(err, pgerr.InternalError, "default of %s.%s", r.Name, c.Name)
		}
		e, err := b.scalarTyped(&scope{}, d, c.Type)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// ParseExprText parses the text of one expression (a stored DEFAULT).
func ParseExprText(text string) (sql.Expr, error) {
	p, err := sql.ParseOne("SELECT " + text)
	if err != nil {
		return nil, err
	}
	sel, ok := p.Stmt.(*sql.SelectStmt)
	if !ok {
		return nil, pgerr.New(pgerr.SyntaxError, "not an expression: %s", text)
	}
	body, ok := sel.Query.Body.(*sql.Select)
	if !ok || len(body.Items) != 1 {
		return nil, pgerr.New(pgerr.SyntaxError, "not an expression: %s", text)
	}
	return body.Items[0].Expr, nil
}

// targetScan scans a DML target, naming its columns by alias.
func (b *binder) targetScan(r *catalog.Relation, alias string) *rel {
	if alias == "" {
		alias = r.Name
	}
	s := &scope{}
	cols := make([]Column, len(r.Columns))
	for i, c := range r.Columns {
		s.cols = append(s.cols, scopeCol{table: alias, name: c.Name, typ: c.Type, hidden: c.Hidden})
		cols[i] = Column{Name: c.Name, Type: c.Type}
	}
	return &rel{n: &Scan{Rel: r, Cols: cols}, s: s}
}

// PlanUpdate plans UPDATE t SET ... WHERE ....
func PlanUpdate(env *Env, up *sql.Update) (*DML, error) {
	b := newBinder(env)
	r, err := b.targetTable(up.Table, "update")
	if err != nil {
		return nil, err
	}
	if len(up.From) > 0 {
		return nil, pgerr.Unsupported("UPDATE ... FROM is not supported")
	}
	if len(up.Returning) > 0 {
		return nil, pgerr.Unsupported("UPDATE ... RETURNING is not supported")
	}
	in := b.targetScan(r, up.Alias)
	if up.Where != nil {
		if err := b.where(in, up.Where); err != nil {
			return nil, err
		}
	}
	defaults, err := b.defaults(r)
	if err != nil {
		return nil, err
	}
	n := len(r.Columns)
	exprs := make([]expr.Expr, 2*n)
	for i, c := range r.Columns {
		exprs[i] = expr.NewColumn(i, c.Type)
		exprs[n+i] = expr.NewColumn(i, c.Type)
	}
	x := &exprCtx{b: b, rel: in, clause: "UPDATE"}
	seen := map[int]bool{}
	for _, set := range up.Set {
		i := r.ColumnIndex(set.Column)
		if i < 0 || r.Columns[i].Hidden {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", set.Column, r.Name)
		}
		if seen[i] {
			return nil, pgerr.New(pgerr.SyntaxError, "multiple assignments to same column %q", set.Column)
		}
		seen[i] = true
		if r.UserPK && isKeyColumn(r, i) {
			// Moving rows between keys could silently overwrite other rows of the table (an insert
			// on an existing key replaces it); RisingWave refuses this too.
			return nil, pgerr.Unsupported("updating primary key column %q is not supported: delete the row and insert it with its new key", set.Column)
		}
		if _, ok := set.Value.(*sql.DefaultExpr); ok {
			exprs[n+i] = defaults[i]
			continue
		}
		e, err := x.bindAssign(set.Value, r.Columns[i].Type, set.Column)
		if err != nil {
			return nil, err
		}
		exprs[n+i] = e
	}
	cols := make([]Column, 2*n)
	for i, c := range r.Columns {
		cols[i] = Column{Name: c.Name, Type: c.Type}
		cols[n+i] = Column{Name: c.Name, Type: c.Type}
	}
	return &DML{Kind: UpdateDML, Rel: r, Source: &Project{Input: in.n, Exprs: exprs, Cols: cols}, ParamTypes: b.finalParamTypes()}, nil
}

// PlanDelete plans DELETE FROM t WHERE ....
func PlanDelete(env *Env, del *sql.Delete) (*DML, error) {
	b := newBinder(env)
	r, err := b.targetTable(del.Table, "delete from")
	if err != nil {
		return nil, err
	}
	if len(del.Returning) > 0 {
		return nil, pgerr.Unsupported("DELETE ... RETURNING is not supported")
	}
	in := b.targetScan(r, del.Alias)
	if del.Where != nil {
		if err := b.where(in, del.Where); err != nil {
			return nil, err
		}
	}
	keep := make([]int, len(r.Columns))
	for i := range keep {
		keep[i] = i
	}
	node, _ := project(in.n, in.s, keep)
	return &DML{Kind: DeleteDML, Rel: r, Source: node, ParamTypes: b.finalParamTypes()}, nil
}

func isKeyColumn(r *catalog.Relation, col int) bool {
	for _, k := range r.PK {
		if k == col {
			return true
		}
	}
	return false
}
