package storage

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The crash test re-executes the test binary as a child that commits
// numbered epochs as fast as it can (fsync on), kills it with SIGKILL at a
// random moment, and checks that the reopened store holds exactly epochs
// 1..CommittedEpoch. Each epoch N:
//
//   - table 2: keys e/N/0..e/N/(N%37) and sum/N = their count, and deletes
//     epoch N-3's keys (so a partial epoch would show as missing or extra
//     keys, and a partial delete as leftovers);
//   - table 1, through a StateTable: latest = N, total = 1+2+...+N (read
//     back from the store after every restart);
//   - the system table: offset/src/0 = N, as a source would.
const crashEnv = "RUNNEL_STORAGE_CRASH_DIR"

func crashEpochKeys(n uint64) int { return int(n%37) + 1 }

func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("run by TestCrashRecovery")
	}
	s, err := Open(dir, Options{Logger: quiet})
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(2)
	}
	st := NewStateTable(s, 1, 4<<10)
	for n := s.CommittedEpoch() + 1; ; n++ {
		b := s.NewBatch()
		for i := 0; i < crashEpochKeys(n); i++ {
			b.Put(2, []byte(fmt.Sprintf("e/%08d/%04d", n, i)), []byte(fmt.Sprintf("%d:%d", n, i)))
		}
		b.Put(2, []byte(fmt.Sprintf("sum/%08d", n)), []byte(strconv.Itoa(crashEpochKeys(n))))
		if n > 3 {
			p := []byte(fmt.Sprintf("e/%08d/", n-3))
			b.DeleteRange(2, p, PrefixEnd(p))
			b.Delete(2, []byte(fmt.Sprintf("sum/%08d", n-3)))
		}
		total := uint64(0)
		if v, ok, err := st.Get([]byte("total")); err != nil {
			panic(err)
		} else if ok {
			total, _ = strconv.ParseUint(string(v), 10, 64)
		}
		st.Put([]byte("total"), []byte(strconv.FormatUint(total+n, 10)))
		st.Put([]byte("latest"), []byte(strconv.FormatUint(n, 10)))
		st.Flush(b)
		b.Put(SystemTable, SystemKey("offset", "src", "0"), []byte(strconv.FormatUint(n, 10)))
		if err := s.Commit(n, b); err != nil {
			panic(err)
		}
		// Written after Commit returned: the parent may rely on every
		// reported epoch being durable.
		fmt.Printf("committed %d\n", n)
	}
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	var lastReported uint64
	for round := 0; round < 5; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var reported atomic.Uint64
		reported.Store(lastReported)
		first := make(chan struct{})
		readerDone := make(chan struct{})
		go func() {
			defer close(readerDone)
			sc := bufio.NewScanner(out)
			once := false
			for sc.Scan() {
				line := sc.Text()
				n, err := strconv.ParseUint(strings.TrimPrefix(line, "committed "), 10, 64)
				if err != nil {
					t.Errorf("child: %s", line)
					continue
				}
				reported.Store(n)
				if !once {
					once = true
					close(first)
				}
			}
		}()
		select {
		case <-first:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("child committed nothing in 10s")
		}
		// While the child runs, the directory is locked.
		if s, err := Open(dir, Options{Logger: quiet}); err == nil {
			s.Close()
			t.Fatal("opened a store another process holds")
		} else if !errors.Is(err, ErrLocked) {
			t.Fatalf("second Open: %v, want ErrLocked", err)
		}
		time.Sleep(time.Duration(rng.Intn(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-readerDone
		_ = cmd.Wait()
		lastReported = reported.Load()

		s, err := Open(dir, Options{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		e := s.CommittedEpoch()
		// At most one commit was in flight when the child died.
		if e < lastReported || e > lastReported+1 {
			t.Fatalf("round %d: CommittedEpoch = %d, child reported %d", round, e, lastReported)
		}
		verifyCrashStore(t, s, e)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after epoch %d, recovered epoch %d", round, lastReported, e)
		lastReported = e
	}
}

func verifyCrashStore(t *testing.T, s *Store, e uint64) {
	t.Helper()
	want := map[string]string{
		"latest": strconv.FormatUint(e, 10),
		"total":  strconv.FormatUint(e*(e+1)/2, 10),
	}
	got := map[string]string{}
	it := s.NewIter(1, nil, nil)
	for ok := it.First(); ok; ok = it.Next() {
		got[string(it.Key())] = string(it.Value())
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("epoch %d: state table = %v, want %v", e, got, want)
	}
	if v, _ := mustGet(t, s.Get, SystemTable, string(SystemKey("offset", "src", "0"))); v != strconv.FormatUint(e, 10) {
		t.Fatalf("epoch %d: offset = %q", e, v)
	}

	want, got = map[string]string{}, map[string]string{}
	for n := max(e, 3) - 2; n <= e; n++ {
		for i := 0; i < crashEpochKeys(n); i++ {
			want[fmt.Sprintf("e/%08d/%04d", n, i)] = fmt.Sprintf("%d:%d", n, i)
		}
		want[fmt.Sprintf("sum/%08d", n)] = strconv.Itoa(crashEpochKeys(n))
	}
	it = s.NewIter(2, nil, nil)
	for ok := it.First(); ok; ok = it.Next() {
		got[string(it.Key())] = string(it.Value())
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("epoch %d: table 2 has %d keys, want %d", e, len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("epoch %d: %s = %q, want %q", e, k, got[k], v)
		}
	}
}
