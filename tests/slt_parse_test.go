package tests

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/tests/sltrun"
)

// TestSLTFilesParse checks that every slt file is well formed, without a server: a typo in a test
// file should fail in milliseconds with its line, not after a server start.
func TestSLTFilesParse(t *testing.T) {
	err := filepath.WalkDir("slt", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".slt") {
			return nil
		}
		recs, err := sltrun.ParseFile(path)
		if err != nil {
			t.Errorf("%v", err)
		} else if len(recs) == 0 {
			t.Errorf("%s: no records", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
