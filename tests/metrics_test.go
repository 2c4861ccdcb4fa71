package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/runnel-db/runnel/connector/kafka"
	"github.com/runnel-db/runnel/tests/sltrun"
)

// scrape is one parsed /metrics answer.
type scrape map[string]*dto.MetricFamily

func scrapeMetrics(t *testing.T, addr string) scrape {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value sums the samples of a counter or gauge whose labels include want (a histogram gives its
// count). ok is false when no sample matches.
func (s scrape) value(name string, want map[string]string) (v float64, ok bool) {
	f := s[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.Metric {
		if !labelsMatch(m, want) {
			continue
		}
		ok = true
		switch {
		case m.Counter != nil:
			v += m.Counter.GetValue()
		case m.Gauge != nil:
			v += m.Gauge.GetValue()
		case m.Histogram != nil:
			v += float64(m.Histogram.GetSampleCount())
		case m.Untyped != nil:
			v += m.Untyped.GetValue()
		}
	}
	return v, ok
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	for k, v := range want {
		found := false
		for _, l := range m.Label {
			if l.GetName() == k && l.GetValue() == v {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// names returns every series name the scrape exports, with the _bucket/_count/_sum series of
// histograms and summaries, as PromQL sees them.
func (s scrape) names() map[string]bool {
	out := map[string]bool{}
	for name, f := range s {
		out[name] = true
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM:
			out[name+"_bucket"], out[name+"_count"], out[name+"_sum"] = true, true, true
		case dto.MetricType_SUMMARY:
			out[name+"_count"], out[name+"_sum"] = true, true
		}
	}
	return out
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMetrics runs a server under load (a table, views, inserts, failing statements, a Kafka
// source with bad records) and checks that the metrics exist and move, that /health and /ready
// answer, and that the Grafana dashboard only queries metrics the server exports.
func TestMetrics(t *testing.T) {
	broker, err := kafka.StartBroker("127.0.0.1:0", 2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	srv, err := sltrun.StartProcess(context.Background(), runnelBinary(t), t.TempDir(), "--barrier-interval", "100ms")
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(srv.Logs(), 8<<10))
		}
	})
	maddr := srv.MetricsAddr()

	if code, body := httpGet(t, "http://"+maddr+"/health"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/health = %d %q, want 200 ok", code, body)
	}
	// StartProcess returns once the server printed that it listens, which comes after ready.
	if code, body := httpGet(t, "http://"+maddr+"/ready"); code != 200 {
		t.Errorf("/ready = %d %q, want 200", code, body)
	}

	before := scrapeMetrics(t, maddr)
	ctx := context.Background()
	conn := connect(t, srv, pgx.QueryExecModeCacheStatement)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`CREATE TABLE m_orders (id int PRIMARY KEY, kind varchar, qty int)`)
	exec(`CREATE MATERIALIZED VIEW m_per_kind AS SELECT kind, count(*) AS n, sum(qty) AS total FROM m_orders GROUP BY kind`)
	const rows = 2000
	for i := 0; i < rows; i += 100 {
		batch := &pgx.Batch{}
		for j := i; j < i+100; j++ {
			batch.Queue(`INSERT INTO m_orders VALUES ($1, $2, $3)`, j, fmt.Sprintf("k%d", j%7), j%10)
		}
		if err := conn.SendBatch(ctx, batch).Close(); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE m_orders SET qty = qty + 1 WHERE id < 50`)
	exec(`DELETE FROM m_orders WHERE id >= 1990`)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT sum(n) FROM m_per_kind`).Scan(&n); err != nil || n != rows-10 {
		t.Fatalf("view sum(n) = %d, %v; want %d", n, err, rows-10)
	}
	for _, bad := range []string{`SELECT * FROM m_missing`, `SELEC 1`, `SELECT 1/0`} {
		if _, err := conn.Exec(ctx, bad); err == nil {
			t.Fatalf("%s: no error", bad)
		}
	}

	// A Kafka source over two partitions, with some records that do not decode.
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker.Addr()), kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	const good, bad = 300, 7
	for i := 0; i < good+bad; i++ {
		v := fmt.Appendf(nil, `{"id": %d, "amount": %d}`, i, i%13)
		if i < bad {
			v = []byte(`{"id": "not a number"`)
		}
		cl.Produce(ctx, &kgo.Record{Topic: "m_events", Value: v}, nil)
	}
	if err := cl.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	exec(fmt.Sprintf(`CREATE SOURCE m_src (id bigint, amount int) WITH (connector = 'kafka', topic = 'm_events',
		properties.bootstrap.server = '%s', scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`, broker.Addr()))
	exec(`CREATE MATERIALIZED VIEW m_src_total AS SELECT count(*) AS n, sum(amount) AS total FROM m_src`)
	exec(fmt.Sprintf(`CREATE SINK m_sink AS SELECT id, amount FROM m_src WHERE amount > 5 WITH (connector = 'kafka',
		topic = 'm_out', properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`, broker.Addr()))
	wantSink := 0
	for i := bad; i < good+bad; i++ {
		if i%13 > 5 {
			wantSink++
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var got int64
		if err := conn.QueryRow(ctx, `SELECT n FROM m_src_total`).Scan(&got); err != nil && err != pgx.ErrNoRows {
			t.Fatal(err)
		}
		if got == good {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("m_src_total.n = %d after 30s, want %d", got, good)
		}
		time.Sleep(50 * time.Millisecond)
	}
	exec(`FLUSH`)

	// State sizes are sampled every 5 s, and only count flushed sstables: wait for the series.
	var after scrape
	for deadline := time.Now().Add(15 * time.Second); ; {
		after = scrapeMetrics(t, maddr)
		_, sampled := after.value("runnel_view_state_bytes", map[string]string{"view": "m_src_total"})
		if sunk, _ := after.value("runnel_sink_records_total", nil); sampled && sunk == float64(wantSink) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("runnel_view_state_bytes{view=\"m_src_total\"} did not appear, or the sink did not write %d records", wantSink)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// grew checks that a metric increased by at least min between the scrapes.
	grew := func(name string, labels map[string]string, min float64) float64 {
		t.Helper()
		a, _ := before.value(name, labels)
		b, ok := after.value(name, labels)
		if !ok {
			t.Errorf("%s%v: missing", name, labels)
			return 0
		}
		if b-a < min {
			t.Errorf("%s%v: %v -> %v, want an increase of at least %v", name, labels, a, b, min)
		}
		t.Logf("%s%v: %v -> %v", name, labels, a, b)
		return b - a
	}
	present := func(name string, labels map[string]string) float64 {
		t.Helper()
		v, ok := after.value(name, labels)
		if !ok {
			t.Errorf("%s%v: missing", name, labels)
		}
		t.Logf("%s%v = %v", name, labels, v)
		return v
	}
	// The view and the sink read the source with a reader each: every record is read twice.
	const readers = 2
	src := map[string]string{"source": "m_src"}
	if d := grew("runnel_source_records_total", src, 0); d != readers*(good+bad) {
		t.Errorf("records grew by %v, want %d", d, readers*(good+bad))
	}
	grew("runnel_source_records_total", map[string]string{"source": "m_src", "partition": "1"}, 1)
	grew("runnel_source_bytes_total", src, readers*10*(good+bad))
	// A bad record is counted once, however many readers meet it.
	if d := grew("runnel_source_decode_errors_total", src, 0); d != bad {
		t.Errorf("decode errors grew by %v, want %d", d, bad)
	}
	if lag := present("runnel_source_lag_records", src); lag != 0 {
		t.Errorf("lag of a caught-up source = %v, want 0", lag)
	}
	mv := map[string]string{"view": "m_per_kind"}
	grew("runnel_view_rows_in_total", mv, rows)
	grew("runnel_view_rows_out_total", mv, 7)
	grew("runnel_view_rows_in_total", map[string]string{"view": "m_orders"}, rows)
	grew("runnel_view_rows_in_total", map[string]string{"view": "m_src_total"}, good)
	for _, v := range []string{"m_per_kind", "m_orders", "m_src_total"} {
		if f := present("runnel_view_freshness_seconds", map[string]string{"view": v}); f < 0 || f > 60 {
			t.Errorf("freshness of %s = %vs, want within a minute", v, f)
		}
	}
	present("runnel_view_state_bytes", mv)
	grew("runnel_sink_records_total", map[string]string{"sink": "m_sink"}, float64(wantSink))
	grew("runnel_view_rows_out_total", map[string]string{"view": "m_sink"}, float64(wantSink))
	grew("runnel_barrier_latency_seconds", nil, 5)
	grew("runnel_committed_epoch", nil, 5)
	grew("runnel_epoch_commit_bytes", nil, 5)
	present("runnel_barriers_in_flight", nil)
	grew("runnel_pgwire_connections_total", nil, 1)
	if c := present("runnel_pgwire_connections", nil); c < 1 {
		t.Errorf("runnel_pgwire_connections = %v with a client connected", c)
	}
	grew("runnel_query_duration_seconds", map[string]string{"kind": "insert"}, rows)
	grew("runnel_query_duration_seconds", map[string]string{"kind": "select"}, 3)
	grew("runnel_query_duration_seconds", map[string]string{"kind": "ddl"}, 4)
	grew("runnel_query_duration_seconds", map[string]string{"kind": "update"}, 1)
	grew("runnel_query_duration_seconds", map[string]string{"kind": "delete"}, 1)
	grew("runnel_query_errors_total", map[string]string{"class": "42"}, 2)
	grew("runnel_query_errors_total", map[string]string{"class": "22"}, 1)
	if d := present("runnel_storage_disk_bytes", nil); d <= 0 {
		t.Errorf("runnel_storage_disk_bytes = %v", d)
	}
	for _, name := range []string{"runnel_storage_memtable_bytes", "runnel_storage_block_cache_hits_total",
		"runnel_storage_block_cache_misses_total", "runnel_storage_compactions_total"} {
		present(name, nil)
	}

	t.Run("dashboard", func(t *testing.T) {
		checkDashboard(t, after)
	})
	t.Run("prometheus", func(t *testing.T) {
		runPrometheus(t, maddr)
	})

	// A dropped view's series end (at the next state sample).
	exec(`DROP MATERIALIZED VIEW m_src_total`)
	for deadline := time.Now().Add(15 * time.Second); ; {
		s := scrapeMetrics(t, maddr)
		_, in := s.value("runnel_view_rows_in_total", map[string]string{"view": "m_src_total"})
		_, fresh := s.value("runnel_view_freshness_seconds", map[string]string{"view": "m_src_total"})
		if !in && !fresh {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("series of the dropped view m_src_total remain (rows_in %v, freshness %v)", in, fresh)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// dashboardMetric finds metric names in PromQL; Runnel's all start with runnel_.
var dashboardMetric = regexp.MustCompile(`\brunnel_[a-zA-Z0-9_]+`)

// dashboardExprs returns every PromQL expression of the Grafana dashboard (panels, nested rows,
// template variables).
func dashboardExprs(t *testing.T) []string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "deploy", "grafana", "runnel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("deploy/grafana/runnel.json: %v", err)
	}
	var exprs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "expr" || k == "query" || k == "definition") {
					exprs = append(exprs, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return exprs
}

// checkDashboard: every metric the dashboard queries is one the server exports, so each panel
// shows live numbers rather than "No data" after a rename.
func checkDashboard(t *testing.T, s scrape) {
	exported := s.names()
	exprs := dashboardExprs(t)
	if len(exprs) < 15 {
		t.Fatalf("dashboard has %d expressions; expected a panel per metric group", len(exprs))
	}
	used := map[string]bool{}
	for _, e := range exprs {
		for _, name := range dashboardMetric.FindAllString(e, -1) {
			used[name] = true
			if !exported[name] {
				t.Errorf("dashboard queries %s, which the server does not export (in %s)", name, e)
			}
		}
	}
	var names []string
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	t.Logf("dashboard: %d expressions over %d metrics: %s", len(exprs), len(names), strings.Join(names, " "))
}

// runPrometheus scrapes the server with a real Prometheus, when one is installed, and evaluates
// the dashboard's expressions against it: each must parse and return data.
func runPrometheus(t *testing.T, metricsAddr string) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus is not installed")
	}
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: runnel\n    static_configs:\n      - targets: [%q]\n", metricsAddr)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", tail(logs.String(), 4<<10))
		}
	})
	query := func(q string) (int, error) {
		resp, err := http.Get("http://" + addr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var r struct {
			Status string `json:"status"`
			Error  string `json:"error"`
			Data   struct {
				Result []json.RawMessage `json:"result"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			return 0, err
		}
		if r.Status != "success" {
			return 0, fmt.Errorf("%s", r.Error)
		}
		return len(r.Data.Result), nil
	}
	// Wait until a few scrapes are in, so that rate() has two points.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if n, err := query(`count_over_time(up{job="runnel"}[1m])`); err == nil && n > 0 {
			if v, _ := query(`up{job="runnel"} == 1 and count_over_time(up{job="runnel"}[1m]) >= 4`); v > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus did not scrape the server within 30s")
		}
		time.Sleep(250 * time.Millisecond)
	}
	r := strings.NewReplacer(`$__rate_interval`, `1m`, `$instance`, `.*`)
	withData, total := 0, 0
	defer func() { t.Logf("prometheus: %d of %d dashboard expressions return data", withData, total) }()
	for _, e := range dashboardExprs(t) {
		if strings.HasPrefix(e, "label_values(") {
			continue // a Grafana function, not PromQL
		}
		q := r.Replace(e)
		total++
		n, err := query(q)
		if err != nil {
			t.Errorf("prometheus rejects %s: %v", q, err)
			continue
		}
		if n == 0 {
			t.Logf("no data (no such events in this test): %s", q)
		} else {
			withData++
		}
	}
}
