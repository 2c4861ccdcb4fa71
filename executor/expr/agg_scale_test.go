package expr

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

// A numeric sum shows the largest scale of the inputs it currently holds, as a sum over the
// remaining rows would: retracting the only input with two decimals drops the second decimal.
func TestNumericSumScaleAfterRetraction(t *testing.T) {
	num := func(s string) types.Datum {
		d, err := types.ParseText(types.Numeric, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := []struct {
		agg     string
		add     []string
		retract []string
		want    string
	}{
		{"sum", []string{"1.5", "2.25"}, []string{"2.25"}, "1.5"},
		{"sum", []string{"1.5", "2.25"}, nil, "3.75"},
		{"sum", []string{"3", "1.000"}, []string{"1.000"}, "3"},
		{"sum", []string{"3.10", "1"}, []string{"1"}, "3.10"},
		{"avg", []string{"3", "1.000"}, []string{"1.000"}, "3.0000000000000000"},
	}
	for _, c := range cases {
		f, err := LookupAgg(c.agg, []types.Type{types.Numeric}, false)
		if err != nil {
			t.Fatal(err)
		}
		st := f.NewState()
		for _, a := range c.add {
			if err := st.Add([]types.Datum{num(a)}); err != nil {
				t.Fatal(err)
			}
		}
		// Round-trip the state, as the streaming engine does between epochs.
		st2 := f.NewState()
		if err := st2.Decode(st.Encode(nil)); err != nil {
			t.Fatal(err)
		}
		for _, r := range c.retract {
			if err := st2.Retract([]types.Datum{num(r)}); err != nil {
				t.Fatal(err)
			}
		}
		if got := st2.Result().String(); got != c.want {
			t.Errorf("%s of %v minus %v = %s, want %s", c.agg, c.add, c.retract, got, c.want)
		}
	}
}
