package tests

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/runnel-db/runnel/tests/sltrun"
)

// startServer starts a fresh server for one test and stops it at the end.
func startServer(t testing.TB) *sltrun.Process {
	t.Helper()
	srv, err := sltrun.StartProcess(context.Background(), runnelBinary(t), t.TempDir())
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(srv.Logs(), 8<<10))
		}
	})
	return srv
}

func connect(t *testing.T, srv *sltrun.Process, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig("postgres://root@" + srv.Addr() + "/dev?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

var execModes = []struct {
	name string
	mode pgx.QueryExecMode
}{
	{"simple", pgx.QueryExecModeSimpleProtocol},
	{"prepared", pgx.QueryExecModeCacheStatement},
	{"describe", pgx.QueryExecModeCacheDescribe},
	{"exec", pgx.QueryExecModeExec},
}

// TestPgxTypesRoundTrip writes every type through parameters and reads it back, in every pgx
// execution mode: the simple protocol, and the extended protocol with binary parameters and results.
func TestPgxTypesRoundTrip(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	setup := connect(t, srv, pgx.QueryExecModeSimpleProtocol)
	if _, err := setup.Exec(ctx, `CREATE TABLE all_types (id int PRIMARY KEY, b boolean, i2 smallint, i8 bigint,
		f4 real, f8 double precision, n numeric, s varchar, by bytea, d date, ts timestamp, tz timestamptz,
		iv interval, j jsonb)`); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	for i, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			conn := connect(t, srv, m.mode)
			num := pgtype.Numeric{Int: big.NewInt(12345), Exp: -2, Valid: true}
			iv := pgtype.Interval{Months: 14, Days: 3, Microseconds: 3_600_000_000, Valid: true}
			_, err := conn.Exec(ctx, `INSERT INTO all_types VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				i, true, int16(-7), int64(1)<<40, float32(1.5), 2.25, num, "héllo", []byte{0, 1, 255},
				time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), ts, ts, iv, `{"b": ["x"], "a": 1}`)
			if err != nil {
				t.Fatalf("insert: %v", err)
			}
			var (
				b   bool
				i2  int16
				i8  int64
				f4  float32
				f8  float64
				n   pgtype.Numeric
				s   string
				by  []byte
				d   time.Time
				gts time.Time
				gtz time.Time
				giv pgtype.Interval
				j   map[string]any
			)
			err = conn.QueryRow(ctx, `SELECT b, i2, i8, f4, f8, n, s, by, d, ts, tz, iv, j FROM all_types WHERE id = $1`, i).
				Scan(&b, &i2, &i8, &f4, &f8, &n, &s, &by, &d, &gts, &gtz, &giv, &j)
			if err != nil {
				t.Fatalf("select: %v", err)
			}
			nf, _ := n.Float64Value()
			checks := []struct {
				name string
				ok   bool
				got  any
			}{
				{"bool", b, b},
				{"smallint", i2 == -7, i2},
				{"bigint", i8 == 1<<40, i8},
				{"real", f4 == 1.5, f4},
				{"double", f8 == 2.25, f8},
				{"numeric", nf.Float64 == 123.45, n},
				{"varchar", s == "héllo", s},
				{"bytea", string(by) == "\x00\x01\xff", by},
				{"date", d.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)), d},
				{"timestamp", gts.Equal(ts), gts},
				{"timestamptz", gtz.Equal(ts), gtz},
				{"interval", giv.Months == 14 && giv.Days == 3 && giv.Microseconds == 3_600_000_000, giv},
				{"jsonb", j["a"] == 1.0, j},
			}
			for _, c := range checks {
				if !c.ok {
					t.Errorf("%s: got %v", c.name, c.got)
				}
			}
		})
	}
}

// TestPgxErrorsAndSessions checks SQLSTATEs through the driver, that a session survives errors, and
// that a prepared statement is re-planned after DDL.
func TestPgxErrorsAndSessions(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	for _, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			conn := connect(t, srv, m.mode)
			cases := []struct {
				sql  string
				args []any
				code string
			}{
				{"SELECT * FROM missing_" + m.name, nil, "42P01"},
				{"SELECT 1/0", nil, "22012"},
				{"SELECT $1::int", []any{"abc"}, "22P02"},
				{"SELEC 1", nil, "42601"},
				{"SELECT nosuchcol FROM (SELECT 1 AS a) x", nil, "42703"},
			}
			for _, c := range cases {
				_, err := conn.Exec(ctx, c.sql, c.args...)
				var pe *pgconn.PgError
				if !errors.As(err, &pe) {
					t.Errorf("%s: got %v, want SQLSTATE %s", c.sql, err, c.code)
					continue
				}
				if pe.Code != c.code {
					t.Errorf("%s: SQLSTATE %s (%s), want %s", c.sql, pe.Code, pe.Message, c.code)
				}
			}
			var one int
			if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("session unusable after errors: %v", err)
			}
		})
	}

	// Visibility across sessions: once INSERT returns, another session sees it.
	a := connect(t, srv, pgx.QueryExecModeCacheStatement)
	b := connect(t, srv, pgx.QueryExecModeCacheStatement)
	if _, err := a.Exec(ctx, "CREATE TABLE vis (k int PRIMARY KEY, v varchar)"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := a.Exec(ctx, "INSERT INTO vis VALUES ($1, $2)", i, "x"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := b.QueryRow(ctx, "SELECT count(*) FROM vis").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != i+1 {
			t.Fatalf("after insert %d the other session sees %d rows", i+1, n)
		}
	}
	// The cached prepared statement of session b is re-planned after the table changes shape.
	if _, err := a.Exec(ctx, "DROP TABLE vis"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Exec(ctx, "CREATE TABLE vis (k int PRIMARY KEY, v varchar, extra int)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM vis").Scan(&n); err != nil || n != 0 {
		t.Fatalf("re-planned count: %d, %v", n, err)
	}
}
