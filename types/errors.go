package types

import "github.com/runnel-db/runnel/pgerr"

// The input functions' errors carry PostgreSQL's exact wording, since clients and tests match on it.

func errSyntax(t Type, s string) *pgerr.Error {
	return pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", typeName(t), s)
}

func errRange(t Type, s string) *pgerr.Error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, typeName(t))
}

func errDatetimeSyntax(t Type, s string) *pgerr.Error {
	return pgerr.New(pgerr.InvalidDatetimeFormat, "invalid input syntax for type %s: \"%s\"", typeName(t), s)
}

func errDatetimeField(s string) *pgerr.Error {
	return pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
}

// typeName is the name PostgreSQL's input functions use in messages, which for the date/time types is
// shorter than format_type's.
func typeName(t Type) string {
	switch t {
	case Time:
		return "time"
	case Timestamp:
		return "timestamp"
	case Varchar:
		return "character varying"
	}
	return t.String()
}
