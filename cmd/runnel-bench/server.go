package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// server is one `runnel serve` process on free loopback ports and a data directory of its own:
// every measured run starts from nothing, so no run pays for (or profits from) another's state.
type server struct {
	cmd         *exec.Cmd
	dataDir     string
	addr        string
	metricsAddr string
	logs        *tail
	exited      chan struct{}
}

func startServer(ctx context.Context, bin string, args ...string) (*server, error) {
	dir, err := os.MkdirTemp("", "runnel-bench-")
	if err != nil {
		return nil, err
	}
	s := &server{dataDir: dir, logs: &tail{max: 64 << 10}, exited: make(chan struct{})}
	if s.addr, err = freePort(); err == nil {
		s.metricsAddr, err = freePort()
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.cmd = exec.Command(bin, append([]string{"serve", "--listen", s.addr, "--data-dir", dir,
		"--metrics-addr", s.metricsAddr, "--log-level", "warn"}, args...)...)
	// The server dies with the harness, so an interrupted run leaves no process holding ports.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s.cmd.Stderr = s.logs
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := sync.Once{}
		for sc.Scan() {
			fmt.Fprintln(s.logs, sc.Text())
			if strings.HasPrefix(sc.Text(), "runnel: listening on ") {
				once.Do(func() { close(ready) })
			}
		}
		s.cmd.Wait()
		close(s.exited)
	}()
	select {
	case <-ready:
		return s, nil
	case <-s.exited:
		err = fmt.Errorf("server exited before it was ready:\n%s", s.logs.String())
	case <-time.After(60 * time.Second):
		err = fmt.Errorf("server not ready after 60s")
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.stop()
	return nil, err
}

func (s *server) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig("postgres://root@" + s.addr + "/dev?sslmode=disable")
	if err != nil {
		return nil, err
	}
	// DDL and FLUSH need no statement cache, and the simple protocol sends the text as written.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	return pgx.ConnectConfig(ctx, cfg)
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func (s *server) peakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	return ParseVmHWM(string(b))
}

// ParseVmHWM reads the VmHWM line of /proc/<pid>/status ("VmHWM:   123456 kB").
func ParseVmHWM(status string) (int64, error) {
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("unexpected VmHWM line %q", line)
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in status")
}

// stop ends the server (SIGTERM, then SIGKILL after 20 s: a slow shutdown is not what is measured)
// and removes its data.
func (s *server) stop() {
	select {
	case <-s.exited:
	default:
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(20 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	os.RemoveAll(s.dataDir)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tail keeps the last max bytes of the server's output, shown when a run fails.
type tail struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
