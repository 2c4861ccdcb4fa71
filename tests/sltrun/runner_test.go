package sltrun

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// fakeDB is a PostgreSQL-protocol server that answers a handful of fixed queries, so the runner can
// be tested over a real wire without the database. Each connection gets a number, which the query
// "SELECT conn" returns.
type fakeDB struct {
	ln       net.Listener
	nextConn atomic.Int64
	mu       sync.Mutex
	rows     []string // what "INSERT" added, for the restart test
	restarts []bool   // kill flag of each Restart call
	wg       sync.WaitGroup
}

func newFakeDB(t *testing.T) *fakeDB {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	db := &fakeDB{ln: ln}
	db.wg.Add(1)
	go func() {
		defer db.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			db.wg.Add(1)
			go func() {
				defer db.wg.Done()
				db.serve(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); db.wg.Wait() })
	return db
}

func (db *fakeDB) Addr() string { return db.ln.Addr().String() }

func (db *fakeDB) Restart(_ context.Context, kill bool) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.restarts = append(db.restarts, kill)
	return nil
}

func (db *fakeDB) serve(c net.Conn) {
	defer c.Close()
	id := db.nextConn.Add(1)
	be := pgproto3.NewBackend(c, c)
	for {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		if _, ok := msg.(*pgproto3.SSLRequest); ok {
			c.Write([]byte("N"))
			continue
		}
		break
	}
	be.Send(&pgproto3.AuthenticationOk{})
	be.Send(&pgproto3.BackendKeyData{ProcessID: uint32(id), SecretKey: []byte{0, 0, 0, 1}})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if be.Flush() != nil {
		return
	}
	for {
		msg, err := be.Receive()
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *pgproto3.Terminate:
			return
		case *pgproto3.Query:
			for _, stmt := range strings.Split(m.String, ";") {
				if stmt = strings.TrimSpace(stmt); stmt != "" {
					if !db.answer(be, id, stmt) {
						break // like PostgreSQL, an error ends the rest of a simple query
					}
				}
			}
			be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
			if be.Flush() != nil {
				return
			}
		}
	}
}

// answer sends one statement's result and reports whether it succeeded.
func (db *fakeDB) answer(be *pgproto3.Backend, conn int64, sql string) bool {
	sendRows := func(cols int, rows ...[][]byte) {
		fields := make([]pgproto3.FieldDescription, cols)
		for i := range fields {
			fields[i] = pgproto3.FieldDescription{Name: []byte("c" + strconv.Itoa(i)), DataTypeOID: 25, DataTypeSize: -1, TypeModifier: -1}
		}
		be.Send(&pgproto3.RowDescription{Fields: fields})
		for _, r := range rows {
			be.Send(&pgproto3.DataRow{Values: r})
		}
		be.Send(&pgproto3.CommandComplete{CommandTag: []byte("SELECT " + strconv.Itoa(len(rows)))})
	}
	b := func(s string) []byte { return []byte(s) }
	switch {
	case sql == "SELECT 1":
		sendRows(1, [][]byte{b("1")})
	case sql == "SELECT 1, 'a'":
		sendRows(2, [][]byte{b("1"), b("a")})
	case sql == "SELECT NULL, '', true":
		sendRows(3, [][]byte{nil, {}, b("t")})
	case sql == "SELECT unordered":
		sendRows(2, [][]byte{b("3"), b("c")}, [][]byte{b("1"), b("a")}, [][]byte{b("2"), b("b")})
	case sql == "SELECT spaced":
		sendRows(1, [][]byte{b("a   b")})
	case sql == "SELECT conn":
		sendRows(1, [][]byte{b(strconv.FormatInt(conn, 10))})
	case sql == "SELECT nothing":
		sendRows(1)
	case sql == "SELECT stored":
		db.mu.Lock()
		var rows [][][]byte
		for _, r := range db.rows {
			rows = append(rows, [][]byte{b(r)})
		}
		db.mu.Unlock()
		sendRows(1, rows...)
	case strings.HasPrefix(sql, "INSERT "):
		vals := strings.Fields(strings.TrimPrefix(sql, "INSERT "))
		db.mu.Lock()
		db.rows = append(db.rows, vals...)
		db.mu.Unlock()
		be.Send(&pgproto3.CommandComplete{CommandTag: []byte("INSERT 0 " + strconv.Itoa(len(vals)))})
	case sql == "CREATE TABLE t":
		be.Send(&pgproto3.CommandComplete{CommandTag: []byte("CREATE_TABLE")})
	case sql == "SELECT * FROM nope":
		be.Send(&pgproto3.ErrorResponse{Severity: "ERROR", Code: "42P01", Message: `table "nope" does not exist`})
		return false
	case sql == "SELECT 1/0":
		be.Send(&pgproto3.ErrorResponse{Severity: "ERROR", Code: "22012", Message: "division by zero", Hint: "don't"})
		return false
	default:
		be.Send(&pgproto3.ErrorResponse{Severity: "ERROR", Code: "42601", Message: "fake server does not know " + strconv.Quote(sql)})
		return false
	}
	return true
}

