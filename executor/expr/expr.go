// Package expr evaluates bound, typed scalar expressions over chunks, and owns SQL's typing rules:
// operator and function overloads, implicit and explicit casts, and the common type of a set of
// expressions. The planner builds expressions only through the constructors here, so every Expr is
// well typed by construction.
package expr

import (
	"time"

	"github.com/runnel-db/runnel/types"
)

// Expr is a bound expression. Eval returns one datum per row of the chunk; the returned slice may be
// a column of the chunk itself or a buffer reused by the next Eval, so callers copy what they keep.
type Expr interface {
	Type() types.Type
	Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error)
	String() string
}

// Context is what evaluation needs from the statement or stream it runs in.
type Context struct {
	// Location is the session TimeZone (timestamptz formatting, casts between timestamp kinds).
	Location *time.Location
	// Now is the statement's start time: now() and current_timestamp are stable within a statement.
	Now time.Time
	// Params are the values of $1, $2...
	Params []types.Datum
	// Session is the connection's identity for current_user, current_setting() and friends; nil gives
	// PostgreSQL-like defaults, so stream actors need not fill it.
	Session *Session
}

// Session describes the connection for the pg_catalog compatibility functions.
type Session struct {
	Database   string // current_database(); "dev" when empty
	User       string // current_user, session_user; "root" when empty
	Schema     string // current_schema(); "public" when empty
	BackendPID int32  // pg_backend_pid()
	// StartTime is the server start, for pg_postmaster_start_time().
	StartTime time.Time
	// Version is Runnel's version, appended to version()'s "PostgreSQL 13.14.0-Runnel-".
	Version string
	// Setting returns a run-time parameter for current_setting(); nil means none are known.
	Setting func(name string) (string, error)
	// TxID returns the next transaction id for txid_current(); nil gives a per-process counter.
	TxID func() int64
	// RegclassOID resolves a relation name for 'name'::regclass; nil makes such casts fail with 42P01.
	RegclassOID func(name string) (uint32, error)
	// RegclassName names a relation for regclass::text as PostgreSQL prints it: quoted where
	// needed and schema-qualified when the schema is not on the search path; "" (or nil) when no
	// relation has the OID, which then prints as a number.
	RegclassName func(oid uint32) string
	// IndexDef, ConstraintDef and ViewDef give pg_get_indexdef, pg_get_constraintdef and
	// pg_get_viewdef their text; nil, or false, makes them NULL as for an OID that names nothing.
	IndexDef      func(oid uint32) (string, bool)
	ConstraintDef func(oid uint32) (string, bool)
	ViewDef       func(oid uint32) (string, bool)
	// TableVisible is pg_table_is_visible: whether a relation's schema is on the search path. nil
	// makes every relation visible.
	TableVisible func(oid uint32) bool
	// Description is obj_description(oid, classname); classname is "" for the one-argument form.
	Description func(oid uint32, classname string) (string, bool)
}
