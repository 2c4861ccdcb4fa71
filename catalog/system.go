package catalog

// systemRelations returns the virtual pg_catalog and information_schema relations.
func systemRelations() []*Relation {
	return nil
}
