package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

func varcharCols(names ...string) []pgwire.Column {
	out := make([]pgwire.Column, len(names))
	for i, n := range names {
		out[i] = pgwire.Column{Name: n, Type: types.Varchar}
	}
	return out
}

func textRow(vals ...string) types.Row {
	r := make(types.Row, len(vals))
	for i, v := range vals {
		r[i] = types.NewVarchar(v)
	}
	return r
}

// planUtility handles every statement that is not a query or DML.
func (st *statement) planUtility() error {
	s := st.s
	st.paramTypes = st.fixedParams(st.declared)
	text := st.parsed.Text
	switch stmt := st.parsed.Stmt.(type) {
	case *sql.CreateTable:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) { return s.createTable(ctx, stmt, text) }
	case *sql.CreateView:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) { return s.createView(ctx, stmt, text) }
	case *sql.Drop:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) { return s.drop(ctx, stmt) }
	case *sql.CreateMaterializedView:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) {
			return s.createMaterializedView(ctx, stmt, text)
		}
	case *sql.CreateSource:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) {
			return s.createSource(ctx, stmt, text)
		}
	case *sql.CreateSink:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) { return s.createSink(ctx, stmt, text) }
	case *sql.CreateIndex:
		return pgerr.Unsupported("CREATE INDEX is not supported")
	case *sql.CreateSchema:
		if stmt.Name == catalog.PublicSchema && stmt.IfNotExists {
			st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
				s.client.Notice("NOTICE", pgerr.DuplicateObject, fmt.Sprintf("schema %q already exists, skipping", stmt.Name))
				return done("CREATE SCHEMA"), nil
			}
			return nil
		}
		return pgerr.Unsupported("CREATE SCHEMA is not supported: Runnel has one schema, public")
	case *sql.SetVar:
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) { return s.set(stmt) }
	case *sql.ResetVar:
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
			return s.set(&sql.SetVar{Name: stmt.Name, Default: true})
		}
	case *sql.ShowVar:
		return st.planShowVar(stmt)
	case *sql.ShowObjects:
		return st.planShowObjects(stmt)
	case *sql.ShowCreate:
		st.cols = varcharCols("Name", "Create Sql")
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
			r, err := s.lookup(stmt.Name, stmt.Kind)
			if err != nil {
				return nil, err
			}
			return &staticRows{rows: []types.Row{textRow(r.Schema+"."+r.Name, r.Definition)}, tag: "SHOW"}, nil
		}
	case *sql.Describe:
		st.cols = varcharCols("Name", "Type", "Is Hidden", "Description")
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) { return s.describe(stmt) }
	case *sql.Flush:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) {
			if err := s.e.coord.Flush(ctx); err != nil {
				return nil, err
			}
			return done("FLUSH"), nil
		}
	case *sql.Transaction:
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) { return s.transaction(stmt) }
	case *sql.Discard:
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
			return done("DISCARD " + strings.ToUpper(stmt.What)), nil
		}
	case *sql.Deallocate:
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) { return done("DEALLOCATE"), nil }
	case *sql.Comment:
		st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) { return s.comment(ctx, stmt) }
	default:
		return pgerr.Unsupported("statement %q is not supported", firstWords(text))
	}
	return nil
}

func firstWords(text string) string {
	f := strings.Fields(text)
	if len(f) > 3 {
		f = f[:3]
	}
	return strings.ToUpper(strings.Join(f, " "))
}

func (s *Session) transaction(t *sql.Transaction) (pgwire.Rows, error) {
	switch t.Kind {
	case sql.TxnBegin:
		if s.inTxn {
			s.client.Notice("WARNING", pgerr.InvalidTransactionState, "there is already a transaction in progress")
		}
		s.inTxn = true
		return done("BEGIN"), nil
	case sql.TxnCommit:
		if !s.inTxn {
			s.client.Notice("WARNING", pgerr.NoActiveTransaction, "there is no transaction in progress")
		}
		s.inTxn = false
		s.endTransaction()
		return done("COMMIT"), nil
	case sql.TxnRollback:
		if s.inTxn {
			s.client.Notice("WARNING", pgerr.FeatureNotSupported, "Runnel commits every statement on its own: the statements of this transaction were already committed and are not rolled back")
		} else {
			s.client.Notice("WARNING", pgerr.NoActiveTransaction, "there is no transaction in progress")
		}
		s.inTxn = false
		s.endTransaction()
		return done("ROLLBACK"), nil
	case sql.TxnSavepoint:
		return done("SAVEPOINT"), nil
	case sql.TxnRelease:
		return done("RELEASE"), nil
	}
	return nil, pgerr.Unsupported("ROLLBACK TO SAVEPOINT is not supported: statements are committed as they run")
}

