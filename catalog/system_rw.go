package catalog

import (
	"sync/atomic"

	"github.com/runnel-db/runnel/types"
)

// RwCatalog is RisingWave's schema of Runnel-specific system relations.
const RwCatalog = "rw_catalog"

var sourceErrorsFunc atomic.Pointer[func() []types.Row]

// SetSourceErrorsFunc installs where rw_source_errors gets its rows: the engine keeps the latest
// records its sources skipped (source, partition, offset, error, payload prefix, time).
func SetSourceErrorsFunc(f func() []types.Row) { sourceErrorsFunc.Store(&f) }

func init() {
	register(15001, RwCatalog, "rw_source_errors", true,
		`source:varchar partition:int4 offset:int8 error:varchar payload:varchar time:timestamptz`,
		func(t *sysRel, c *Catalog) []types.Row {
			if f := sourceErrorsFunc.Load(); f != nil && *f != nil {
				return (*f)()
			}
			return nil
		})
}
