package planner

import (
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// _pg_expandarray is the one set-returning function Runnel accepts in a select list, because
// pgJDBC's DatabaseMetaData.getPrimaryKeys (and so GUI tools) uses it: it returns a composite
// (x, n) per array element. Runnel has no composite values: the composite is its two fields as
// columns, and field selection reads them — (_pg_expandarray(a)).n, and (t.keys).x where keys was
// the select item's name.

func isExpandArray(e sql.Expr) (*sql.FuncCall, bool) {
	f, ok := e.(*sql.FuncCall)
	if ok && f.Name == "_pg_expandarray" && (f.Schema == "" || f.Schema == "information_schema") && len(f.Args) == 1 {
		return f, true
	}
	return nil, false
}

// expandArrays plans the _pg_expandarray calls of a select list over r. Calls with the same
// argument share one expansion (set-returning functions in a select list run in lockstep).
func (b *binder) expandArrays(r *rel, items []sql.SelectItem, x *exprCtx) error {
	for _, it := range items {
		var err error
		walk(it.Expr, func(e sql.Expr) bool {
			f, ok := isExpandArray(e)
			if !ok || err != nil {
				return err == nil
			}
			key := sql.DeparseExpr(f.Args[0])
			if cols, done := b.expandKeys[key]; done {
				if b.expandCols == nil {
					b.expandCols = map[*sql.FuncCall][2]int{}
				}
				b.expandCols[f] = cols
				return false
			}
			arg, e2 := x.bind(f.Args[0])
			if e2 != nil {
				err = e2
				return false
			}
			if !arg.Type().IsArray() {
				err = pgerr.New(pgerr.UndefinedFunction, "function information_schema._pg_expandarray(%s) does not exist", arg.Type())
				return false
			}
			base := len(r.s.cols)
			r.s.cols = append(r.s.cols, scopeCol{name: "?x?", typ: arg.Type().Elem(), hidden: true},
				scopeCol{name: "?n?", typ: types.Int32, hidden: true})
			r.n = &ExpandArray{Input: r.n, Arg: arg, Cols: r.s.columns()}
			cols := [2]int{base, base + 1}
			if b.expandKeys == nil {
				b.expandKeys = map[string][2]int{}
				b.expandCols = map[*sql.FuncCall][2]int{}
			}
			b.expandKeys[key] = cols
			b.expandCols[f] = cols
			return false
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fieldSelect binds (X).field.
func (x *exprCtx) fieldSelect(e *sql.FieldSelect) (expr.Expr, error) {
	if f, ok := isExpandArray(e.X); ok {
		cols, ok := x.b.expandCols[f]
		if !ok {
			return nil, pgerr.Unsupported("_pg_expandarray is only supported in a select list")
		}
		switch e.Field {
		case "x":
			return expr.NewColumn(cols[0], x.rel.s.cols[cols[0]].typ), nil
		case "n":
			return expr.NewColumn(cols[1], types.Int32), nil
		}
		return nil, pgerr.New(pgerr.UndefinedColumn, "column %q not found in data type record", e.Field)
	}
	if ref, ok := e.X.(*sql.ColumnRef); ok {
		// A composite select item became one column per field, named item.field.
		parts := append(append([]string(nil), ref.Parts[:len(ref.Parts)-1]...), ref.Parts[len(ref.Parts)-1]+"."+e.Field)
		return x.b.resolve(x.rel.s, parts)
	}
	return nil, pgerr.Unsupported("field selection on %s is not supported", sql.DeparseExpr(e.X))
}
