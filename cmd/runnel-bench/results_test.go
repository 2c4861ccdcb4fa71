package main

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestResultsRoundTrip(t *testing.T) {
	r := &Results{Date: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), Commit: "abc1234", GoVersion: "go1.26",
		Cores: 2, Events: 1000, Rows: []Row{
			{Query: "q0", Path: "kafka", Events: 1000, Records: 920, Seconds: 0.5, EventsPerSec: 2000, PerCore: 1000,
				PeakRSSBytes: 64 << 20, FreshP50Ms: 20, FreshP99Ms: 40, Status: "ok", FreshnessRate: 50000},
			{Query: "q14", Path: "nexmark", Events: 1000, Records: 920, Status: "unsupported: no such language"},
		}}
	path := ResultsPath(t.TempDir(), r)
	if filepath.Base(path) != "2026-05-01-abc1234.json" {
		t.Errorf("results file name %s", filepath.Base(path))
	}
	if err := WriteResults(path, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("read back %+v, want %+v", got, r)
	}
}

func TestPrintTable(t *testing.T) {
	var b bytes.Buffer
	PrintTable(&b, []Row{
		{Query: "q0", Path: "kafka", Events: 1000, Seconds: 0.5, EventsPerSec: 2000, PerCore: 1000,
			PeakRSSBytes: 64 << 20, FreshP50Ms: 20, FreshP99Ms: 40, Status: "ok"},
		{Query: "q14", Path: "nexmark", Events: 1000, Status: "unsupported:\n  " + strings.Repeat("x", 200)},
	})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", b.String())
	}
	for _, want := range []string{"2000", "64", "20.0", "40.0", "ok"} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("row %q lacks %q", lines[2], want)
		}
	}
	if len(lines[3]) > 300 || !strings.Contains(lines[3], "unsupported: xxx") {
		t.Errorf("long status not shortened to one line: %q", lines[3])
	}
}
