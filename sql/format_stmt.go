package sql

import (
	"math"
	"strconv"
	"strings"
)

func (f *formatter) stmt(s Statement) {
	switch x := s.(type) {
	case *SelectStmt:
		f.query(x.Query)
	case *Insert:
		f.w("INSERT INTO ", formatName(x.Table))
		if x.Alias != "" {
			f.w(" AS ", QuoteIdent(x.Alias))
		}
		if len(x.Columns) > 0 {
			f.w(" (", quoteIdents(x.Columns), ")")
		}
		if x.Query == nil {
			f.w(" DEFAULT VALUES")
		} else {
			f.w(" ")
			f.query(x.Query)
		}
		f.returning(x.Returning)
	case *Update:
		f.w("UPDATE ", formatName(x.Table))
		if x.Alias != "" {
			f.w(" AS ", QuoteIdent(x.Alias))
		}
		f.w(" SET ")
		for i, s := range x.Set {
			if i > 0 {
				f.w(", ")
			}
			f.w(QuoteIdent(s.Column), " = ")
			f.expr(s.Value)
		}
		if len(x.From) > 0 {
			f.w(" FROM ")
			for i, t := range x.From {
				if i > 0 {
					f.w(", ")
				}
				f.tableExpr(t)
			}
		}
		f.where(x.Where)
		f.returning(x.Returning)
	case *Delete:
		f.w("DELETE FROM ", formatName(x.Table))
		if x.Alias != "" {
			f.w(" AS ", QuoteIdent(x.Alias))
		}
		f.where(x.Where)
		f.returning(x.Returning)
	case *CreateTable:
		f.createTable(x)
	case *CreateSource:
		f.w("CREATE SOURCE ", ifNotExists(x.IfNotExists), formatName(x.Name))
		f.columns(x.Columns, x.PrimaryKey, x.Watermarks)
		f.include(x.Include)
		f.with(x.With)
		f.format(x.Format)
	case *CreateMaterializedView:
		f.w("CREATE MATERIALIZED VIEW ", ifNotExists(x.IfNotExists), formatName(x.Name))
		if len(x.Columns) > 0 {
			f.w(" (", quoteIdents(x.Columns), ")")
		}
		f.with(x.With)
		f.w(" AS ")
		f.query(x.Query)
		if x.EmitOnWindowClose {
			f.w(" EMIT ON WINDOW CLOSE")
		}
	case *CreateView:
		f.w("CREATE ")
		if x.OrReplace {
			f.w("OR REPLACE ")
		}
		f.w("VIEW ", ifNotExists(x.IfNotExists), formatName(x.Name))
		if len(x.Columns) > 0 {
			f.w(" (", quoteIdents(x.Columns), ")")
		}
		f.w(" AS ")
		f.query(x.Query)
	case *CreateSink:
		f.w("CREATE SINK ", ifNotExists(x.IfNotExists), formatName(x.Name))
		if x.From != nil {
			f.w(" FROM ", formatName(*x.From))
		} else {
			f.w(" AS ")
			f.query(x.Query)
		}
		f.with(x.With)
		f.format(x.Format)
	case *CreateIndex:
		f.w("CREATE INDEX ", ifNotExists(x.IfNotExists))
		if x.Name != "" {
			f.w(QuoteIdent(x.Name), " ")
		}
		f.w("ON ", formatName(x.Table), " (", quoteIdents(x.Columns), ")")
	case *CreateSchema:
		f.w("CREATE SCHEMA ", ifNotExists(x.IfNotExists), QuoteIdent(x.Name))
	case *Drop:
		f.w("DROP ", strings.ToUpper(x.Kind.String()), " ")
		if x.IfExists {
			f.w("IF EXISTS ")
		}
		for i, n := range x.Names {
			if i > 0 {
				f.w(", ")
			}
			f.w(formatName(n))
		}
		if x.Cascade {
			f.w(" CASCADE")
		}
	case *SetVar:
		f.w("SET ")
		if x.Local {
			f.w("LOCAL ")
		}
		f.w(QuoteIdent(x.Name))
		if x.Default {
			f.w(" TO DEFAULT")
		} else {
			f.w(" = ")
			for i, v := range x.Values {
				if i > 0 {
					f.w(", ")
				}
				f.w(QuoteString(v))
			}
		}
	case *ShowVar:
		f.w("SHOW ", QuoteIdent(x.Name))
	case *ResetVar:
		if x.Name == "all" {
			f.w("RESET ALL")
		} else {
			f.w("RESET ", QuoteIdent(x.Name))
		}
	case *ShowObjects:
		f.showObjects(x)
	case *ShowCreate:
		f.w("SHOW CREATE ", strings.ToUpper(x.Kind.String()), " ", formatName(x.Name))
	case *Describe:
		f.w("DESCRIBE ", formatName(x.Name))
	case *Flush:
		f.w("FLUSH")
	case *Transaction:
		switch x.Kind {
		case TxnBegin:
			f.w("BEGIN")
		case TxnCommit:
			f.w("COMMIT")
		case TxnRollback:
			f.w("ROLLBACK")
		case TxnSavepoint:
			f.w("SAVEPOINT ", QuoteIdent(x.Name))
		case TxnRelease:
			f.w("RELEASE SAVEPOINT ", QuoteIdent(x.Name))
		case TxnRollbackTo:
			f.w("ROLLBACK TO SAVEPOINT ", QuoteIdent(x.Name))
		}
	case *Explain:
		f.w("EXPLAIN ")
		if x.Analyze || x.Verbose {
			var opts []string
			if x.Analyze {
				opts = append(opts, "ANALYZE")
			}
			if x.Verbose {
				opts = append(opts, "VERBOSE")
			}
			f.w("(", strings.Join(opts, ", "), ") ")
		}
		f.stmt(x.Stmt)
	case *Discard:
		f.w("DISCARD ", x.What)
	case *Deallocate:
		if x.Name == "" {
			f.w("DEALLOCATE ALL")
		} else {
			f.w("DEALLOCATE ", QuoteIdent(x.Name))
		}
	case *Prepare:
		f.w("PREPARE ", QuoteIdent(x.Name))
		if len(x.Types) > 0 {
			ts := make([]string, len(x.Types))
			for i, t := range x.Types {
				ts[i] = t.String()
			}
			f.w(" (", strings.Join(ts, ", "), ")")
		}
		f.w(" AS ")
		f.stmt(x.Stmt)
	case *Execute:
		f.w("EXECUTE ", QuoteIdent(x.Name))
		if len(x.Params) > 0 {
			f.w(" (")
			f.exprList(x.Params)
			f.w(")")
		}
	case *DeclareCursor:
		f.w("DECLARE ", QuoteIdent(x.Name))
		if x.Binary {
			f.w(" BINARY")
		}
		if x.Scroll {
			f.w(" SCROLL")
		}
		f.w(" CURSOR")
		if x.Hold {
			f.w(" WITH HOLD")
		}
		f.w(" FOR ")
		f.query(x.Query)
	case *Fetch:
		verb := "FETCH"
		if x.Move {
			verb = "MOVE"
		}
		count := "ALL"
		if x.Count != math.MaxInt64 {
			count = strconv.FormatInt(x.Count, 10)
		}
		if x.Backward {
			f.w(verb, " BACKWARD ", count, " FROM ", QuoteIdent(x.Name))
		} else {
			f.w(verb, " FORWARD ", count, " FROM ", QuoteIdent(x.Name))
		}
	case *CloseCursor:
		if x.Name == "" {
			f.w("CLOSE ALL")
		} else {
			f.w("CLOSE ", QuoteIdent(x.Name))
		}
	case *Copy:
		f.w("COPY ")
		if x.Table != nil {
			f.w(formatName(*x.Table))
			if len(x.Columns) > 0 {
				f.w(" (", quoteIdents(x.Columns), ")")
			}
		} else {
			f.w("(")
			f.query(x.Query)
			f.w(")")
		}
		f.w(" TO STDOUT")
		if len(x.Options) > 0 {
			f.w(" WITH (")
			for i, o := range x.Options {
				if i > 0 {
					f.w(", ")
				}
				f.w(QuoteIdent(o.Key), " ", QuoteString(o.Value))
			}
			f.w(")")
		}
	case *Alter:
		f.w(x.Text)
	case *Comment:
		f.w("COMMENT ON ", strings.ToUpper(x.Kind.String()), " ", formatName(x.Name))
		if x.Column != "" {
			f.w(".", QuoteIdent(x.Column))
		}
		if x.Text == nil {
			f.w(" IS NULL")
		} else {
			f.w(" IS ", QuoteString(*x.Text))
		}
	}
}

