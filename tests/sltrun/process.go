package sltrun

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyPrefix is the line `runnel serve` prints on stdout once it accepts connections.
const readyPrefix = "runnel: listening on "

// Process is a runnel server started by a test, on a data directory the test owns.
type Process struct {
	Binary  string
	DataDir string
	Args    []string // extra serve flags

	addr, metricsAddr string
	cmd               *exec.Cmd
	exited            chan struct{}
	waitErr           error
	logs              *tailBuffer
}

// StartProcess starts `binary serve` on free loopback ports and waits until it is ready.
func StartProcess(ctx context.Context, binary, dataDir string, args ...string) (*Process, error) {
	p := &Process{Binary: binary, DataDir: dataDir, Args: args, logs: newTailBuffer(256 << 10)}
	if err := p.start(ctx, false); err != nil {
		return nil, err
	}
	return p, nil
}

// Addr is where clients connect.
func (p *Process) Addr() string { return p.addr }

// MetricsAddr is where /metrics is served.
func (p *Process) MetricsAddr() string { return p.metricsAddr }

// Logs returns the tail of the server's stdout and stderr across all its restarts.
func (p *Process) Logs() string { return p.logs.String() }

// start launches the server. Ports are picked by binding :0 and releasing, which can race with
// another test grabbing the same port in between; a bind failure therefore retries on new ports.
// A restart first tries the previous ports, as a client reconnecting to the same address would.
func (p *Process) start(ctx context.Context, samePorts bool) error {
	var lastErr error
	for attempt := 0; attempt < 4; attempt++ {
		if !samePorts || attempt > 0 || p.addr == "" {
			a, err := freePort()
			if err != nil {
				return err
			}
			m, err := freePort()
			if err != nil {
				return err
			}
			p.addr, p.metricsAddr = a, m
		}
		err := p.startOnce(ctx)
		if err == nil {
			return nil
		}
		lastErr = err
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return lastErr
}

func (p *Process) startOnce(ctx context.Context) error {
	args := append([]string{"serve", "--listen", p.addr, "--data-dir", p.DataDir,
		"--metrics-addr", p.metricsAddr}, p.Args...)
	cmd := exec.Command(p.Binary, args...)
	cmd.SysProcAttr = sysProcAttr()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("pipe server stdout: %w", err)
	}
	cmd.Stderr = p.logs
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.Binary, err)
	}
	fmt.Fprintf(p.logs, "=== started pid %d: %s\n", cmd.Process.Pid, strings.Join(cmd.Args, " "))
	p.cmd = cmd
	p.exited = make(chan struct{})

	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(p.logs, line)
			if !signalled && strings.HasPrefix(line, readyPrefix) {
				signalled = true
				close(ready)
			}
		}
		// Drain so the server never blocks on a full pipe; Wait must come after the reads end.
		io.Copy(p.logs, stdout)
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()

	timer := time.NewTimer(60 * time.Second)
	defer timer.Stop()
	select {
	case <-ready:
		return nil
	case <-p.exited:
		return fmt.Errorf("server exited before it was ready (%v):\n%s", p.waitErr, p.logs.Tail(4<<10))
	case <-timer.C:
		p.kill()
		return fmt.Errorf("server not ready after 60s:\n%s", p.logs.Tail(4<<10))
	case <-ctx.Done():
		p.kill()
		return ctx.Err()
	}
}

func (p *Process) kill() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Kill()
	<-p.exited
}

// Stop shuts the server down with SIGTERM and waits; a server that takes longer than 30s is killed
// and reported. An exit status other than 0 is an error: a clean shutdown is part of what is tested.
func (p *Process) Stop() error {
	if p.cmd == nil {
		return nil
	}
	select {
	case <-p.exited:
		return fmt.Errorf("server had already exited (%v)", exitStatus(p.waitErr))
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("signal server: %w", err)
	}
	select {
	case <-p.exited:
		if p.waitErr != nil {
			return fmt.Errorf("server exited uncleanly after SIGTERM: %w", p.waitErr)
		}
		return nil
	case <-time.After(30 * time.Second):
		p.kill()
		return errors.New("server did not stop within 30s of SIGTERM; killed it")
	}
}

func exitStatus(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// Kill ends the server with SIGKILL, as a crash would.
func (p *Process) Kill() {
	fmt.Fprintf(p.logs, "=== SIGKILL\n")
	p.kill()
}

// Restart implements Server.
func (p *Process) Restart(ctx context.Context, kill bool) error {
	if kill {
		p.Kill()
	} else {
		fmt.Fprintf(p.logs, "=== SIGTERM (restart)\n")
		if err := p.Stop(); err != nil {
			return fmt.Errorf("stop: %w", err)
		}
	}
	return p.start(ctx, true)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tailBuffer keeps the last max bytes written to it: server logs are only read on failure, and a
// long test must not hold all of them.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Tail returns at most n bytes from the end.
func (t *tailBuffer) Tail(n int) string {
	s := t.String()
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}
