package sql

import (
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/pgerr"
)

// mustParseOne parses one statement or fails the test.
func mustParseOne(t *testing.T, text string) Parsed {
	t.Helper()
	p, err := ParseOne(text)
	if err != nil {
		e := pgerr.As(err)
		t.Fatalf("parse %q: %s (%s at %d)", text, err, e.Code, e.Position)
	}
	return p
}

// checkRoundTrip deparses st and parses the result again: both ASTs must be equal, which checks the
// converter and the deparser against each other on every case.
func checkRoundTrip(t *testing.T, text string, st Statement) {
	t.Helper()
	out := Deparse(st)
	p, err := ParseOne(out)
	if err != nil {
		t.Errorf("round trip of %q: deparsed %q does not parse: %v", text, out, err)
		return
	}
	if a, ok := p.Stmt.(*Prepare); ok { // Text is the source text, which deparsing respells
		a.Text = st.(*Prepare).Text
	}
	if !reflect.DeepEqual(p.Stmt, st) {
		t.Errorf("round trip of %q changed the AST:\n deparsed: %s\n again:    %s", text, out, Deparse(p.Stmt))
	}
}
