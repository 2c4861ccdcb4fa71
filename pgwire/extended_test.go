package pgwire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// rawConn drives the server message by message, for what pgx will not do on its own.
type rawConn struct {
	t  *testing.T
	nc net.Conn
	fe *pgproto3.Frontend
}

func dialRaw(t *testing.T, ts *testServer) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", ts.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawConn{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
}

func (r *rawConn) startup() {
	r.t.Helper()
	r.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "root", "database": "dev"}})
	r.expect("AuthenticationOk")
	for {
		if got := r.next(); strings.HasPrefix(got, "ReadyForQuery") {
			return
		}
	}
}

func (r *rawConn) send(msgs ...pgproto3.FrontendMessage) {
	r.t.Helper()
	for _, m := range msgs {
		r.fe.Send(m)
	}
	if err := r.fe.Flush(); err != nil {
		r.t.Fatal(err)
	}
}

// next returns the next message in a short text form: its type name plus the interesting fields.
func (r *rawConn) next() string {
	r.t.Helper()
	msg, err := r.fe.Receive()
	if err != nil {
		r.t.Fatalf("receive: %v", err)
	}
	name := strings.TrimPrefix(fmt.Sprintf("%T", msg), "*pgproto3.")
	switch m := msg.(type) {
	case *pgproto3.DataRow:
		var vals []string
		for _, v := range m.Values {
			vals = append(vals, string(v))
		}
		return name + " " + strings.Join(vals, ",")
	case *pgproto3.CommandComplete:
		return name + " " + string(m.CommandTag)
	case *pgproto3.ErrorResponse:
		return name + " " + m.Severity + " " + m.Code
	case *pgproto3.ReadyForQuery:
		return name + " " + string(m.TxStatus)
	case *pgproto3.ParameterDescription:
		return fmt.Sprint(name, " ", m.ParameterOIDs)
	case *pgproto3.RowDescription:
		var fs []string
		for _, f := range m.Fields {
			fs = append(fs, fmt.Sprintf("%s:%d:%d:%d", f.Name, f.DataTypeOID, f.DataTypeSize, f.Format))
		}
		return name + " " + strings.Join(fs, ",")
	case *pgproto3.NegotiateProtocolVersion:
		return fmt.Sprint(name, " ", m.NewestMinorProtocol, " ", m.UnrecognizedOptions)
	}
	return name
}

func (r *rawConn) expect(want ...string) {
	r.t.Helper()
	for _, w := range want {
		if got := r.next(); got != w {
			r.t.Fatalf("got %q, want %q", got, w)
		}
	}
}

