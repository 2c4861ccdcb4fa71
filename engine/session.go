package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// Session is one client connection's state: its settings and its view of the engine.
type Session struct {
	e      *Engine
	client pgwire.Client
	user   string
	vars   map[string]string
	loc    *time.Location
	pid    int32
	inTxn  bool
	info   *expr.Session
	// cursors are the open DECLAREd cursors by name.
	cursors map[string]*cursor
}

func newSession(e *Engine, st pgwire.Startup, c pgwire.Client) *Session {
	s := &Session{e: e, client: c, user: st.User, vars: map[string]string{}, loc: time.UTC, pid: e.nextPID.Add(1)}
	if s.user == "" {
		s.user = "root"
	}
	for k, v := range st.Params {
		name := strings.ToLower(k)
		if set, ok := settings[name]; ok && !set.readOnly {
			if set.check != nil {
				nv, err := set.check(v)
				if err != nil {
					continue
				}
				v = nv
			}
			s.vars[name] = v
		}
	}
	if tz, ok := s.vars["timezone"]; ok {
		if l, err := loadLocation(tz); err == nil {
			s.loc = l
		}
	}
	s.info = &expr.Session{
		Database: catalog.Database, User: s.user, Schema: catalog.PublicSchema, BackendPID: s.pid,
		StartTime: e.start, Version: Version, Setting: s.setting,
		RegclassOID: func(name string) (uint32, error) {
			schema := ""
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				schema, name = name[:i], name[i+1:]
			}
			if r, ok := e.cat.Lookup(schema, strings.Trim(name, `"`)); ok {
				return r.ID, nil
			}
			return 0, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name)
		},
		RegclassName: func(oid uint32) string {
			r, ok := e.cat.ByID(oid)
			if !ok {
				return ""
			}
			// The search path is pg_catalog then public: only other schemas need naming.
			if r.Schema == catalog.PgCatalog || r.Schema == catalog.PublicSchema {
				return expr.QuoteIdent(r.Name)
			}
			return expr.QuoteIdent(r.Schema) + "." + expr.QuoteIdent(r.Name)
		},
		IndexDef:      e.cat.IndexDef,
		ConstraintDef: e.cat.ConstraintDef,
		ViewDef:       e.cat.ViewDef,
		Description:   e.cat.Description,
		TableVisible: func(oid uint32) bool {
			// OIDs that are no relation of the catalog (primary key indexes) live in public.
			r, ok := e.cat.ByID(oid)
			return !ok || r.Schema == catalog.PgCatalog || r.Schema == catalog.PublicSchema
		},
	}
	return s
}

// setting returns a run-time parameter's current value.
func (s *Session) setting(name string) (string, error) {
	name = strings.ToLower(name)
	set, ok := settings[name]
	if !ok {
		return "", pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", name)
	}
	if v, ok := s.vars[name]; ok {
		return v, nil
	}
	if name == "session_authorization" {
		return s.user, nil
	}
	return set.def, nil
}

// ParameterStatuses implements pgwire.Session.
func (s *Session) ParameterStatuses() map[string]string {
	out := map[string]string{}
	for name, set := range settings {
		if set.report {
			v, _ := s.setting(name)
			out[reportedName(name)] = v
		}
	}
	return out
}

// Split implements pgwire.Session.
func (s *Session) Split(query string) ([]string, error) { return sql.Split(query) }

// Location implements pgwire.Session.
func (s *Session) Location() *time.Location { return s.loc }

// Close implements pgwire.Session.
func (s *Session) Close() {
	for name := range s.cursors {
		s.closeCursor(name)
	}
}

func (s *Session) exprContext(params []types.Datum) *expr.Context {
	return &expr.Context{Location: s.loc, Now: time.Now(), Params: params, Session: s.info}
}

func (s *Session) implicitFlush() bool {
	v, _ := s.setting("rw_implicit_flush")
	return v == "true"
}

// Prepare implements pgwire.Session: it parses and plans one statement.
func (s *Session) Prepare(ctx context.Context, query string, paramOIDs []uint32) (pgwire.Statement, error) {
	p, err := sql.ParseOne(query)
	if err != nil {
		return nil, err
	}
	declared := make([]types.Type, len(paramOIDs))
	for i, oid := range paramOIDs {
		if oid == 0 {
			continue
		}
		t, ok := types.FromOID(oid)
		if !ok {
			return nil, pgerr.New(pgerr.UndefinedObject, "type with OID %d does not exist", oid)
		}
		declared[i] = t
	}
	st := &statement{s: s, parsed: p, declared: declared}
	if err := st.plan(); err != nil {
		return nil, err
	}
	return st, nil
}

// statement is a prepared statement: parsed once, planned at Prepare and again if the catalog
// changed before an Execute.
type statement struct {
	s        *Session
	parsed   sql.Parsed
	declared []types.Type
	version  uint64

	paramTypes []types.Type
	cols       []pgwire.Column
	run        func(ctx context.Context, params []types.Datum) (pgwire.Rows, error)
}

func (st *statement) ParamTypes() []types.Type { return st.paramTypes }
func (st *statement) Columns() []pgwire.Column { return st.cols }

func (st *statement) Execute(ctx context.Context, params []types.Datum) (rows pgwire.Rows, err error) {
	if st.version != st.s.e.version.Load() {
		before := st.cols
		if err := st.plan(); err != nil {
			return nil, err
		}
		// The client already has the old RowDescription (from Describe), as in PostgreSQL.
		if before != nil && !sameColumns(before, st.cols) {
			return nil, pgerr.Unsupported("cached plan must not change result type")
		}
	}
	rows, err = st.run(ctx, params)
	if err != nil {
		return nil, queryError(ctx, err)
	}
	return rows, nil
}

// queryError gives context errors their SQLSTATEs.
func queryError(ctx context.Context, err error) error {
	if errors.Is(err, context.Canceled) {
		return pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return pgerr.New(pgerr.QueryCanceled, "canceling statement due to statement timeout")
	}
	return err
}

// plan binds the statement against the current catalog and sets how to run it.
func (st *statement) plan() error {
	st.version = st.s.e.version.Load()
	st.paramTypes = st.declared
	st.cols = nil
	switch stmt := st.parsed.Stmt.(type) {
	case *sql.SelectStmt:
		return st.planSelect(stmt.Query)
	case *sql.Insert, *sql.Update, *sql.Delete:
		return st.planDML(stmt)
	case *sql.Explain:
		return st.planExplain(stmt)
	case *sql.Copy:
		return st.planCopy(stmt)
	case *sql.DeclareCursor:
		return st.planDeclareCursor(stmt)
	case *sql.Fetch:
		return st.planFetch(stmt)
	case *sql.CloseCursor:
		return st.planCloseCursor(stmt)
	}
	return st.planUtility()
}

// fixedParams pads the parameter types to NumParams (unused ones are text).
func (st *statement) fixedParams(ts []types.Type) []types.Type {
	for len(ts) < st.parsed.NumParams {
		ts = append(ts, types.Varchar)
	}
	return ts
}

// settingRows lists the run-time parameters for pg_settings, with their defaults: a catalog read
// has no session, so a value changed by SET shows in current_setting() and SHOW, not here.
func settingRows() []catalog.Setting {
	names := settingNames()
	out := make([]catalog.Setting, len(names))
	for i, n := range names {
		set := settings[n]
		out[i] = catalog.Setting{Name: reportedName(n), Value: set.def, Description: set.desc,
			ReadOnly: set.readOnly, Default: set.def}
	}
	return out
}

func sameColumns(a, b []pgwire.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type != b[i].Type {
			return false
		}
	}
	return true
}