// TxStatus reports the transaction state for ReadyForQuery: 'T' inside BEGIN ... COMMIT, so that
// drivers that check it (lib/pq, JDBC) accept our autocommitting transactions.
func (s *Session) TxStatus() byte {
	if s.inTxn {
		return 'T'
	}
	return 'I'
}

func (s *Session) set(v *sql.SetVar) (pgwire.Rows, error) {
	name := strings.ToLower(v.Name)
	if name == "time zone" {
		name = "timezone"
	}
	if name == "all" && v.Default {
		s.vars = map[string]string{}
		s.loc = time.UTC
		return done("RESET"), nil
	}
	set, ok := settings[name]
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", v.Name)
	}
	if set.readOnly {
		return nil, pgerr.New("55P02", "parameter %q cannot be changed", name)
	}
	value := set.def
	if !v.Default {
		value = strings.Join(v.Values, ", ")
		if set.check != nil {
			nv, err := set.check(value)
			if err != nil {
				return nil, err
			}
			value = nv
		}
	}
	if v.Default {
		delete(s.vars, name)
	} else {
		s.vars[name] = value
	}
	if name == "timezone" {
		l, err := loadLocation(value)
		if err != nil {
			return nil, err
		}
		s.loc = l
	}
	if set.report {
		s.client.ParameterStatus(reportedName(name), value)
	}
	return done("SET"), nil
}

func (st *statement) planShowVar(v *sql.ShowVar) error {
	s := st.s
	name := strings.ToLower(v.Name)
	if name == "all" {
		st.cols = varcharCols("Name", "Setting", "Description")
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
			var rows []types.Row
			for _, n := range settingNames() {
				val, _ := s.setting(n)
				rows = append(rows, textRow(n, val, settings[n].desc))
			}
			return &staticRows{rows: rows, tag: "SHOW"}, nil
		}
		return nil
	}
	if name == "time zone" {
		name = "timezone"
	}
	if _, ok := settings[name]; !ok {
		return pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", v.Name)
	}
	st.cols = varcharCols(v.Name)
	st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
		val, err := s.setting(name)
		if err != nil {
			return nil, err
		}
		return &staticRows{rows: []types.Row{textRow(val)}, tag: "SHOW"}, nil
	}
	return nil
}

func (st *statement) planShowObjects(v *sql.ShowObjects) error {
	s := st.s
	var kinds []catalog.Kind
	switch v.Kind {
	case sql.KindTable:
		kinds = []catalog.Kind{catalog.Table}
	case sql.KindSource:
		kinds = []catalog.Kind{catalog.Source}
	case sql.KindMaterializedView:
		kinds = []catalog.Kind{catalog.MaterializedView}
	case sql.KindView:
		kinds = []catalog.Kind{catalog.View}
	case sql.KindSink:
		kinds = []catalog.Kind{catalog.Sink}
	case sql.KindDatabase:
		st.cols = varcharCols("Name")
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
			return &staticRows{rows: []types.Row{textRow(catalog.Database)}, tag: "SHOW"}, nil
		}
		return nil
	case sql.KindSchema:
		st.cols = varcharCols("Name")
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
			return &staticRows{rows: []types.Row{textRow(catalog.InfoSchema), textRow(catalog.PgCatalog), textRow(catalog.PublicSchema)}, tag: "SHOW"}, nil
		}
		return nil
	case sql.KindColumn:
		st.cols = varcharCols("Name", "Type", "Is Hidden", "Description")
		st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
			if v.From == nil {
				return nil, pgerr.New(pgerr.SyntaxError, "SHOW COLUMNS needs FROM table")
			}
			return s.describe(&sql.Describe{Name: *v.From})
		}
		return nil
	default:
		return pgerr.Unsupported("SHOW %s is not supported", v.Kind)
	}
	st.cols = varcharCols("Name")
	st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
		schema := catalog.PublicSchema
		if v.From != nil {
			schema = v.From.Name
		}
		var rows []types.Row
		for _, r := range s.e.cat.List(kinds...) {
			if r.Schema != schema || (v.Like != "" && !likeMatch(r.Name, v.Like)) {
				continue
			}
			rows = append(rows, textRow(r.Name))
		}
		return &staticRows{rows: rows, tag: "SHOW"}, nil
	}
	return nil
}

