package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

func (c *converter) stmt(n *pg_query.Node) Statement {
	switch v := n.Node.(type) {
	case *pg_query.Node_SelectStmt:
		return &SelectStmt{Query: c.selectQuery(v.SelectStmt)}
	case *pg_query.Node_InsertStmt:
		return c.insert(v.InsertStmt)
	case *pg_query.Node_UpdateStmt:
		return c.update(v.UpdateStmt)
	case *pg_query.Node_DeleteStmt:
		return c.delete(v.DeleteStmt)
	case *pg_query.Node_CreateStmt:
		return c.createTable(v.CreateStmt)
	case *pg_query.Node_CreateTableAsStmt:
		return c.createTableAs(v.CreateTableAsStmt)
	case *pg_query.Node_ViewStmt:
		return c.createView(v.ViewStmt)
	case *pg_query.Node_IndexStmt:
		return c.createIndex(v.IndexStmt)
	case *pg_query.Node_CreateSchemaStmt:
		cs := v.CreateSchemaStmt
		if len(cs.SchemaElts) > 0 || cs.Authrole != nil {
			c.unsupported(-1, "CREATE SCHEMA with elements or AUTHORIZATION")
		}
		return &CreateSchema{Name: cs.Schemaname, IfNotExists: cs.IfNotExists}
	case *pg_query.Node_DropStmt:
		return c.drop(v.DropStmt)
	case *pg_query.Node_VariableSetStmt:
		return c.setVar(v.VariableSetStmt)
	case *pg_query.Node_VariableShowStmt:
		return &ShowVar{Name: strings.ToLower(v.VariableShowStmt.Name)}
	case *pg_query.Node_TransactionStmt:
		return c.transaction(v.TransactionStmt)
	case *pg_query.Node_ExplainStmt:
		return c.explain(v.ExplainStmt)
	case *pg_query.Node_DiscardStmt:
		return &Discard{What: strings.TrimPrefix(v.DiscardStmt.Target.String(), "DISCARD_")}
	case *pg_query.Node_DeallocateStmt:
		return &Deallocate{Name: v.DeallocateStmt.Name}
	case *pg_query.Node_PrepareStmt:
		return c.prepare(v.PrepareStmt)
	case *pg_query.Node_ExecuteStmt:
		return &Execute{Name: v.ExecuteStmt.Name, Params: c.exprs(v.ExecuteStmt.Params)}
	case *pg_query.Node_CopyStmt:
		return c.copy(v.CopyStmt)
	case *pg_query.Node_CommentStmt:
		return c.comment(v.CommentStmt)
	case *pg_query.Node_DeclareCursorStmt:
		d := v.DeclareCursorStmt
		// The CURSOR_OPT_* bits of PostgreSQL's parsenodes.h.
		const optBinary, optScroll, optHold = 0x1, 0x2, 0x20
		return &DeclareCursor{Name: d.Portalname, Query: c.query(d.Query), Hold: d.Options&optHold != 0,
			Scroll: d.Options&optScroll != 0, Binary: d.Options&optBinary != 0}
	case *pg_query.Node_FetchStmt:
		f := v.FetchStmt
		return &Fetch{Name: f.Portalname, Count: f.HowMany, Move: f.Ismove,
			Backward: f.Direction != pg_query.FetchDirection_FETCH_FORWARD}
	case *pg_query.Node_ClosePortalStmt:
		return &CloseCursor{Name: v.ClosePortalStmt.Portalname}
	}
	c.unsupported(-1, "statement "+nodeName(n))
	return nil
}

func (c *converter) insert(s *pg_query.InsertStmt) Statement {
	if s.OnConflictClause != nil {
		c.unsupported(s.OnConflictClause.Location, "ON CONFLICT")
	}
	if s.Override != pg_query.OverridingKind_OVERRIDING_NOT_SET && s.Override != pg_query.OverridingKind_OVERRIDING_KIND_UNDEFINED {
		c.unsupported(-1, "OVERRIDING")
	}
	out := &Insert{Table: c.rangeVarName(s.Relation), Returning: c.targets(s.ReturningList)}
	if s.Relation.Alias != nil {
		out.Alias = s.Relation.Alias.Aliasname
	}
	for _, col := range s.Cols {
		rt := col.GetResTarget()
		if rt == nil || len(rt.Indirection) > 0 {
			c.unsupported(-1, "INSERT column with subscript or field")
		}
		out.Columns = append(out.Columns, rt.Name)
	}
	if s.SelectStmt != nil { // nil for DEFAULT VALUES
		out.Query = c.query(s.SelectStmt)
	}
	if s.WithClause != nil {
		if out.Query == nil {
			c.unsupported(s.WithClause.Location, "WITH on INSERT ... DEFAULT VALUES")
		}
		out.Query.With = append(c.with(s.WithClause), out.Query.With...)
	}
	return out
}

