package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// SumCounter adds up the samples of metric in Prometheus text exposition whose label named label
// has one of values. It reads only what the harness needs, so it needs no Prometheus library.
func SumCounter(r io.Reader, metric, label string, values []string) (float64, error) {
	want := map[string]bool{}
	for _, v := range values {
		want[v] = true
	}
	var sum float64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, metric)
		if !ok || !strings.HasPrefix(rest, "{") {
			continue
		}
		end := strings.LastIndexByte(rest, '}')
		if end < 0 {
			return 0, fmt.Errorf("bad sample line %q", line)
		}
		if !want[parseLabels(rest[1:end])[label]] {
			continue
		}
		fields := strings.Fields(rest[end+1:])
		if len(fields) == 0 {
			return 0, fmt.Errorf("sample without a value: %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return 0, fmt.Errorf("bad value in %q: %w", line, err)
		}
		sum += v
	}
	return sum, sc.Err()
}

// parseLabels reads `a="x",b="y"`. Label values here are source names and numbers, but escapes
// are honoured so that a quote in a value cannot end it early.
func parseLabels(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq < 0 || eq+1 >= len(s) || s[eq+1] != '"' {
			break
		}
		name := strings.TrimSpace(s[:eq])
		var val strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					val.WriteByte('\n')
					continue
				}
			}
			val.WriteByte(s[i])
		}
		out[name] = val.String()
		s = strings.TrimPrefix(strings.TrimSpace(s[min(i+1, len(s)):]), ",")
	}
	return out
}

// viewRowsIn is the server's runnel_view_rows_in_total of view: the rows its scans took in.
func viewRowsIn(ctx context.Context, metricsAddr string, view string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+metricsAddr+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	v, err := SumCounter(resp.Body, "runnel_view_rows_in_total", "view", []string{view})
	return int64(v), err
}
