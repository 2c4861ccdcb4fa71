package pgwire

import (
	"net"
	"testing"
	"time"

	"github.com/runnel-db/runnel/types"
)

// discardConn is a net.Conn that swallows writes, for measuring the row path alone.
type discardConn struct{ net.Conn }

func (discardConn) Write(b []byte) (int, error) { return len(b), nil }

func TestDataRowDoesNotAllocate(t *testing.T) {
	w := newWriter(discardConn{})
	cols := []Column{{Name: "a", Type: types.Int64}, {Name: "b", Type: types.Varchar},
		{Name: "c", Type: types.Float64}, {Name: "d", Type: types.Timestamp}, {Name: "e", Type: types.Bool}}
	row := types.Row{types.NewInt64(123456), types.NewVarchar("some text"), types.NewFloat64(1.25),
		types.NewTimestamp(1_700_000_000_000_000), types.NullDatum}
	for _, formats := range [][]int16{nil, {1, 1, 1, 1, 1}} {
		allocs := testing.AllocsPerRun(1000, func() {
			if err := w.dataRow(row, cols, formats, time.UTC); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("formats %v: %v allocations per row", formats, allocs)
		}
	}
}

func BenchmarkDataRowText(b *testing.B) {
	w := newWriter(discardConn{})
	cols := []Column{{Name: "a", Type: types.Int64}, {Name: "b", Type: types.Varchar}}
	row := types.Row{types.NewInt64(123456), types.NewVarchar("some text")}
	b.ReportAllocs()
	for b.Loop() {
		_ = w.dataRow(row, cols, nil, time.UTC)
	}
}
