package batch

import (
	"strings"
	"testing"

	"github.com/runnel-db/runnel/pgerr"
)

func TestTableFunc(t *testing.T) {
	db := newSQLDB(t)
	tests := []struct {
		q    string
		want string // rows separated by ";"
	}{
		{"SELECT * FROM generate_series(1, 3)", "1;2;3"},
		{"SELECT * FROM generate_series(5, 1, -2)", "5;3;1"},
		{"SELECT * FROM generate_series(3, 1)", ""},
		{"SELECT * FROM generate_series(1, NULL)", ""},
		{"SELECT * FROM generate_series(2147483646, 2147483647)", "2147483646;2147483647"},
		{"SELECT * FROM generate_series(-2147483647, -2147483648, -1)", "-2147483647;-2147483648"},
		{"SELECT * FROM generate_series(9223372036854775806::bigint, 9223372036854775807::bigint)",
			"9223372036854775806;9223372036854775807"},
		{"SELECT count(*), sum(g) FROM generate_series(1, 3000) g", "3000|4501500"},
		{"SELECT * FROM generate_series(1.5, 3.5)", "1.5;2.5;3.5"},
		{"SELECT * FROM generate_series(0.0, 1.0, 0.25)", "0.0;0.25;0.50;0.75;1.00"},
		{"SELECT * FROM generate_series('2024-01-31'::timestamp, '2024-04-30', '1 month')",
			"2024-01-31 00:00:00;2024-02-29 00:00:00;2024-03-29 00:00:00;2024-04-29 00:00:00"}, // PostgreSQL adds the step to the previous value
		{"SELECT * FROM generate_series('2024-01-01 02:00'::timestamp, '2024-01-01', '-1 hour')",
			"2024-01-01 02:00:00;2024-01-01 01:00:00;2024-01-01 00:00:00"},
		{"SELECT * FROM unnest(ARRAY[3, NULL, 1])", "3;NULL;1"},
		{"SELECT * FROM unnest('{}'::int[])", ""},
		{"SELECT * FROM unnest(NULL::text[])", ""},
		{"SELECT x FROM unnest(ARRAY['a', 'b']) x ORDER BY x DESC", "b;a"},
		{"SELECT id, (SELECT count(*) FROM generate_series(1, t.id)) FROM t ORDER BY id", "1|1;2|2;3|3;4|4"},
	}
	for _, tc := range tests {
		db.expectQuery(t, tc.q, tc.want)
	}
}

func TestTableFuncErrors(t *testing.T) {
	db := newSQLDB(t)
	tests := []struct{ q, code, msg string }{
		{"SELECT * FROM generate_series(1, 3, 0)", pgerr.InvalidParameterValue, "step size cannot equal zero"},
		{"SELECT * FROM generate_series(1.0, 3.0, 0.0)", pgerr.InvalidParameterValue, "step size cannot equal zero"},
		{"SELECT * FROM generate_series('NaN'::numeric, 3.0)", pgerr.InvalidParameterValue, "start value cannot be NaN"},
		{"SELECT * FROM generate_series(now(), now(), '0 days')", pgerr.InvalidParameterValue, "step size cannot equal zero"},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			_, err := db.query(t, tc.q)
			if pgerr.Code(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v (%s), want %s %q", err, pgerr.Code(err), tc.code, tc.msg)
			}
		})
	}
}