// likeMatch is SQL LIKE for SHOW ... LIKE: % and _ wildcards.
func likeMatch(s, pat string) bool {
	if pat == "" {
		return s == ""
	}
	switch pat[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], pat[1:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(s[1:], pat[1:])
	}
	return s != "" && s[0] == pat[0] && likeMatch(s[1:], pat[1:])
}

// lookup finds a relation for SHOW CREATE / DESCRIBE, checking its kind when one is given.
func (s *Session) lookup(name sql.ObjectName, kind sql.ObjectKind) (*catalog.Relation, error) {
	r, ok := s.e.cat.Lookup(name.Schema, name.Name)
	if !ok || r.Kind == catalog.System {
		return nil, pgerr.New(pgerr.UndefinedTable, "%s %q does not exist", kind, name.String())
	}
	if want, ok := kindOf[kind]; ok && r.Kind != want {
		return nil, pgerr.New(pgerr.WrongObjectType, "%q is a %s, not a %s", r.Name, r.Kind, kind)
	}
	return r, nil
}

var kindOf = map[sql.ObjectKind]catalog.Kind{
	sql.KindTable: catalog.Table, sql.KindSource: catalog.Source, sql.KindMaterializedView: catalog.MaterializedView,
	sql.KindView: catalog.View, sql.KindSink: catalog.Sink,
}

// describe lists a relation's columns as RisingWave's DESCRIBE does: name, type, hidden, then the
// primary key.
func (s *Session) describe(d *sql.Describe) (pgwire.Rows, error) {
	r, ok := s.e.cat.Lookup(d.Name.Schema, d.Name.Name)
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", d.Name.String())
	}
	var rows []types.Row
	for _, c := range r.Columns {
		rows = append(rows, textRow(c.Name, c.Type.String(), fmt.Sprint(c.Hidden), ""))
	}
	if len(r.PK) > 0 && r.Kind != catalog.System {
		var names []string
		for _, k := range r.PK {
			names = append(names, r.Columns[k].Name)
		}
		rows = append(rows, textRow("primary key", strings.Join(names, ", "), "", ""))
	}
	desc := types.NullDatum
	if r.Comment != "" {
		desc = types.NewVarchar(r.Comment)
	}
	rows = append(rows, types.Row{types.NewVarchar("table description"), types.NewVarchar(r.Name), types.NullDatum, desc})
	return &staticRows{rows: rows, tag: "DESCRIBE"}, nil
}

func (st *statement) planExplain(x *sql.Explain) error {
	if x.Analyze {
		return pgerr.Unsupported("EXPLAIN ANALYZE is not supported")
	}
	var root planner.Node
	switch stmt := x.Stmt.(type) {
	case *sql.SelectStmt:
		p, err := planner.PlanQuery(st.env(), stmt.Query)
		if err != nil {
			return err
		}
		root = p.Root
		st.paramTypes = st.fixedParams(p.ParamTypes)
	case *sql.Insert, *sql.Update, *sql.Delete:
		d, err := st.dmlPlan(stmt)
		if err != nil {
			return err
		}
		root = d.Source
		st.paramTypes = st.fixedParams(d.ParamTypes)
	default:
		return pgerr.Unsupported("EXPLAIN of this statement is not supported")
	}
	st.cols = varcharCols("QUERY PLAN")
	lines := planner.Explain(root)
	st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
		rows := make([]types.Row, len(lines))
		for i, l := range lines {
			rows[i] = textRow(l)
		}
		return &staticRows{rows: rows, tag: "EXPLAIN"}, nil
	}
	return nil
}
