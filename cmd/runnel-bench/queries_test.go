package main

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	text := `-- header
CREATE FUNCTION f(s varchar) RETURNS int LANGUAGE javascript AS $$ var a = 1; return a; $$;

-- the view
CREATE MATERIALIZED VIEW v AS SELECT ';' AS "x;y" FROM bid -- trailing; comment
WHERE price > 1;
-- nothing after this
`
	got := SplitStatements(text)
	if len(got) != 2 {
		t.Fatalf("got %d statements: %q", len(got), got)
	}
	if !strings.HasPrefix(got[0], "CREATE FUNCTION") || !strings.HasSuffix(got[0], "$$") {
		t.Errorf("first statement: %q", got[0])
	}
	if !strings.HasPrefix(got[1], "CREATE MATERIALIZED VIEW") || !strings.HasSuffix(got[1], "price > 1") {
		t.Errorf("second statement: %q", got[1])
	}
}

func TestReadTables(t *testing.T) {
	for sql, want := range map[string][]string{
		"SELECT auction, bidder FROM bid":                                                                                     {"bid"},
		"SELECT bid.auction FROM HOP(bid, date_time, INTERVAL '2' SECOND)":                                                    {"bid"},
		"SELECT * FROM auction AS A INNER JOIN person AS P on A.seller = P.id":                                                {"person", "auction"},
		"SELECT * FROM auction A,\n  bid B WHERE A.id = B.auction":                                                            {"auction", "bid"},
		"SELECT id, category,\n auction, bidder FROM (SELECT A.*, B.auction FROM bid B) x":                                    {"bid"},
		"SELECT x FROM TUMBLE(person, date_time, INTERVAL '10' SECOND) JOIN TUMBLE(auction, date_time, INTERVAL '10' SECOND)": {"person", "auction"},
	} {
		if got := ReadTables(sql); !slices.Equal(got, want) {
			t.Errorf("ReadTables(%q) = %v, want %v", sql, got, want)
		}
	}
}

// The shipped query files all load, and each reads the tables Nexmark says it reads.
func TestLoadQueries(t *testing.T) {
	names, err := AllQueryNames("../../bench/queries")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 8 || names[0] != "q0" || names[1] != "q1" {
		t.Fatalf("query files in order: %v", names)
	}
	qs, err := LoadQueries("../../bench/queries", names)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"q0": {"bid"}, "q3": {"person", "auction"}, "q4": {"auction", "bid"}, "q5": {"bid"},
		"q7": {"bid"}, "q8": {"person", "auction"}, "q9": {"auction", "bid"}, "q20": {"auction", "bid"},
	}
	wantScans := map[string][]string{
		"q0": {"bid"}, "q4": {"auction", "bid"}, "q5": {"bid", "bid"}, "q7": {"bid", "bid"}, "q9": {"auction", "bid"},
	}
	for _, q := range qs {
		if w, ok := want[q.Name]; ok && !slices.Equal(q.Tables, w) {
			t.Errorf("%s reads %v, want %v", q.Name, q.Tables, w)
		}
		// Two scans of bid are two readers, each delivering every bid: waiting for one bid count
		// stopped the clock with each half done, and reported q5 and q7 twice as fast as they were.
		if w, ok := wantScans[q.Name]; ok && !slices.Equal(q.Scans, w) {
			t.Errorf("%s scans %v, want %v", q.Name, q.Scans, w)
		}
		if !strings.HasSuffix(q.View, q.Name) { // nexmark_q5; q19's file names its view q19
			t.Errorf("%s measures view %q", q.Name, q.View)
		}
		if q.Name == "q14" && len(q.Statements) != 2 {
			t.Errorf("q14 has %d statements, want CREATE FUNCTION and the view", len(q.Statements))
		}
	}
}

func TestParseQueryRejectsNoView(t *testing.T) {
	if _, err := ParseQuery("x", "SELECT 1 FROM bid;"); err == nil {
		t.Error("a file whose last statement is not a view was accepted")
	}
}

func TestTableEvents(t *testing.T) {
	// Events 0..49: one person, three auctions, 46 bids; 1,000,000 is 20,000 whole cycles.
	for _, c := range []struct {
		table string
		n     int64
		want  int64
	}{
		{"person", 1_000_000, 20_000}, {"auction", 1_000_000, 60_000}, {"bid", 1_000_000, 920_000},
		{"person", 1, 1}, {"auction", 1, 0}, {"auction", 3, 2}, {"bid", 5, 1}, {"bid", 49, 45},
	} {
		if got := TableEvents(c.table, c.n); got != c.want {
			t.Errorf("TableEvents(%s, %d) = %d, want %d", c.table, c.n, got, c.want)
		}
	}
}
