package types

import (
	"strconv"
	"strings"
	"time"
)

// AppendText appends d in PostgreSQL's text output format for d's type (DateStyle ISO, IntervalStyle
// postgres, extra_float_digits 1), with timestamptz values shown in loc (UTC when nil). NULL appends
// nothing: the caller decides how NULL is shown.
func AppendText(buf []byte, d Datum, loc *time.Location) []byte {
	if d.t.IsArray() {
		return appendArrayText(buf, d, loc)
	}
	switch d.t {
	case Unknown:
		return buf
	case Bool:
		if d.i != 0 {
			return append(buf, 't')
		}
		return append(buf, 'f')
	case Int16, Int32, Int64, Oid, Regclass, Regtype:
		return strconv.AppendInt(buf, d.i, 10)
	case Float32:
		return appendFloat(buf, d.Float(), 32)
	case Float64:
		return appendFloat(buf, d.Float(), 64)
	case Numeric:
		return appendNumeric(buf, d.Numeric())
	case Varchar, Name, Jsonb:
		return append(buf, d.s...)
	case Char:
		return appendChar(buf, d.s)
	case Bytea:
		return appendByteaHex(buf, d.s)
	case Date:
		return appendDate(buf, d.i)
	case Time:
		return appendTimeOfDay(buf, d.i)
	case Timestamp:
		return appendTimestamp(buf, d.i)
	case Timestamptz:
		return appendTimestamptz(buf, d.i, loc)
	case Interval:
		return appendInterval(buf, d.IntervalValue())
	}
	return buf
}

// String returns d's text form in UTC, or NULL. It is meant for debugging and tests.
func (d Datum) String() string {
	if d.IsNull() {
		return "NULL"
	}
	return string(AppendText(nil, d, time.UTC))
}

// ParseText converts s with the input function of type t. loc is the session's TimeZone, used for
// timestamptz input that names no zone (UTC when nil). Errors are *pgerr.Error with PostgreSQL's
// SQLSTATE and message.
func ParseText(t Type, s string, loc *time.Location) (Datum, error) {
	if loc == nil {
		loc = time.UTC
	}
	if t.IsArray() {
		return parseArray(t.Elem(), s, loc)
	}
	switch t {
	case Bool:
		return parseBool(s)
	case Int16, Int32, Int64:
		return parseInt(t, s)
	case Oid, Regclass, Regtype:
		return parseOid(t, s)
	case Float32, Float64:
		return parseFloat(t, s)
	case Numeric:
		return parseNumeric(s)
	case Varchar, Unknown:
		return NewVarchar(s), nil
	case Name:
		return NewString(Name, clipName(s)), nil
	case Char:
		return parseChar(s), nil
	case Bytea:
		return parseBytea(s)
	case Jsonb:
		return ParseJsonb(s)
	case Date:
		return parseDate(s, loc)
	case Time:
		return parseTime(s, loc)
	case Timestamp, Timestamptz:
		return parseTimestamp(t, s, loc)
	case Interval:
		return parseInterval(s)
	}
	return NullDatum, errSyntax(t, s)
}

// trimSpace trims the ASCII white space PostgreSQL's input functions skip (isspace in the C locale).
func trimSpace(s string) string {
	return strings.Trim(s, " \t\n\r\f\v")
}
