package pgwire

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// fakeBackend is a tiny in-memory database whose statements are commands for the tests:
//
//	select N            N rows of one bigint column, 1..N
//	echo T1 T2 ...      one row with the parameters $1.. declared as types T1..
//	fail CODE           fails at Execute with SQLSTATE CODE (with detail, hint, position)
//	badsyntax           fails at Prepare with 42601
//	sleep               blocks until its context is cancelled
//	spin                endless rows that ignore the context
//	panic | panicrow    panics in Execute | in the second Next
//	notice              sends a notice, then one row
//	set NAME VALUE      reports a ParameterStatus
//	create              no result columns, tag CREATE_TABLE
//	portalctx N         N rows, failing if the Execute context dies before the rows are read
//	copy N              COPY TO STDOUT of N lines "i\ti*2\n"
type fakeBackend struct {
	sessions atomic.Int32
	closed   atomic.Int32
}

func (b *fakeBackend) NewSession(ctx context.Context, s Startup, c Client) (Session, error) {
	if s.Database == "nodb" {
		return nil, pgerr.New(pgerr.InvalidCatalogName, "database %q does not exist", s.Database)
	}
	if s.Database == "panicdb" {
		panic("no session for you")
	}
	b.sessions.Add(1)
	return &fakeSession{b: b, client: c, startup: s}, nil
}

type fakeSession struct {
	b       *fakeBackend
	client  Client
	startup Startup
}

func (s *fakeSession) ParameterStatuses() map[string]string {
	return map[string]string{
		"server_version":              "13.14.0",
		"server_encoding":             "UTF8",
		"client_encoding":             "UTF8",
		"DateStyle":                   "ISO, MDY",
		"TimeZone":                    "UTC",
		"integer_datetimes":           "on",
		"standard_conforming_strings": "on",
		"application_name":            s.startup.Params["application_name"],
	}
}

func (s *fakeSession) Split(q string) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(q, ";") {
		if p := strings.TrimSpace(part); p != "" && !strings.HasPrefix(p, "--") {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *fakeSession) Location() *time.Location { return time.UTC }
func (s *fakeSession) Close()                   { s.b.closed.Add(1) }

func (s *fakeSession) Prepare(ctx context.Context, q string, oids []uint32) (Statement, error) {
	f := strings.Fields(q)
	st := &fakeStmt{s: s, verb: strings.ToLower(f[0]), args: f[1:], tag: strings.ToUpper(f[0])}
	switch st.verb {
	case "select", "portalctx":
		n, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", f[1])
		}
		st.n = n
		st.cols = []Column{{Name: "n", Type: types.Int64}}
		st.tag = fmt.Sprintf("SELECT %d", n)
	case "echo":
		for i, name := range f[1:] {
			t, ok := types.Lookup(name)
			if !ok {
				return nil, pgerr.New(pgerr.UndefinedObject, "type %q does not exist", name)
			}
			st.params = append(st.params, t)
			st.cols = append(st.cols, Column{Name: fmt.Sprintf("c%d", i+1), Type: t})
		}
		st.tag = "SELECT 1"
	case "badsyntax":
		return nil, &pgerr.Error{Code: pgerr.SyntaxError, Message: `syntax error at or near "bad"`, Position: 3}
	case "sleep", "spin", "panicrow", "notice":
		st.cols = []Column{{Name: "x", Type: types.Int64}}
	case "copy":
		n, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, pgerr.New(pgerr.SyntaxError, "copy needs a count")
		}
		st.n = n
		st.tag = fmt.Sprintf("COPY %d", n)
	case "fail", "panic", "set", "create":
		if st.verb == "create" {
			st.tag = "CREATE_TABLE"
		}
	default:
		return nil, pgerr.New(pgerr.SyntaxError, "unknown command %q", f[0])
	}
	return st, nil
}

type fakeStmt struct {
	s      *fakeSession
	verb   string
	args   []string
	n      int
	params []types.Type
	cols   []Column
	tag    string
}

func (st *fakeStmt) ParamTypes() []types.Type { return st.params }
func (st *fakeStmt) Columns() []Column        { return st.cols }

func (st *fakeStmt) Execute(ctx context.Context, params []types.Datum) (Rows, error) {
	r := &fakeRows{st: st, ctx: ctx}
	switch st.verb {
	case "copy":
		return &fakeCopyRows{r}, nil
	case "echo":
		r.fixed = []types.Row{types.Row(params)}
	case "fail":
		return nil, &pgerr.Error{Code: st.args[0], Message: "boom", Detail: "the detail", Hint: "a hint", Position: 7}
	case "panic":
		panic("fake session exploded")
	case "notice":
		st.s.client.Notice("NOTICE", "00000", "hello from the session")
		r.fixed = []types.Row{{types.NewInt64(1)}}
		st.tag = "SELECT 1"
	case "set":
		st.s.client.ParameterStatus(st.args[0], st.args[1])
		st.tag = "SET"
	}
	return r, nil
}

type fakeRows struct {
	st    *fakeStmt
	ctx   context.Context // of Execute
	i     int
	fixed []types.Row
	row   types.Row
}

func (r *fakeRows) Next(ctx context.Context) (types.Row, error) {
	st := r.st
	r.i++
	switch st.verb {
	case "select", "portalctx":
		if st.verb == "portalctx" && r.ctx.Err() != nil {
			return nil, fmt.Errorf("execute context died: %w", r.ctx.Err())
		}
		if r.i > st.n {
			return nil, nil
		}
		// Reuse the row, as the contract allows, to catch a server that keeps it too long.
		if r.row == nil {
			r.row = make(types.Row, 1)
		}
		r.row[0] = types.NewInt64(int64(r.i))
		return r.row, nil
	case "sleep":
		<-ctx.Done()
		return nil, ctx.Err()
	case "spin":
		return types.Row{types.NewInt64(int64(r.i))}, nil
	case "panicrow":
		if r.i == 2 {
			panic("row exploded")
		}
		return types.Row{types.NewInt64(int64(r.i))}, nil
	}
	if r.i <= len(r.fixed) {
		return r.fixed[r.i-1], nil
	}
	return nil, nil
}

func (r *fakeRows) Tag() string { return r.st.tag }

type fakeCopyRows struct{ *fakeRows }

func (r *fakeCopyRows) CopyColumns() int { return 2 }

func (r *fakeCopyRows) Next(context.Context) (types.Row, error) {
	r.i++
	if r.i > r.st.n {
		return nil, nil
	}
	return types.Row{types.NewVarchar(fmt.Sprintf("%d\t%d\n", r.i, r.i*2))}, nil
}
func (r *fakeRows) Close() {}

// numeric builds an apd decimal from text, for test tables.
func numeric(s string) types.Datum {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return types.NewNumeric(d)
}
