package clients

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/lib/pq"
)

// grafanaSchemaConstraint is how Grafana's PostgreSQL query editor turns search_path into schema
// names (public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts).
const grafanaSchemaConstraint = `
quote_ident(table_schema) IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
)`

// grafanaQuery is one statement Grafana sends and the rows it must return (each row's values joined
// by "|", NULL as "NULL"; a last "*" allows more rows), or nil to only require that it runs.
type grafanaQuery struct {
	name string
	sql  string
	args []any
	want []string
}

var grafanaSetup = []string{
	`CREATE TABLE flight_events (registration_number varchar, ts timestamptz, altitude double precision, kind varchar)`,
	`INSERT INTO flight_events VALUES
		('N1', '2024-01-01 00:10:00+00', 1000, 'climb'), ('N1', '2024-01-01 00:20:30+00', 2000, 'climb'),
		('N2', '2024-01-01 00:15:00+00', 500, 'taxi'), ('N1', '2024-01-01 01:05:00+00', 3000, 'cruise'),
		('N2', '2024-01-01 07:00:00+00', 100, 'taxi')`,
	`CREATE MATERIALIZED VIEW events_per_hour AS
		SELECT window_start, registration_number, count(*) AS total_events, avg(altitude) AS avg_altitude
		FROM TUMBLE(flight_events, ts, INTERVAL '1 hour') GROUP BY window_start, registration_number`,
	`FLUSH`,
}

var grafanaQueries = []grafanaQuery{
	// Connection test (Save & test) and start-up probes of the query editor.
	{"version", `SELECT current_setting('server_version_num')::int/100 as version`, nil, []string{"1300"}},
	{"timescaledb probe", `SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`, nil, []string{}},
	// Table picker.
	{"tables", `SELECT
    CASE WHEN ` + grafanaSchemaConstraint + `
      THEN quote_ident(table_name)
      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
    END AS "table"
    FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
    ORDER BY CASE WHEN ` + grafanaSchemaConstraint + ` THEN 0 ELSE 1 END, 1`, nil,
		// Relations outside search_path (rw_catalog's) follow, qualified.
		[]string{"events_per_hour", "flight_events", "*"}},
	// Column picker, old and new forms.
	{"columns", `select quote_ident(column_name) as "column", data_type as "type"
    from information_schema.columns
    where quote_ident(table_name) = 'events_per_hour'`, nil,
		[]string{"window_start|timestamp with time zone", "registration_number|character varying", "total_events|bigint", "avg_altitude|double precision"}},
	{"columns parse_ident", `SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('flight_events'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('flight_events'))[1]
          AND quote_ident(table_name) = (parse_ident('flight_events'))[2]
        ELSE quote_ident(table_name) = 'flight_events'
          AND ` + grafanaSchemaConstraint + `
      END`, nil,
		[]string{"registration_number|character varying", "ts|timestamp with time zone", "altitude|double precision", "kind|character varying"}},
	// The SQL-expression builder's schema queries (pkg/tsdb/grafana-postgresql-datasource/schema.go).
	{"schemas", `SELECT schema_name FROM information_schema.schemata
		 WHERE schema_name NOT LIKE 'pg_%' AND schema_name != 'information_schema'
		 ORDER BY schema_name`, nil, []string{"public"}},
	{"tables by schema", `SELECT table_name FROM information_schema.tables
		 WHERE table_schema = $1 AND table_type IN ('BASE TABLE', 'VIEW')
		 ORDER BY table_name`, []any{"public"}, []string{"flight_events"}},
	{"columns by table", `SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale
		 FROM information_schema.columns
		 WHERE table_schema = $1 AND table_name = $2
		 ORDER BY ordinal_position`, []any{"public", "flight_events"}, nil},
	{"column values", `SELECT 'kind' AS col_name, "kind"::text AS val FROM (SELECT DISTINCT "kind" FROM "public"."flight_events" WHERE "kind" IS NOT NULL ORDER BY "kind" LIMIT 100) sub_0 UNION ALL SELECT 'registration_number' AS col_name, "registration_number"::text AS val FROM (SELECT DISTINCT "registration_number" FROM "public"."flight_events" WHERE "registration_number" IS NOT NULL ORDER BY "registration_number" LIMIT 100) sub_1`, nil,
		[]string{"kind|climb", "kind|cruise", "kind|taxi", "registration_number|N1", "registration_number|N2"}},
	// A time-series panel over a windowed view, after $__timeFilter(window_start).
	{"time series", `SELECT window_start AS time, registration_number AS metric, total_events AS value FROM events_per_hour WHERE window_start BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z' ORDER BY 1`, nil,
		nil},
	// $__timeGroupAlias(ts, 1m) and $__timeGroup(ts, '5m') with to_timestamp, $__timeFilter(ts).
	{"timeGroupAlias", `SELECT
  floor(extract(epoch from ts)/60)*60 AS "time",
  avg(altitude) AS "altitude"
FROM flight_events
WHERE ts BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z'
GROUP BY 1
ORDER BY 1`, nil, []string{"1704067800|1000", "1704068100|500", "1704068400|2000", "1704071100|3000"}},
	{"timeGroup to_timestamp", `SELECT to_timestamp(floor(extract(epoch from ts)/300)*300) AS time, registration_number AS metric, count(*) AS value
FROM flight_events WHERE ts BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2`, nil, nil},
	{"timeEpoch and unixEpochFilter", `SELECT extract(epoch from ts) as "time", altitude FROM flight_events WHERE extract(epoch from ts) >= 1704067200 AND extract(epoch from ts) <= 1704088800 ORDER BY 1`, nil, nil},
	// A table panel and a template variable.
	{"table panel", `SELECT registration_number, sum(total_events) AS events, max(avg_altitude) AS max_alt FROM events_per_hour GROUP BY 1 ORDER BY 2 DESC`, nil,
		[]string{"N1|3|3000", "N2|2|500"}},
	{"variable", `SELECT DISTINCT registration_number AS __text, registration_number AS __value FROM flight_events ORDER BY 1`, nil,
		[]string{"N1|N1", "N2|N2"}},
}

