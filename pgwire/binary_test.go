package pgwire

import (
	"encoding/hex"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/runnel-db/runnel/types"
)

func TestNumericBinaryLayout(t *testing.T) {
	// Expected bytes as PostgreSQL's numeric_send produces them.
	tests := []struct {
		in   string
		want string // hex: ndigits weight sign dscale digits...
	}{
		{"0", "0000" + "0000" + "0000" + "0000"},
		{"0.00", "0000" + "0000" + "0000" + "0002"},
		{"12.345", "0002" + "0000" + "0000" + "0003" + "000c" + "0d7a"},
		{"1.50", "0002" + "0000" + "0000" + "0002" + "0001" + "1388"},
		{"-0.0001", "0001" + "ffff" + "4000" + "0004" + "0001"},
		{"10000", "0001" + "0001" + "0000" + "0000" + "0001"},
		{"1E+5", "0001" + "0001" + "0000" + "0000" + "000a"},
		{"123456789.5", "0004" + "0002" + "0000" + "0001" + "0001" + "0929" + "1a85" + "1388"},
		{"0.05", "0001" + "ffff" + "0000" + "0002" + "01f4"},
		{"NaN", "0000" + "0000" + "c000" + "0000"},
		{"Infinity", "0000" + "0000" + "d000" + "0000"},
		{"-Infinity", "0000" + "0000" + "f000" + "0000"},
	}
	for _, tt := range tests {
		got := appendNumericBinary(nil, numeric(tt.in).Numeric())
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%s: got %x, want %s", tt.in, got, tt.want)
		}
		back, err := decodeNumericBinary(got)
		if err != nil {
			t.Errorf("%s: decode: %v", tt.in, err)
			continue
		}
		if want := numeric(tt.in).Numeric(); back.Cmp(want) != 0 && !(back.Form == want.Form && want.Form != 0) {
			t.Errorf("%s: decoded %s", tt.in, back)
		}
	}
	// dscale is kept: 1.50 comes back as 1.50, not 1.5.
	d, _ := decodeNumericBinary(appendNumericBinary(nil, numeric("1.50").Numeric()))
	if d.String() != "1.50" {
		t.Errorf("1.50 decoded as %s", d)
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	iv := types.IntervalValue{Months: 14, Days: -3, Micros: 3_600_000_001}
	tests := []struct {
		t    types.Type
		d    types.Datum
		wire string // expected hex, when given
	}{
		{types.Bool, types.NewBool(true), "01"},
		{types.Int16, types.NewInt(types.Int16, -2), "fffe"},
		{types.Int32, types.NewInt32(1 << 20), "00100000"},
		{types.Int64, types.NewInt64(-1), "ffffffffffffffff"},
		{types.Float32, types.NewFloat(types.Float32, 1.5), "3fc00000"},
		{types.Float64, types.NewFloat64(-0.25), "bfd0000000000000"},
		{types.Float64, types.NewFloat64(math.Inf(1)), "7ff0000000000000"},
		{types.Numeric, numeric("-98765.4321"), ""},
		{types.Varchar, types.NewVarchar("héllo"), "68c3a96c6c6f"},
		{types.Name, types.NewString(types.Name, "pg_class"), ""},
		{types.Char, types.NewString(types.Char, "r"), "72"},
		{types.Bytea, types.NewBytea([]byte{0, 1, 255}), "0001ff"},
		{types.Jsonb, types.NewJsonb(`{"a": 1}`), "01" + hex.EncodeToString([]byte(`{"a": 1}`))},
		{types.Date, types.NewDate(10957), "00000000"},
		{types.Date, types.NewDate(-1), "ffffd532"},
		{types.Date, types.NewDate(math.MaxInt32), "7fffffff"},
		{types.Time, types.NewTime(86_399_999_999), "000000141dd75fff"},
		{types.Timestamp, types.NewTimestamp(pgEpochMicros + 1), "0000000000000001"},
		{types.Timestamptz, types.NewTimestamptz(0), "fffc7c14fc770000"[:0] + hex.EncodeToString(be64(-pgEpochMicros))},
		{types.Timestamptz, types.NewTimestamptz(math.MaxInt64), "7fffffffffffffff"},
		{types.Interval, types.NewInterval(iv), "00000000d693a401" + "fffffffd" + "0000000e"},
		{types.Oid, types.NewInt(types.Oid, 4_000_000_000), "ee6b2800"},
		{types.Regclass, types.NewInt(types.Regclass, 1259), "000004eb"},
		{types.Regtype, types.NewInt(types.Regtype, 23), "00000017"},
		{types.ArrayOf(types.Int64), types.NewArray(types.Int64, []types.Datum{types.NewInt64(1), types.NullDatum}),
			"00000001" + "00000001" + "00000014" + "00000002" + "00000001" + "00000008" + "0000000000000001" + "ffffffff"},
		{types.ArrayOf(types.Varchar), types.NewArray(types.Varchar, []types.Datum{}), "00000000" + "00000000" + "00000413"},
		{types.ArrayOf(types.Numeric), types.NewArray(types.Numeric, []types.Datum{numeric("1.5")}), ""},
	}
	for _, tt := range tests {
		b, err := appendBinary(nil, tt.t, tt.d)
		if err != nil {
			t.Errorf("%s %s: encode: %v", tt.t, tt.d, err)
			continue
		}
		if tt.wire != "" && hex.EncodeToString(b) != tt.wire {
			t.Errorf("%s %s: wire %x, want %s", tt.t, tt.d, b, tt.wire)
		}
		back, err := decodeBinary(tt.t, b, time.UTC)
		if err != nil {
			t.Errorf("%s %s: decode: %v", tt.t, tt.d, err)
			continue
		}
		if back.Type() != tt.d.Type() || back.String() != tt.d.String() {
			t.Errorf("%s: round trip %s -> %s (%s)", tt.t, tt.d, back, back.Type())
		}
	}
}

