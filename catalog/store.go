package catalog

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/storage"
)

// Keys in the system table. Relations are stored as JSON: the catalog is small and read once at start.
var (
	relPrefix = []byte("catalog/rel/")
	relEnd    = []byte("catalog/rel0") // '0' follows '/'
	nextIDKey = []byte("catalog/next_id")
)

// Catalog is the set of named objects. Relations are immutable once published: a change publishes a
// new *Relation, so readers may keep the pointers they looked up without locking.
type Catalog struct {
	mu     sync.RWMutex
	byID   map[uint32]*Relation
	byName map[string]*Relation // schema + "." + name
	nextID uint32
}

// New returns an empty catalog holding only the system relations.
func New() *Catalog {
	c := &Catalog{byID: map[uint32]*Relation{}, byName: map[string]*Relation{}, nextID: FirstUserID}
	for _, r := range systemRelations() {
		c.byID[r.ID] = r
		c.byName[r.Schema+"."+r.Name] = r
	}
	return c
}

// Load reads the persisted catalog from the store.
func Load(s *storage.Store) (*Catalog, error) {
	c := New()
	if v, ok, err := s.Get(storage.SystemTable, nextIDKey); err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	} else if ok && len(v) == 4 {
		c.nextID = binary.BigEndian.Uint32(v)
	}
	it := s.NewIter(storage.SystemTable, relPrefix, relEnd)
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		r := &Relation{}
		if err := json.Unmarshal(it.Value(), r); err != nil {
			return nil, fmt.Errorf("load catalog: decode %q: %w", it.Key(), err)
		}
		c.byID[r.ID] = r
		c.byName[r.Schema+"."+r.Name] = r
	}
	return c, nil
}

func relKey(id uint32) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(nil), relPrefix...), id)
}

// AllocID returns a fresh object id and records the new counter in b. Ids of DDL that fails are
// simply never used.
func (c *Catalog) AllocID(b *storage.Batch) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.nextID
	c.nextID++
	b.Put(storage.SystemTable, nextIDKey, binary.BigEndian.AppendUint32(nil, c.nextID))
	return id
}

// Persist writes r into b; it takes effect when b's epoch commits.
func (c *Catalog) Persist(b *storage.Batch, r *Relation) error {
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode relation %s: %w", r.Name, err)
	}
	b.Put(storage.SystemTable, relKey(r.ID), v)
	return nil
}

// Unpersist deletes relation id from the persisted catalog in b.
func (c *Catalog) Unpersist(b *storage.Batch, id uint32) {
	b.Delete(storage.SystemTable, relKey(id))
}

// Publish makes r visible to name lookups, replacing a relation with the same ID. It fails with 42P07
// when another relation already has r's name.
func (c *Catalog) Publish(r *Relation) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := r.Schema + "." + r.Name
	if old, ok := c.byName[key]; ok && old.ID != r.ID {
		return pgerr.New(pgerr.DuplicateTable, "relation %q already exists", r.Name)
	}
	if old, ok := c.byID[r.ID]; ok {
		delete(c.byName, old.Schema+"."+old.Name)
	}
	c.byID[r.ID] = r
	c.byName[key] = r
	return nil
}

// Unpublish removes relation id from lookups.
func (c *Catalog) Unpublish(id uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.byID[id]; ok {
		delete(c.byID, id)
		delete(c.byName, r.Schema+"."+r.Name)
	}
}

// Lookup finds a relation by name. An unqualified name is looked up in pg_catalog first and then in
// public, as PostgreSQL's default search_path does.
func (c *Catalog) Lookup(schema, name string) (*Relation, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if schema != "" {
		r, ok := c.byName[schema+"."+name]
		return r, ok
	}
	if r, ok := c.byName[PgCatalog+"."+name]; ok {
		return r, true
	}
	if r, ok := c.byName[PublicSchema+"."+name]; ok {
		return r, true
	}
	r, ok := c.byName[RwCatalog+"."+name]
	return r, ok
}

// ByID returns the relation with the given id.
func (c *Catalog) ByID(id uint32) (*Relation, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r, ok := c.byID[id]
	return r, ok
}

// List returns the relations of the given kinds (all kinds when none are given), ordered by schema
// and name.
func (c *Catalog) List(kinds ...Kind) []*Relation {
	c.mu.RLock()
	var out []*Relation
	for _, r := range c.byID {
		if len(kinds) == 0 {
			out = append(out, r)
			continue
		}
		for _, k := range kinds {
			if r.Kind == k {
				out = append(out, r)
				break
			}
		}
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Schema != out[j].Schema {
			return out[i].Schema < out[j].Schema
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Dependents returns the relations that read relation id.
func (c *Catalog) Dependents(id uint32) []*Relation {
	var out []*Relation
	for _, r := range c.List() {
		for _, d := range r.DependsOn {
			if d == id {
				out = append(out, r)
				break
			}
		}
	}
	return out
}
