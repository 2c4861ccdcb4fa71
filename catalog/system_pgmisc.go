package catalog

import (
	"github.com/runnel-db/runnel/types"
)

// The pg_catalog relations with fixed contents: one database, one superuser, the access methods,
// collations and languages catalog queries join, and the empty catalogs of features Runnel does not
// have (inheritance, policies, triggers, publications...), which must still exist because psql's \d
// and the drivers' metadata queries join them.

// rootRole is the values of the one role, root, in pg_authid's column names.
func rootRole() []any {
	return []any{"oid", RootRoleOID, "rolname", "root", "rolsuper", true, "rolinherit", true,
		"rolcreaterole", true, "rolcreatedb", true, "rolcanlogin", true, "rolreplication", true,
		"rolbypassrls", true, "rolconnlimit", -1}
}

func init() {
	register(pgDatabaseOID, PgCatalog, "pg_database", false, `oid:oid datname:name datdba:oid encoding:int4
		datcollate:name datctype:name datistemplate:bool datallowconn:bool datconnlimit:int4
		datlastsysoid:oid datfrozenxid:xid datminmxid:xid dattablespace:oid datacl:aclitem[]`,
		func(t *sysRel, c *Catalog) []types.Row {
			// Encoding 6 is UTF8; collation "C" as RisingWave reports.
			return []types.Row{t.row("oid", DatabaseOID, "datname", Database, "datdba", RootRoleOID, "encoding", 6,
				"datcollate", "C", "datctype", "C", "datallowconn", true, "datconnlimit", -1,
				"datlastsysoid", FirstUserID-1, "dattablespace", DefaultTablespace)}
		})

	register(1260, PgCatalog, "pg_authid", false, `oid:oid rolname:name rolsuper:bool rolinherit:bool
		rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool rolreplication:bool rolbypassrls:bool
		rolconnlimit:int4 rolpassword:text rolvaliduntil:timestamptz`,
		func(t *sysRel, c *Catalog) []types.Row { return []types.Row{t.row(rootRole()...)} })
	register(12000, PgCatalog, "pg_roles", true, `rolname:name rolsuper:bool rolinherit:bool
		rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool rolreplication:bool rolconnlimit:int4
		rolpassword:text rolvaliduntil:timestamptz rolbypassrls:bool rolconfig:text[] oid:oid`,
		func(t *sysRel, c *Catalog) []types.Row {
			return []types.Row{t.row(append(rootRole(), "rolpassword", "********")...)}
		})
	register(12014, PgCatalog, "pg_user", true, `usename:name usesysid:oid usecreatedb:bool usesuper:bool
		userepl:bool usebypassrls:bool passwd:text valuntil:timestamptz useconfig:text[]`,
		func(t *sysRel, c *Catalog) []types.Row {
			return []types.Row{t.row("usename", "root", "usesysid", RootRoleOID, "usecreatedb", true,
				"usesuper", true, "userepl", true, "usebypassrls", true, "passwd", "********")}
		})

	register(2601, PgCatalog, "pg_am", false, `oid:oid amname:name amhandler:regproc amtype:char`,
		func(t *sysRel, c *Catalog) []types.Row {
			return []types.Row{
				t.row("oid", HeapAMOID, "amname", "heap", "amtype", "t"),
				t.row("oid", BtreeAMOID, "amname", "btree", "amtype", "i"),
			}
		})
	register(1213, PgCatalog, "pg_tablespace", false, `oid:oid spcname:name spcowner:oid spcacl:aclitem[] spcoptions:text[]`,
		func(t *sysRel, c *Catalog) []types.Row {
			return []types.Row{
				t.row("oid", DefaultTablespace, "spcname", "pg_default", "spcowner", RootRoleOID),
				t.row("oid", 1664, "spcname", "pg_global", "spcowner", RootRoleOID),
			}
		})
	register(3456, PgCatalog, "pg_collation", false, `oid:oid collname:name collnamespace:oid collowner:oid
		collprovider:char collisdeterministic:bool collencoding:int4 collcollate:name collctype:name
		collversion:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			row := func(oid int, name, provider, locale string) types.Row {
				return t.row("oid", oid, "collname", name, "collnamespace", PgCatalogOID, "collowner", RootRoleOID,
					"collprovider", provider, "collisdeterministic", true, "collencoding", -1,
					"collcollate", locale, "collctype", locale)
			}
			return []types.Row{row(DefaultCollation, "default", "d", ""), row(CCollation, "C", "c", "C"), row(951, "POSIX", "c", "POSIX")}
		})
	register(2612, PgCatalog, "pg_language", false, `oid:oid lanname:name lanowner:oid lanispl:bool
		lanpltrusted:bool lanplcallfoid:oid laninline:oid lanvalidator:oid lanacl:aclitem[]`,
		func(t *sysRel, c *Catalog) []types.Row {
			return []types.Row{
				t.row("oid", 12, "lanname", "internal", "lanowner", RootRoleOID),
				t.row("oid", 14, "lanname", "sql", "lanowner", RootRoleOID, "lanpltrusted", true),
			}
		})

	// Catalogs that are empty in Runnel.
	for _, e := range []struct {
		oid  uint32
		name string
		spec string
	}{
		{2600, "pg_aggregate", `aggfnoid:oid aggkind:char aggnumdirectargs:int2 aggtransfn:oid aggfinalfn:oid aggcombinefn:oid
			aggserialfn:oid aggdeserialfn:oid aggmtransfn:oid aggminvtransfn:oid aggmfinalfn:oid
			aggfinalextra:bool aggmfinalextra:bool aggfinalmodify:char aggmfinalmodify:char aggsortop:oid
			aggtranstype:oid aggtransspace:int4 aggmtranstype:oid aggmtransspace:int4 agginitval:text
			aggminitval:text`},
		{1261, "pg_auth_members", `roleid:oid member:oid grantor:oid admin_option:bool`},
		{2605, "pg_cast", `oid:oid castsource:oid casttarget:oid castfunc:oid castcontext:char castmethod:char`},
		{2607, "pg_conversion", `oid:oid conname:name connamespace:oid conowner:oid conforencoding:int4 contoencoding:int4
			conproc:oid condefault:bool`},
		{826, "pg_default_acl", `oid:oid defaclrole:oid defaclnamespace:oid defaclobjtype:char defaclacl:text[]`},
		{2608, "pg_depend", `classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid refobjsubid:int4 deptype:char`},
		{3501, "pg_enum", `oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name`},
		{3466, "pg_event_trigger", `oid:oid evtname:name evtevent:name evtowner:oid evtfoid:oid evtenabled:char evttags:text[]`},
		{3079, "pg_extension", `oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool extversion:text
			extconfig:oid[] extcondition:text[]`},
		{2328, "pg_foreign_data_wrapper", `oid:oid fdwname:name fdwowner:oid fdwhandler:oid fdwvalidator:oid fdwacl:text[]
			fdwoptions:text[]`},
		{1417, "pg_foreign_server", `oid:oid srvname:name srvowner:oid srvfdw:oid srvtype:text srvversion:text srvacl:text[]
			srvoptions:text[]`},
		{3118, "pg_foreign_table", `ftrelid:oid ftserver:oid ftoptions:text[]`},
		{2611, "pg_inherits", `inhrelid:oid inhparent:oid inhseqno:int4`},
		{3394, "pg_init_privs", `objoid:oid classoid:oid objsubid:int4 privtype:char initprivs:text[]`},
		{2616, "pg_opclass", `oid:oid opcmethod:oid opcname:name opcnamespace:oid opcowner:oid opcfamily:oid opcintype:oid
			opcdefault:bool opckeytype:oid`},
		{2617, "pg_operator", `oid:oid oprname:name oprnamespace:oid oprowner:oid oprkind:char oprcanmerge:bool oprcanhash:bool
			oprleft:oid oprright:oid oprresult:oid oprcom:oid oprnegate:oid oprcode:oid oprrest:oid
			oprjoin:oid`},
		{3350, "pg_partitioned_table", `partrelid:oid partstrat:char partnatts:int2 partdefid:oid partattrs:int2[] partclass:oid[]
			partcollation:oid[] partexprs:text`},
		{3256, "pg_policy", `oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool polroles:oid[] polqual:text
			polwithcheck:text`},
		{1255, "pg_proc", `oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:float4 prorows:float4
			provariadic:oid prosupport:oid prokind:char prosecdef:bool proleakproof:bool proisstrict:bool
			proretset:bool provolatile:char proparallel:char pronargs:int2 pronargdefaults:int2
			prorettype:oid proargtypes:oid[] proallargtypes:oid[] proargmodes:char[] proargnames:text[]
			proargdefaults:text protrftypes:oid[] prosrc:text probin:text proconfig:text[] proacl:text[]`},
		{6104, "pg_publication", `oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool pubupdate:bool pubdelete:bool
			pubtruncate:bool pubviaroot:bool`},
		{6106, "pg_publication_rel", `oid:oid prpubid:oid prrelid:oid`},
		{3541, "pg_range", `rngtypid:oid rngsubtype:oid rngcollation:oid rngsubopc:oid rngcanonical:oid rngsubdiff:oid`},
		{2618, "pg_rewrite", `oid:oid rulename:name ev_class:oid ev_type:char ev_enabled:char is_instead:bool ev_qual:text
			ev_action:text`},
		{3596, "pg_seclabel", `objoid:oid classoid:oid objsubid:int4 provider:text label:text`},
		{2224, "pg_sequence", `seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8 seqmin:int8 seqcache:int8
			seqcycle:bool`},
		{2396, "pg_shdescription", `objoid:oid classoid:oid description:text`},
		{3592, "pg_shseclabel", `objoid:oid classoid:oid provider:text label:text`},
		{3381, "pg_statistic_ext", `oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid stxstattarget:int4
			stxkeys:int2[] stxkind:char[]`},
		{2620, "pg_trigger", `oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2 tgenabled:char
			tgisinternal:bool tgconstrrelid:oid tgconstrindid:oid tgconstraint:oid tgdeferrable:bool
			tginitdeferred:bool tgnargs:int2 tgattr:int2[] tgargs:bytea tgqual:text tgoldtable:name
			tgnewtable:name`},
	} {
		register(e.oid, PgCatalog, e.name, false, e.spec, nil)
	}
}
