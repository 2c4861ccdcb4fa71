package pgwire

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgerr"
)

// conn is one client connection. Everything but cancelRunning runs on the connection's goroutine.
type conn struct {
	srv     *Server
	nc      net.Conn
	be      *pgproto3.Backend // reads messages once the startup packet is done
	w       *writer
	log     *slog.Logger
	ctx     context.Context
	user    string
	counted bool // counted in Server.sessions

	pid    uint32
	secret [4]byte
	sess   Session

	stmts   map[string]*prepared
	portals map[string]*portal
	// ignoreTillSync is set after an error in the extended protocol: PostgreSQL discards messages
	// up to the next Sync so that a pipelined batch stops at its first failure.
	ignoreTillSync bool

	mu          sync.Mutex
	cancelQuery context.CancelCauseFunc // of the statement running now, nil when idle
}

// fatalError ends the connection after the client is told (08P01 and the like).
type fatalError struct{ err error }

func (e fatalError) Error() string { return e.err.Error() }
func (e fatalError) Unwrap() error { return e.err }

func newConn(s *Server, nc net.Conn) *conn {
	return &conn{
		srv:     s,
		nc:      nc,
		w:       newWriter(nc),
		log:     s.log.With("remote", nc.RemoteAddr().String()),
		ctx:     s.ctx,
		stmts:   map[string]*prepared{},
		portals: map[string]*portal{},
	}
}

func (c *conn) serve() {
	defer c.srv.forget(c)
	defer c.nc.Close()
	c.log.Debug("pgwire: connection opened")
	err := c.run()
	c.closeAll()
	if c.sess != nil {
		c.safely(func() error { c.sess.Close(); return nil })
	}
	if c.counted {
		c.srv.sessions.Add(-1)
		metrics.PgwireConnections.Dec()
	}
	switch {
	case err == nil, errors.Is(err, errCancelHandled):
		c.log.Debug("pgwire: connection closed")
	case isDisconnect(err):
		c.log.Debug("pgwire: connection lost", "err", err)
	default:
		c.log.Warn("pgwire: connection failed", "err", err)
	}
}

// run performs the handshake and then serves messages until Terminate, a fatal error or EOF.
func (c *conn) run() error {
	if err := c.safely(c.handshake); err != nil {
		c.sendFatal(err)
		return err
	}
	for {
		msg, err := c.be.Receive()
		if err != nil {
			if isDisconnect(err) || c.ctx.Err() != nil {
				return nil
			}
			err = protocolError("invalid frontend message: %v", err)
			c.sendFatal(err)
			return err
		}
		if _, ok := msg.(*pgproto3.Terminate); ok {
			return nil
		}
		if err := c.handle(msg); err != nil {
			c.sendFatal(err)
			return err
		}
		if c.w.err != nil {
			return c.w.err
		}
	}
}

// handle serves one message. Statement errors are reported here; only fatal ones are returned.
func (c *conn) handle(msg pgproto3.FrontendMessage) error {
	if c.ignoreTillSync {
		if _, ok := msg.(*pgproto3.Sync); !ok {
			return nil
		}
	}
	err := c.safely(func() error { return c.dispatch(msg) })
	if err == nil {
		return nil
	}
	var fatal fatalError
	if errors.As(err, &fatal) {
		return fatal.err
	}
	c.reportError(err)
	if _, ok := msg.(*pgproto3.Query); ok {
		c.readyForQuery()
		return nil
	}
	c.ignoreTillSync = true
	return nil
}

func (c *conn) dispatch(msg pgproto3.FrontendMessage) error {
	switch m := msg.(type) {
	case *pgproto3.Query:
		return c.simpleQuery(m.String)
	case *pgproto3.Parse:
		return c.parse(m)
	case *pgproto3.Bind:
		return c.bind(m)
	case *pgproto3.Describe:
		return c.describe(m)
	case *pgproto3.Execute:
		return c.execute(m)
	case *pgproto3.Close:
		return c.closeObject(m)
	case *pgproto3.Sync:
		c.sync()
		return c.w.flush()
	case *pgproto3.Flush:
		return c.w.flush()
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// PostgreSQL ignores these outside COPY so that a client aborting a COPY can resync.
		return nil
	case *pgproto3.FunctionCall:
		return pgerr.Unsupported("fastpath function calls are not supported")
	}
	return fatalError{protocolError("unexpected message type %T", msg)}
}

// safely runs f, turning a panic into an XX000 error and logging its stack. (A panic while a
// DataRow is being encoded leaves no half message behind: the writer commits a row only when whole.)
func (c *conn) safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Warn("pgwire: panic in session", "panic", r, "stack", string(debug.Stack()))
			err = panicError(r)
		}
	}()
	return f()
}

func (c *conn) reportError(err error) {
	e := pgerr.As(err)
	metrics.QueryError(e.Code)
	if e.Code == pgerr.InternalError || e.Code == pgerr.ProtocolViolation {
		c.log.Warn("pgwire: statement failed", "code", e.Code, "err", err)
	} else {
		c.log.Debug("pgwire: statement failed", "code", e.Code, "err", err)
	}
	c.w.send(errorResponse(err, ""))
}

// sendFatal tells the client why its connection ends, when it is still there to hear it.
func (c *conn) sendFatal(err error) {
	if errors.Is(err, errCancelHandled) || isDisconnect(err) {
		return
	}
	var pe *pgerr.Error
	if !errors.As(err, &pe) {
		return // an I/O failure: nobody to tell
	}
	metrics.QueryError(pgerr.As(err).Code)
	c.w.send(errorResponse(err, "FATAL"))
	_ = c.w.flush()
}

func isDisconnect(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// txStatuser is an optional Session extension: a session that knows about transactions reports
// 'I' (idle), 'T' (in a transaction) or 'E' (in a failed transaction) for ReadyForQuery.
type txStatuser interface{ TxStatus() byte }

func (c *conn) readyForQuery() {
	status := byte('I')
	if ts, ok := c.sess.(txStatuser); ok {
		status = ts.TxStatus()
	}
	c.w.send(&pgproto3.ReadyForQuery{TxStatus: status})
	_ = c.w.flush()
}

// running makes cancel the target of CancelRequests while a statement runs (nil when idle).
func (c *conn) running(cancel context.CancelCauseFunc) {
	c.mu.Lock()
	c.cancelQuery = cancel
	c.mu.Unlock()
}

// statementContext returns a context for a statement the client may cancel, and its release.
func (c *conn) statementContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(c.ctx)
	c.running(cancel)
	return ctx, func() {
		c.running(nil)
		cancel(nil)
	}
}

// cancelRunning is called from the goroutine of a CancelRequest connection.
func (c *conn) cancelRunning() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancelQuery != nil {
		c.cancelQuery(errCanceled)
	}
}

// Notice implements Client.
func (c *conn) Notice(severity, code, message string) {
	c.w.send(&pgproto3.NoticeResponse{Severity: severity, SeverityUnlocalized: severity, Code: code, Message: message})
}

// ParameterStatus implements Client.
func (c *conn) ParameterStatus(name, value string) {
	c.w.send(&pgproto3.ParameterStatus{Name: name, Value: value})
}
