package expr

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// CastExpr converts X to T, one of the casts castContext allows.
type CastExpr struct {
	X   Expr
	T   types.Type
	buf []types.Datum
}

// NewCast is an explicit CAST(x AS t) or x::t. An unknown-typed literal is parsed right away, so a bad
// literal fails when the statement is bound, as in PostgreSQL.
func NewCast(x Expr, t types.Type) (Expr, error) {
	from := x.Type()
	if from == t {
		return x, nil
	}
	if castContext(from, t) == castNone {
		return nil, pgerr.New(pgerr.CannotCoerce, "cannot cast type %s to %s", from, t)
	}
	c := &CastExpr{X: x, T: t}
	k, ok := x.(*ConstExpr)
	if !ok {
		return c, nil
	}
	if k.D.IsNull() {
		return NewConst(types.NullDatum, t), nil
	}
	if catalogDependent(from, t) {
		// Names resolve through the session's catalog hooks, which only Fold's context has.
		return c, nil
	}
	ctx := &Context{Location: time.UTC}
	d, err := castDatum(ctx, k.D, t)
	if err != nil {
		return nil, err
	}
	if locationDependent(from, t) {
		// The session time zone is only known at run time; the parse above only validated the literal.
		return c, nil
	}
	return NewConst(d, t), nil
}

// catalogDependent reports whether the cast reads or prints a relation name.
func catalogDependent(from, to types.Type) bool {
	return (from == types.Regclass && to != types.Regclass && !to.IsInteger() && to != types.Oid) ||
		(to == types.Regclass && (from.IsString() || from == types.Unknown || from == types.Char))
}

// locationDependent reports whether the cast's result depends on the session TimeZone.
func locationDependent(from, to types.Type) bool {
	from, to = from.Elem(), to.Elem()
	return (from == types.Timestamptz) != (to == types.Timestamptz)
}

func (e *CastExpr) Type() types.Type { return e.T }
func (e *CastExpr) String() string   { return "CAST(" + e.X.String() + " AS " + e.T.String() + ")" }
func (e *CastExpr) clone() Expr      { return &CastExpr{X: Clone(e.X), T: e.T} }

func (e *CastExpr) Eval(ctx *Context, c *types.Chunk) ([]types.Datum, error) {
	in, err := e.X.Eval(ctx, c)
	if err != nil {
		return nil, err
	}
	if sameRepr(e.X.Type(), e.T) || (e.X.Type() == types.Unknown && e.T == types.Varchar) {
		e.buf = grow(e.buf, len(in))
		for i, d := range in {
			e.buf[i] = d.WithType(e.T)
		}
		return e.buf, nil
	}
	e.buf = grow(e.buf, len(in))
	if e.T == types.Float64 && e.X.Type().IsInteger() {
		// int -> double precision feeds most float arithmetic; skip castDatum's dispatch.
		for i := range in {
			if in[i].IsNull() {
				e.buf[i] = types.NullDatum
			} else {
				e.buf[i] = types.NewFloat64(float64(in[i].Int()))
			}
		}
		return e.buf, nil
	}
	for i := range in {
		if in[i].IsNull() {
			e.buf[i] = types.NullDatum
			continue
		}
		if e.buf[i], err = castDatum(ctx, in[i], e.T); err != nil {
			return nil, err
		}
	}
	return e.buf, nil
}

func location(ctx *Context) *time.Location {
	if ctx == nil || ctx.Location == nil {
		return time.UTC
	}
	return ctx.Location
}

func intRangeErr(t types.Type) error {
	switch t {
	case types.Int16:
		return pgerr.New(pgerr.NumericValueOutOfRange, "smallint out of range")
	case types.Int64:
		return pgerr.New(pgerr.NumericValueOutOfRange, "bigint out of range")
	case types.Oid, types.Regclass, types.Regtype:
		return pgerr.New(pgerr.NumericValueOutOfRange, "OID out of range")
	}
	return pgerr.New(pgerr.NumericValueOutOfRange, "integer out of range")
}

func checkIntRange(v int64, t types.Type) (int64, error) {
	switch t {
	case types.Int16:
		if v < math.MinInt16 || v > math.MaxInt16 {
			return 0, intRangeErr(t)
		}
	case types.Int32:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return 0, intRangeErr(t)
		}
	case types.Oid, types.Regclass, types.Regtype:
		// Negative values wrap as in PostgreSQL's oidin: -1::oid is 4294967295.
		if v < math.MinInt32 || v > math.MaxUint32 {
			return 0, intRangeErr(t)
		}
		if v < 0 {
			v += 1 << 32
		}
	}
	return v, nil
}

