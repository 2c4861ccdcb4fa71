package storage

import (
	"bytes"
	"fmt"

	"github.com/cockroachdb/pebble"
)

// Iter walks the keys of one table within the bounds it was created with,
// forward or backward. Keys come back without the table prefix.
//
// Key and Value are valid only until the next positioning call (First, Last,
// SeekGE, SeekLT, Next, Prev) and must not be modified; copy to keep them.
// Next and Prev on an invalid (exhausted or unpositioned) iterator return
// false; use First, Last or a Seek to reposition.
//
// An Iter reads a point-in-time view and belongs to one goroutine. It must be
// closed, before its Snapshot or Store is.
type Iter struct {
	it *pebble.Iterator
	// err is an error from creating the iterator; it makes the Iter empty.
	err          error
	lower, upper []byte // bounds with prefix; Pebble requires them stable
	seekBuf      []byte
}

func newIter(it *pebble.Iterator, err error, lower, upper []byte) *Iter {
	if err != nil {
		return &Iter{err: fmt.Errorf("storage: new iterator: %w", err)}
	}
	return &Iter{it: it, lower: lower, upper: upper}
}

// First moves to the smallest key.
func (i *Iter) First() bool { return i.it != nil && i.it.First() }

// Last moves to the largest key.
func (i *Iter) Last() bool { return i.it != nil && i.it.Last() }

// SeekGE moves to the smallest key >= key.
func (i *Iter) SeekGE(key []byte) bool {
	if i.it == nil {
		return false
	}
	k := i.seekKey(key)
	if bytes.Compare(k, i.lower) < 0 {
		return i.it.First()
	}
	return i.it.SeekGE(k)
}

// SeekLT moves to the largest key < key.
func (i *Iter) SeekLT(key []byte) bool {
	if i.it == nil {
		return false
	}
	k := i.seekKey(key)
	if bytes.Compare(k, i.upper) > 0 {
		return i.it.Last()
	}
	return i.it.SeekLT(k)
}

// seekKey prefixes key with the table prefix (taken from the lower bound).
func (i *Iter) seekKey(key []byte) []byte {
	i.seekBuf = append(append(i.seekBuf[:0], i.lower[:prefixLen]...), key...)
	return i.seekBuf
}

// Next moves to the next key.
func (i *Iter) Next() bool { return i.it != nil && i.it.Valid() && i.it.Next() }

// Prev moves to the previous key.
func (i *Iter) Prev() bool { return i.it != nil && i.it.Valid() && i.it.Prev() }

// Valid reports whether the iterator is at a key.
func (i *Iter) Valid() bool { return i.it != nil && i.it.Valid() }

// Key is the current key without its table prefix.
func (i *Iter) Key() []byte { return i.it.Key()[prefixLen:] }

// Value is the current value.
func (i *Iter) Value() []byte { return i.it.Value() }

// Error is the first error the iterator met; an iterator stops (Valid false)
// on error, so check it after a loop ends.
func (i *Iter) Error() error {
	if i.err != nil {
		return i.err
	}
	if i.it == nil {
		return nil
	}
	if err := i.it.Error(); err != nil {
		return fmt.Errorf("storage: iterate: %w", err)
	}
	return nil
}

// Close releases the iterator and returns its first error.
func (i *Iter) Close() error {
	err := i.Error()
	if i.it != nil {
		if cerr := i.it.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("storage: close iterator: %w", cerr)
		}
		i.it = nil
	}
	return err
}
