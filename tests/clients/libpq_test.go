package clients

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/lib/pq"
)

// TestLibPQ drives the server through lib/pq and database/sql: parameters of every type (text, and
// binary with binary_parameters=yes), NULLs, time zones, transactions (lib/pq checks the
// ReadyForQuery status after BEGIN), cursors, and errors with SQLSTATEs.
func TestLibPQ(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i, opts := range []string{"", "&binary_parameters=yes"} {
		name := []string{"text", "binary_parameters"}[i]
		t.Run(name, func(t *testing.T) {
			db, err := sql.Open("postgres", s.url()+opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			table := "pq_types_" + name
			if _, err := db.ExecContext(ctx, `CREATE TABLE `+table+` (id int PRIMARY KEY, b boolean, i2 smallint, i8 bigint,
				f4 real, f8 double precision, n numeric, s varchar, by bytea, d date, ts timestamp, tz timestamptz, iv interval, j jsonb)`); err != nil {
				t.Fatal(err)
			}
			ts := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
			stmt, err := db.PrepareContext(ctx, `INSERT INTO `+table+` VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := stmt.ExecContext(ctx, 1, true, -7, int64(1)<<40, 1.5, 2.25, "123.45", "héllo", []byte{0, 1, 255},
				"2024-02-29", ts, ts, "1 year 2 mons 3 days 01:00:00", `{"a": 1}`); err != nil {
				t.Fatalf("insert: %v", err)
			}
			if _, err := stmt.ExecContext(ctx, 2, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil); err != nil {
				t.Fatalf("insert NULLs: %v", err)
			}
			stmt.Close()
			var (
				b      bool
				i2     int16
				i8     int64
				f4, f8 float64
				n, str string
				by     []byte
				d      time.Time
				gts    time.Time
				gtz    time.Time
				iv     string
				j      string
			)
			err = db.QueryRowContext(ctx, `SELECT b, i2, i8, f4, f8, n, s, by, d, ts, tz, iv, j FROM `+table+` WHERE id = $1`, 1).
				Scan(&b, &i2, &i8, &f4, &f8, &n, &str, &by, &d, &gts, &gtz, &iv, &j)
			if err != nil {
				t.Fatalf("select: %v", err)
			}
			if !b || i2 != -7 || i8 != 1<<40 || f4 != 1.5 || f8 != 2.25 || n != "123.45" || str != "héllo" ||
				string(by) != "\x00\x01\xff" || !d.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) ||
				!gts.Equal(ts) || !gtz.Equal(ts) || iv != "1 year 2 mons 3 days 01:00:00" || j != `{"a": 1}` {
				t.Errorf("round trip: %v %v %v %v %v %v %q %q %v %v %v %q %q", b, i2, i8, f4, f8, n, str, by, d, gts, gtz, iv, j)
			}
			var nb sql.NullBool
			var ns sql.NullString
			var nt sql.NullTime
			if err := db.QueryRowContext(ctx, `SELECT b, s, tz FROM `+table+` WHERE id = 2`).Scan(&nb, &ns, &nt); err != nil {
				t.Fatal(err)
			}
			if nb.Valid || ns.Valid || nt.Valid {
				t.Errorf("NULLs read as %v %v %v", nb, ns, nt)
			}
		})
	}

	db, err := sql.Open("postgres", s.url())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One connection, so that SET TIME ZONE applies to the following queries.
	db.SetMaxOpenConns(1)

	t.Run("time zones", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, `SET TIME ZONE 'America/New_York'`); err != nil {
			t.Fatal(err)
		}
		defer db.ExecContext(ctx, `SET TIME ZONE 'UTC'`)
		var text string
		var tz time.Time
		if err := db.QueryRowContext(ctx, `SELECT '2024-07-01 12:00:00+00'::timestamptz::text, '2024-07-01 12:00:00+00'::timestamptz`).Scan(&text, &tz); err != nil {
			t.Fatal(err)
		}
		if text != "2024-07-01 08:00:00-04" || !tz.Equal(time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("got %q and %v", text, tz)
		}
	})

	t.Run("transactions and cursors", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, `CREATE TABLE pq_big (id int PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO pq_big SELECT g FROM generate_series(1, 2500) g`); err != nil {
			t.Fatal(err)
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatalf("begin: %v", err)
		}
		if _, err := tx.ExecContext(ctx, `DECLARE big_cur CURSOR FOR SELECT id FROM pq_big ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		total, sum := 0, 0
		for {
			rows, err := tx.QueryContext(ctx, `FETCH FORWARD 1000 FROM big_cur`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var id int
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				n, sum = n+1, sum+id
			}
			rows.Close()
			if n == 0 {
				break
			}
			total += n
		}
		if total != 2500 || sum != 2500*2501/2 {
			t.Errorf("cursor read %d rows summing to %d", total, sum)
		}
		if err := tx.Commit(); err != nil {
			t.Fatalf("commit: %v", err)
		}
		tx, err = db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatalf("rollback: %v", err)
		}
	})

	t.Run("errors", func(t *testing.T) {
		cases := []struct{ sql, code string }{
			{`SELECT * FROM nope`, "42P01"},
			{`SELECT 1/0`, "22012"},
			{`SELEC 1`, "42601"},
			{`SELECT nope FROM pq_big`, "42703"},
			{`SELECT 'x'::int`, "22P02"},
			{`CREATE TABLE pq_big (id int)`, "42P07"},
		}
		for _, c := range cases {
			_, err := db.ExecContext(ctx, c.sql)
			var pqErr *pq.Error
			if !errors.As(err, &pqErr) || string(pqErr.Code) != c.code {
				t.Errorf("%s: err %v, want SQLSTATE %s", c.sql, err, c.code)
			}
		}
		// The connection is still usable after errors.
		var one int
		if err := db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
			t.Errorf("after errors: %v", err)
		}
	})
}
