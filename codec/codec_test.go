package codec

import (
	"bytes"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/types"
)

var keyTypes = []types.Type{
	types.Bool, types.Int16, types.Int32, types.Int64, types.Float32, types.Float64, types.Numeric,
	types.Varchar, types.Bytea, types.Date, types.Time, types.Timestamp, types.Timestamptz,
	types.Interval, types.Oid, types.Char, types.Name, types.ArrayOf(types.Int32), types.ArrayOf(types.Varchar),
	types.ArrayOf(types.Numeric),
}

// randDatum favours edge values, where encodings go wrong.
func randDatum(r *rand.Rand, t types.Type) types.Datum {
	if r.Intn(10) == 0 {
		return types.NullDatum
	}
	if t.IsArray() {
		n := r.Intn(4)
		elems := make([]types.Datum, n)
		for i := range elems {
			elems[i] = randDatum(r, t.Elem())
		}
		return types.NewArray(t.Elem(), elems)
	}
	edgeInt := func(bits uint) int64 {
		max := int64(1)<<(bits-1) - 1
		switch r.Intn(6) {
		case 0:
			return max
		case 1:
			return -max - 1
		case 2:
			return 0
		case 3:
			return int64(r.Intn(5)) - 2
		}
		return r.Int63n(max) - r.Int63n(max)
	}
	switch t {
	case types.Bool:
		return types.NewBool(r.Intn(2) == 0)
	case types.Int16:
		return types.NewInt(t, edgeInt(16))
	case types.Int32:
		return types.NewInt(t, edgeInt(32))
	case types.Int64:
		return types.NewInt(t, edgeInt(64))
	case types.Oid:
		return types.NewInt(t, int64(r.Uint32()))
	case types.Float32, types.Float64:
		specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1, -1,
			math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64, 0.1, -0.1}
		if r.Intn(3) == 0 {
			return types.NewFloat(t, specials[r.Intn(len(specials))])
		}
		return types.NewFloat(t, r.NormFloat64()*math.Pow(10, float64(r.Intn(40)-20)))
	case types.Numeric:
		switch r.Intn(12) {
		case 0:
			return types.NewNumeric(&apd.Decimal{Form: apd.NaN})
		case 1:
			return types.NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: r.Intn(2) == 0})
		}
		var sb strings.Builder
		if r.Intn(2) == 0 {
			sb.WriteByte('-')
		}
		for i, n := 0, 1+r.Intn(30); i < n; i++ {
			sb.WriteByte(byte('0' + r.Intn(10)))
		}
		if r.Intn(2) == 0 {
			sb.WriteByte('.')
			for i, n := 0, 1+r.Intn(25); i < n; i++ {
				sb.WriteByte(byte('0' + r.Intn(10)))
			}
		}
		d, err := types.ParseText(types.Numeric, sb.String(), nil)
		if err != nil {
			panic(err)
		}
		return d
	case types.Varchar, types.Bytea, types.Char, types.Name:
		alphabet := "\x00\x01\xffab "
		b := make([]byte, r.Intn(6))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		if t == types.Char && len(b) > 1 {
			b = b[:1]
		}
		return types.NewString(t, string(b))
	case types.Date:
		switch r.Intn(8) {
		case 0:
			return types.NewDate(types.DateInfinity)
		case 1:
			return types.NewDate(types.DateNegInfinity)
		}
		return types.NewDate(r.Int63n(4000000) - 2000000)
	case types.Time:
		return types.NewTime(r.Int63n(types.MicrosPerDay + 1))
	case types.Timestamp, types.Timestamptz:
		switch r.Intn(8) {
		case 0:
			return types.NewInt(t, types.TimestampInfinity)
		case 1:
			return types.NewInt(t, types.TimestampNegInfinity)
		}
		return types.NewInt(t, r.Int63n(1<<55)-r.Int63n(1<<55))
	case types.Interval:
		return types.NewInterval(types.IntervalValue{
			Months: int32(edgeInt(32)) / int32(1+r.Intn(1000)),
			Days:   int32(edgeInt(32)) / int32(1+r.Intn(1000)),
			Micros: edgeInt(64) / (1 + r.Int63n(1000)),
		})
	}
	panic(t)
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func TestKeyOrderAndRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, typ := range keyTypes {
		for i := 0; i < 3000; i++ {
			a, b := randDatum(r, typ), randDatum(r, typ)
			if r.Intn(8) == 0 {
				b = a
			}
			for _, desc := range []bool{false, true} {
				ka, kb := AppendKey(nil, a, desc), AppendKey(nil, b, desc)
				want := sign(types.Compare(a, b))
				if desc {
					want = -want
				}
				if got := sign(bytes.Compare(ka, kb)); got != want {
					t.Fatalf("%v desc=%v: order of %s and %s: bytes %d, Compare %d\n%x\n%x", typ, desc, a, b, got, want, ka, kb)
				}
				// Decode from a buffer with trailing bytes, which must come back untouched.
				d, rest, err := DecodeKey(append(ka, 0xAB), typ, desc)
				if err != nil {
					t.Fatalf("%v: decode %s: %v", typ, a, err)
				}
				if len(rest) != 1 || rest[0] != 0xAB {
					t.Fatalf("%v: decode %s left %x", typ, a, rest)
				}
				if !types.Equal(d, a) || d.Type() != a.Type() {
					t.Fatalf("%v desc=%v: decode(encode(%s)) = %s", typ, desc, a, d)
				}
			}
		}
	}
}

