package stream

import (
	"slices"
	"testing"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

func hopTime(t *testing.T, typ types.Type, s string) types.Datum {
	t.Helper()
	d, err := types.ParseText(typ, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func minutes(n int64) types.IntervalValue {
	return types.IntervalValue{Micros: n * types.MicrosPerMinute}
}

func TestHopWindowCases(t *testing.T) {
	const day = "2022-01-01 "
	cases := []struct {
		name             string
		slide, size, off types.IntervalValue
		time             string
		want             [][2]string // window starts and ends
	}{
		{"tumble", minutes(10), minutes(10), minutes(0), day + "10:03:00", [][2]string{{day + "10:00:00", day + "10:10:00"}}},
		{"tumble on a boundary", minutes(10), minutes(10), minutes(0), day + "10:10:00", [][2]string{{day + "10:10:00", day + "10:20:00"}}},
		{"tumble offset", minutes(10), minutes(10), minutes(2), day + "10:13:00", [][2]string{{day + "10:12:00", day + "10:22:00"}}},
		{"tumble offset before", minutes(10), minutes(10), minutes(2), day + "10:11:59", [][2]string{{day + "10:02:00", day + "10:12:00"}}},
		{"tumble negative offset", minutes(10), minutes(10), minutes(-2), day + "10:13:00", [][2]string{{day + "10:08:00", day + "10:18:00"}}},
		{"tumble offset above size", minutes(10), minutes(10), minutes(12), day + "10:13:00", [][2]string{{day + "10:12:00", day + "10:22:00"}}},
		{"tumble one day", types.IntervalValue{Days: 1}, types.IntervalValue{Days: 1}, types.IntervalValue{}, day + "23:59:59.999999", [][2]string{{day + "00:00:00", "2022-01-02 00:00:00"}}},
		{"tumble before 1970", minutes(60), minutes(60), minutes(0), "1969-12-31 23:59:59", [][2]string{{"1969-12-31 23:00:00", "1970-01-01 00:00:00"}}},
		{"hop", minutes(5), minutes(15), minutes(0), day + "10:07:00", [][2]string{
			{day + "09:55:00", day + "10:10:00"}, {day + "10:00:00", day + "10:15:00"}, {day + "10:05:00", day + "10:20:00"}}},
		{"hop offset", minutes(5), minutes(15), minutes(1), day + "10:07:00", [][2]string{
			{day + "09:56:00", day + "10:11:00"}, {day + "10:01:00", day + "10:16:00"}, {day + "10:06:00", day + "10:21:00"}}},
		{"hop on a boundary", minutes(5), minutes(10), minutes(0), day + "10:05:00", [][2]string{
			{day + "10:00:00", day + "10:10:00"}, {day + "10:05:00", day + "10:15:00"}}},
		{"hop before 1970 with offset", minutes(30), minutes(60), minutes(10), "1969-12-31 23:55:00", [][2]string{
			{"1969-12-31 23:10:00", "1970-01-01 00:10:00"}, {"1969-12-31 23:40:00", "1970-01-01 00:40:00"}}},
		{"infinity has no window", minutes(10), minutes(10), minutes(0), "infinity", nil},
		{"-infinity has no window", minutes(10), minutes(10), minutes(0), "-infinity", nil},
	}
	for _, typ := range []types.Type{types.Timestamp, types.Timestamptz} {
		for _, tc := range cases {
			t.Run(typ.String()+"/"+tc.name, func(t *testing.T) {
				out := &captureOp{t: t}
				h, err := NewHopWindow(1, typ, tc.slide, tc.size, tc.off, Output{Op: out})
				if err != nil {
					t.Fatal(err)
				}
				in := types.Row{types.NewInt64(7), hopTime(t, typ, tc.time)}
				if err := h.Push(0, chunkOf(2, []types.Op{types.Insert}, []types.Row{in})); err != nil {
					t.Fatal(err)
				}
				var want, got []string
				for _, w := range tc.want {
					want = append(want, rowString(append(in.Copy(), hopTime(t, typ, w[0]), hopTime(t, typ, w[1]))))
				}
				for _, r := range out.take() {
					if r.op != types.Insert {
						t.Errorf("op %v", r.op)
					}
					for _, d := range r.row[2:] {
						if d.Type() != typ {
							t.Errorf("window column of type %v", d.Type())
						}
					}
					got = append(got, rowString(r.row))
				}
				if !slices.Equal(want, got) {
					t.Fatal(diffLists(want, got))
				}
			})
		}
	}
}

// Ops pass through: a Delete retracts the windows its Insert made, update pairs stay pairs, NULL
// times make no rows, and output chunks split without breaking a pair.
func TestHopWindowOps(t *testing.T) {
	out := &captureOp{t: t}
	h, err := NewHopWindow(1, types.Timestamp, minutes(1), minutes(60), minutes(0), Output{Op: out})
	if err != nil {
		t.Fatal(err)
	}
	at := func(id int64, s string) types.Row {
		return types.Row{types.NewInt64(id), hopTime(t, types.Timestamp, s)}
	}
	null := types.Row{types.NewInt64(3), types.NullDatum}
	view := multiset{}
	push := func(ops []types.Op, rows ...types.Row) []capturedRow {
		t.Helper()
		if err := h.Push(0, chunkOf(2, ops, rows)); err != nil {
			t.Fatal(err)
		}
		got := out.take()
		view.apply(t, got)
		return got
	}
	var rows []types.Row
	var ops []types.Op
	for i := range 40 { // 40 rows x 60 windows: several output chunks
		rows = append(rows, at(int64(i), "2022-01-01 10:30:00"))
		ops = append(ops, types.Insert)
	}
	if got := push(append(ops, types.Insert), append(rows, null)...); len(got) != 40*60 {
		t.Fatalf("%d rows, want %d", len(got), 40*60)
	}
	got := push([]types.Op{types.UpdateDelete, types.UpdateInsert}, at(0, "2022-01-01 10:30:00"), at(0, "2022-01-01 11:30:00"))
	if len(got) != 120 || got[0].op != types.UpdateDelete || got[1].op != types.UpdateInsert {
		t.Fatalf("update: %d rows, first ops %v", len(got), got[0].op)
	}
	// An update whose new time is NULL retracts the old windows.
	got = push([]types.Op{types.UpdateDelete, types.UpdateInsert}, at(1, "2022-01-01 10:30:00"), types.Row{types.NewInt64(1), types.NullDatum})
	if len(got) != 60 || got[0].op != types.Delete {
		t.Fatalf("update to NULL: %d rows, first op %v", len(got), got[0].op)
	}
	push([]types.Op{types.Delete}, null)
	for i := 2; i < 40; i++ {
		push([]types.Op{types.Delete}, at(int64(i), "2022-01-01 10:30:00"))
	}
	push([]types.Op{types.Delete}, at(0, "2022-01-01 11:30:00"))
	if len(view) != 0 {
		t.Fatalf("%d rows left after deleting every input", len(view))
	}
}

func TestHopWindowArgs(t *testing.T) {
	for _, tc := range []struct {
		typ              types.Type
		slide, size, off types.IntervalValue
		code             string
	}{
		{types.Timestamp, types.IntervalValue{Months: 1}, types.IntervalValue{Months: 1}, types.IntervalValue{}, pgerr.FeatureNotSupported},
		{types.Timestamp, minutes(1), minutes(1), types.IntervalValue{Months: 1}, pgerr.FeatureNotSupported},
		{types.Timestamp, minutes(4), minutes(10), minutes(0), pgerr.InvalidParameterValue},
		{types.Timestamp, minutes(0), minutes(10), minutes(0), pgerr.InvalidParameterValue},
		{types.Timestamp, minutes(-5), minutes(10), minutes(0), pgerr.InvalidParameterValue},
		{types.Date, minutes(5), minutes(10), minutes(0), pgerr.DatatypeMismatch},
	} {
		_, err := NewHopWindow(0, tc.typ, tc.slide, tc.size, tc.off, Output{})
		if got := pgerr.Code(err); err == nil || got != tc.code {
			t.Errorf("%+v: error %v (%s), want %s", tc, err, got, tc.code)
		}
	}
}
