package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

// invalidTableDefinition is PostgreSQL's SQLSTATE for "multiple primary keys".
const invalidTableDefinition = "42P16"

func (c *converter) createTable(s *pg_query.CreateStmt) *CreateTable {
	if len(s.InhRelations) > 0 || s.Partspec != nil || s.Partbound != nil || s.OfTypename != nil {
		c.unsupported(s.Relation.Location, "CREATE TABLE with INHERITS, PARTITION or OF")
	}
	if len(s.Options) > 0 {
		c.unsupported(s.Relation.Location, "storage parameters")
	}
	out := &CreateTable{Name: c.rangeVarName(s.Relation), IfNotExists: s.IfNotExists}
	var tablePK []string
	pkAt := int32(-1)
	for _, e := range s.TableElts {
		switch v := e.Node.(type) {
		case *pg_query.Node_ColumnDef:
			col := c.columnDef(v.ColumnDef)
			if col.PrimaryKey {
				if out.PrimaryKey != nil {
					c.failAt(v.ColumnDef.Location, invalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", out.Name.Name)
				}
				out.PrimaryKey = []string{col.Name}
			}
			out.Columns = append(out.Columns, col)
		case *pg_query.Node_Constraint:
			con := v.Constraint
			if con.Contype != pg_query.ConstrType_CONSTR_PRIMARY {
				c.unsupported(con.Location, constraintName(con.Contype)+" constraints")
			}
			if tablePK != nil {
				c.failAt(con.Location, invalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", out.Name.Name)
			}
			tablePK, pkAt = c.strs(con.Keys), con.Location
		default:
			c.unsupported(-1, "table element "+nodeName(e))
		}
	}
	for _, con := range s.Constraints {
		c.unsupported(-1, "table constraint "+nodeName(con))
	}
	if tablePK != nil {
		if out.PrimaryKey != nil {
			c.failAt(pkAt, invalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", out.Name.Name)
		}
		out.PrimaryKey = tablePK
	}
	return out
}

func (c *converter) columnDef(d *pg_query.ColumnDef) ColumnDef {
	if d.TypeName == nil {
		c.failAt(d.Location, pgerr.SyntaxError, "column \"%s\" has no type", d.Colname)
	}
	t, written := c.typeName(d.TypeName)
	col := ColumnDef{Name: d.Colname, Type: t, TypeName: written, NotNull: d.IsNotNull}
	if d.RawDefault != nil {
		col.Default = c.expr(d.RawDefault)
	}
	for _, n := range d.Constraints {
		con := n.GetConstraint()
		if con == nil {
			c.unsupported(d.Location, "column constraint "+nodeName(n))
		}
		switch con.Contype {
		case pg_query.ConstrType_CONSTR_NOTNULL:
			col.NotNull = true
		case pg_query.ConstrType_CONSTR_NULL:
			col.NotNull = false
		case pg_query.ConstrType_CONSTR_PRIMARY:
			col.PrimaryKey = true
		case pg_query.ConstrType_CONSTR_DEFAULT:
			col.Default = c.expr(con.RawExpr)
		case pg_query.ConstrType_CONSTR_GENERATED:
			col.Generated = c.expr(con.RawExpr)
		default:
			c.unsupported(con.Location, constraintName(con.Contype)+" constraints")
		}
	}
	return col
}

func constraintName(t pg_query.ConstrType) string {
	switch t {
	case pg_query.ConstrType_CONSTR_UNIQUE:
		return "UNIQUE"
	case pg_query.ConstrType_CONSTR_CHECK:
		return "CHECK"
	case pg_query.ConstrType_CONSTR_FOREIGN:
		return "FOREIGN KEY"
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		return "EXCLUDE"
	case pg_query.ConstrType_CONSTR_IDENTITY:
		return "identity"
	}
	return "deferrable"
}

func (c *converter) createTableAs(s *pg_query.CreateTableAsStmt) Statement {
	into := s.Into
	if into.SkipData {
		c.unsupported(into.Rel.Location, "WITH NO DATA")
	}
	name := c.rangeVarName(into.Rel)
	cols := c.strs(into.ColNames)
	q := c.query(s.Query)
	switch s.Objtype {
	case pg_query.ObjectType_OBJECT_MATVIEW:
		if len(into.Options) > 0 {
			c.unsupported(into.Rel.Location, "storage parameters")
		}
		return &CreateMaterializedView{Name: name, IfNotExists: s.IfNotExists, Columns: cols, Query: q}
	case pg_query.ObjectType_OBJECT_TABLE:
		out := &CreateTable{Name: name, IfNotExists: s.IfNotExists, AsQuery: q}
		for _, col := range cols { // names only: the types come from the query
			out.Columns = append(out.Columns, ColumnDef{Name: col})
		}
		return out
	}
	c.unsupported(into.Rel.Location, "CREATE "+s.Objtype.String()+" AS")
	return nil
}

func (c *converter) createView(s *pg_query.ViewStmt) Statement {
	if len(s.Options) > 0 {
		c.unsupported(s.View.Location, "view options")
	}
	if s.WithCheckOption != pg_query.ViewCheckOption_NO_CHECK_OPTION && s.WithCheckOption != pg_query.ViewCheckOption_VIEW_CHECK_OPTION_UNDEFINED {
		c.unsupported(s.View.Location, "WITH CHECK OPTION")
	}
	return &CreateView{Name: c.rangeVarName(s.View), OrReplace: s.Replace, Columns: c.strs(s.Aliases), Query: c.query(s.Query)}
}

func (c *converter) createIndex(s *pg_query.IndexStmt) Statement {
	if s.Unique {
		c.unsupported(s.Relation.Location, "UNIQUE indexes")
	}
	out := &CreateIndex{Name: s.Idxname, Table: c.rangeVarName(s.Relation), IfNotExists: s.IfNotExists}
	for _, p := range s.IndexParams {
		ie := p.GetIndexElem()
		if ie == nil || ie.Name == "" {
			c.unsupported(s.Relation.Location, "expression indexes")
		}
		out.Columns = append(out.Columns, ie.Name)
	}
	return out
}

func (c *converter) drop(s *pg_query.DropStmt) Statement {
	out := &Drop{Kind: c.objectKind(s.RemoveType), IfExists: s.MissingOk, Cascade: s.Behavior == pg_query.DropBehavior_DROP_CASCADE}
	for _, o := range s.Objects {
		var parts []string
		if l := o.GetList(); l != nil {
			parts = c.strs(l.Items)
		} else if str := o.GetString_(); str != nil {
			parts = []string{str.Sval}
		} else {
			c.unsupported(-1, "DROP of "+nodeName(o))
		}
		out.Names = append(out.Names, c.objectName(parts))
	}
	return out
}