func (c *converter) update(s *pg_query.UpdateStmt) Statement {
	if s.WithClause != nil {
		c.unsupported(s.WithClause.Location, "WITH on UPDATE")
	}
	out := &Update{Table: c.rangeVarName(s.Relation), Where: c.exprOpt(s.WhereClause), Returning: c.targets(s.ReturningList)}
	if s.Relation.Alias != nil {
		out.Alias = s.Relation.Alias.Aliasname
	}
	for _, t := range s.TargetList {
		rt := t.GetResTarget()
		if rt == nil || len(rt.Indirection) > 0 {
			c.unsupported(-1, "UPDATE of a subscript or field")
		}
		var val Expr
		if m := rt.Val.GetMultiAssignRef(); m != nil {
			// (a, b) = (x, y): the grammar repeats the source row for every column.
			row := m.Source.GetRowExpr()
			if row == nil || int(m.Colno) > len(row.Args) || int(m.Ncolumns) != len(row.Args) {
				c.unsupported(rt.Location, "multiple-column UPDATE from a subquery")
			}
			val = c.expr(row.Args[m.Colno-1])
		} else {
			val = c.expr(rt.Val)
		}
		out.Set = append(out.Set, SetClause{Column: rt.Name, Value: val})
	}
	for _, f := range s.FromClause {
		out.From = append(out.From, c.tableExpr(f))
	}
	return out
}

func (c *converter) delete(s *pg_query.DeleteStmt) Statement {
	if s.WithClause != nil {
		c.unsupported(s.WithClause.Location, "WITH on DELETE")
	}
	if len(s.UsingClause) > 0 {
		c.unsupported(-1, "DELETE ... USING")
	}
	out := &Delete{Table: c.rangeVarName(s.Relation), Where: c.exprOpt(s.WhereClause), Returning: c.targets(s.ReturningList)}
	if s.Relation.Alias != nil {
		out.Alias = s.Relation.Alias.Aliasname
	}
	return out
}

// settingValue renders a SET argument as text, as PostgreSQL's ExtractSetVariableArgs does.
func (c *converter) settingValue(n *pg_query.Node) string {
	switch v := n.Node.(type) {
	case *pg_query.Node_AConst:
		switch x := c.constant(v.AConst).(type) {
		case *Literal:
			return x.Val
		}
	case *pg_query.Node_TypeCast: // SET TIME ZONE INTERVAL '+01:00' HOUR TO MINUTE
		if lit, ok := c.typeCast(v.TypeCast).(*Cast).X.(*Literal); ok {
			return lit.Val
		}
	}
	c.unsupported(-1, "SET value "+nodeName(n))
	return ""
}

func (c *converter) setVar(s *pg_query.VariableSetStmt) Statement {
	name := strings.ToLower(s.Name)
	switch s.Kind {
	case pg_query.VariableSetKind_VAR_SET_VALUE:
		out := &SetVar{Name: name, Local: s.IsLocal}
		for _, a := range s.Args {
			out.Values = append(out.Values, c.settingValue(a))
		}
		return out
	case pg_query.VariableSetKind_VAR_SET_DEFAULT:
		return &SetVar{Name: name, Default: true, Local: s.IsLocal}
	case pg_query.VariableSetKind_VAR_RESET:
		return &ResetVar{Name: name}
	case pg_query.VariableSetKind_VAR_RESET_ALL:
		return &ResetVar{Name: "all"}
	case pg_query.VariableSetKind_VAR_SET_MULTI:
		// SET TRANSACTION ... and SET SESSION CHARACTERISTICS AS TRANSACTION ...: one setting each.
		prefix := ""
		if name == "session characteristics" {
			prefix = "default_"
		}
		for _, a := range s.Args {
			d := a.GetDefElem()
			if d == nil || d.Arg == nil {
				continue
			}
			return &SetVar{Name: prefix + d.Defname, Values: []string{c.settingValue(d.Arg)}, Local: s.IsLocal}
		}
	}
	c.unsupported(-1, "this form of SET")
	return nil
}

func (c *converter) transaction(s *pg_query.TransactionStmt) Statement {
	switch s.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_BEGIN, pg_query.TransactionStmtKind_TRANS_STMT_START:
		return &Transaction{Kind: TxnBegin}
	case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT:
		return &Transaction{Kind: TxnCommit}
	case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		return &Transaction{Kind: TxnRollback}
	case pg_query.TransactionStmtKind_TRANS_STMT_SAVEPOINT:
		return &Transaction{Kind: TxnSavepoint, Name: s.SavepointName}
	case pg_query.TransactionStmtKind_TRANS_STMT_RELEASE:
		return &Transaction{Kind: TxnRelease, Name: s.SavepointName}
	case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		return &Transaction{Kind: TxnRollbackTo, Name: s.SavepointName}
	}
	c.unsupported(s.Location, "two-phase commit")
	return nil
}

