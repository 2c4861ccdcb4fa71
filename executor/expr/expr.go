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
}
