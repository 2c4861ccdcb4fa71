package catalog

import (
	"sync/atomic"

	"github.com/runnel-db/runnel/types"
)

// PostgreSQL's system views over the catalogs: pg_tables, pg_views, pg_matviews, pg_indexes,
// pg_settings, pg_stat_activity.

// Setting is one run-time parameter as pg_settings shows it.
type Setting struct {
	Name, Value, Unit, Category, Description string
	// ReadOnly parameters show context 'internal'; the rest 'user'.
	ReadOnly bool
	// Default is the boot and reset value.
	Default string
}

var settingsFunc atomic.Pointer[func() []Setting]

// SetSettingsFunc installs where pg_settings gets its rows. The catalog knows no settings of its
// own: the engine owns them, and calls this once when it opens. The values are the server's
// defaults, since a catalog read has no session; current_setting() shows a session's own values.
func SetSettingsFunc(f func() []Setting) { settingsFunc.Store(&f) }

func currentSettings() []Setting {
	if f := settingsFunc.Load(); f != nil && *f != nil {
		return (*f)()
	}
	return nil
}

func init() {
	register(12033, PgCatalog, "pg_tables", true, `schemaname:name tablename:name tableowner:name
		tablespace:name hasindexes:bool hasrules:bool hastriggers:bool rowsecurity:bool`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range c.List() {
				if relkind(r) == "r" {
					rows = append(rows, t.row("schemaname", r.Schema, "tablename", r.Name, "tableowner", "root",
						"hasindexes", hasPKIndex(r)))
				}
			}
			return rows
		})
	register(12028, PgCatalog, "pg_views", true, `schemaname:name viewname:name viewowner:name definition:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range c.List() {
				if relkind(r) == "v" {
					def := any(nil)
					if r.Kind != System {
						def = viewQueryText(r.Definition)
					}
					rows = append(rows, t.row("schemaname", r.Schema, "viewname", r.Name, "viewowner", "root", "definition", def))
				}
			}
			return rows
		})
	register(12038, PgCatalog, "pg_matviews", true, `schemaname:name matviewname:name matviewowner:name
		tablespace:name hasindexes:bool ispopulated:bool definition:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if r.Kind == MaterializedView {
					rows = append(rows, t.row("schemaname", r.Schema, "matviewname", r.Name, "matviewowner", "root",
						"ispopulated", true, "definition", viewQueryText(r.Definition)))
				}
			}
			return rows
		})
	register(12043, PgCatalog, "pg_indexes", true, `schemaname:name tablename:name indexname:name
		tablespace:name indexdef:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if def, ok := c.IndexDef(PKIndexOID(r.ID)); ok {
					rows = append(rows, t.row("schemaname", r.Schema, "tablename", r.Name, "indexname", pkIndexName(r),
						"indexdef", def))
				}
			}
			return rows
		})
	register(12104, PgCatalog, "pg_settings", true, `name:text setting:text unit:text category:text
		short_desc:text extra_desc:text context:text vartype:text source:text min_val:text max_val:text
		enumvals:text[] boot_val:text reset_val:text sourcefile:text sourceline:int4 pending_restart:bool`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, s := range currentSettings() {
				ctx := "user"
				if s.ReadOnly {
					ctx = "internal"
				}
				unit := any(nil)
				if s.Unit != "" {
					unit = s.Unit
				}
				rows = append(rows, t.row("name", s.Name, "setting", s.Value, "unit", unit, "category", s.Category,
					"short_desc", s.Description, "context", ctx, "vartype", "string", "source", "default",
					"boot_val", s.Default, "reset_val", s.Default, "sourceline", nil))
			}
			return rows
		})
	// Sessions live in the engine; the catalog cannot list them, and an empty pg_stat_activity is
	// what monitoring queries handle best (they count and filter its rows).
	register(12222, PgCatalog, "pg_stat_activity", true, `datid:oid datname:name pid:int4 leader_pid:int4
		usesysid:oid usename:name application_name:text client_addr:inet client_hostname:text
		client_port:int4 backend_start:timestamptz xact_start:timestamptz query_start:timestamptz
		state_change:timestamptz wait_event_type:text wait_event:text state:text backend_xid:xid
		backend_xmin:xid query:text backend_type:text`, nil)
	register(12048, PgCatalog, "pg_sequences", true, `schemaname:name sequencename:name sequenceowner:name
		data_type:regtype start_value:int8 min_value:int8 max_value:int8 increment_by:int8 cycle:bool
		cache_size:int8 last_value:int8`, nil)
	register(12073, PgCatalog, "pg_locks", true, `locktype:text database:oid relation:oid page:int4
		tuple:int2 virtualxid:text transactionid:xid classid:oid objid:oid objsubid:int2
		virtualtransaction:text pid:int4 mode:text granted:bool fastpath:bool`, nil)
}
