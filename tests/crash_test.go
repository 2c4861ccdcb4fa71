package tests

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runnel-db/runnel/tests/sltrun"
)

// crashViews are kept by the server while it is killed; after every restart each must equal its
// query run as a batch SELECT over the recovered tables. Top-N orders by a unique key so that the
// batch answer is one set.
var crashViews = []struct{ name, query string }{
	{"c_agg", "SELECT g, count(*) AS c, sum(v) AS s, min(v) AS mn, max(v) AS mx FROM ev GROUP BY g"},
	{"c_global", "SELECT count(*) AS c, sum(v) AS s, count(DISTINCT g) AS dg FROM ev"},
	{"c_join", "SELECT ev.id, ev.v, dim.name FROM ev JOIN dim ON ev.g = dim.g"},
	{"c_left_agg", "SELECT dim.g, dim.name, count(ev.id) AS c, sum(ev.v) AS s FROM dim LEFT JOIN ev ON ev.g = dim.g GROUP BY dim.g, dim.name"},
	{"c_topn", "SELECT id, v FROM ev ORDER BY v DESC, id LIMIT 5"},
}

const crashRounds = 5

// TestCrashRecovery SIGKILLs the server at random moments while clients write, restarts it and
// checks that (1) every view equals its batch query, so recovery neither lost nor double-counted a
// change relative to the committed tables, (2) every INSERT acknowledged before the kill is
// there, and (3) every acknowledged DELETE stayed deleted.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server several times")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	ctx := context.Background()
	// A short barrier interval puts several epochs in each round, so kills land at every phase of
	// a checkpoint: between barriers, during a commit, while DML waits for its flush.
	srv, err := sltrun.StartProcess(ctx, runnelBinary(t), t.TempDir(), "--barrier-interval", "20ms")
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		srv.Kill()
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(srv.Logs(), 8<<10))
		}
	})

	conn := crashConnect(t, srv.Addr())
	for _, q := range []string{
		"CREATE TABLE ev (id int PRIMARY KEY, g int, v int)",
		"CREATE TABLE dim (g int PRIMARY KEY, name varchar)",
		"INSERT INTO dim VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three')",
	} {
		crashExec(t, conn, q)
	}
	for _, v := range crashViews {
		crashExec(t, conn, fmt.Sprintf("CREATE MATERIALIZED VIEW %s AS %s", v.name, v.query))
	}
	conn.Close(ctx)

	ledger := &crashLedger{deleted: map[int]bool{}}
	nextID := 0
	for round := 0; round < crashRounds; round++ {
		// Two writers with disjoint id ranges, so their statements interleave within epochs.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 2; w++ {
			wg.Add(1)
			first := nextID + w*1_000_000
			go func(w int) {
				defer wg.Done()
				crashWriter(srv.Addr(), first, rand.New(rand.NewPCG(seed, uint64(round*2+w+2))), ledger, stop)
			}(w)
		}
		nextID += 10_000
		time.Sleep(time.Duration(150+r.IntN(500)) * time.Millisecond)
		if err := srv.Restart(ctx, true); err != nil {
			t.Fatalf("round %d: restart after kill: %v", round, err)
		}
		close(stop)
		wg.Wait()
		crashVerify(t, srv.Addr(), round, ledger)
	}
	if ledger.inserts() < 50 {
		t.Errorf("only %d acknowledged inserts across %d rounds: the writers barely ran", ledger.inserts(), crashRounds)
	}
	t.Logf("%d acknowledged inserts, %d acknowledged deletes, %d kills, %d inserts cut off by a kill", ledger.inserts(), len(ledger.deleted), crashRounds, len(ledger.cutOff))
}

// crashLedger records what the server acknowledged. With the implicit flush on, an acknowledged
// statement's epoch is committed, so it must survive any later kill.
type crashLedger struct {
	mu      sync.Mutex
	acked   []int        // ids whose INSERT returned OK and that were not deleted afterwards
	deleted map[int]bool // ids whose DELETE returned OK
	// cutOff holds the ids of each INSERT interrupted by a kill: each must be all there or all
	// missing, since a statement commits in one epoch.
	cutOff [][]int
}

func (l *crashLedger) inserts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked) + len(l.deleted)
}

