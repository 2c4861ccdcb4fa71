package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Row is one (query, path) measurement. Zero numbers mean "not measured" (see Status).
type Row struct {
	Query         string  `json:"query"`
	Path          string  `json:"path"` // nexmark or kafka
	Events        int64   `json:"events"`
	Records       int64   `json:"records"` // rows the view's sources delivered
	Seconds       float64 `json:"seconds"`
	EventsPerSec  float64 `json:"events_per_sec"`
	PerCore       float64 `json:"events_per_sec_per_core"`
	PeakRSSBytes  int64   `json:"peak_rss_bytes"`
	FreshP50Ms    float64 `json:"freshness_p50_ms,omitempty"`
	FreshP99Ms    float64 `json:"freshness_p99_ms,omitempty"`
	FreshNote     string  `json:"freshness_note,omitempty"`
	Status        string  `json:"status"` // ok, unsupported: ..., timeout: ..., error: ...
	CPUProfile    string  `json:"cpu_profile,omitempty"`
	FreshnessRate int64   `json:"freshness_rate,omitempty"`
	// FreshBarrierMs is the barrier interval of the freshness run (50 ms before it was a flag).
	FreshBarrierMs float64 `json:"freshness_barrier_ms,omitempty"`
}

// Results is what one harness run writes to bench/results.
type Results struct {
	Date       time.Time `json:"date"`
	Commit     string    `json:"commit"`
	GoVersion  string    `json:"go_version"`
	Cores      int       `json:"cores"`
	Events     int64     `json:"events"`
	Note       string    `json:"note,omitempty"`
	ServerArgs []string  `json:"server_args,omitempty"`
	Rows       []Row     `json:"rows"`
}

// ResultsPath is dir/<date>-<commit>.json.
func ResultsPath(dir string, r *Results) string {
	return filepath.Join(dir, r.Date.Format("2006-01-02")+"-"+r.Commit+".json")
}

func WriteResults(path string, r *Results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func ReadResults(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Results
	return &r, json.Unmarshal(b, &r)
}

// PrintTable writes the rows as an aligned table (markdown-compatible, so it can be pasted into
// bench/README.md as is).
func PrintTable(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "query\tpath\tevents\tseconds\tevents/s\tevents/s/core\tpeak RSS MiB\tfresh p50 ms\tfresh p99 ms\tstatus\t")
	fmt.Fprintln(tw, "---\t---\t---\t---\t---\t---\t---\t---\t---\t---\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Query, r.Path, r.Events,
			num(r.Seconds, "%.2f"), num(r.EventsPerSec, "%.0f"), num(r.PerCore, "%.0f"),
			num(float64(r.PeakRSSBytes)/(1<<20), "%.0f"), fresh(r.FreshP50Ms, r.FreshNote), fresh(r.FreshP99Ms, r.FreshNote),
			oneLine(r.Status))
	}
	tw.Flush()
}

func num(v float64, format string) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func fresh(ms float64, note string) string {
	s := num(ms, "%.1f")
	if note != "" && s != "-" {
		s = ">=" + s // some events were never seen: the percentile is a lower bound
	}
	return s
}

// oneLine keeps a table cell to one short line: server errors can be long and multi-line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 90 {
		s = s[:87] + "..."
	}
	return s
}
