package batch

import "github.com/runnel-db/runnel/types"

// compareKey orders two values of one sort key. NULLs are placed here rather than by types.Compare
// (which puts NULL after every value) because NULLS FIRST/LAST is independent of the direction:
// DESC NULLS LAST must not turn into NULLs first when the comparison is negated.
func compareKey(a, b types.Datum, desc, nullsFirst bool) int {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return 0
	case an:
		if nullsFirst {
			return -1
		}
		return 1
	case bn:
		if nullsFirst {
			return 1
		}
		return -1
	}
	c := types.Compare(a, b)
	if desc {
		return -c
	}
	return c
}
