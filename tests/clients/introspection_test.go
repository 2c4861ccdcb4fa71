package clients

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// introspectionQueries are catalog queries of the kind DBeaver, DataGrip and pgJDBC's
// DatabaseMetaData send when they connect and browse a schema. They must run without error; what
// they return is the catalog's business (catalog/system_test.go).
var introspectionQueries = []struct{ name, sql string }{
	{"session info", `SELECT current_schema(), session_user, current_database(), current_user, version()`},
	{"databases", `SELECT db.oid, db.* FROM pg_catalog.pg_database db WHERE datallowconn AND NOT datistemplate ORDER BY db.datname`},
	{"settings", `select * from pg_catalog.pg_settings where name='standard_conforming_strings'`},
	{"settings all", `SELECT name, setting, unit, category, short_desc, context, vartype, source, min_val, max_val, enumvals, boot_val, reset_val FROM pg_catalog.pg_settings ORDER BY name`},
	{"namespaces", `SELECT n.oid, n.*, d.description FROM pg_catalog.pg_namespace n
		LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid = n.oid AND d.objsubid = 0 AND d.classoid = 'pg_namespace'::regclass
		ORDER BY nspname`},
	{"namespaces datagrip", `select N.oid::bigint as id, N.xmin as state_number, nspname as name, D.description,
		pg_catalog.pg_get_userbyid(N.nspowner) as "owner"
		from pg_catalog.pg_namespace N left join pg_catalog.pg_description D on N.oid = D.objoid
		order by case when nspname = pg_catalog.current_schema() then -1::bigint else N.oid::bigint end`},
	{"roles", `SELECT a.oid, a.* FROM pg_catalog.pg_roles a ORDER BY a.rolname`},
	{"roles datagrip", `select R.oid::bigint as role_id, rolname as role_name, rolsuper is_super, rolinherit is_inherit,
		rolcreaterole can_createrole, rolcreatedb can_createdb, rolcanlogin can_login, rolconnlimit conn_limit, rolvaliduntil valid_until
		from pg_catalog.pg_roles R`},
	{"tables in schema", `SELECT c.oid, c.*, d.description FROM pg_catalog.pg_class c
		LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND d.classoid = 'pg_class'::regclass
		WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public') AND c.relkind not in ('i','I','c')`},
	{"columns of table", `SELECT c.relname, a.*, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value, dsc.description
		FROM pg_catalog.pg_attribute a
		INNER JOIN pg_catalog.pg_class c ON (a.attrelid = c.oid)
		LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid = ad.adrelid AND a.attnum = ad.adnum)
		LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid = dsc.objoid AND a.attnum = dsc.objsubid)
		WHERE NOT a.attisdropped AND c.relkind not in ('i','I','c') AND c.oid = 'orders'::regclass AND a.attnum > 0
		ORDER BY a.attnum`},
	{"types", `SELECT t.oid, t.*, c.relkind, format_type(nullif(t.typbasetype, 0), t.typtypmod) as base_type_name, d.description
		FROM pg_catalog.pg_type t
		LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid = t.typelem
		LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
		LEFT OUTER JOIN pg_catalog.pg_description d ON t.oid = d.objoid
		WHERE t.typname IS NOT NULL AND (c.relkind IS NULL OR c.relkind = 'c') AND (et.typcategory IS NULL OR et.typcategory <> 'C')`},
	{"type names", `SELECT t.oid, t.typname, t.typtype, t.typlen, t.typelem, t.typarray, n.nspname
		FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('b', 'p') ORDER BY t.oid`},
	{"procs", `SELECT p.oid, p.proname, p.pronamespace, p.prorettype, pg_catalog.pg_get_function_arguments(p.oid) AS args,
		pg_catalog.pg_get_function_result(p.oid) AS result, d.description
		FROM pg_catalog.pg_proc p LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid = p.oid
		WHERE p.pronamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public')`},
	{"indexes", `SELECT i.*, i.indkey as keys, c.relname, c.relnamespace, c.relam, tc.relname as tabrelname, dsc.description,
		pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred_expr, pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr,
		pg_catalog.pg_relation_size(i.indexrelid) as index_rel_size
		FROM pg_catalog.pg_index i
		INNER JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
		INNER JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
		LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid = dsc.objoid
		WHERE i.indrelid = 'orders'::regclass ORDER BY tabrelname, c.relname`},
	{"constraints", `SELECT c.oid, c.*, t.relname as tabrelname, rt.relnamespace as refnamespace, d.description,
		pg_catalog.pg_get_constraintdef(c.oid) AS def
		FROM pg_catalog.pg_constraint c
		INNER JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
		LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid = c.confrelid
		LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND d.classoid = 'pg_constraint'::regclass
		WHERE c.conrelid = 'orders'::regclass ORDER BY c.oid`},
	{"views", `SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid, true) AS definition FROM pg_catalog.pg_class c
		WHERE c.relkind IN ('v', 'm') AND c.relnamespace = 'public'::regnamespace`},
	{"regex name pattern", `SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c
		LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relname OPERATOR(pg_catalog.~) '^(orders)$' COLLATE pg_catalog.default
		AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3`},
	{"regex schema pattern", `SELECT n.nspname FROM pg_catalog.pg_namespace n
		WHERE n.nspname OPERATOR(pg_catalog.!~) '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1`},
	{"jdbc getTables", `SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,
		CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'
		WHEN true THEN CASE WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind
			WHEN 'r' THEN 'SYSTEM TABLE' WHEN 'v' THEN 'SYSTEM VIEW' WHEN 'i' THEN 'SYSTEM INDEX' ELSE NULL END
			WHEN n.nspname = 'pg_toast' THEN CASE c.relkind WHEN 'r' THEN 'SYSTEM TOAST TABLE' WHEN 'i' THEN 'SYSTEM TOAST INDEX' ELSE NULL END
			ELSE CASE c.relkind WHEN 'r' THEN 'TEMPORARY TABLE' WHEN 'p' THEN 'TEMPORARY TABLE' WHEN 'i' THEN 'TEMPORARY INDEX'
			WHEN 'S' THEN 'TEMPORARY SEQUENCE' WHEN 'v' THEN 'TEMPORARY VIEW' ELSE NULL END END
		WHEN false THEN CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'i' THEN 'INDEX'
			WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'c' THEN 'TYPE' WHEN 'f' THEN 'FOREIGN TABLE'
			WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END
		ELSE NULL END AS TABLE_TYPE, d.description AS REMARKS, '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME,
		'' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION
		FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c
		LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0 and d.classoid = 'pg_class'::regclass)
		WHERE c.relnamespace = n.oid AND c.relname LIKE '%' ORDER BY TABLE_TYPE, TABLE_SCHEM, TABLE_NAME`},
	{"jdbc getColumns", `SELECT * FROM (SELECT n.nspname, c.relname, a.attname, a.atttypid, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,
		a.atttypmod, a.attlen, t.typtypmod, row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum,
		nullif(a.attidentity, '') as attidentity, nullif(a.attgenerated, '') as attgenerated,
		pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc, dsc.description, t.typbasetype, t.typtype
		FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)
		JOIN pg_catalog.pg_attribute a ON (a.attrelid = c.oid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)
		LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid = def.adrelid AND a.attnum = def.adnum)
		LEFT JOIN pg_catalog.pg_description dsc ON (c.oid = dsc.objoid AND a.attnum = dsc.objsubid)
		LEFT JOIN pg_catalog.pg_class dc ON (dc.oid = dsc.classoid AND dc.relname = 'pg_class')
		LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace = dn.oid AND dn.nspname = 'pg_catalog')
		WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped AND c.relname LIKE 'orders') c WHERE true
		ORDER BY nspname, c.relname, attnum`},
	{"jdbc getPrimaryKeys", `SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,
		(information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME, information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM
		FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)
		JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)
		JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid) JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)
		WHERE true AND ct.relname = 'orders' AND i.indisprimary`},
	{"jdbc type info", `SELECT t.typname, t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid)
		WHERE n.nspname != 'pg_toast' AND (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))`},
	{"jdbc array delimiter", `SELECT e.typdelim FROM pg_catalog.pg_type t, pg_catalog.pg_type e WHERE t.oid = 1007 and t.typelem = e.oid`},
	{"extensions", `SELECT e.oid, e.extname, e.extversion, n.nspname FROM pg_catalog.pg_extension e LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace`},
	{"am and tablespaces", `SELECT a.oid, a.amname FROM pg_catalog.pg_am a UNION ALL SELECT t.oid, t.spcname FROM pg_catalog.pg_tablespace t`},
	{"inherits and depend", `SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i UNION ALL SELECT d.objid, d.refobjid FROM pg_catalog.pg_depend d WHERE d.deptype = 'i'`},
	{"stat activity", `SELECT pid, datname, usename, application_name, client_addr, state, query FROM pg_catalog.pg_stat_activity`},
	{"information_schema columns", `SELECT table_schema, table_name, column_name, ordinal_position, column_default, is_nullable, data_type,
		character_maximum_length, numeric_precision, numeric_scale, datetime_precision, udt_name
		FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`},
	{"information_schema views", `SELECT table_name, view_definition FROM information_schema.views WHERE table_schema = 'public'`},
	{"table privileges", `SELECT has_table_privilege('orders', 'SELECT'), has_schema_privilege('public', 'USAGE'), has_database_privilege('dev', 'CONNECT')`},
	{"to_regclass and sizes", `SELECT to_regclass('public.orders'), pg_total_relation_size('orders'::regclass), pg_size_pretty(pg_relation_size('orders'::regclass))`},
	{"encoding", `SELECT pg_encoding_to_char(encoding), datcollate FROM pg_catalog.pg_database WHERE datname = current_database()`},
	{"timezone names", `SELECT name FROM pg_catalog.pg_timezone_names WHERE name = 'UTC'`},
}

