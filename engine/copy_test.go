package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

func TestCopyFormat(t *testing.T) {
	cols := []pgwire.Column{{Name: "id", Type: types.Int32}, {Name: "s", Type: types.Varchar}, {Name: "ts", Type: types.Timestamptz}}
	ts := types.NewTimestamptz(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro())
	rows := []types.Row{
		{types.NewInt32(1), types.NewVarchar("a,b"), ts},
		{types.NewInt32(2), types.Datum{}, types.Datum{}},
		{types.NewInt32(3), types.NewVarchar("q\"t\nx\\y\tz"), ts},
		{types.NewInt32(4), types.NewVarchar(""), types.Datum{}},
	}
	cases := []struct {
		name string
		opts []sql.Option
		want string
	}{
		{"text", nil, "1\ta,b\t2024-01-02 03:04:05+00\n2\t\\N\t\\N\n3\tq\"t\\nx\\\\y\\tz\t2024-01-02 03:04:05+00\n4\t\t\\N\n"},
		{"text delimiter and null", []sql.Option{{Key: "delimiter", Value: ","}, {Key: "null", Value: "-"}, {Key: "header", Value: "true"}},
			"id,s,ts\n1,a\\,b,2024-01-02 03:04:05+00\n2,-,-\n3,q\"t\\nx\\\\y\\tz,2024-01-02 03:04:05+00\n4,,-\n"},
		{"csv header", []sql.Option{{Key: "format", Value: "csv"}, {Key: "header", Value: "true"}},
			"id,s,ts\n1,\"a,b\",2024-01-02 03:04:05+00\n2,,\n3,\"q\"\"t\nx\\y\tz\",2024-01-02 03:04:05+00\n4,\"\",\n"},
		{"csv null and delimiter", []sql.Option{{Key: "format", Value: "csv"}, {Key: "delimiter", Value: ";"}, {Key: "null", Value: "NULL"}},
			"1;a,b;2024-01-02 03:04:05+00\n2;NULL;NULL\n3;\"q\"\"t\nx\\y\tz\";2024-01-02 03:04:05+00\n4;;NULL\n"},
		{"csv force_quote", []sql.Option{{Key: "format", Value: "csv"}, {Key: "force_quote", Value: "*"}},
			"\"1\",\"a,b\",\"2024-01-02 03:04:05+00\"\n\"2\",,\n\"3\",\"q\"\"t\nx\\y\tz\",\"2024-01-02 03:04:05+00\"\n\"4\",\"\",\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseCopyOptions(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			r := &copyRows{rows: &staticRows{rows: rows, tag: "SELECT 4"}, cols: cols, f: f, loc: time.UTC, header: f.header}
			var out strings.Builder
			for {
				row, err := r.Next(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if row == nil {
					break
				}
				out.WriteString(row[0].Str())
			}
			if out.String() != tc.want {
				t.Errorf("got\n%q\nwant\n%q", out.String(), tc.want)
			}
			if r.Tag() != "COPY 4" {
				t.Errorf("tag %q", r.Tag())
			}
		})
	}
}

func TestCopyOptionErrors(t *testing.T) {
	cases := []struct {
		opts []sql.Option
		code string
	}{
		{[]sql.Option{{Key: "format", Value: "binary"}}, "0A000"},
		{[]sql.Option{{Key: "format", Value: "xml"}}, "22023"},
		{[]sql.Option{{Key: "delimiter", Value: "ab"}}, "0A000"},
		{[]sql.Option{{Key: "quote", Value: "'"}}, "0A000"},
		{[]sql.Option{{Key: "header", Value: "maybe"}}, "22023"},
		{[]sql.Option{{Key: "format", Value: "csv"}, {Key: "delimiter", Value: "\""}}, "22023"},
		{[]sql.Option{{Key: "freeze", Value: "true"}}, "42601"},
	}
	for _, tc := range cases {
		_, err := parseCopyOptions(tc.opts)
		if err == nil || !strings.Contains(pgerr.Code(err), tc.code) {
			t.Errorf("%v: err %v, want SQLSTATE %s", tc.opts, err, tc.code)
		}
	}
}