// crashWriter inserts rows with fresh ids, updates values and deletes some of its own rows until
// the server dies under it or stop closes. Only statements that returned OK enter the ledger; the
// statement cut off by the kill may or may not have committed, and either is right.
func crashWriter(addr string, id int, r *rand.Rand, l *crashLedger, stop <-chan struct{}) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://root@"+addr+"/dev?sslmode=disable")
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	var mine []int
	for {
		select {
		case <-stop:
			return
		default:
		}
		var err error
		switch n := r.IntN(10); {
		case n < 6 || len(mine) < 3:
			rows := 1 + r.IntN(4)
			vals := make([]string, rows)
			ids := make([]int, rows)
			for i := range vals {
				ids[i] = id
				vals[i] = fmt.Sprintf("(%d, %d, %d)", id, r.IntN(5), r.IntN(100))
				id++
			}
			if _, err = conn.Exec(ctx, "INSERT INTO ev VALUES "+strings.Join(vals, ", ")); err == nil {
				l.mu.Lock()
				l.acked = append(l.acked, ids...)
				l.mu.Unlock()
				mine = append(mine, ids...)
			} else {
				l.mu.Lock()
				l.cutOff = append(l.cutOff, ids)
				l.mu.Unlock()
			}
		case n < 9:
			// Moves rows between groups and changes the top-N order.
			victim := mine[r.IntN(len(mine))]
			_, err = conn.Exec(ctx, fmt.Sprintf("UPDATE ev SET g = %d, v = v + %d WHERE id = %d", r.IntN(5), r.IntN(50), victim))
		default:
			i := r.IntN(len(mine))
			victim := mine[i]
			mine = slices.Delete(mine, i, i+1)
			// Out of the ledger first: a DELETE cut off by the kill may have committed or not.
			l.mu.Lock()
			l.acked = slices.DeleteFunc(l.acked, func(x int) bool { return x == victim })
			l.mu.Unlock()
			if _, err = conn.Exec(ctx, fmt.Sprintf("DELETE FROM ev WHERE id = %d", victim)); err == nil {
				l.mu.Lock()
				l.deleted[victim] = true
				l.mu.Unlock()
			}
		}
		if err != nil {
			// The server was killed: this connection is gone.
			return
		}
	}
}

func crashVerify(t *testing.T, addr string, round int, l *crashLedger) {
	t.Helper()
	conn := crashConnect(t, addr)
	defer conn.Close(context.Background())
	for _, v := range crashViews {
		got := crashQuery(t, conn, "SELECT * FROM "+v.name)
		want := crashQuery(t, conn, v.query)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: after kill -9 view %s differs from its query\n  view:  %q\n  batch: %q", round, v.name, got, want)
		}
	}
	present := map[int]bool{}
	for _, row := range crashQuery(t, conn, "SELECT id FROM ev") {
		var id int
		fmt.Sscan(row, &id)
		present[id] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var lost, revived []int
	for _, id := range l.acked {
		if !present[id] {
			lost = append(lost, id)
		}
	}
	for id := range l.deleted {
		if present[id] {
			revived = append(revived, id)
		}
	}
	for _, ids := range l.cutOff {
		n := 0
		for _, id := range ids {
			if present[id] {
				n++
			}
		}
		if n != 0 && n != len(ids) {
			t.Errorf("round %d: an INSERT of ids %v cut off by the kill is partly committed (%d of %d rows)", round, ids, n, len(ids))
		}
	}
	if len(lost) > 0 || len(revived) > 0 {
		t.Fatalf("round %d: after kill -9, acknowledged inserts lost: %v; acknowledged deletes undone: %v", round, lost, revived)
	}
}

func crashConnect(t *testing.T, addr string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://root@"+addr+"/dev?sslmode=disable")
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return conn
}

func crashExec(t *testing.T, conn *pgx.Conn, q string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// crashQuery returns the rows in the server's text format, sorted, so that a view and its batch
// query compare as multisets.
func crashQuery(t *testing.T, conn *pgx.Conn, q string) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), q, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := rows.RawValues()
		cells := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = string(v)
			}
		}
		out = append(out, strings.Join(cells, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	slices.Sort(out)
	return out
}
