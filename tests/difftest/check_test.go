package difftest

import (
	"fmt"
	"slices"
	"strings"
)

// mismatch is a view whose contents differ from its query's batch answer.
type mismatch struct {
	view        viewDef
	got, want   []string
	extra, lack []string
}

func (m *mismatch) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "view %s (%s)\n", m.view.name, m.view.query)
	fmt.Fprintf(&b, "  rows in the view but not in the batch answer: %q\n", m.extra)
	fmt.Fprintf(&b, "  rows in the batch answer but not in the view: %q\n", m.lack)
	fmt.Fprintf(&b, "  view  (%d rows): %q\n", len(m.got), m.got)
	fmt.Fprintf(&b, "  batch (%d rows): %q", len(m.want), m.want)
	return b.String()
}

// checkView compares a view with its batch query as multisets. Both reads run after the DML's
// implicit flush with nothing else writing, so they see the same committed epoch.
func checkView(d *db, v viewDef) (*mismatch, error) {
	want, err := batchAnswer(d, v)
	if err != nil {
		return nil, err
	}
	return checkViewAgainst(d, v, want)
}

func batchAnswer(d *db, v viewDef) ([]string, error) {
	want, err := d.exec(v.query)
	if err != nil {
		return nil, fmt.Errorf("batch query of %s: %w", v.name, err)
	}
	return want, nil
}

// checkViewAgainst compares a view with a batch answer computed earlier, valid as long as none of
// the tables the view reads changed since.
func checkViewAgainst(d *db, v viewDef, want []string) (*mismatch, error) {
	got, err := d.exec("SELECT * FROM " + v.name)
	if err != nil {
		return nil, fmt.Errorf("read view %s: %w", v.name, err)
	}
	extra, lack := multisetDiff(got, want)
	if len(extra) == 0 && len(lack) == 0 {
		return nil, nil
	}
	return &mismatch{view: v, got: sorted(got), want: sorted(want), extra: extra, lack: lack}, nil
}

func sorted(rows []string) []string {
	rows = slices.Clone(rows)
	slices.Sort(rows)
	return rows
}

// multisetDiff returns the rows of a missing from b and those of b missing from a, counting
// duplicates: a view that holds a row twice when the query yields it once is wrong.
func multisetDiff(a, b []string) (extra, lack []string) {
	n := map[string]int{}
	for _, r := range a {
		n[r]++
	}
	for _, r := range b {
		n[r]--
	}
	for r, c := range n {
		for ; c > 0; c-- {
			extra = append(extra, r)
		}
		for ; c < 0; c++ {
			lack = append(lack, r)
		}
	}
	slices.Sort(extra)
	slices.Sort(lack)
	return extra, lack
}
