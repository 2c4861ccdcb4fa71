package main

import (
	"strings"
	"testing"
)

func TestSumCounter(t *testing.T) {
	text := `# HELP runnel_source_records_total Records read from external sources.
# TYPE runnel_source_records_total counter
runnel_source_records_total{partition="0",source="bid"} 460000
runnel_source_records_total{partition="1",source="bid"} 1.5e+06
runnel_source_records_total{partition="0",source="auction"} 30000
runnel_source_records_total{partition="0",source="person"} 7
runnel_source_records_total_other{source="bid"} 99
runnel_source_bytes_total{partition="0",source="bid"} 123456
`
	for _, c := range []struct {
		sources []string
		want    float64
	}{
		{[]string{"bid"}, 1_960_000}, {[]string{"auction", "bid"}, 1_990_000}, {[]string{"nope"}, 0},
	} {
		got, err := SumCounter(strings.NewReader(text), "runnel_source_records_total", "source", c.sources)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("sum over %v = %v, want %v", c.sources, got, c.want)
		}
	}
}

func TestParseLabels(t *testing.T) {
	got := parseLabels(`a="x",b="y \"q\", z", c="3"`)
	if got["a"] != "x" || got["b"] != `y "q", z` || got["c"] != "3" {
		t.Errorf("parseLabels = %q", got)
	}
}

func TestParseVmHWM(t *testing.T) {
	status := "Name:\trunnel\nVmPeak:\t 2000000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n"
	got, err := ParseVmHWM(status)
	if err != nil || got != 123456*1024 {
		t.Errorf("ParseVmHWM = %d, %v", got, err)
	}
	if _, err := ParseVmHWM("Name:\tx\n"); err == nil {
		t.Error("no VmHWM line, no error")
	}
}
