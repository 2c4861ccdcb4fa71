package format

import (
	"testing"

	"github.com/goccy/go-json"
	"github.com/runnel-db/runnel/types"
)

// benchCols and benchRecord are the brief's reference record: ~150 bytes, six fields.
var benchCols = []Column{
	{"auction", types.Int64}, {"bidder", types.Varchar}, {"channel", types.Varchar},
	{"date_time", types.Timestamptz}, {"price", types.Float64}, {"extra", types.Int32},
}

var benchRecord = []byte(`{"auction":1000123,"bidder":"bidder-4711-xyz","channel":"channel-7788","date_time":"2024-01-01T00:00:05.123456Z","price":1234.5678,"extra":424242}`)

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkDecode(b *testing.B) {
	d := NewDecoder(benchCols)
	row := make(types.Row, len(benchCols))
	b.SetBytes(int64(len(benchRecord)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if row, err = d.Decode(benchRecord, row); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

// BenchmarkDecodeNumeric is the same record with no string fields: it must not allocate.
func BenchmarkDecodeNumeric(b *testing.B) {
	cols := []Column{{"auction", types.Int64}, {"date_time", types.Timestamptz}, {"price", types.Float64}, {"extra", types.Int32}}
	d := NewDecoder(cols)
	row := make(types.Row, len(cols))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if row, err = d.Decode(benchRecord, row); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

// BenchmarkGoccyStruct is the reference point from DESIGN.md: goccy/go-json into a Go struct.
func BenchmarkGoccyStruct(b *testing.B) {
	var v struct {
		Auction  int64   `json:"auction"`
		Bidder   string  `json:"bidder"`
		Channel  string  `json:"channel"`
		DateTime string  `json:"date_time"`
		Price    float64 `json:"price"`
		Extra    int32   `json:"extra"`
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := json.Unmarshal(benchRecord, &v); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

func BenchmarkEncode(b *testing.B) {
	d := NewDecoder(benchCols)
	row, err := d.Decode(benchRecord, nil)
	if err != nil {
		b.Fatal(err)
	}
	e := NewEncoder(benchCols)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = e.Encode(buf[:0], row)
	}
	reportRate(b)
}
