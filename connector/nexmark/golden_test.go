package nexmark

import "testing"

// TestGoldenPerson checks event 0 against nexmark-rs's own unit test (src/event.rs, test_event):
// the same bytes prove the rng, rand 0.8's sampling and the draw order are reproduced.
func TestGoldenPerson(t *testing.T) {
	o, err := ParseOptions(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{m: newModel(o)}
	var e Event
	b.event(0, &e)
	want := PersonEvent{
		ID: 1000, Name: "vicky noris", EmailAddress: "yplkvgz@qbxfg.com", CreditCard: "7878 5821 1864 2539",
		City: "cheyenne", State: "az", DateTime: BaseTime,
		Extra: "lwaiyhjhrkaruidlsjilvqccyedttedeynpqmackqbwvklwuyypztnkengzgtwtjivjgrxurskpcldfohdzuwnefqymyncrksxyfaecwsbswjumzxudgoznyhakxrudomnxtmqtgshecfjgspxzpludz",
	}
	if e.Type != Person || e.Person != want {
		t.Fatalf("event 0:\n got %+v\nwant %+v", e.Person, want)
	}
}
