package pgwire

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Server.
type Config struct {
	// Password, when set, is required from every client through SCRAM-SHA-256; "" trusts everyone.
	Password string
	// Logger receives connection events (Debug) and errors (Warn); nil discards them.
	Logger *slog.Logger
	// MaxConnections bounds the concurrent client sessions; 0 means 1000.
	MaxConnections int
}

// Server accepts PostgreSQL clients and serves each one with a Session from the Backend.
type Server struct {
	cfg     Config
	backend Backend
	log     *slog.Logger
	scram   *scramVerifier // nil in trust mode

	// ctx is the parent of every connection's context; Close cancels it.
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	byPID     map[uint32]*conn // connections that sent BackendKeyData, for CancelRequest
	nextPID   uint32
	sessions  atomic.Int64 // connections past the startup packet, counted against MaxConnections
	wg        sync.WaitGroup
}

// NewServer returns a server for backend b; call Serve to start accepting connections.
func NewServer(cfg Config, b Backend) *Server {
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 1000
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:       cfg,
		backend:   b,
		log:       log,
		listeners: map[net.Listener]struct{}{},
		conns:     map[*conn]struct{}{},
		byPID:     map[uint32]*conn{},
	}
	if cfg.Password != "" {
		s.scram = newSCRAMVerifier(cfg.Password)
	}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	return s
}

// Serve accepts connections on ln until Close is called (then it returns nil) or ln fails.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()

	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Out of file descriptors and the like: wait rather than spin or give up.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("pgwire: accept failed, retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("accept: %w", err)
		}
		backoff = 0
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return nil
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve()
		}()
	}
}

// Close stops accepting connections, closes the open ones (cancelling their running queries) and
// waits for their goroutines to finish.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	var errs []error
	for ln := range s.listeners {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("close listener: %w", err))
		}
	}
	s.cancel(errShutdown)
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}

// ConnCount returns the number of client sessions currently connected (cancel requests and
// connections still negotiating SSL are not counted).
func (s *Server) ConnCount() int { return int(s.sessions.Load()) }

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// register gives c a process id for BackendKeyData and makes it reachable by CancelRequest.
func (s *Server) register(c *conn) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		s.nextPID++
		if s.nextPID != 0 && s.byPID[s.nextPID] == nil {
			break
		}
	}
	s.byPID[s.nextPID] = c
	return s.nextPID
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if c.pid != 0 && s.byPID[c.pid] == c {
		delete(s.byPID, c.pid)
	}
}

// cancelQuery handles a CancelRequest: a wrong pid or secret is ignored silently, as PostgreSQL does,
// so that a stranger learns nothing.
func (s *Server) cancelQuery(pid uint32, secret []byte) {
	s.mu.Lock()
	c := s.byPID[pid]
	s.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare(c.secret[:], secret) != 1 {
		s.log.Debug("pgwire: cancel request for unknown process", "pid", pid)
		return
	}
	s.log.Debug("pgwire: cancel request", "pid", pid)
	c.cancelRunning()
}
