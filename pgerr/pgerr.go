// Package pgerr carries PostgreSQL SQLSTATE codes on Go errors, so that every layer can say what kind of
// failure it hit and pgwire can put the code in the ErrorResponse without knowing where it came from.
package pgerr

import (
	"errors"
	"fmt"
)

// SQLSTATE codes used across Runnel (PostgreSQL appendix A).
const (
	SuccessfulCompletion        = "00000"
	Warning                     = "01000"
	ConnectionException         = "08000"
	ProtocolViolation           = "08P01"
	FeatureNotSupported         = "0A000"
	InvalidCatalogName          = "3D000" // database does not exist
	InvalidSchemaName           = "3F000"
	CardinalityViolation        = "21000"
	DataException               = "22000"
	StringDataRightTruncation   = "22001"
	NumericValueOutOfRange      = "22003"
	NullValueNotAllowed         = "22004"
	InvalidDatetimeFormat       = "22007"
	DatetimeFieldOverflow       = "22008"
	InvalidTimeZone             = "22023" // invalid_parameter_value
	InvalidParameterValue       = "22023"
	DivisionByZero              = "22012"
	InvalidRegularExpression    = "2201B"
	InvalidTextRepresentation   = "22P02"
	InvalidBinaryRepresentation = "22P03"
	InvalidJSONText             = "22032"
	NotNullViolation            = "23502"
	UniqueViolation             = "23505"
	InvalidTransactionState     = "25000"
	NoActiveTransaction         = "25P01"
	InvalidAuthorization        = "28000"
	InvalidPassword             = "28P01"
	DependentObjectsStillExist  = "2BP01"
	InvalidCursorName           = "34000"
	SyntaxError                 = "42601"
	InsufficientPrivilege       = "42501"
	UndefinedColumn             = "42703"
	UndefinedFunction           = "42883"
	UndefinedTable              = "42P01"
	UndefinedParameter          = "42P02"
	UndefinedObject             = "42704"
	UndefinedPreparedStatement  = "26000"
	DuplicateColumn             = "42701"
	DuplicateObject             = "42710"
	DuplicateTable              = "42P07"
	DuplicatePreparedStatement  = "42P05"
	AmbiguousColumn             = "42702"
	AmbiguousFunction           = "42725"
	DatatypeMismatch            = "42804"
	GroupingError               = "42803"
	WindowingError              = "42P20"
	WrongObjectType             = "42809"
	InvalidColumnReference      = "42P10"
	IndeterminateDatatype       = "42P18"
	CannotCoerce                = "42846"
	InvalidName                 = "42602"
	QueryCanceled               = "57014"
	AdminShutdown               = "57P01"
	InternalError               = "XX000"
	DiskFull                    = "53100"
	OutOfMemory                 = "53200"
	TooManyConnections          = "53300"
	ConfigFileError             = "F0000"
	InvalidSQLStatementName     = "26000"
)

// Error is an error with a SQLSTATE. Message follows PostgreSQL's style: lower case, no final period.
type Error struct {
	Code     string
	Message  string
	Detail   string
	Hint     string
	Severity string // "ERROR" when empty
	Position int    // 1-based character position in the query text, 0 when unknown
	cause    error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// New returns an error with the given SQLSTATE and a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap gives err a SQLSTATE, keeping it as the cause. A message prefix may be given.
func Wrap(err error, code, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if msg == "" {
		msg = err.Error()
	} else {
		msg = msg + ": " + err.Error()
	}
	return &Error{Code: code, Message: msg, cause: err}
}

// WithDetail sets Detail and returns e, for chaining.
func (e *Error) WithDetail(format string, args ...any) *Error {
	e.Detail = fmt.Sprintf(format, args...)
	return e
}

// WithHint sets Hint and returns e, for chaining.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// Code returns the SQLSTATE of the first *Error in err's chain, or XX000 when there is none.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return InternalError
}

// As returns the first *Error in err's chain, or wraps err as an internal error.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: InternalError, Message: err.Error(), cause: err}
}

// Unsupported is the error for a feature Runnel does not have: SQLSTATE 0A000.
func Unsupported(format string, args ...any) *Error {
	return New(FeatureNotSupported, format, args...)
}
