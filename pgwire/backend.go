// Package pgwire speaks the PostgreSQL frontend/backend protocol (version 3) on top of pgproto3. It
// knows messages, formats and type OIDs, not SQL: every statement goes to a Session from the Backend.
package pgwire

import (
	"context"
	"time"

	"github.com/runnel-db/runnel/types"
)

// Backend is the database behind the wire: it opens a Session per authenticated connection.
type Backend interface {
	// NewSession starts a session for a connection that passed authentication. It fails with a
	// *pgerr.Error (3D000 for an unknown database, 28000 for an unknown user) to refuse the connection.
	NewSession(ctx context.Context, s Startup, c Client) (Session, error)
}

// Startup is what the client sent in its StartupMessage.
type Startup struct {
	User     string
	Database string
	// Params holds every other startup parameter (application_name, client_encoding, DateStyle,
	// options...), keys as sent.
	Params map[string]string
}

// Client is what a session may send to its client between results.
type Client interface {
	// Notice sends a NoticeResponse (severity "NOTICE", "WARNING", "INFO"...).
	Notice(severity, code, message string)
	// ParameterStatus reports a changed run-time parameter (after SET TimeZone, SET application_name...).
	ParameterStatus(name, value string)
}

// Session is one client's view of the database. pgwire calls it from one goroutine at a time, except
// that the context passed to Prepare and Execute is cancelled by a CancelRequest from another
// connection.
type Session interface {
	// ParameterStatuses returns the run-time parameters to report after authentication
	// (server_version, server_encoding, client_encoding, DateStyle, TimeZone, integer_datetimes,
	// standard_conforming_strings, application_name, IntervalStyle, is_superuser, session_authorization).
	ParameterStatuses() map[string]string
	// Split cuts a simple-protocol query string into statement texts, without planning them (later
	// statements may depend on earlier ones). An empty result means an empty query.
	Split(query string) ([]string, error)
	// Prepare parses and plans one statement. paramOIDs are the types the client declared, 0 meaning
	// unspecified; the statement reports the types it inferred. A query string with more than one
	// statement is a 42601 error.
	Prepare(ctx context.Context, query string, paramOIDs []uint32) (Statement, error)
	// Location returns the session's TimeZone, for formatting timestamptz values.
	Location() *time.Location
	// Close releases the session's resources when its connection ends.
	Close()
}

// Statement is a prepared statement.
type Statement interface {
	// ParamTypes returns the type of each $n parameter.
	ParamTypes() []types.Type
	// Columns returns the result columns, or nil for a statement that returns no rows.
	Columns() []Column
	// Execute runs the statement with the given parameter values (already decoded to their types).
	Execute(ctx context.Context, params []types.Datum) (Rows, error)
}

// Column describes one result column for RowDescription.
type Column struct {
	Name     string
	Type     types.Type
	TableOID uint32 // 0 when the column is not a plain table column
	Attr     int16  // column number in that table, 0 otherwise
}

// Rows is the result of executing a statement. pgwire reads it to the end, or in parts when the client
// asked for a row limit (the portal is then suspended and resumed later), and closes it.
type Rows interface {
	// Next returns the next row, or nil at the end. The row may be reused after the next call.
	Next(ctx context.Context) (types.Row, error)
	// Tag returns the CommandComplete tag ("SELECT 3", "INSERT 0 1", "CREATE_TABLE"...); valid after
	// Next returned nil.
	Tag() string
	// Close releases the result; it may be called before the end.
	Close()
}

// CopyOutRows is the Rows of a COPY ... TO STDOUT. Instead of DataRows, pgwire sends
// CopyOutResponse, then each row's single value (one or more whole lines, already in the COPY text or
// csv format) as a CopyData message, then CopyDone and the tag. The Statement has no Columns, as in
// PostgreSQL, where COPY sends no RowDescription.
type CopyOutRows interface {
	Rows
	// CopyColumns returns how many columns each copied line has, for CopyOutResponse.
	CopyColumns() int
}
