package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	defaults := serveConfig{
		Listen:          defaultListen,
		DataDir:         defaultDataDir,
		MetricsAddr:     defaultMetricsAddr,
		BarrierInterval: time.Second,
		CacheSize:       256 << 20,
		LogLevel:        slog.LevelInfo,
	}
	with := func(f func(*serveConfig)) serveConfig {
		c := defaults
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantCmd command
		want    serveConfig
		wantErr string // substring; "" means success
	}{
		{name: "no command means serve", args: nil, wantCmd: cmdServe, want: defaults},
		{name: "serve defaults", args: []string{"serve"}, wantCmd: cmdServe, want: defaults},
		{name: "flags without command", args: []string{"--data-dir", "/tmp/x"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.DataDir = "/tmp/x" })},
		{name: "version", args: []string{"version"}, wantCmd: cmdVersion},
		{name: "version with args", args: []string{"version", "x"}, wantErr: "no arguments"},
		{name: "help", args: []string{"serve", "-h"}, wantCmd: cmdHelp},
		{name: "unknown command", args: []string{"playgroud"}, wantErr: `unknown command "playgroud"`},
		{name: "unknown flag", args: []string{"serve", "--nope"}, wantErr: "not defined"},
		{name: "stray argument", args: []string{"serve", "extra"}, wantErr: "unexpected arguments"},
		{name: "all flags", args: []string{"serve", "--listen=127.0.0.1:5000", "--data-dir=d",
			"--metrics-addr=127.0.0.1:9000", "--password=pw", "--barrier-interval=250ms",
			"--cache-size=1GiB", "--log-level=debug"}, wantCmd: cmdServe,
			want: serveConfig{Listen: "127.0.0.1:5000", DataDir: "d", MetricsAddr: "127.0.0.1:9000",
				Password: "pw", BarrierInterval: 250 * time.Millisecond, CacheSize: 1 << 30,
				LogLevel: slog.LevelDebug}},
		{name: "metrics disabled", args: []string{"--metrics-addr="}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.MetricsAddr = "" })},
		{name: "password from env", env: map[string]string{"RUNNEL_PASSWORD": "secret"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.Password = "secret" })},
		{name: "flag beats env", args: []string{"--password", "flag"}, env: map[string]string{"RUNNEL_PASSWORD": "env"},
			wantCmd: cmdServe, want: with(func(c *serveConfig) { c.Password = "flag" })},
		{name: "public without password", args: []string{"--listen", "0.0.0.0:4566"}, wantErr: "refusing to listen"},
		{name: "all interfaces without password", args: []string{"--listen", ":4566"}, wantErr: "refusing to listen"},
		{name: "public with password", args: []string{"--listen", "0.0.0.0:4566", "--password", "x"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.Listen = "0.0.0.0:4566"; c.Password = "x" })},
		{name: "public with env password", args: []string{"--listen", "0.0.0.0:4566"},
			env: map[string]string{"RUNNEL_PASSWORD": "x"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.Listen = "0.0.0.0:4566"; c.Password = "x" })},
		{name: "public insecure", args: []string{"--listen", "0.0.0.0:4566", "--insecure"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.Listen = "0.0.0.0:4566"; c.Insecure = true })},
		{name: "localhost is loopback", args: []string{"--listen", "localhost:4566"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.Listen = "localhost:4566" })},
		{name: "ipv6 loopback", args: []string{"--listen", "[::1]:4566"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.Listen = "[::1]:4566" })},
		{name: "bad listen", args: []string{"--listen", "4566"}, wantErr: "--listen"},
		{name: "bad port", args: []string{"--listen", "127.0.0.1:99999"}, wantErr: "bad port"},
		{name: "bad metrics addr", args: []string{"--metrics-addr", "nope"}, wantErr: "--metrics-addr"},
		{name: "bad cache size", args: []string{"--cache-size", "lots"}, wantErr: "bad size"},
		{name: "memory limit", args: []string{"--memory-limit", "2GiB"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.MemoryLimit = 2 << 30 })},
		{name: "memory limit off", args: []string{"--memory-limit", "off"}, wantCmd: cmdServe,
			want: with(func(c *serveConfig) { c.MemoryLimit = -1 })},
		{name: "memory limit zero", args: []string{"--memory-limit", "0"}, wantErr: "positive size or off"},
		{name: "bad log level", args: []string{"--log-level", "chatty"}, wantErr: "--log-level"},
		{name: "zero barrier", args: []string{"--barrier-interval", "0s"}, wantErr: "must be positive"},
		{name: "empty data dir", args: []string{"--data-dir", ""}, wantErr: "--data-dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			cmd, cfg, err := parseArgs(tt.args, getenv, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseArgs(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseArgs(%q): %v", tt.args, err)
			}
			if cmd != tt.wantCmd {
				t.Errorf("command = %v, want %v", cmd, tt.wantCmd)
			}
			if cmd == cmdServe && cfg != tt.want {
				t.Errorf("config =\n  %+v\nwant\n  %+v", cfg, tt.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"0", 0, false},
		{"1024", 1024, false},
		{"512MiB", 512 << 20, false},
		{"1GiB", 1 << 30, false},
		{"1gib", 1 << 30, false},
		{"64KiB", 64 << 10, false},
		{"2K", 2 << 10, false},
		{"100MB", 100_000_000, false},
		{"1GB", 1_000_000_000, false},
		{"1 GiB", 1 << 30, false},
		{"10B", 10, false},
		{"", 0, true},
		{"GiB", 0, true},
		{"1.5GiB", 0, true},
		{"-1", 0, true},
		{"12XB", 0, true},
		{"99999999999TiB", 0, true},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseSize(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("parseSize(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestGoMemoryLimit(t *testing.T) {
	tests := []struct {
		name string
		cfg  serveConfig
		want int64
	}{
		// 2 x 256 MiB + 256 MiB, less Pebble's 64 MiB block cache and 64 MiB of memtables.
		{"default", serveConfig{CacheSize: 256 << 20}, 640 << 20},
		{"explicit", serveConfig{CacheSize: 256 << 20, MemoryLimit: 4 << 30}, 4<<30 - 128<<20},
		{"off", serveConfig{CacheSize: 256 << 20, MemoryLimit: -1}, 0},
		{"playground keeps its broker's topics in the heap", serveConfig{CacheSize: 256 << 20, KafkaAddr: "127.0.0.1:9092"}, 0},
		{"playground with an explicit limit", serveConfig{CacheSize: 256 << 20, KafkaAddr: "127.0.0.1:9092", MemoryLimit: 1 << 30}, 1<<30 - 128<<20},
		{"never below 64 MiB", serveConfig{CacheSize: 1 << 30, MemoryLimit: 100 << 20}, 64 << 20},
	}
	for _, tc := range tests {
		if got := goMemoryLimit(tc.cfg); got != tc.want {
			t.Errorf("%s: goMemoryLimit = %d MiB, want %d MiB", tc.name, got>>20, tc.want>>20)
		}
	}
}
