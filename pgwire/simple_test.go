package pgwire

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestSimpleQuery(t *testing.T) {
	ts := startServer(t, Config{})
	conn := ts.connect(t, "&default_query_exec_mode=simple_protocol")
	ctx := testCtx(t)

	rows, err := conn.Query(ctx, "select 3")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Fatalf("select 3 = %v", got)
	}

	// Several statements in one Query message, each with its own result.
	results, err := conn.PgConn().Exec(ctx, "select 2; create; select 1").ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tags := []string{"SELECT 2", "CREATE_TABLE", "SELECT 1"}
	if len(results) != len(tags) {
		t.Fatalf("got %d results", len(results))
	}
	for i, r := range results {
		if r.CommandTag.String() != tags[i] {
			t.Errorf("result %d tag %q, want %q", i, r.CommandTag, tags[i])
		}
	}
	if len(results[0].Rows) != 2 || string(results[0].Rows[1][0]) != "2" {
		t.Errorf("rows of select 2 = %q", results[0].Rows)
	}

	// Empty query.
	results, err = conn.PgConn().Exec(ctx, " ; ").ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].CommandTag.String() != "" {
		t.Fatalf("empty query gave %+v", results)
	}

	// The first failing statement stops the rest; the session goes on.
	results, err = conn.PgConn().Exec(ctx, "select 1; fail 42P01; select 2").ReadAll()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42P01" {
		t.Fatalf("err = %v", err)
	}
	if len(results) == 0 || results[0].CommandTag.String() != "SELECT 1" {
		t.Errorf("results before the error: %+v", results)
	}
	for _, r := range results {
		if r.CommandTag.String() == "SELECT 2" {
			t.Error("the statement after the error ran")
		}
	}
	var n int64
	if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after error: %v %d", err, n)
	}
}

func TestErrorsKeepSessionUsable(t *testing.T) {
	ts := startServer(t, Config{})
	for _, mode := range []string{"simple_protocol", "cache_statement"} {
		t.Run(mode, func(t *testing.T) {
			conn := ts.connect(t, "&default_query_exec_mode="+mode)
			ctx := testCtx(t)
			tests := []struct {
				query   string
				code    string
				message string
				detail  string
				hint    string
				pos     int32
			}{
				{"fail 42P01", "42P01", "boom", "the detail", "a hint", 7},
				{"badsyntax", "42601", `syntax error at or near "bad"`, "", "", 3},
				{"panic", "XX000", "internal error: fake session exploded", "", "", 0},
				{"panicrow", "XX000", "internal error: row exploded", "", "", 0},
				{"select x", "42703", `column "x" does not exist`, "", "", 0},
			}
			for _, tt := range tests {
				_, err := conn.Exec(ctx, tt.query)
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) {
					t.Fatalf("%s: err = %v", tt.query, err)
				}
				if pgErr.Code != tt.code || pgErr.Message != tt.message || pgErr.Detail != tt.detail ||
					pgErr.Hint != tt.hint || pgErr.Position != tt.pos || pgErr.Severity != "ERROR" {
					t.Errorf("%s: got %+v", tt.query, pgErr)
				}
				var n int64
				if err := conn.QueryRow(ctx, "select 2").Scan(&n); err != nil {
					t.Fatalf("after %s: %v", tt.query, err)
				}
			}
		})
	}
}

func TestNoticeAndParameterStatus(t *testing.T) {
	ts := startServer(t, Config{})
	var notices []string
	cfg, err := pgx.ParseConfig(ts.url("&application_name=tester"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Severity+" "+n.Message) }
	ctx := testCtx(t)
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if got := conn.PgConn().ParameterStatus("application_name"); got != "tester" {
		t.Errorf("application_name = %q", got)
	}
	if got := conn.PgConn().ParameterStatus("server_version"); got != "13.14.0" {
		t.Errorf("server_version = %q", got)
	}
	var n int64
	if err := conn.QueryRow(ctx, "notice").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || notices[0] != "NOTICE hello from the session" {
		t.Errorf("notices = %q", notices)
	}
	if _, err := conn.Exec(ctx, "set TimeZone Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	if got := conn.PgConn().ParameterStatus("TimeZone"); got != "Europe/Paris" {
		t.Errorf("TimeZone = %q after SET", got)
	}
}

func TestCopyOut(t *testing.T) {
	ts := startServer(t, Config{})
	conn := ts.connect(t, "")
	ctx := testCtx(t)
	for _, tc := range []struct {
		query string
		want  string
		tag   string
	}{
		{"copy 3", "1\t2\n2\t4\n3\t6\n", "COPY 3"},
		{"copy 0", "", "COPY 0"},
	} {
		var out strings.Builder
		tag, err := conn.PgConn().CopyTo(ctx, &out, tc.query)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if out.String() != tc.want || tag.String() != tc.tag {
			t.Errorf("%s: got %q (%s), want %q (%s)", tc.query, out.String(), tag, tc.want, tc.tag)
		}
	}
	// The connection is usable after a copy.
	var n int64
	if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("select after copy: %v %d", err, n)
	}
}
