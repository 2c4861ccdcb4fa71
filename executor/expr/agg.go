package expr

import (
	"encoding/binary"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// AggKind names an aggregate's algorithm.
type AggKind uint8

const (
	AggCountStar AggKind = iota
	AggCount
	AggSum
	AggAvg
	AggMin
	AggMax
	AggBoolAnd
	AggBoolOr
	AggStringAgg
	AggArrayAgg
	AggVarPop
	AggVarSamp
	AggStddevPop
	AggStddevSamp
)

// AggFunc is a resolved aggregate call. DISTINCT is the caller's job: the state sees each distinct
// input once (the batch executor dedups per group; the streaming executor keeps a per-group count of
// each distinct value and forwards only the first insert and the last delete of a value). Likewise,
// ORDER BY inside string_agg/array_agg is handled by the caller feeding rows in order.
type AggFunc struct {
	Name     string
	Kind     AggKind
	Args     []types.Type
	Ret      types.Type
	Distinct bool
}

// AggState accumulates one group.
type AggState interface {
	Add(args []types.Datum) error
	// Retract undoes one Add of the same arguments; only when the AggFunc is Retractable.
	Retract(args []types.Datum) error
	Result() types.Datum
	Encode(buf []byte) []byte
	Decode(buf []byte) error
}

// Retractable reports whether a state can undo inputs. min, max, string_agg and array_agg cannot: the
// streaming executor keeps their inputs in a sorted state table per group and recomputes from it.
func (f *AggFunc) Retractable() bool {
	switch f.Kind {
	case AggMin, AggMax, AggStringAgg, AggArrayAgg:
		return false
	}
	return true
}

// LookupAgg resolves an aggregate by name and argument types; 42883 when there is none.
func LookupAgg(name string, args []types.Type, distinct bool) (*AggFunc, error) {
	name = strings.ToLower(strings.TrimPrefix(name, "pg_catalog."))
	f := &AggFunc{Name: name, Args: args, Distinct: distinct}
	one := len(args) == 1
	var a types.Type
	if len(args) > 0 {
		a = args[0]
	}
	ok := false
	switch name {
	case "count":
		f.Ret, ok = types.Int64, len(args) <= 1
		f.Kind = AggCount
		if len(args) == 0 {
			f.Kind = AggCountStar
		}
	case "sum":
		f.Kind = AggSum
		if one {
			ok = true
			switch a {
			case types.Int16, types.Int32:
				f.Ret = types.Int64
			case types.Int64, types.Numeric:
				f.Ret = types.Numeric
			case types.Float32, types.Float64, types.Interval:
				f.Ret = a
			default:
				ok = false
			}
		}
	case "avg":
		f.Kind = AggAvg
		if one {
			ok = true
			switch {
			case a.IsInteger() || a == types.Numeric:
				f.Ret = types.Numeric
			case a == types.Float32 || a == types.Float64:
				f.Ret = types.Float64
			case a == types.Interval:
				f.Ret = types.Interval
			default:
				ok = false
			}
		}
	case "min", "max":
		f.Kind = AggMin
		if name == "max" {
			f.Kind = AggMax
		}
		ok = one && a != types.Unknown && a != types.Jsonb
		f.Ret = a
	case "bool_and", "every", "bool_or":
		f.Kind = AggBoolAnd
		if name == "bool_or" {
			f.Kind = AggBoolOr
		}
		ok, f.Ret = one && a == types.Bool, types.Bool
	case "string_agg":
		f.Kind = AggStringAgg
		ok = len(args) == 2 && ((a.IsString() && args[1].IsString()) || (a == types.Bytea && args[1] == types.Bytea))
		f.Ret = types.Varchar
		if a == types.Bytea {
			f.Ret = types.Bytea
		}
	case "array_agg":
		f.Kind = AggArrayAgg
		ok = one && !a.IsArray() && a != types.Unknown
		f.Ret = types.ArrayOf(a)
	case "var_pop", "var_samp", "variance", "stddev", "stddev_pop", "stddev_samp":
		f.Kind = map[string]AggKind{"var_pop": AggVarPop, "var_samp": AggVarSamp, "variance": AggVarSamp,
			"stddev": AggStddevSamp, "stddev_samp": AggStddevSamp, "stddev_pop": AggStddevPop}[name]
		if one {
			ok = true
			switch {
			case a.IsInteger() || a == types.Numeric:
				f.Ret = types.Numeric
			case a == types.Float32 || a == types.Float64:
				f.Ret = types.Float64
			default:
				ok = false
			}
		}
	default:
		return nil, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, typeList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, typeList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	return f, nil
}

// IsAggregate reports whether name is an aggregate function, for the binder.
func IsAggregate(name string) bool {
	switch strings.ToLower(strings.TrimPrefix(name, "pg_catalog.")) {
	case "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "string_agg", "array_agg",
		"var_pop", "var_samp", "variance", "stddev", "stddev_pop", "stddev_samp":
		return true
	}
	return false
}

// NewState returns an empty state: count gives 0, the others NULL.
func (f *AggFunc) NewState() AggState {
	switch f.Kind {
	case AggCountStar:
		return &countState{star: true}
	case AggCount:
		return &countState{}
	case AggSum, AggAvg, AggVarPop, AggVarSamp, AggStddevPop, AggStddevSamp:
		return &sumState{f: f}
	case AggMin, AggMax:
		return &extremeState{max: f.Kind == AggMax}
	case AggBoolAnd, AggBoolOr:
		return &boolState{or: f.Kind == AggBoolOr}
	case AggStringAgg:
		return &stringAggState{bytea: f.Ret == types.Bytea}
	case AggArrayAgg:
		return &arrayAggState{elem: f.Ret.Elem()}
	}
	return nil
}

var errNotRetractable = pgerr.New(pgerr.InternalError, "aggregate state cannot retract")

type countState struct {
	star bool
	n    int64
}

func (s *countState) Add(a []types.Datum) error {
	if s.star || !a[0].IsNull() {
		s.n++
	}
	return nil
}
func (s *countState) Retract(a []types.Datum) error {
	if s.star || !a[0].IsNull() {
		s.n--
	}
	return nil
}
func (s *countState) Result() types.Datum      { return types.NewInt64(s.n) }
func (s *countState) Encode(buf []byte) []byte { return binary.AppendVarint(buf, s.n) }
func (s *countState) Decode(buf []byte) error {
	r := stateReader{b: buf}
	s.n = r.varint()
	return r.err
}

// sumState serves sum, avg and the variance family: the count of non-NULL inputs, their sum and (for
// variances) the sum of squares. Integer sums stay in an int64 until they overflow, then continue in
// numeric, as PostgreSQL's int8 sum does with its numeric accumulator.
type sumState struct {
	f    *AggFunc
	n    int64
	isum int64
	big  *apd.Decimal // exact sum once it left int64, or for numeric input
	fsum float64
	fsq  float64
	nsq  *apd.Decimal
	iv   types.IntervalValue
	// scales counts the numeric inputs by their scale (digits after the point): PostgreSQL's sum
	// shows the largest scale of its inputs, and after a retraction that is the largest scale of
	// the inputs that remain, not of every input ever added.
	scales map[int32]int64
}

func (s *sumState) in() types.Type { return s.f.Args[0] }

func numScale(v *apd.Decimal) int32 {
	if v.Exponent < 0 && v.Form == apd.Finite {
		return -v.Exponent
	}
	return 0
}

// withInputScale rounds an exact numeric sum to the largest scale among the current inputs (the
// value is exact at that scale: only trailing zeros go).
func (s *sumState) withInputScale(v *apd.Decimal) *apd.Decimal {
	if s.in() != types.Numeric || len(s.scales) == 0 || v.Form != apd.Finite {
		return v
	}
	var max int32
	for sc := range s.scales {
		if sc > max {
			max = sc
		}
	}
	if -v.Exponent <= max {
		return v
	}
	out := new(apd.Decimal)
	if _, err := apd.BaseContext.WithPrecision(1000).Quantize(out, v, -max); err != nil {
		return v
	}
	return out
}

func (s *sumState) add(d types.Datum, sign int64) error {
	if d.IsNull() {
		return nil
	}
	s.n += sign
	t := s.in()
	switch {
	case t.IsInteger():
		v := d.Int() * sign
		if s.big == nil {
			r := s.isum + v
			if (s.isum >= 0) == (v >= 0) && (r >= 0) != (v >= 0) {
				s.big = numAdd(apd.New(s.isum, 0), apd.New(v, 0))
				s.isum = 0
			} else {
				s.isum = r
			}
		} else {
			s.big = numAdd(s.big, apd.New(v, 0))
		}
		if s.needSquares() {
			s.addSquare(apd.New(d.Int(), 0), sign)
		}
	case t == types.Numeric:
		v := d.Numeric()
		if s.big == nil {
			s.big = new(apd.Decimal)
		}
		if s.scales == nil {
			s.scales = map[int32]int64{}
		}
		sc := numScale(v)
		if s.scales[sc] += sign; s.scales[sc] <= 0 {
			delete(s.scales, sc)
		}
		if sign > 0 {
			s.big = numAdd(s.big, v)
		} else {
			s.big = numSub(s.big, v)
		}
		if s.needSquares() {
			s.addSquare(v, sign)
		}
	case t == types.Float32 || t == types.Float64:
		v := d.Float()
		s.fsum += float64(sign) * v
		s.fsq += float64(sign) * v * v
	case t == types.Interval:
		v := d.IntervalValue()
		s.iv.Months += int32(sign) * v.Months
		s.iv.Days += int32(sign) * v.Days
		s.iv.Micros += sign * v.Micros
	}
	return nil
}

func (s *sumState) needSquares() bool { return s.f.Kind >= AggVarPop }

func (s *sumState) addSquare(v *apd.Decimal, sign int64) {
	sq := numMul(v, v)
	if s.nsq == nil {
		s.nsq = new(apd.Decimal)
	}
	if sign > 0 {
		s.nsq = numAdd(s.nsq, sq)
	} else {
		s.nsq = numSub(s.nsq, sq)
	}
}

func (s *sumState) Add(a []types.Datum) error     { return s.add(a[0], 1) }
func (s *sumState) Retract(a []types.Datum) error { return s.add(a[0], -1) }

func (s *sumState) exactSum() *apd.Decimal {
	if s.big != nil {
		return numAdd(s.big, apd.New(s.isum, 0))
	}
	return apd.New(s.isum, 0)
}

func (s *sumState) Result() types.Datum {
	if s.n <= 0 {
		return types.NullDatum
	}
	t := s.in()
	switch s.f.Kind {
	case AggSum:
		switch {
		case s.f.Ret == types.Int64:
			if s.big != nil {
				// sum(int4) is bigint in PostgreSQL, which raises on overflow; Runnel keeps the exact
				// value and saturates rather than failing a stream.
				v, err := s.exactSum().Int64()
				if err != nil {
					return types.NullDatum
				}
				return types.NewInt64(v)
			}
			return types.NewInt64(s.isum)
		case s.f.Ret == types.Numeric:
			return types.NewNumeric(s.withInputScale(s.exactSum()))
		case t == types.Float32 || t == types.Float64:
			return types.NewFloat(s.f.Ret, s.fsum)
		case t == types.Interval:
			return types.NewInterval(s.iv)
		}
	case AggAvg:
		switch {
		case s.f.Ret == types.Numeric:
			q, err := numDiv(s.withInputScale(s.exactSum()), apd.New(s.n, 0))
			if err != nil {
				return types.NullDatum
			}
			return types.NewNumeric(q)
		case s.f.Ret == types.Float64:
			return types.NewFloat64(s.fsum / float64(s.n))
		case s.f.Ret == types.Interval:
			d, err := intervalMul(s.iv, 1/float64(s.n))
			if err != nil {
				return types.NullDatum
			}
			return d
		}
	default:
		return s.variance()
	}
	return types.NullDatum
}

// variance computes (n*sumsq - sum^2) / (n*(n-1)) (or n*n for the population forms) as PostgreSQL's
// float8_var_* and numeric_var_* do, and its square root for stddev.
func (s *sumState) variance() types.Datum {
	samp := s.f.Kind == AggVarSamp || s.f.Kind == AggStddevSamp
	sqrt := s.f.Kind == AggStddevPop || s.f.Kind == AggStddevSamp
	if samp && s.n < 2 {
		return types.NullDatum
	}
	if s.f.Ret == types.Float64 {
		n := float64(s.n)
		num := n*s.fsq - s.fsum*s.fsum
		if num < 0 {
			num = 0
		}
		den := n * n
		if samp {
			den = n * (n - 1)
		}
		v := num / den
		if sqrt {
			return types.NewFloat64(sqrtF(v))
		}
		return types.NewFloat64(v)
	}
	n := apd.New(s.n, 0)
	sum := s.exactSum()
	sq := s.nsq
	if sq == nil {
		sq = new(apd.Decimal)
	}
	num := numSub(numMul(n, sq), numMul(sum, sum))
	if num.Negative {
		num = new(apd.Decimal)
	}
	den := numMul(n, n)
	if samp {
		den = numMul(n, apd.New(s.n-1, 0))
	}
	rs := divScale(num, den)
	v, err := numDivScale(num, den, rs)
	if err != nil {
		return types.NullDatum
	}
	if sqrt {
		r := new(apd.Decimal)
		workCtx(uint32(max(v.NumDigits(), 1)+int64(rs)+8)).Sqrt(r, v)
		if v, err = roundScale(r, rs); err != nil {
			return types.NullDatum
		}
	}
	return types.NewNumeric(v)
}

func (s *sumState) Encode(buf []byte) []byte {
	buf = binary.AppendVarint(buf, s.n)
	buf = binary.AppendVarint(buf, s.isum)
	buf = putNum(buf, s.big)
	buf = binary.LittleEndian.AppendUint64(buf, floatBits(s.fsum))
	buf = binary.LittleEndian.AppendUint64(buf, floatBits(s.fsq))
	buf = putNum(buf, s.nsq)
	buf = binary.AppendVarint(buf, int64(s.iv.Months))
	buf = binary.AppendVarint(buf, int64(s.iv.Days))
	buf = binary.AppendVarint(buf, s.iv.Micros)
	// Scales last, so states written before they existed still decode.
	buf = binary.AppendUvarint(buf, uint64(len(s.scales)))
	for sc, n := range s.scales {
		buf = binary.AppendVarint(buf, int64(sc))
		buf = binary.AppendVarint(buf, n)
	}
	return buf
}

func (s *sumState) Decode(buf []byte) error {
	r := stateReader{b: buf}
	s.n = r.varint()
	s.isum = r.varint()
	s.big = r.num()
	s.fsum = r.float()
	s.fsq = r.float()
	s.nsq = r.num()
	s.iv.Months = int32(r.varint())
	s.iv.Days = int32(r.varint())
	s.iv.Micros = r.varint()
	s.scales = nil
	if r.err == nil && len(r.b) > 0 {
		n := r.uvarint()
		for i := uint64(0); i < n && r.err == nil; i++ {
			if s.scales == nil {
				s.scales = map[int32]int64{}
			}
			sc := int32(r.varint())
			s.scales[sc] = r.varint()
		}
	}
	return r.err
}

type extremeState struct {
	max bool
	v   types.Datum
}

func (s *extremeState) Add(a []types.Datum) error {
	d := a[0]
	if d.IsNull() {
		return nil
	}
	if s.v.IsNull() {
		s.v = d
		return nil
	}
	if c := compareDatums(d, s.v); (s.max && c > 0) || (!s.max && c < 0) {
		s.v = d
	}
	return nil
}
func (s *extremeState) Retract([]types.Datum) error { return errNotRetractable }
func (s *extremeState) Result() types.Datum         { return s.v }
func (s *extremeState) Encode(buf []byte) []byte    { return encodeDatum(buf, s.v) }
func (s *extremeState) Decode(buf []byte) error {
	r := stateReader{b: buf}
	s.v = r.datum()
	return r.err
}

// boolState counts trues and falses, so that bool_and/bool_or can retract.
type boolState struct {
	or          bool
	trues, fals int64
}

func (s *boolState) count(d types.Datum, sign int64) {
	switch {
	case d.IsNull():
	case d.Bool():
		s.trues += sign
	default:
		s.fals += sign
	}
}
func (s *boolState) Add(a []types.Datum) error     { s.count(a[0], 1); return nil }
func (s *boolState) Retract(a []types.Datum) error { s.count(a[0], -1); return nil }
func (s *boolState) Result() types.Datum {
	if s.trues+s.fals <= 0 {
		return types.NullDatum
	}
	if s.or {
		return types.NewBool(s.trues > 0)
	}
	return types.NewBool(s.fals == 0)
}
func (s *boolState) Encode(buf []byte) []byte {
	return binary.AppendVarint(binary.AppendVarint(buf, s.trues), s.fals)
}
func (s *boolState) Decode(buf []byte) error {
	r := stateReader{b: buf}
	s.trues, s.fals = r.varint(), r.varint()
	return r.err
}

type stringAggState struct {
	bytea bool
	any   bool
	b     strings.Builder
}

func (s *stringAggState) Add(a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	if s.any && !a[1].IsNull() {
		s.b.WriteString(a[1].Str())
	}
	s.any = true
	s.b.WriteString(a[0].Str())
	return nil
}
func (s *stringAggState) Retract([]types.Datum) error { return errNotRetractable }
func (s *stringAggState) Result() types.Datum {
	if !s.any {
		return types.NullDatum
	}
	if s.bytea {
		return types.NewBytea([]byte(s.b.String()))
	}
	return types.NewVarchar(s.b.String())
}
func (s *stringAggState) Encode(buf []byte) []byte {
	if !s.any {
		return append(buf, 0)
	}
	return putStr(append(buf, 1), s.b.String())
}
func (s *stringAggState) Decode(buf []byte) error {
	r := stateReader{b: buf}
	s.any = r.byte1() == 1
	s.b.Reset()
	if s.any {
		s.b.WriteString(r.str())
	}
	return r.err
}

// arrayAggState keeps every input, NULLs included, as array_agg does.
type arrayAggState struct {
	elem types.Type
	vals []types.Datum
	any  bool
}

func (s *arrayAggState) Add(a []types.Datum) error {
	s.vals = append(s.vals, a[0])
	s.any = true
	return nil
}
func (s *arrayAggState) Retract([]types.Datum) error { return errNotRetractable }
func (s *arrayAggState) Result() types.Datum {
	if !s.any {
		return types.NullDatum
	}
	return types.NewArray(s.elem, append([]types.Datum(nil), s.vals...))
}
func (s *arrayAggState) Encode(buf []byte) []byte {
	buf = binary.AppendVarint(buf, int64(len(s.vals)))
	for _, d := range s.vals {
		buf = encodeDatum(buf, d)
	}
	return buf
}
func (s *arrayAggState) Decode(buf []byte) error {
	r := stateReader{b: buf}
	n := r.varint()
	if n < 0 || n > int64(len(buf)) {
		return errBadState
	}
	s.vals = make([]types.Datum, n)
	for i := range s.vals {
		s.vals[i] = r.datum()
	}
	s.any = n > 0
	return r.err
}
