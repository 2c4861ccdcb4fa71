package pgwire

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgerr"
)

// Special codes sent in place of a protocol version in the startup packet.
const (
	cancelRequestCode = 80877102
	sslRequestCode    = 80877103
	gssEncRequestCode = 80877104
	// maxStartupPacket is PostgreSQL's MAX_STARTUP_PACKET_LENGTH.
	maxStartupPacket = 10000
	// startupTimeout is PostgreSQL's authentication_timeout: a client that connects and says
	// nothing must not hold a goroutine forever.
	startupTimeout = time.Minute
)

// errCancelHandled ends a connection that only carried a CancelRequest.
var errCancelHandled = errors.New("cancel request handled")

// readStartup reads startup packets until the real StartupMessage, refusing SSL and GSS encryption
// on the way, and handles a CancelRequest. It reads the packets itself rather than through
// pgproto3.Backend so that an unsupported protocol version gets a proper error, not a decode failure.
func (c *conn) readStartup() (Startup, error) {
	for {
		body, err := c.readStartupPacket()
		if err != nil {
			return Startup{}, err
		}
		code := binary.BigEndian.Uint32(body)
		switch code {
		case sslRequestCode, gssEncRequestCode:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return Startup{}, fmt.Errorf("refuse encryption: %w", err)
			}
			continue
		case cancelRequestCode:
			var req pgproto3.CancelRequest
			if err := req.Decode(body); err != nil {
				return Startup{}, protocolError("invalid cancel request: %v", err)
			}
			c.srv.cancelQuery(req.ProcessID, req.SecretKey)
			return Startup{}, errCancelHandled
		}
		major, minor := code>>16, code&0xFFFF
		if major != 3 {
			return Startup{}, pgerr.New(pgerr.FeatureNotSupported,
				"unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor)
		}
		return c.parseStartup(minor, body[4:])
	}
}

func (c *conn) readStartupPacket() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(c.nc, hdr[:]); err != nil {
		return nil, fmt.Errorf("read startup packet: %w", err)
	}
	n := int(int32(binary.BigEndian.Uint32(hdr[:]))) - 4
	if n < 4 || n > maxStartupPacket {
		return nil, protocolError("invalid length of startup packet")
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c.nc, body); err != nil {
		return nil, fmt.Errorf("read startup packet: %w", err)
	}
	return body, nil
}

// parseStartup decodes the name/value pairs of a StartupMessage. A newer 3.x minor version or
// protocol options (_pq_.*) are answered with NegotiateProtocolVersion, as PostgreSQL does, and the
// connection goes on in 3.0.
func (c *conn) parseStartup(minor uint32, b []byte) (Startup, error) {
	st := Startup{Params: map[string]string{}}
	var unknownOpts []string
	for len(b) > 0 && b[0] != 0 {
		k, rest, ok := bytes.Cut(b, []byte{0})
		if !ok {
			return st, protocolError("invalid startup packet layout: expected terminator as last byte")
		}
		v, rest, ok := bytes.Cut(rest, []byte{0})
		if !ok {
			return st, protocolError("invalid startup packet layout: expected terminator as last byte")
		}
		b = rest
		switch key := string(k); {
		case key == "user":
			st.User = string(v)
		case key == "database":
			st.Database = string(v)
		case strings.HasPrefix(key, "_pq_."):
			unknownOpts = append(unknownOpts, key)
		default:
			st.Params[key] = string(v)
		}
	}
	if st.User == "" {
		st.User = "root"
	}
	if st.Database == "" {
		st.Database = st.User
	}
	if minor > 0 || len(unknownOpts) > 0 {
		c.w.send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unknownOpts})
	}
	return st, nil
}

// handshake takes a connection from its first byte to ReadyForQuery: startup packet, connection
// limit, authentication, session, parameter reports and key data.
func (c *conn) handshake() error {
	c.nc.SetDeadline(time.Now().Add(startupTimeout))
	st, err := c.readStartup()
	if err != nil {
		return err
	}
	c.counted = true
	metrics.PgwireConnections.Inc()
	metrics.PgwireConnectionsTotal.Inc()
	if n := c.srv.sessions.Add(1); n > int64(c.srv.cfg.MaxConnections) {
		return pgerr.New(pgerr.TooManyConnections, "sorry, too many clients already")
	}
	c.user = st.User
	c.log = c.log.With("user", st.User, "database", st.Database)
	c.be = pgproto3.NewBackend(c.nc, nil)
	c.be.SetMaxBodyLen(1 << 30) // PostgreSQL's MaxAllocSize

	if v := c.srv.scram; v != nil {
		if err := c.authenticateSCRAM(v); err != nil {
			if errors.Is(err, errBadPassword) {
				return pgerr.New(pgerr.InvalidPassword, "password authentication failed for user %q", st.User)
			}
			return err
		}
	}
	c.w.send(&pgproto3.AuthenticationOk{})
	c.nc.SetDeadline(time.Time{})

	sess, err := c.srv.backend.NewSession(c.ctx, st, c)
	if err != nil {
		// pgerr.As so that even a plain error reaches the client (as XX000) before we hang up.
		return fmt.Errorf("new session: %w", pgerr.As(err))
	}
	c.sess = sess
	ps := sess.ParameterStatuses()
	for _, k := range slices.Sorted(maps.Keys(ps)) {
		c.w.send(&pgproto3.ParameterStatus{Name: k, Value: ps[k]})
	}
	// The secret is set before register publishes c to CancelRequest goroutines.
	rand.Read(c.secret[:])
	c.pid = c.srv.register(c)
	c.w.send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret[:]})
	c.readyForQuery()
	return c.w.flush()
}
