package difftest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/runnel-db/runnel/engine"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/types"
)

// nopClient drops notices: the test reads results, not chatter.
type nopClient struct{}

func (nopClient) Notice(severity, code, message string) {}
func (nopClient) ParameterStatus(name, value string)    {}

// db is an engine opened in-process with one session on it; reopening it on the same directory is
// the restart the test exercises.
type db struct {
	dir  string
	eng  *engine.Engine
	sess pgwire.Session
	// prepared caches statements by text: the same few hundred queries run thousands of times, and
	// parsing and planning each anew would cost more than running it. The engine re-plans a
	// statement itself when the catalog changed.
	prepared map[string]pgwire.Statement
}

// barrierInterval is longer than a step: DML with the implicit flush injects its own barrier, so
// periodic ones would only add commits that no check looks at.
const barrierInterval = 200 * time.Millisecond

// cacheSize is the engine's cache budget for the current run (replays use the same). Operators get
// a slice of it; a tiny one makes them evict state and reload it from their state tables, a path
// that small tables otherwise never take.
var cacheSize int64 = 32 << 20

func openDB(dir string) (*db, error) {
	eng, err := engine.Open(engine.Config{
		DataDir:         dir,
		BarrierInterval: barrierInterval,
		CacheSize:       cacheSize,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, err
	}
	sess, err := eng.NewSession(context.Background(), pgwire.Startup{User: "root", Database: "dev"}, nopClient{})
	if err != nil {
		eng.Close()
		return nil, err
	}
	return &db{dir: dir, eng: eng, sess: sess, prepared: map[string]pgwire.Statement{}}, nil
}

func (d *db) close() error {
	d.sess.Close()
	return d.eng.Close()
}

// exec runs one statement and returns its rows as text, one string per row, values separated by
// " | " and NULL spelled out, so that rows from a view and from a batch query compare as strings.
func (d *db) exec(query string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, ok := d.prepared[query]
	if !ok {
		var err error
		if st, err = d.sess.Prepare(ctx, query, nil); err != nil {
			return nil, err
		}
		// Only reads repeat; caching DML would keep thousands of one-off statements alive.
		if strings.HasPrefix(query, "SELECT") {
			d.prepared[query] = st
		}
	}
	rows, err := st.Execute(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	var buf []byte
	for {
		r, err := rows.Next(ctx)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return out, nil
		}
		var sb strings.Builder
		for i, v := range r {
			if i > 0 {
				sb.WriteString(" | ")
			}
			sb.WriteString(formatDatum(buf[:0], v))
		}
		out = append(out, sb.String())
	}
}

func formatDatum(buf []byte, v types.Datum) string {
	if v.IsNull() {
		return "NULL"
	}
	return string(types.AppendText(buf, v, time.UTC))
}

func (d *db) mustExec(query string) []string {
	rows, err := d.exec(query)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", query, err))
	}
	return rows
}
