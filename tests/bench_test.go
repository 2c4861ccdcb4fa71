package tests

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkInsertSingleRow measures the latency of one autocommitted single-row INSERT over pgwire
// with a prepared statement: it returns once the row is committed and visible (implicit flush).
func BenchmarkInsertSingleRow(b *testing.B) {
	conn := benchConnect(b, startServer(b).Addr())
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE TABLE bench_ins (id bigint PRIMARY KEY, v varchar, n int)"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := conn.Exec(ctx, "INSERT INTO bench_ins VALUES ($1, $2, $3)", i, "value", i%100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsertSelect measures bulk INSERT ... SELECT throughput in rows per second.
func BenchmarkInsertSelect(b *testing.B) {
	conn := benchConnect(b, startServer(b).Addr())
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE TABLE bench_src (id bigint PRIMARY KEY, v varchar, n int)"); err != nil {
		b.Fatal(err)
	}
	const rows = 200_000
	if _, err := conn.Exec(ctx, fmt.Sprintf("INSERT INTO bench_src SELECT g, 'value' || g, g %% 100 FROM generate_series(1, %d) AS g", rows)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		table := fmt.Sprintf("bench_dst_%d", i)
		if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (id bigint PRIMARY KEY, v varchar, n int)"); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "INSERT INTO "+table+" SELECT * FROM bench_src"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/time.Since(start).Seconds(), "rows/s")
}

func benchConnect(b *testing.B, addr string) *pgx.Conn {
	conn, err := pgx.Connect(context.Background(), "postgres://root@"+addr+"/dev?sslmode=disable")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
