package catalog

import (
	"strconv"

	"github.com/runnel-db/runnel/types"
)

// information_schema: the SQL standard's catalog views, which Grafana, DBeaver and most JDBC/ODBC
// tools read instead of pg_catalog. The texts follow PostgreSQL's (data_type 'character varying',
// is_nullable 'YES'/'NO'); table_type adds RisingWave's 'MATERIALIZED VIEW' and 'SOURCE', since
// RisingWave users expect their materialized views and sources in these tools' table lists.

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// tableType is information_schema.tables.table_type; "" leaves the relation out (sinks and
// indexes have no rows to read).
func tableType(r *Relation) string {
	switch r.Kind {
	case Table:
		return "BASE TABLE"
	case View:
		return "VIEW"
	case MaterializedView:
		return "MATERIALIZED VIEW"
	case Source:
		return "SOURCE"
	case System:
		if relkind(r) == "v" {
			return "VIEW"
		}
		return "BASE TABLE"
	}
	return ""
}

// typeFacts are information_schema.columns' numeric_precision, numeric_precision_radix,
// numeric_scale and datetime_precision of a type, NULL where PostgreSQL has NULL.
func typeFacts(t types.Type) (prec, radix, scale, dtPrec any) {
	switch t {
	case types.Int16:
		return 16, 2, 0, nil
	case types.Int32:
		return 32, 2, 0, nil
	case types.Int64:
		return 64, 2, 0, nil
	case types.Float32:
		return 24, 2, nil, nil
	case types.Float64:
		return 53, 2, nil, nil
	case types.Numeric:
		return nil, 10, nil, nil
	case types.Date:
		return nil, nil, nil, 0
	case types.Time, types.Timestamp, types.Timestamptz, types.Interval:
		return nil, nil, nil, 6
	}
	return nil, nil, nil, nil
}

