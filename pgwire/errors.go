package pgwire

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/runnel-db/runnel/pgerr"
)

// errCanceled is what a query interrupted by a CancelRequest reports, whatever the session returned.
var errCanceled = pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")

// errorResponse converts any error into the message the client sees.
func errorResponse(err error, severity string) *pgproto3.ErrorResponse {
	e := pgerr.As(err)
	if severity == "" {
		severity = e.Severity
	}
	if severity == "" {
		severity = "ERROR"
	}
	return &pgproto3.ErrorResponse{
		Severity:            severity,
		SeverityUnlocalized: severity,
		Code:                e.Code,
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            int32(e.Position),
	}
}

// errShutdown is the cause of the queries cut short by Server.Close.
var errShutdown = pgerr.New(pgerr.AdminShutdown, "terminating connection due to administrator command")

// queryError turns the error of a statement run under ctx into the one to report: a statement
// stopped by a CancelRequest fails with 57014 even if the session returned a bare context error
// (the reason travels as the context's cause).
func queryError(ctx context.Context, err error) error {
	var fatal fatalError
	if ctx.Err() == nil || errors.As(err, &fatal) {
		return err
	}
	var cause *pgerr.Error
	if errors.As(context.Cause(ctx), &cause) && (errors.Is(err, context.Canceled) || pgerr.Code(err) == pgerr.InternalError) {
		return cause
	}
	return err
}

// panicError is the error reported to the client for a panic in the session.
func panicError(v any) *pgerr.Error {
	return pgerr.New(pgerr.InternalError, "internal error: %v", v)
}

func protocolError(format string, args ...any) *pgerr.Error {
	return pgerr.New(pgerr.ProtocolViolation, format, args...)
}