// defElemValue renders an option's argument as text; a bare option (HEADER) is "true".
func (c *converter) defElemValue(d *pg_query.DefElem) string {
	if d.Arg == nil {
		return "true"
	}
	switch v := d.Arg.Node.(type) {
	case *pg_query.Node_String_:
		return v.String_.Sval
	case *pg_query.Node_Integer:
		return strconv.Itoa(int(v.Integer.Ival))
	case *pg_query.Node_Float:
		return v.Float.Fval
	case *pg_query.Node_Boolean:
		return strconv.FormatBool(v.Boolean.Boolval)
	case *pg_query.Node_TypeName:
		_, w := c.typeName(v.TypeName)
		return w
	case *pg_query.Node_AStar:
		return "*"
	case *pg_query.Node_List:
		return strings.Join(c.strs(v.List.Items), ",")
	}
	c.unsupported(d.Location, "option value "+nodeName(d.Arg))
	return ""
}

func (c *converter) options(nodes []*pg_query.Node) []Option {
	var out []Option
	for _, n := range nodes {
		d := n.GetDefElem()
		if d == nil {
			c.unsupported(-1, "option "+nodeName(n))
		}
		out = append(out, Option{Key: strings.ToLower(d.Defname), Value: c.defElemValue(d)})
	}
	return out
}

func (c *converter) explain(s *pg_query.ExplainStmt) Statement {
	out := &Explain{Stmt: c.stmt(s.Query)}
	for _, o := range c.options(s.Options) {
		on := o.Value != "false" && o.Value != "off" && o.Value != "0"
		switch o.Key {
		case "analyze":
			out.Analyze = on
		case "verbose":
			out.Verbose = on
		}
	}
	return out
}

func (c *converter) prepare(s *pg_query.PrepareStmt) Statement {
	out := &Prepare{Name: s.Name, Stmt: c.stmt(s.Query)}
	for _, a := range s.Argtypes {
		tn := a.GetTypeName()
		if tn == nil {
			c.unsupported(-1, "PREPARE argument "+nodeName(a))
		}
		t, _ := c.typeName(tn)
		out.Types = append(out.Types, t)
	}
	// The prepared statement's own text starts after the first top-level AS.
	for i := range c.src.toks {
		if c.src.toks[i].kind == pg_query.Token_AS {
			out.Text = strings.TrimSpace(c.src.sql[c.src.toks[i].end:])
			break
		}
	}
	return out
}

func (c *converter) copy(s *pg_query.CopyStmt) Statement {
	if s.IsFrom {
		c.unsupported(-1, "COPY FROM")
	}
	if s.Filename != "" || s.IsProgram {
		c.unsupported(-1, "COPY to a file or program")
	}
	if s.WhereClause != nil {
		c.unsupported(-1, "COPY ... WHERE")
	}
	out := &Copy{Columns: c.strs(s.Attlist), ToStdout: true, Options: c.options(s.Options)}
	if s.Relation != nil {
		n := c.rangeVarName(s.Relation)
		out.Table = &n
	} else {
		out.Query = c.query(s.Query)
	}
	return out
}

func (c *converter) comment(s *pg_query.CommentStmt) Statement {
	out := &Comment{Kind: c.objectKind(s.Objtype)}
	var parts []string
	if l := s.Object.GetList(); l != nil {
		parts = c.strs(l.Items)
	} else if str := s.Object.GetString_(); str != nil {
		parts = []string{str.Sval}
	} else {
		c.unsupported(-1, "COMMENT ON "+out.Kind.String())
	}
	if out.Kind == KindColumn {
		if len(parts) < 2 {
			c.failAt(-1, pgerr.SyntaxError, "column name must be qualified")
		}
		out.Column = parts[len(parts)-1]
		parts = parts[:len(parts)-1]
	}
	out.Name = c.objectName(parts)
	if s.Comment != "" {
		t := s.Comment
		out.Text = &t
	}
	return out
}

func (c *converter) objectKind(t pg_query.ObjectType) ObjectKind {
	switch t {
	case pg_query.ObjectType_OBJECT_TABLE:
		return KindTable
	case pg_query.ObjectType_OBJECT_VIEW:
		return KindView
	case pg_query.ObjectType_OBJECT_MATVIEW:
		return KindMaterializedView
	case pg_query.ObjectType_OBJECT_INDEX:
		return KindIndex
	case pg_query.ObjectType_OBJECT_SCHEMA:
		return KindSchema
	case pg_query.ObjectType_OBJECT_DATABASE:
		return KindDatabase
	case pg_query.ObjectType_OBJECT_COLUMN:
		return KindColumn
	case pg_query.ObjectType_OBJECT_FUNCTION:
		return KindFunction
	}
	c.unsupported(-1, strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(t.String(), "OBJECT_"), "_", " "))+" objects")
	return 0
}