func floatRangeErr(over bool) error {
	if over {
		return pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
	}
	return pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
}

// toFloat32 narrows like PostgreSQL's float8 -> float4, which refuses to overflow to infinity.
func toFloat32(v float64) (types.Datum, error) {
	f := float32(v)
	if math.IsInf(float64(f), 0) && !math.IsInf(v, 0) {
		return types.NullDatum, floatRangeErr(true)
	}
	if f == 0 && v != 0 {
		return types.NullDatum, floatRangeErr(false)
	}
	return types.NewFloat(types.Float32, float64(f)), nil
}

// floatToInt rounds half to even (PostgreSQL uses rint()), unlike numeric, which rounds half away.
func floatToInt(v float64, t types.Type) (types.Datum, error) {
	r := math.RoundToEven(v)
	if math.IsNaN(r) || r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
		return types.NullDatum, intRangeErr(t)
	}
	n, err := checkIntRange(int64(r), t)
	if err != nil {
		return types.NullDatum, err
	}
	return types.NewInt(t, n), nil
}

// castDatum converts a non-NULL d to type to. It is the kernel of every cast node.
func castDatum(ctx *Context, d types.Datum, to types.Type) (types.Datum, error) {
	from := d.Type()
	if from == to {
		return d, nil
	}
	if sameRepr(from, to) {
		return d.WithType(to), nil
	}
	if to.IsArray() && from.IsArray() {
		in := d.Array()
		out := make([]types.Datum, len(in))
		for i, e := range in {
			if e.IsNull() {
				continue
			}
			v, err := castDatum(ctx, e, to.Elem())
			if err != nil {
				return types.NullDatum, err
			}
			out[i] = v
		}
		return types.NewArray(to.Elem(), out), nil
	}
	if to.IsString() {
		return castToString(ctx, d, to)
	}
	if from.IsString() || from == types.Unknown {
		return castFromString(ctx, d.Str(), to)
	}
	switch from {
	case types.Int16, types.Int32, types.Int64, types.Oid, types.Regclass, types.Regtype:
		v := d.Int()
		switch to {
		case types.Int16, types.Int32, types.Int64, types.Oid, types.Regclass, types.Regtype:
			n, err := checkIntRange(v, to)
			return types.NewInt(to, n), err
		case types.Float32, types.Float64:
			return types.NewFloat(to, float64(v)), nil
		case types.Numeric:
			return types.NewNumeric(numOf(v)), nil
		case types.Bool:
			return types.NewBool(v != 0), nil
		}
	case types.Float32, types.Float64:
		v := d.Float()
		switch to {
		case types.Int16, types.Int32, types.Int64:
			return floatToInt(v, to)
		case types.Float32:
			return toFloat32(v)
		case types.Float64:
			return types.NewFloat64(v), nil
		case types.Numeric:
			n, err := floatToNum(v, from)
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewNumeric(n), nil
		}
	case types.Numeric:
		n := d.Numeric()
		switch to {
		case types.Int16, types.Int32, types.Int64:
			v, err := numToInt(n, to)
			return types.NewInt(to, v), err
		case types.Float32:
			return toFloat32(numToFloat(n))
		case types.Float64:
			return types.NewFloat64(numToFloat(n)), nil
		}
	case types.Bool:
		if to == types.Int32 {
			return types.NewInt(to, d.Int()), nil
		}
	case types.Date:
		us := d.Int() * microsPerDay
		switch to {
		case types.Timestamp:
			return types.NewTimestamp(us), nil
		case types.Timestamptz:
			return types.NewTimestamptz(wallToInstant(us, location(ctx))), nil
		}
	case types.Timestamp:
		us := d.Int()
		switch to {
		case types.Timestamptz:
			return types.NewTimestamptz(wallToInstant(us, location(ctx))), nil
		case types.Date:
			return types.NewDate(floorDiv64(us, microsPerDay)), nil
		case types.Time:
			return types.NewTime(us - floorDiv64(us, microsPerDay)*microsPerDay), nil
		}
	case types.Timestamptz:
		us := instantToWall(d.Int(), location(ctx))
		switch to {
		case types.Timestamp:
			return types.NewTimestamp(us), nil
		case types.Date:
			return types.NewDate(floorDiv64(us, microsPerDay)), nil
		case types.Time:
			return types.NewTime(us - floorDiv64(us, microsPerDay)*microsPerDay), nil
		}
	case types.Time:
		if to == types.Interval {
			return types.NewInterval(types.IntervalValue{Micros: d.Int()}), nil
		}
	case types.Interval:
		if to == types.Time {
			us := d.IntervalValue().Micros % microsPerDay
			if us < 0 {
				us += microsPerDay
			}
			return types.NewTime(us), nil
		}
	case types.Jsonb:
		return castFromJsonb(d, to)
	case types.Char:
		return castFromString(ctx, d.Str(), to)
	}
	return types.NullDatum, pgerr.New(pgerr.CannotCoerce, "cannot cast type %s to %s", from, to)
}