var modeName = map[pgx.QueryExecMode]string{pgx.QueryExecModeCacheStatement: "extended", pgx.QueryExecModeSimpleProtocol: "simple"}

// introspectionBugs are the corpus queries that still fail, with the error they get.
var introspectionBugs = map[string]string{}

// TestIntrospection runs the corpus in both protocols: GUI tools use the extended protocol, and
// some of their queries go through the simple one.
func TestIntrospection(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		cfg, err := pgx.ParseConfig(s.url())
		if err != nil {
			t.Fatal(err)
		}
		cfg.DefaultQueryExecMode = mode
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if mode == pgx.QueryExecModeCacheStatement {
			for _, q := range []string{
				`CREATE TABLE orders (id int PRIMARY KEY, item varchar NOT NULL, qty int, ts timestamptz)`,
				`COMMENT ON TABLE orders IS 'orders'`,
				`CREATE MATERIALIZED VIEW order_counts AS SELECT item, count(*) AS n FROM orders GROUP BY item`,
			} {
				if _, err := conn.Exec(ctx, q); err != nil {
					t.Fatalf("setup %s: %v", q, err)
				}
			}
		}
		for _, q := range introspectionQueries {
			t.Run(modeName[mode]+"/"+q.name, func(t *testing.T) {
				if why, ok := introspectionBugs[q.name]; ok {
					t.Skip("BUG(runnel): " + why)
				}
				rows, err := conn.Query(ctx, q.sql)
				if err == nil {
					for rows.Next() {
					}
					rows.Close()
					err = rows.Err()
				}
				if err != nil {
					t.Errorf("%v\n%s", err, q.sql)
				}
			})
		}
	}
}
