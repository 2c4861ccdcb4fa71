package expr

import (
	"time"

	"github.com/runnel-db/runnel/types"
)

// The text I/O and ordering of values belong to package types; these aliases keep call sites short.

func appendText(buf []byte, d types.Datum, loc *time.Location) []byte {
	return types.AppendText(buf, d, loc)
}

func parseText(t types.Type, s string, loc *time.Location) (types.Datum, error) {
	return types.ParseText(t, s, loc)
}

func compareDatums(a, b types.Datum) int { return fallbackCompare(a, b) }

func typesCompare(a, b types.Datum) int { return types.Compare(a, b) }