func TestExtendedProtocol(t *testing.T) {
	ts := startServer(t, Config{})
	tests := []struct {
		name string
		msgs []pgproto3.FrontendMessage
		want []string
	}{
		{
			name: "row limit suspends and resumes",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select 5"},
				&pgproto3.Bind{},
				&pgproto3.Describe{ObjectType: 'P'},
				&pgproto3.Execute{MaxRows: 2},
				&pgproto3.Execute{MaxRows: 2},
				&pgproto3.Execute{MaxRows: 2},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "BindComplete", "RowDescription n:20:8:0",
				"DataRow 1", "DataRow 2", "PortalSuspended",
				"DataRow 3", "DataRow 4", "PortalSuspended",
				"DataRow 5", "CommandComplete SELECT 5", "ReadyForQuery I"},
		},
		{
			name: "limit equal to the rows left completes",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select 2"},
				&pgproto3.Bind{},
				&pgproto3.Execute{MaxRows: 2},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "BindComplete", "DataRow 1", "DataRow 2",
				"CommandComplete SELECT 2", "ReadyForQuery I"},
		},
		{
			name: "portal context outlives a suspension",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "portalctx 3"},
				&pgproto3.Bind{DestinationPortal: "c1"},
				&pgproto3.Execute{Portal: "c1", MaxRows: 1},
				&pgproto3.Sync{},
				&pgproto3.Execute{Portal: "c1"},
				&pgproto3.Close{ObjectType: 'P', Name: "c1"},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "BindComplete", "DataRow 1", "PortalSuspended", "ReadyForQuery I",
				"DataRow 2", "DataRow 3", "CommandComplete SELECT 3", "CloseComplete", "ReadyForQuery I"},
		},
		{
			name: "named statement described, executed twice, closed",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Name: "s1", Query: "echo int4 text", ParameterOIDs: []uint32{23, 25}},
				&pgproto3.Describe{ObjectType: 'S', Name: "s1"},
				&pgproto3.Bind{PreparedStatement: "s1", Parameters: [][]byte{[]byte("7"), []byte("x")}},
				&pgproto3.Execute{},
				&pgproto3.Bind{PreparedStatement: "s1", ParameterFormatCodes: []int16{1, 0},
					Parameters: [][]byte{binary.BigEndian.AppendUint32(nil, 9), nil}, ResultFormatCodes: []int16{0}},
				&pgproto3.Execute{},
				&pgproto3.Close{ObjectType: 'S', Name: "s1"},
				&pgproto3.Bind{PreparedStatement: "s1"},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "ParameterDescription [23 1043]", "RowDescription c1:23:4:0,c2:1043:-1:0",
				"BindComplete", "DataRow 7,x", "CommandComplete SELECT 1",
				"BindComplete", "DataRow 9,", "CommandComplete SELECT 1",
				"CloseComplete", "ErrorResponse ERROR 26000", "ReadyForQuery I"},
		},
		{
			name: "statement without rows",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "create"},
				&pgproto3.Describe{ObjectType: 'S'},
				&pgproto3.Bind{},
				&pgproto3.Describe{ObjectType: 'P'},
				&pgproto3.Execute{},
				&pgproto3.Parse{Query: ""},
				&pgproto3.Bind{},
				&pgproto3.Execute{},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "ParameterDescription []", "NoData", "BindComplete", "NoData",
				"CommandComplete CREATE_TABLE", "ParseComplete", "BindComplete", "EmptyQueryResponse", "ReadyForQuery I"},
		},
		{
			name: "error skips to sync",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "badsyntax"},
				&pgproto3.Bind{},
				&pgproto3.Execute{},
				&pgproto3.Sync{},
				&pgproto3.Parse{Query: "select 1"},
				&pgproto3.Bind{},
				&pgproto3.Execute{},
				&pgproto3.Sync{},
			},
			want: []string{"ErrorResponse ERROR 42601", "ReadyForQuery I",
				"ParseComplete", "BindComplete", "DataRow 1", "CommandComplete SELECT 1", "ReadyForQuery I"},
		},
		{
			name: "duplicate statement and portal",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Name: "d", Query: "select 1"},
				&pgproto3.Parse{Name: "d", Query: "select 1"},
				&pgproto3.Sync{},
				&pgproto3.Bind{PreparedStatement: "d", DestinationPortal: "p"},
				&pgproto3.Bind{PreparedStatement: "d", DestinationPortal: "p"},
				&pgproto3.Sync{},
				&pgproto3.Close{ObjectType: 'P', Name: "p"},
				&pgproto3.Close{ObjectType: 'S', Name: "d"},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "ErrorResponse ERROR 42P05", "ReadyForQuery I",
				"BindComplete", "ErrorResponse ERROR 42P03", "ReadyForQuery I",
				"CloseComplete", "CloseComplete", "ReadyForQuery I"},
		},
		{
			name: "bad bind",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "echo int8"},
				&pgproto3.Bind{},
				&pgproto3.Sync{},
				&pgproto3.Bind{Parameters: [][]byte{[]byte("abc")}},
				&pgproto3.Sync{},
				&pgproto3.Bind{ParameterFormatCodes: []int16{1}, Parameters: [][]byte{[]byte("abc")}},
				&pgproto3.Sync{},
				&pgproto3.Bind{Parameters: [][]byte{[]byte("1")}, ResultFormatCodes: []int16{0, 1}},
				&pgproto3.Sync{},
				&pgproto3.Execute{Portal: "nope"},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "ErrorResponse ERROR 08P01", "ReadyForQuery I",
				"ErrorResponse ERROR 22P02", "ReadyForQuery I",
				"ErrorResponse ERROR 22P03", "ReadyForQuery I",
				"ErrorResponse ERROR 08P01", "ReadyForQuery I",
				"ErrorResponse ERROR 34000", "ReadyForQuery I"},
		},
		{
			name: "failed portal cannot run again",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "panicrow"},
				&pgproto3.Bind{DestinationPortal: "p"},
				&pgproto3.Execute{Portal: "p"},
				&pgproto3.Sync{},
				&pgproto3.Execute{Portal: "p"},
				&pgproto3.Sync{},
			},
			want: []string{"ParseComplete", "BindComplete", "DataRow 1", "ErrorResponse ERROR XX000", "ReadyForQuery I",
				"ErrorResponse ERROR 55000", "ReadyForQuery I"},
		},
		{
			name: "flush without sync",
			msgs: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select 1"},
				&pgproto3.Flush{},
			},
			want: []string{"ParseComplete"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := dialRaw(t, ts)
			r.startup()
			r.send(tt.msgs...)
			r.expect(tt.want...)
		})
	}
}

func TestProtocolViolation(t *testing.T) {
	ts := startServer(t, Config{})
	r := dialRaw(t, ts)
	r.startup()
	if _, err := r.nc.Write([]byte{'!', 0, 0, 0, 4}); err != nil {
		t.Fatal(err)
	}
	r.expect("ErrorResponse FATAL 08P01")
	if _, err := r.fe.Receive(); err == nil {
		t.Fatal("connection still open after a protocol violation")
	}
}

func TestStartupVariants(t *testing.T) {
	ts := startServer(t, Config{})

	t.Run("protocol 2", func(t *testing.T) {
		r := dialRaw(t, ts)
		r.send(&pgproto3.StartupMessage{ProtocolVersion: 2 << 16, Parameters: map[string]string{"user": "x"}})
		r.expect("ErrorResponse FATAL 0A000")
	})
	t.Run("protocol 3.2 is negotiated down", func(t *testing.T) {
		r := dialRaw(t, ts)
		r.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion32,
			Parameters: map[string]string{"user": "root", "_pq_.foo": "1"}})
		r.expect("NegotiateProtocolVersion 0 [_pq_.foo]", "AuthenticationOk")
	})
	t.Run("gss and ssl refused, then startup", func(t *testing.T) {
		r := dialRaw(t, ts)
		for _, m := range []pgproto3.FrontendMessage{&pgproto3.GSSEncRequest{}, &pgproto3.SSLRequest{}} {
			r.send(m)
			var b [1]byte
			if _, err := r.nc.Read(b[:]); err != nil || b[0] != 'N' {
				t.Fatalf("answer %q %v", b, err)
			}
		}
		r.startup()
	})
	for db, code := range map[string]string{"nodb": "3D000", "panicdb": "XX000"} {
		t.Run("session refused "+db, func(t *testing.T) {
			_, err := pgconn.Connect(testCtx(t), strings.Replace(ts.url(""), "/dev?", "/"+db+"?", 1))
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != code || pgErr.Severity != "FATAL" {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