// grafanaTimeSeries is what the time-series panel must see: the windows of the first six hours.
var grafanaTimeSeries = []string{
	"2024-01-01T00:00:00Z|N1|2", "2024-01-01T00:00:00Z|N2|1", "2024-01-01T01:00:00Z|N1|1",
}

// TestGrafana runs Grafana's PostgreSQL data source SQL through both drivers Grafana has used:
// lib/pq (up to Grafana 10) and pgx (Grafana 11 on).
func TestGrafana(t *testing.T) {
	s := startServer(t)
	for _, driver := range []string{"postgres", "pgx"} {
		t.Run(driver, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			db, err := sql.Open(driver, s.url())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.PingContext(ctx); err != nil {
				t.Fatalf("ping: %v", err)
			}
			if driver == "postgres" {
				for _, q := range grafanaSetup {
					if _, err := db.ExecContext(ctx, q); err != nil {
						t.Fatalf("setup %s: %v", q, err)
					}
				}
			}
			for _, q := range grafanaQueries {
				got, err := queryStrings(ctx, db, q.sql, q.args...)
				if err != nil {
					t.Errorf("%s: %v\n%s", q.name, err, q.sql)
					continue
				}
				want := q.want
				if q.name == "time series" {
					want = grafanaTimeSeries
				}
				if n := len(want); n > 0 && want[n-1] == "*" && len(got) >= n-1 {
					got, want = got[:n-1], want[:n-1]
				}
				if want != nil && strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s: got\n%s\nwant\n%s", q.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}

// queryStrings runs a query and renders each row as its values joined by "|": times in RFC 3339
// UTC, floats without trailing zeros.
func queryStrings(ctx context.Context, db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []string{}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				parts[i] = "NULL"
			case time.Time:
				parts[i] = v.UTC().Format(time.RFC3339)
			case []byte:
				parts[i] = string(v)
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out, rows.Err()
}
