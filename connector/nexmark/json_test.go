package nexmark

import (
	"encoding/json"
	"testing"
)

func TestAppendJSON(t *testing.T) {
	for _, typ := range []string{"Bid", "Person", "Auction", ""} {
		o := mustOptions(t, "nexmark.table.type", typ)
		g := NewGenerator(o, 0, 1, 0)
		cols := map[string]bool{}
		for _, c := range Columns(o) {
			cols[c.Name] = true
		}
		var e Event
		for range 60 {
			g.NextEvent(&e)
			var m map[string]any
			line := AppendJSON(nil, o.Type, &e)
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("%s: %v in %s", typ, err, line)
			}
			for k := range m {
				if !cols[k] {
					t.Fatalf("%s: field %q is not a column", typ, k)
				}
			}
		}
	}
	o := mustOptions(t)
	var e Event
	NewGenerator(o, 0, 1, 0).NextEvent(&e)
	got := string(AppendJSON(nil, AllEvents, &e))
	want := `{"event_type":0,"person_id":1000,"person_name":"vicky noris","person_email_address":"yplkvgz@qbxfg.com",` +
		`"person_credit_card":"7878 5821 1864 2539","person_city":"cheyenne","person_state":"az",` +
		`"person_date_time":"2015-07-15 00:00:00.000000","person_extra":"` + e.Person.Extra + `"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
