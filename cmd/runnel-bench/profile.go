package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// profile runs q over path once more on a fresh server and records a CPU profile of the server for
// as long as the measured run took. The measured run itself is never profiled: the profiler's
// overhead would be in its number.
func (c *config) profile(ctx context.Context, q Query, path string, measured time.Duration) (string, error) {
	srv, err := startServer(ctx, c.bin, c.serverArgs...)
	if err != nil {
		return "", err
	}
	defer srv.stop()
	if !hasPprof(ctx, srv.metricsAddr) {
		return "", errNoPprof
	}
	if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
		return "", err
	}
	file := filepath.Join(c.profileDir, fmt.Sprintf("%s-%s.cpu.pprof", q.Name, path))
	seconds := int(math.Ceil(measured.Seconds()))
	done := make(chan error, 1)
	start := func() {
		go func() { done <- fetchProfile(ctx, srv.metricsAddr, seconds, file) }()
	}
	if _, err := c.runView(ctx, srv, q, path, ExpectedRecords(q.Scans, c.events), start); err != nil {
		return "", err
	}
	return file, <-done
}

var errNoPprof = fmt.Errorf("the server has no /debug/pprof endpoint on its metrics address; profiling skipped")

func hasPprof(ctx context.Context, addr string) bool {
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/debug/pprof/", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func fetchProfile(ctx context.Context, addr string, seconds int, file string) error {
	return fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, seconds), seconds, file)
}

// fetch writes what url answers into file, allowing seconds for the answer to be ready.
func fetch(ctx context.Context, url string, seconds int, file string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+30)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s: %s: %s", url, resp.Status, b)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