func init() {
	register(13425, InfoSchema, "tables", true, `table_catalog:name table_schema:name table_name:name
		table_type:text self_referencing_column_name:name reference_generation:text
		user_defined_type_catalog:name user_defined_type_schema:name user_defined_type_name:name
		is_insertable_into:text is_typed:text commit_action:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range c.List() {
				if tt := tableType(r); tt != "" {
					rows = append(rows, t.row("table_catalog", Database, "table_schema", r.Schema, "table_name", r.Name,
						"table_type", tt, "is_insertable_into", yesNo(r.Kind == Table), "is_typed", "NO"))
				}
			}
			return rows
		})

	register(13295, InfoSchema, "columns", true, `table_catalog:name table_schema:name table_name:name
		column_name:name ordinal_position:int4 column_default:text is_nullable:text data_type:text
		character_maximum_length:int4 character_octet_length:int4 numeric_precision:int4
		numeric_precision_radix:int4 numeric_scale:int4 datetime_precision:int4 interval_type:text
		interval_precision:int4 character_set_catalog:name character_set_schema:name
		character_set_name:name collation_catalog:name collation_schema:name collation_name:name
		domain_catalog:name domain_schema:name domain_name:name udt_catalog:name udt_schema:name
		udt_name:name scope_catalog:name scope_schema:name scope_name:name maximum_cardinality:int4
		dtd_identifier:name is_self_referencing:text is_identity:text identity_generation:text
		identity_start:text identity_increment:text identity_maximum:text identity_minimum:text
		identity_cycle:text is_generated:text generation_expression:text is_updatable:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range c.List() {
				if tableType(r) == "" {
					continue
				}
				for i, col := range r.Columns {
					if col.Hidden {
						continue
					}
					dataType := col.Type.String()
					if col.Type.IsArray() {
						dataType = "ARRAY"
					}
					var def, octets any
					if col.Default != "" {
						def = defaultText(col.Default, col.Type)
					}
					if col.Type == types.Varchar {
						octets = 1073741824 // PostgreSQL's for unbounded text
					}
					prec, radix, scale, dtPrec := typeFacts(col.Type)
					rows = append(rows, t.row("table_catalog", Database, "table_schema", r.Schema, "table_name", r.Name,
						"column_name", col.Name, "ordinal_position", attnum(i), "column_default", def,
						"is_nullable", yesNo(!col.NotNull), "data_type", dataType, "character_octet_length", octets,
						"numeric_precision", prec, "numeric_precision_radix", radix, "numeric_scale", scale,
						"datetime_precision", dtPrec, "udt_catalog", Database, "udt_schema", PgCatalog,
						"udt_name", typeOf(col.Type).name, "dtd_identifier", strconv.Itoa(attnum(i)),
						"is_self_referencing", "NO", "is_identity", "NO", "identity_cycle", "NO",
						"is_generated", "NEVER", "is_updatable", yesNo(r.Kind == Table)))
				}
			}
			return rows
		})

	register(13382, InfoSchema, "schemata", true, `catalog_name:name schema_name:name schema_owner:name
		default_character_set_catalog:name default_character_set_schema:name
		default_character_set_name:name sql_path:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			seen := map[string]bool{}
			var rows []types.Row
			for _, s := range append([]string{InfoSchema, PgCatalog, PublicSchema}, schemasOf(userRelations(c))...) {
				if !seen[s] {
					seen[s] = true
					rows = append(rows, t.row("catalog_name", Database, "schema_name", s, "schema_owner", "root"))
				}
			}
			return rows
		})

	register(13483, InfoSchema, "views", true, `table_catalog:name table_schema:name table_name:name
		view_definition:text check_option:text is_updatable:text is_insertable_into:text
		is_trigger_updatable:text is_trigger_deletable:text is_trigger_insertable_into:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range c.List() {
				if relkind(r) != "v" {
					continue
				}
				def := any(nil)
				if r.Kind == View {
					def = viewQueryText(r.Definition)
				}
				rows = append(rows, t.row("table_catalog", Database, "table_schema", r.Schema, "table_name", r.Name,
					"view_definition", def, "check_option", "NONE", "is_updatable", "NO", "is_insertable_into", "NO",
					"is_trigger_updatable", "NO", "is_trigger_deletable", "NO", "is_trigger_insertable_into", "NO"))
			}
			return rows
		})

	register(13411, InfoSchema, "table_constraints", true, `constraint_catalog:name constraint_schema:name
		constraint_name:name table_catalog:name table_schema:name table_name:name constraint_type:text
		is_deferrable:text initially_deferred:text enforced:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if hasPKIndex(r) {
					rows = append(rows, t.row("constraint_catalog", Database, "constraint_schema", r.Schema,
						"constraint_name", pkIndexName(r), "table_catalog", Database, "table_schema", r.Schema,
						"table_name", r.Name, "constraint_type", "PRIMARY KEY", "is_deferrable", "NO",
						"initially_deferred", "NO", "enforced", "YES"))
				}
			}
			return rows
		})

	register(13329, InfoSchema, "key_column_usage", true, `constraint_catalog:name constraint_schema:name
		constraint_name:name table_catalog:name table_schema:name table_name:name column_name:name
		ordinal_position:int4 position_in_unique_constraint:int4`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if !hasPKIndex(r) {
					continue
				}
				for i, k := range r.PK {
					rows = append(rows, t.row("constraint_catalog", Database, "constraint_schema", r.Schema,
						"constraint_name", pkIndexName(r), "table_catalog", Database, "table_schema", r.Schema,
						"table_name", r.Name, "column_name", r.Columns[k].Name, "ordinal_position", i+1))
				}
			}
			return rows
		})

	register(13300, InfoSchema, "constraint_column_usage", true, `table_catalog:name table_schema:name
		table_name:name column_name:name constraint_catalog:name constraint_schema:name constraint_name:name`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if !hasPKIndex(r) {
					continue
				}
				for _, k := range r.PK {
					rows = append(rows, t.row("table_catalog", Database, "table_schema", r.Schema, "table_name", r.Name,
						"column_name", r.Columns[k].Name, "constraint_catalog", Database, "constraint_schema", r.Schema,
						"constraint_name", pkIndexName(r)))
				}
			}
			return rows
		})

	register(13478, InfoSchema, "view_table_usage", true, `view_catalog:name view_schema:name view_name:name
		table_catalog:name table_schema:name table_name:name`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if r.Kind != View && r.Kind != MaterializedView {
					continue
				}
				for _, id := range r.DependsOn {
					if d, ok := c.ByID(id); ok {
						rows = append(rows, t.row("view_catalog", Database, "view_schema", r.Schema, "view_name", r.Name,
							"table_catalog", Database, "table_schema", d.Schema, "table_name", d.Name))
					}
				}
			}
			return rows
		})

	register(13325, InfoSchema, "enabled_roles", true, `role_name:name`,
		func(t *sysRel, c *Catalog) []types.Row { return []types.Row{t.row("role_name", "root")} })

	// Views of objects Runnel does not have: functions, foreign keys, checks, triggers, sequences,
	// grants.
	for _, e := range []struct {
		oid  uint32
		name string
		spec string
	}{
		{13377, "routines", `specific_catalog:name specific_schema:name specific_name:name routine_catalog:name
			routine_schema:name routine_name:name routine_type:text module_catalog:name module_schema:name
			module_name:name udt_catalog:name udt_schema:name udt_name:name data_type:text
			character_maximum_length:int4 character_octet_length:int4 character_set_catalog:name
			character_set_schema:name character_set_name:name collation_catalog:name collation_schema:name
			collation_name:name numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4
			datetime_precision:int4 interval_type:text interval_precision:int4 type_udt_catalog:name
			type_udt_schema:name type_udt_name:name scope_catalog:name scope_schema:name scope_name:name
			maximum_cardinality:int4 dtd_identifier:name routine_body:text routine_definition:text
			external_name:text external_language:text parameter_style:text is_deterministic:text
			sql_data_access:text is_null_call:text sql_path:text schema_level_routine:text
			max_dynamic_result_sets:int4 is_user_defined_cast:text is_implicitly_invocable:text
			security_type:text to_sql_specific_catalog:name to_sql_specific_schema:name
			to_sql_specific_name:name as_locator:text created:timestamptz last_altered:timestamptz
			new_savepoint_level:text is_udt_dependent:text result_cast_from_data_type:text
			result_cast_as_locator:text result_cast_char_max_length:int4 result_cast_char_octet_length:int4
			result_cast_char_set_catalog:name result_cast_char_set_schema:name
			result_cast_char_set_name:name result_cast_collation_catalog:name
			result_cast_collation_schema:name result_cast_collation_name:name
			result_cast_numeric_precision:int4 result_cast_numeric_precision_radix:int4
			result_cast_numeric_scale:int4 result_cast_datetime_precision:int4
			result_cast_interval_type:text result_cast_interval_precision:int4
			result_cast_type_udt_catalog:name result_cast_type_udt_schema:name
			result_cast_type_udt_name:name result_cast_scope_catalog:name result_cast_scope_schema:name
			result_cast_scope_name:name result_cast_maximum_cardinality:int4 result_cast_dtd_identifier:name`},
		{13334, "parameters", `specific_catalog:name specific_schema:name specific_name:name ordinal_position:int4
			parameter_mode:text is_result:text as_locator:text parameter_name:name data_type:text
			character_maximum_length:int4 character_octet_length:int4 character_set_catalog:name
			character_set_schema:name character_set_name:name collation_catalog:name collation_schema:name
			collation_name:name numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4
			datetime_precision:int4 interval_type:text interval_precision:int4 udt_catalog:name
			udt_schema:name udt_name:name scope_catalog:name scope_schema:name scope_name:name
			maximum_cardinality:int4 dtd_identifier:name parameter_default:text`},
		{13339, "referential_constraints", `constraint_catalog:name constraint_schema:name constraint_name:name
			unique_constraint_catalog:name unique_constraint_schema:name unique_constraint_name:name
			match_option:text update_rule:text delete_rule:text`},
		{13260, "check_constraints", `constraint_catalog:name constraint_schema:name constraint_name:name check_clause:text`},
		{13440, "triggers", `trigger_catalog:name trigger_schema:name trigger_name:name event_manipulation:text
			event_object_catalog:name event_object_schema:name event_object_table:name action_order:int4
			action_condition:text action_statement:text action_orientation:text action_timing:text
			action_reference_old_table:name action_reference_new_table:name action_reference_old_row:name
			action_reference_new_row:name created:timestamptz`},
		{13386, "sequences", `sequence_catalog:name sequence_schema:name sequence_name:name data_type:text
			numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4 start_value:text
			minimum_value:text maximum_value:text increment:text cycle_option:text`},
		{13236, "applicable_roles", `grantee:name role_name:name is_grantable:text`},
		{13416, "table_privileges", `grantor:name grantee:name table_catalog:name table_schema:name table_name:name
			privilege_type:text is_grantable:text with_hierarchy:text`},
		{13421, "role_table_grants", `grantor:name grantee:name table_catalog:name table_schema:name table_name:name
			privilege_type:text is_grantable:text with_hierarchy:text`},
		{13285, "column_privileges", `grantor:name grantee:name table_catalog:name table_schema:name table_name:name column_name:name
			privilege_type:text is_grantable:text`},
	} {
		register(e.oid, InfoSchema, e.name, true, e.spec, nil)
	}
}

func schemasOf(rs []*Relation) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Schema)
	}
	return out
}