func TestRunner(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		wantErr string // substring of the failure; "" means pass
	}{
		{name: "statement ok", script: "statement ok\nCREATE TABLE t\n"},
		{name: "statement fails unexpectedly", script: "statement ok\nSELECT * FROM nope\n",
			wantErr: "t.slt:1: unexpected error: db error: ERROR: table \"nope\" does not exist"},
		{name: "statement error regex", script: "statement error does not exist\nSELECT * FROM nope\n"},
		{name: "statement error sqlstate", script: "statement error 42P01\nSELECT * FROM nope\n"},
		{name: "statement error wrong message", script: "statement error permission\nSELECT * FROM nope\n",
			wantErr: "expected error matching /permission/\n    actual error: db error: ERROR: table"},
		{name: "statement error but succeeds", script: "\n\nstatement error\nSELECT 1\n",
			wantErr: "t.slt:3: expected any error, but it succeeded"},
		{name: "multi-line error with hint", script: "statement error\nSELECT 1/0\n----\ndb error: ERROR: division by zero\nHINT: don't\n"},
		{name: "statement count", script: "statement count 3\nINSERT a b c\n"},
		{name: "statement count wrong", script: "statement count 2\nINSERT a b c\n", wantErr: `expected 2 rows affected, got 3 (tag "INSERT 0 3")`},
		{name: "query", script: "query IT\nSELECT 1, 'a'\n----\n1 a\n"},
		{name: "query null empty bool", script: "query TTT\nSELECT NULL, '', true\n----\nNULL (empty) t\n"},
		{name: "query mismatch", script: "query IT\nSELECT 1, 'a'\n----\n1 b\n",
			wantErr: "query result mismatch\n    expected 1 lines, got 1:\n    - 1 b\n    + 1 a\n    SQL: SELECT 1, 'a'"},
		{name: "query unordered fails without sort", script: "query IT\nSELECT unordered\n----\n1 a\n2 b\n3 c\n", wantErr: "mismatch"},
		{name: "query rowsort", script: "query IT rowsort\nSELECT unordered\n----\n1 a\n2 b\n3 c\n"},
		{name: "control sortmode", script: "control sortmode rowsort\n\nquery IT\nSELECT unordered\n----\n1 a\n2 b\n3 c\n"},
		{name: "query valuesort", script: "query IT valuesort\nSELECT unordered\n----\n1\n2\n3\na\nb\nc\n"},
		{name: "query spaces in value", script: "query T\nSELECT spaced\n----\na b\n"},
		{name: "query empty result", script: "query I\nSELECT nothing\n"},
		{name: "query expects rows, gets none", script: "query I\nSELECT nothing\n----\n1\n", wantErr: "expected 1 lines, got 0"},
		{name: "query error", script: "query error division\nSELECT 1/0\n"},
		{name: "several statements in a record", script: "query I\nINSERT x; SELECT 1\n----\n1\n"},
		{name: "error stops a multi-statement record", script: "statement error\nSELECT * FROM nope; SELECT 1\n"},
		{name: "skipif runnel", script: "skipif runnel\nstatement ok\nSELECT * FROM nope\n"},
		{name: "onlyif other engine", script: "onlyif postgres\nstatement ok\nSELECT * FROM nope\n"},
		{name: "onlyif runnel runs", script: "onlyif runnel\nstatement ok\nSELECT * FROM nope\n", wantErr: "unexpected error"},
		{name: "halt", script: "statement ok\nSELECT 1\n\nhalt\n\nstatement ok\nSELECT * FROM nope\n"},
		{name: "stops at first failure", script: "statement ok\nSELECT * FROM nope\n\nstatement ok\nSELECT 1/0\n", wantErr: "t.slt:1:"},
		{name: "system ok", script: "system ok\necho \"$RUNNEL_ADDR\" | grep -q 127.0.0.1\n"},
		{name: "system output", script: "system ok\nprintf 'a  b\\nc\\n'\n----\na b\nc\n"},
		{name: "system fails", script: "system ok\nexit 3\n", wantErr: "command failed: exit status 3"},
		{name: "sleep", script: "sleep 1ms\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newFakeDB(t)
			recs, err := Parse("t.slt", tt.script)
			if err != nil {
				t.Fatal(err)
			}
			r := &Runner{Server: db, Timeout: 5 * time.Second}
			defer r.Close()
			err = r.Run(context.Background(), recs)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Run: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Run error = %v\nwant one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestRunnerConnections(t *testing.T) {
	db := newFakeDB(t)
	script := `
query I
SELECT conn
----
1

connection second
query I
SELECT conn
----
2

# the connection applies to one record only
query I
SELECT conn
----
1

connection second
query I
SELECT conn
----
2
`
	recs, err := Parse("t.slt", script)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Server: db, Timeout: 5 * time.Second}
	defer r.Close()
	if err := r.Run(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func TestRunnerRestart(t *testing.T) {
	db := newFakeDB(t)
	script := `
statement ok
INSERT a

restart

query I
SELECT conn
----
2

kill

statement ok
INSERT b

query T
SELECT stored
----
a
b
`
	recs, err := Parse("t.slt", script)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Server: db, Timeout: 5 * time.Second}
	defer r.Close()
	if err := r.Run(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	if got := db.restarts; len(got) != 2 || got[0] || !got[1] {
		t.Errorf("restarts (kill flags) = %v, want [false true]", got)
	}

	// A server the runner does not own cannot be restarted; that must fail clearly, not hang.
	recs, _ = Parse("t.slt", "restart\n")
	r2 := &Runner{Server: FixedServer(db.Addr())}
	if err := r2.Run(context.Background(), recs); err == nil || !strings.Contains(err.Error(), "RUNNEL_ADDR") {
		t.Errorf("restart against a fixed server: %v, want an error naming RUNNEL_ADDR", err)
	}
}

func TestRunnerTimeout(t *testing.T) {
	// A server that accepts and then says nothing: the record must fail at its timeout.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, c)
		}
	}()
	recs, _ := Parse("t.slt", "statement ok\nSELECT 1\n")
	r := &Runner{Server: FixedServer(ln.Addr().String()), Timeout: 200 * time.Millisecond}
	err = r.Run(context.Background(), recs)
	var f *Failure
	if !errors.As(err, &f) || !strings.Contains(err.Error(), "open connection default") {
		t.Fatalf("Run = %v, want a connection failure", err)
	}
}
