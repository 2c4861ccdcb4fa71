package planner

import (
	"strings"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// scopeCol is a name a column of the current input can be referred to by.
type scopeCol struct {
	table  string // qualifier: table alias or name; "" for derived columns
	name   string
	typ    types.Type
	hidden bool // not part of SELECT *, e.g. _row_id or columns added for subqueries
	// using marks the original copies of JOIN USING columns: resolvable only when qualified.
	using bool
	// tableOID and attr identify a plain table column (for RowDescription).
	tableOID uint32
	attr     int16
}

// scope resolves column names for one query level. Its columns are the columns of the level's current
// input node, in order, so a resolved index is directly an input column index. parent is the
// enclosing query level, whose columns a correlated subquery may read.
type scope struct {
	cols   []scopeCol
	parent *scope
}

// frame is a subquery being bound: references from inside it to columns of outer (or further out)
// are correlated, and are read from parameter slots that an Apply fills in per outer row.
type frame struct {
	outer      *scope
	cols       []int // outer column indices
	slots      []int
	correlated bool
}

func (f *frame) slot(b *binder, col int) int {
	for i, c := range f.cols {
		if c == col {
			return f.slots[i]
		}
	}
	s := b.allocSlot()
	f.cols = append(f.cols, col)
	f.slots = append(f.slots, s)
	return s
}

// resolve finds a column reference from scope s: an input column of s's level, or a parameter slot
// for a column of an enclosing level.
func (b *binder) resolve(s *scope, parts []string) (expr.Expr, error) {
	var table, name string
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		table, name = parts[0], parts[1]
	case 3:
		table, name = parts[1], parts[2] // schema.table.column: the table implies the schema
	default:
		return nil, pgerr.New(pgerr.SyntaxError, "improper qualified name (too many dotted names): %s", strings.Join(parts, "."))
	}
	for cur := s; cur != nil; cur = cur.parent {
		idx, err := cur.find(table, name)
		if err != nil {
			return nil, err
		}
		if idx < 0 {
			continue
		}
		c := cur.cols[idx]
		if cur == s {
			return expr.NewColumn(idx, c.typ), nil
		}
		// Every subquery frame from the one that reads cur inwards must be re-run per outer row.
		for i := len(b.frames) - 1; i >= 0; i-- {
			f := b.frames[i]
			f.correlated = true
			if f.outer == cur {
				return expr.NewParam(f.slot(b, idx), c.typ), nil
			}
		}
		return nil, pgerr.New(pgerr.InternalError, "column %q of an enclosing query is not reachable", name)
	}
	if table != "" {
		if !s.hasTable(table) {
			return nil, pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", table)
		}
		return nil, pgerr.New(pgerr.UndefinedColumn, "column %s.%s does not exist", table, name)
	}
	return nil, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", name)
}

// find returns the index of the column in this level only, -1 when absent, or 42702 when ambiguous.
func (s *scope) find(table, name string) (int, error) {
	found := -1
	for i, c := range s.cols {
		if c.name != name || (table != "" && c.table != table) || (table == "" && c.using) {
			continue
		}
		if found >= 0 {
			if table != "" {
				return 0, pgerr.New(pgerr.AmbiguousColumn, "column reference \"%s.%s\" is ambiguous", table, name)
			}
			return 0, pgerr.New(pgerr.AmbiguousColumn, "column reference %q is ambiguous", name)
		}
		found = i
	}
	return found, nil
}

func (s *scope) hasTable(t string) bool {
	for cur := s; cur != nil; cur = cur.parent {
		for _, c := range cur.cols {
			if c.table == t {
				return true
			}
		}
	}
	return false
}

// columns returns the plan columns of the scope.
func (s *scope) columns() []Column {
	out := make([]Column, len(s.cols))
	for i, c := range s.cols {
		out[i] = Column{Name: c.name, Type: c.typ, TableOID: c.tableOID, Attr: c.attr}
	}
	return out
}

// scopeFor builds a scope naming the columns of a node, all qualified by table.
func scopeFor(cols []Column, table string, parent *scope) *scope {
	s := &scope{parent: parent}
	for _, c := range cols {
		s.cols = append(s.cols, scopeCol{table: table, name: c.Name, typ: c.Type, tableOID: c.TableOID, attr: c.Attr})
	}
	return s
}