func ifNotExists(b bool) string {
	if b {
		return "IF NOT EXISTS "
	}
	return ""
}

func (f *formatter) where(e Expr) {
	if e != nil {
		f.w(" WHERE ")
		f.expr(e)
	}
}

func (f *formatter) returning(items []SelectItem) {
	if len(items) > 0 {
		f.w(" RETURNING ")
		f.selectItems(items)
	}
}

func (f *formatter) createTable(x *CreateTable) {
	f.w("CREATE TABLE ", ifNotExists(x.IfNotExists), formatName(x.Name))
	if x.AsQuery != nil {
		if len(x.Columns) > 0 {
			names := make([]string, len(x.Columns))
			for i, c := range x.Columns {
				names[i] = c.Name
			}
			f.w(" (", quoteIdents(names), ")")
		}
		f.w(" AS ")
		f.query(x.AsQuery)
		return
	}
	f.columns(x.Columns, x.PrimaryKey, x.Watermarks)
	if x.AppendOnly {
		f.w(" APPEND ONLY")
	}
	f.include(x.Include)
	f.with(x.With)
	f.format(x.Format)
}

// columns renders a column list; the merged primary key goes table-level unless a column declared it.
func (f *formatter) columns(cols []ColumnDef, pk []string, wms []Watermark) {
	if len(cols) == 0 && len(pk) == 0 && len(wms) == 0 {
		return
	}
	f.w(" (")
	for i, c := range cols {
		if i > 0 {
			f.w(", ")
		}
		f.w(QuoteIdent(c.Name), " ", c.TypeName)
		if c.NotNull {
			f.w(" NOT NULL")
		}
		if c.PrimaryKey {
			f.w(" PRIMARY KEY")
			pk = nil
		}
		if c.Default != nil {
			f.w(" DEFAULT ")
			f.expr(c.Default)
		}
		if c.Generated != nil {
			f.w(" GENERATED ALWAYS AS (")
			f.expr(c.Generated)
			f.w(") STORED")
		}
	}
	sep := func() {
		if len(cols) > 0 {
			f.w(", ")
		}
		cols = append(cols, ColumnDef{})
	}
	if len(pk) > 0 {
		sep()
		f.w("PRIMARY KEY (", quoteIdents(pk), ")")
	}
	for _, wm := range wms {
		sep()
		f.w("WATERMARK FOR ", QuoteIdent(wm.Column), " AS ")
		f.expr(wm.Expr)
	}
	f.w(")")
}