func be64(v int64) []byte {
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(v) >> (56 - 8*i))
	}
	return b[:]
}

func TestBinaryDecodeLenient(t *testing.T) {
	// A client may send an int4 for an int8 parameter, or int4 elements for an int8[] parameter.
	d, err := decodeBinary(types.Int64, []byte{0, 0, 0, 5}, time.UTC)
	if err != nil || d.Int() != 5 || d.Type() != types.Int64 {
		t.Errorf("int4 as int8: %v %v", d, err)
	}
	if _, err := decodeBinary(types.Int16, []byte{0, 1, 0, 0}, time.UTC); err == nil {
		t.Error("65536 accepted as smallint")
	}
	arr, _ := hex.DecodeString("00000001" + "00000000" + "00000017" + "00000001" + "00000001" + "00000004" + "00000007")
	d, err = decodeBinary(types.ArrayOf(types.Int64), arr, time.UTC)
	if err != nil || d.Array()[0].Type() != types.Int64 || d.Array()[0].Int() != 7 {
		t.Errorf("int4[] as int8[]: %v %v", d, err)
	}
}

func TestBinaryErrorsNotPanics(t *testing.T) {
	if _, err := appendBinary(nil, types.Type(60), types.NewInt64(1)); err == nil {
		t.Error("unknown type encoded")
	}
	if _, err := decodeBinary(types.Type(60), []byte{1}, time.UTC); err == nil {
		t.Error("unknown type decoded")
	}
	all := []types.Type{types.Bool, types.Int16, types.Int32, types.Int64, types.Float32, types.Float64,
		types.Numeric, types.Varchar, types.Bytea, types.Date, types.Time, types.Timestamp, types.Timestamptz,
		types.Interval, types.Jsonb, types.Oid, types.Regclass, types.Regtype, types.Char, types.Name}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, typ := range all {
		for _, tt := range []types.Type{typ, types.ArrayOf(typ)} {
			for range 300 {
				b := make([]byte, rng.IntN(40))
				for i := range b {
					b[i] = byte(rng.UintN(256))
				}
				if tt.IsArray() && len(b) >= 12 && rng.IntN(2) == 0 {
					copy(b, []byte{0, 0, 0, 1, 0, 0, 0, 0})
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("%s: decoding %x panicked: %v", tt, b, r)
						}
					}()
					_, _ = decodeBinary(tt, b, time.UTC)
				}()
			}
		}
	}
	// A datum of the wrong type for its column is an error, not a panic.
	if _, err := appendBinary(nil, types.Numeric, types.NewInt64(1)); err == nil {
		t.Error("int datum encoded as numeric")
	}
}