func TestNumericKeyDecodeScale(t *testing.T) {
	for in, want := range map[string]string{"1.50": "1.5", "100": "100", "0.000": "0", "-12.340": "-12.34", "1e20": "100000000000000000000", "0.05": "0.05", "10": "10"} {
		d, _ := types.ParseText(types.Numeric, in, nil)
		got, _, err := DecodeKey(AppendKey(nil, d, false), types.Numeric, false)
		if err != nil || got.String() != want {
			t.Errorf("%s: got %s (%v), want %s", in, got, err, want)
		}
	}
}

func TestRowRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	ts := append(append([]types.Type{}, keyTypes...), types.Jsonb, types.Regclass)
	for i := 0; i < 2000; i++ {
		row := make(types.Row, len(ts))
		for j, typ := range ts {
			if typ == types.Jsonb {
				if r.Intn(2) == 0 {
					row[j] = types.NewJsonb(`{"a": [1, 2.50]}`)
				}
				continue
			}
			if typ == types.Regclass {
				row[j] = types.NewInt(typ, int64(r.Uint32()))
				continue
			}
			row[j] = randDatum(r, typ)
		}
		buf := AppendRow(nil, row)
		got, err := DecodeRow(buf, ts, nil)
		if err != nil {
			t.Fatal(err)
		}
		for j := range row {
			if !identical(got[j], row[j]) {
				t.Fatalf("column %d (%v): got %s, want %s", j, ts[j], got[j], row[j])
			}
		}
	}
}

// identical is stricter than Equal: the value encoding keeps numeric scale, -0 and interval fields.
func identical(a, b types.Datum) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	if a.Type() != b.Type() || !types.Equal(a, b) {
		return false
	}
	switch a.Type() {
	case types.Float32, types.Float64:
		return math.Signbit(a.Float()) == math.Signbit(b.Float()) || math.IsNaN(a.Float())
	case types.Numeric, types.Interval:
		return a.String() == b.String()
	}
	if a.Type().IsArray() {
		ea, eb := a.Array(), b.Array()
		if len(ea) != len(eb) {
			return false
		}
		for i := range ea {
			if !identical(ea[i], eb[i]) {
				return false
			}
		}
	}
	return true
}