func (f *formatter) include(inc []IncludeColumn) {
	for _, c := range inc {
		f.w(" INCLUDE ", c.What)
		if c.Alias != "" {
			f.w(" AS ", QuoteIdent(c.Alias))
		}
	}
}

func (f *formatter) options(opts []Option) {
	f.w("(")
	for i, o := range opts {
		if i > 0 {
			f.w(", ")
		}
		f.w(o.Key, " = ", QuoteString(o.Value))
	}
	f.w(")")
}

func (f *formatter) with(opts []Option) {
	if len(opts) > 0 {
		f.w(" WITH ")
		f.options(opts)
	}
}

func (f *formatter) format(fm *Format) {
	if fm == nil {
		return
	}
	f.w(" FORMAT ", fm.Format, " ENCODE ", fm.Encode)
	if len(fm.Options) > 0 {
		f.w(" ")
		f.options(fm.Options)
	}
}

func (f *formatter) showObjects(x *ShowObjects) {
	if x.Kind == KindColumn {
		f.w("SHOW COLUMNS FROM ", formatName(ObjectName{Name: x.From.Name}))
		if x.From.Schema != "" {
			f.w(" FROM ", QuoteIdent(x.From.Schema))
		}
	} else {
		f.w("SHOW ", map[ObjectKind]string{
			KindTable: "TABLES", KindSource: "SOURCES", KindSink: "SINKS", KindView: "VIEWS",
			KindMaterializedView: "MATERIALIZED VIEWS", KindDatabase: "DATABASES", KindSchema: "SCHEMAS",
			KindIndex: "INDEXES", KindFunction: "FUNCTIONS",
		}[x.Kind])
		if x.From != nil {
			f.w(" FROM ", QuoteIdent(x.From.Name))
		}
	}
	if x.Like != "" {
		f.w(" LIKE ", QuoteString(x.Like))
	}
}
