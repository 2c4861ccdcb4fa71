package expr

import (
	"fmt"
	"testing"
)

// The compiled-pattern cache must hand back the pattern asked for, also past its size (patterns
// from data start it over), and a case-insensitive pattern is a different pattern.
func TestCompileCached(t *testing.T) {
	for round := 0; round < 2; round++ {
		for i := 0; i < 2*maxCompiled; i++ {
			p := fmt.Sprintf("^x%d$", i)
			re, err := compileCached(p)
			if err != nil {
				t.Fatal(err)
			}
			if re.String() != p || !re.MatchString(fmt.Sprintf("x%d", i)) {
				t.Fatalf("pattern %q: got %q", p, re.String())
			}
		}
	}
	for _, p := range []string{"(?i)abc", "abc"} {
		re, err := compileCached(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := re.MatchString("ABC"), p == "(?i)abc"; got != want {
			t.Errorf("%q matches ABC: %v, want %v", p, got, want)
		}
	}
	if _, err := compileCached("("); err == nil {
		t.Error("an invalid pattern compiled")
	}
}