func TestRowAddedColumns(t *testing.T) {
	old := types.Row{types.NewInt64(1), types.NewVarchar("x")}
	buf := AppendRow(nil, old)
	got, err := DecodeRow(buf, []types.Type{types.Int64, types.Varchar, types.Bool, types.Numeric}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Int() != 1 || got[1].Str() != "x" || !got[2].IsNull() || !got[3].IsNull() {
		t.Fatalf("got %v", got)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	row := benchRow()
	buf := AppendRow(nil, row)
	for n := 0; n < len(buf); n++ {
		if _, err := DecodeRow(buf[:n], benchTypes, nil); err == nil && n < len(buf) {
			// A prefix can only decode if it cut off whole trailing columns, which the count forbids.
			t.Errorf("prefix %d of %d decoded", n, len(buf))
		}
	}
	for _, typ := range keyTypes {
		k := AppendKey(nil, randDatum(rand.New(rand.NewSource(3)), typ), false)
		for n := 0; n < len(k); n++ {
			if _, _, err := DecodeKey(k[:n], typ, false); err == nil {
				t.Errorf("%v: key prefix %d of %d decoded", typ, n, len(k))
			}
		}
	}
}

var benchTypes = []types.Type{types.Int64, types.Varchar, types.Timestamptz, types.Float64, types.Numeric, types.Bool}

func benchRow() types.Row {
	n, _ := types.ParseText(types.Numeric, "12345.67", nil)
	return types.Row{types.NewInt64(123456789), types.NewVarchar("alice@example.com"),
		types.NewTimestamptz(1704067205000000), types.NewFloat64(3.25), n, types.NewBool(true)}
}

func TestDecodeRowAllocs(t *testing.T) {
	row := benchRow()
	buf := AppendRow(nil, row)
	dst := make(types.Row, 0, 8)
	fixed := []types.Type{types.Int64, types.Timestamptz, types.Float64, types.Bool}
	fixedBuf := AppendRow(nil, types.Row{row[0], row[2], row[3], row[5]})
	if n := testing.AllocsPerRun(100, func() { DecodeRow(fixedBuf, fixed, dst) }); n != 0 {
		t.Errorf("DecodeRow of fixed-size values allocates %v times", n)
	}
	// Strings cost one copy of the value per row (they must not alias the caller's buffer).
	strs := []types.Type{types.Int64, types.Varchar, types.Timestamptz, types.Float64, types.Bool}
	strBuf := AppendRow(nil, types.Row{row[0], row[1], row[2], row[3], row[5]})
	if n := testing.AllocsPerRun(100, func() { DecodeRow(strBuf, strs, dst) }); n > 1 {
		t.Errorf("DecodeRow with a string allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { DecodeRow(buf, benchTypes, dst) }); n > 2 {
		t.Errorf("DecodeRow allocates %v times", n)
	}
	kbuf := make([]byte, 0, 128)
	if n := testing.AllocsPerRun(100, func() {
		kbuf = kbuf[:0]
		for _, d := range row {
			kbuf = AppendKey(kbuf, d, false)
		}
	}); n != 0 {
		t.Errorf("AppendKey allocates %v times", n)
	}
}

func BenchmarkAppendKey(b *testing.B) {
	row := benchRow()
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = buf[:0]
		for _, d := range row {
			buf = AppendKey(buf, d, false)
		}
	}
}

func BenchmarkDecodeKey(b *testing.B) {
	row := benchRow()
	var buf []byte
	for _, d := range row {
		buf = AppendKey(buf, d, false)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rest := buf
		for _, t := range benchTypes {
			_, rest, _ = DecodeKey(rest, t, false)
		}
	}
}

func BenchmarkAppendRow(b *testing.B) {
	row := benchRow()
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendRow(buf[:0], row)
	}
}

func BenchmarkDecodeRow(b *testing.B) {
	buf := AppendRow(nil, benchRow())
	dst := make(types.Row, 0, 8)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dst, _ = DecodeRow(buf, benchTypes, dst)
	}
}

// A decoded row must not change when the buffer it came from is reused.
func TestDecodeRowDoesNotAliasBuffer(t *testing.T) {
	ts := []types.Type{types.Varchar, types.Bytea}
	buf := AppendRow(nil, types.Row{types.NewVarchar("hello"), types.NewBytea([]byte{1, 2})})
	r, err := DecodeRow(buf, ts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'x'
	}
	if r[0].Str() != "hello" || r[1].Str() != "\x01\x02" {
		t.Fatalf("decoded row changed with its buffer: %q %q", r[0].Str(), r[1].Str())
	}
}