func castToString(ctx *Context, d types.Datum, to types.Type) (types.Datum, error) {
	var s string
	switch d.Type() {
	case types.Bool:
		// boolean's cast to text spells the word, though its output function prints t/f.
		s = "false"
		if d.Bool() {
			s = "true"
		}
	case types.Regclass:
		var sess *Session
		if ctx != nil {
			sess = ctx.Session
		}
		s = RegclassText(sess, uint32(d.Int()))
	case types.Regtype:
		s = RegtypeText(uint32(d.Int()))
	case types.Varchar, types.Name, types.Char, types.Unknown:
		s = d.Str()
	default:
		s = string(appendText(nil, d, location(ctx)))
	}
	if to == types.Char && len(s) > 1 {
		s = s[:1]
	}
	return types.NewString(to, s), nil
}

func castFromString(ctx *Context, s string, to types.Type) (types.Datum, error) {
	switch to {
	case types.Regclass:
		name := strings.TrimSpace(s)
		if n, err := strconv.ParseUint(name, 10, 32); err == nil {
			return types.NewInt(to, int64(n)), nil
		}
		if ctx != nil && ctx.Session != nil && ctx.Session.RegclassOID != nil {
			oid, err := ctx.Session.RegclassOID(name)
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewInt(to, int64(oid)), nil
		}
		return types.NullDatum, pgerr.New(pgerr.UndefinedTable, "relation \"%s\" does not exist", name)
	case types.Regtype:
		name := strings.ToLower(strings.TrimSpace(s))
		if n, err := strconv.ParseUint(name, 10, 32); err == nil {
			return types.NewInt(to, int64(n)), nil
		}
		t, ok := types.Lookup(strings.TrimPrefix(name, "pg_catalog."))
		if !ok {
			return types.NullDatum, pgerr.New(pgerr.UndefinedObject, "type \"%s\" does not exist", s)
		}
		return types.NewInt(to, int64(t.OID())), nil
	}
	return parseText(to, s, location(ctx))
}

// castFromJsonb follows PostgreSQL 11+: only a scalar of the matching JSON kind converts.
func castFromJsonb(d types.Datum, to types.Type) (types.Datum, error) {
	s := d.Str()
	kind := jsonKind(s)
	switch to {
	case types.Bool:
		if kind == "boolean" {
			return types.NewBool(s == "true"), nil
		}
	case types.Int16, types.Int32, types.Int64, types.Float32, types.Float64, types.Numeric:
		if kind == "number" {
			n, _, err := decCtx.NewFromString(s)
			if err != nil {
				return types.NullDatum, err
			}
			return castDatum(nil, types.NewNumeric(n), to)
		}
	}
	return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "cannot cast jsonb %s to type %s", kind, to)
}

// jsonKind names the JSON kind of canonical jsonb text, as jsonb_typeof does.
func jsonKind(s string) string {
	if s == "" {
		return "null"
	}
	switch s[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

const microsPerDay = 86400 * 1000000

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// wallToInstant reads wall-clock microseconds as a local time in loc (timestamp -> timestamptz).
func wallToInstant(us int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return us
	}
	w := time.UnixMicro(us).UTC()
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	return t.UnixMicro()
}

// instantToWall gives the wall clock in loc at an instant (timestamptz -> timestamp).
func instantToWall(us int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return us
	}
	_, off := time.UnixMicro(us).In(loc).Zone()
	return us + int64(off)*1000000
}
